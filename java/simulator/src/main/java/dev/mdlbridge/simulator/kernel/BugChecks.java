package dev.mdlbridge.simulator.kernel;

import java.util.Map;

/**
 * Bug-check codes the simulated kernel raises, with Windows' names, and the first parameters (Driver Verifier's
 * 0xC4 subcodes, the 0x4E/0x76/0xC2/0xDA kinds) it raises them with, each with the rule it follows
 * (sections of java/simulator/WINDOWS-MDL-RULES.md; section 4 is the misuse table). Tests assert on these exact
 * values, so a value here never changes without the rule.
 */
final class BugChecks {

    static final int NO_MORE_SYSTEM_PTES = 0x3F;
    static final int TARGET_MDL_TOO_SMALL = 0x40;
    static final int PFN_LIST_CORRUPT = 0x4E;
    static final int PAGE_FAULT_IN_NONPAGED_AREA = 0x50;
    static final int PROCESS_HAS_LOCKED_PAGES = 0x76;
    static final int ATTEMPTED_WRITE_TO_READONLY_MEMORY = 0xBE;
    static final int BAD_POOL_CALLER = 0xC2;
    static final int DRIVER_VERIFIER_DETECTED_VIOLATION = 0xC4;
    static final int DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS = 0xCB;
    static final int SYSTEM_PTE_MISUSE = 0xDA;
    static final int INVALID_MDL_RANGE = 0x12E;
    static final int MEMORY_MANAGEMENT = 0x1A;

    // ---------------------------------------------- 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION: p1 is the subcode

    /** MmUnlockPages of an MDL that is not locked (never locked, or unlocked twice): sections 3.5 and 4. */
    static final int VERIFIER_UNLOCK_NOT_LOCKED = 0x7C;
    /** MmUnlockPages of an MDL built by MmBuildMdlForNonPagedPool: sections 3.5 and 4. */
    static final int VERIFIER_UNLOCK_NONPAGED_POOL_MDL = 0x7D;
    /** MmBuildMdlForNonPagedPool on memory that is not nonpaged (user or unknown kernel pages): sections 3.9, 4. */
    static final int VERIFIER_NONPAGED_MDL_FOR_PAGED_MEMORY = 0x7F;
    /** A mapping (kernel or user) of an MDL without locked pages: sections 3.6, 3.7 and 4. */
    static final int VERIFIER_MAP_WITHOUT_LOCKED_PAGES = 0x85;
    /** MmProbeAndLockPages / MmBuildMdlForNonPagedPool on an MDL already locked, mapped, partial or nonpaged, or a
     *  KernelMode probe of an empty MDL: section 3.4 (preconditions, P15) and section 4. */
    static final int VERIFIER_PROBE_BAD_MDL_FLAGS = 0xB0;
    /** MmMapLockedPagesSpecifyCache(KernelMode) of an MDL already mapped (0x1, 0x4 or 0x20): sections 14.2, 14.7. */
    static final int VERIFIER_MAP_ALREADY_MAPPED = 0xB2;
    /** MmUnlockPages of a partial MDL: sections 3.5 and 4. */
    static final int VERIFIER_UNLOCK_PARTIAL_MDL = 0xB4;
    /** IoFreeMdl of a still-mapped, non-partial MDL (its system PTEs would leak): sections 3.2 and 4. */
    static final int VERIFIER_FREE_MAPPED_MDL = 0xB8;

    // ---------------------------------------------------------------------------- 0x4E PFN_LIST_CORRUPT: p1

    /** A page's lock (reference) count would go below zero: a double unlock on a free build (sections 3.5, 3.13). */
    static final int PFN_LOCK_COUNT_UNDERFLOW = 0x07;
    /** A page is freed while an MDL still has it locked for I/O (sections 3.13 and 4: "0x9A-class"). */
    static final int PFN_FREED_WHILE_LOCKED = 0x9A;

    // ------------------------------------------------------------------ 0x50 PAGE_FAULT_IN_NONPAGED_AREA: p2

    /** The faulting access read (section 3.4 P10; the 0x50 page's p2). */
    static final int PAGE_FAULT_READ = 0;
    /** The faulting access wrote (section 3.4 P10; the 0x50 page's p2). */
    static final int PAGE_FAULT_WRITE = 1;

    // ------------------------------------------------------------------- 0x76 PROCESS_HAS_LOCKED_PAGES: p1

    /** A process exited with NumberOfLockedPages > 0 (p2 process, p3 pages): rule 13 and section 4. */
    static final int LOCKED_PAGES_AT_EXIT = 0;
    /** With TrackLockedPages, MmUnlockPages of an MDL the tracker does not know (p2 MDL, p3 the process's locked
     *  pages): sections 3.5 and 3.13. */
    static final int LOCKED_PAGES_UNLOCK_UNTRACKED = 1;

    // -------------------------------------------------------- 0xCB DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS: p1

    /** p1 is the process's locked-pages tracker (rule 13, section 4); the simulator's trackers sit at this base
     *  plus the process id, so a bug check names the process the way the debugger's !lockedpages would. */
    static final long LOCKED_PAGES_TRACKER_BASE = 0xFFFF_C002_0000_0000L;

    // ----------------------------------------------------------------------------- 0xC2 BAD_POOL_CALLER: p1

    /** ExFreePool of an address that is no live block, or IoFreeMdl/ExFreePool of an MDL freed before: the
     *  0xC2 page's "pool which was already freed" (section 3.2: double free is pool corruption). */
    static final int POOL_ALREADY_FREED = 0x07;

    // ---------------------------------------------------------------------------- 0xDA SYSTEM_PTE_MISUSE: p1

    /** MmUnmapLockedPages of a kernel VA that is not the MDL's current system mapping. The simulator's own p1:
     *  section 3.8 gives 0xDA as inferred [I], and the page's documented p1 values name internal structures. */
    static final int PTE_MISUSE_UNMAP_NOT_SYSTEM_MAPPING = 0x100;
    /** MmUnmapLockedPages of a user VA that is not the start of a view MmMapLockedPagesSpecifyCache(UserMode)
     *  made (section 3.8, as above). */
    static final int PTE_MISUSE_UNMAP_NOT_USER_VIEW = 0x200;

    // ------------------------------------------ 0xDA SYSTEM_PTE_MISUSE, reserved mappings (section 14.3): p1

    /** MmUnmapLockedPages (or MmUnlockPages, IoFreeMdl of a mapped partial) of a reservation's address: with PTE
     *  tracking "never mapped" (section 14.3.2, consequences); the simulator raises it at once (section 13). */
    static final int PTE_MISUSE_NEVER_MAPPED = 0x6;
    /** MmAllocateMappingAddress(0, tag) (section 14.3.1): p2 = 0, p3 = PoolTag. */
    static final int PTE_MISUSE_RESERVE_ZERO = 0x100;
    /** MmFreeMappingAddress: stored tag differs (p2 BaseAddress, p3 PoolTag, p4 stored tag) (section 14.3.4 #1). */
    static final int PTE_MISUSE_FREE_BAD_TAG = 0x101;
    /** MmFreeMappingAddress: not a reservation (freed, or never one) (section 14.3.4 #2). */
    static final int PTE_MISUSE_FREE_NOT_RESERVATION = 0x102;
    /** MmFreeMappingAddress while mapped (p4 = pages) (section 14.3.4 #3). */
    static final int PTE_MISUSE_FREE_MAPPED = 0x103;
    /** MmMapLockedPagesWithReservedMapping: stored tag differs (section 14.3.2 #1). */
    static final int PTE_MISUSE_MAP_BAD_TAG = 0x104;
    /** MmMapLockedPagesWithReservedMapping: not a reservation (section 14.3.2 #2). */
    static final int PTE_MISUSE_MAP_NOT_RESERVATION = 0x105;
    /** MmMapLockedPagesWithReservedMapping into a reservation in use (p3 first used PTE, p4 past the last) (#4). */
    static final int PTE_MISUSE_MAP_IN_USE = 0x107;
    /** MmUnmapReservedMapping: stored tag differs (section 14.3.3 #1). */
    static final int PTE_MISUSE_UNMAP_BAD_TAG = 0x108;
    /** MmUnmapReservedMapping: not a reservation (section 14.3.3 #2). */
    static final int PTE_MISUSE_UNMAP_NOT_RESERVATION = 0x109;
    /** MmUnmapReservedMapping: the MDL spans more pages than the reservation (p3 size with header, p4 pages) (#3). */
    static final int PTE_MISUSE_UNMAP_TOO_LARGE = 0x10A;
    /** MmUnmapReservedMapping: a PTE inside the MDL's span is empty (not mapped, twice, a larger MDL) (#4). */
    static final int PTE_MISUSE_UNMAP_NOT_MAPPED = 0x10B;
    /** MmUnmapReservedMapping: a PTE past the MDL's span is used (a smaller MDL than the one mapped) (#5). */
    static final int PTE_MISUSE_UNMAP_TOO_SMALL = 0x10C;

    // ---------------------------------------------------------------------------- 0x1A MEMORY_MANAGEMENT: p1

    /** MmFreePagesFromMdl met a page that MmAllocatePagesForMdlEx did not allocate (p2 MDL, p3 the PFN slot's
     *  address, p4 the PFN): section 14.4, "Freeing". */
    static final int MM_FREE_PAGE_NOT_MDL_ALLOCATION = 0x1236;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(NO_MORE_SYSTEM_PTES, "NO_MORE_SYSTEM_PTES"),
            Map.entry(TARGET_MDL_TOO_SMALL, "TARGET_MDL_TOO_SMALL"),
            Map.entry(PFN_LIST_CORRUPT, "PFN_LIST_CORRUPT"),
            Map.entry(PAGE_FAULT_IN_NONPAGED_AREA, "PAGE_FAULT_IN_NONPAGED_AREA"),
            Map.entry(PROCESS_HAS_LOCKED_PAGES, "PROCESS_HAS_LOCKED_PAGES"),
            Map.entry(ATTEMPTED_WRITE_TO_READONLY_MEMORY, "ATTEMPTED_WRITE_TO_READONLY_MEMORY"),
            Map.entry(BAD_POOL_CALLER, "BAD_POOL_CALLER"),
            Map.entry(DRIVER_VERIFIER_DETECTED_VIOLATION, "DRIVER_VERIFIER_DETECTED_VIOLATION"),
            Map.entry(DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS, "DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS"),
            Map.entry(SYSTEM_PTE_MISUSE, "SYSTEM_PTE_MISUSE"),
            Map.entry(INVALID_MDL_RANGE, "INVALID_MDL_RANGE"),
            Map.entry(MEMORY_MANAGEMENT, "MEMORY_MANAGEMENT"));

    private BugChecks() {
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, String.format("BUGCHECK_0x%X", code));
    }
}
