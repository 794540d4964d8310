package dev.mdlbridge.protocol;

import java.util.ArrayList;
import java.util.List;

/** The MdlFlags bits (WINDOWS-MDL-RULES.md section 1.3), by name. */
public final class MdlFlags {

    /**
     * {@code MappedSystemVa} holds a kernel mapping: set by a KernelMode map, copied by IoBuildPartialMdl, cleared by
     * the unmap.
     */
    public static final int MAPPED_TO_SYSTEM_VA = 0x0001;
    /**
     * The pages are locked: set by MmProbeAndLockPages and MmAllocatePagesForMdl(Ex), cleared by MmUnlockPages or
     * MmFreePagesFromMdl.
     */
    public static final int PAGES_LOCKED = 0x0002;
    /**
     * The MDL describes nonpaged pool: set by MmBuildMdlForNonPagedPool, copied by IoBuildPartialMdl, never cleared.
     */
    public static final int SOURCE_IS_NONPAGED_POOL = 0x0004;
    /** The MDL came from IoAllocateMdl's fixed-size lookaside; preserved on a partial's target. */
    public static final int ALLOCATED_FIXED_SIZE = 0x0008;
    /** The MDL was filled by IoBuildPartialMdl from a source MDL and shares its pages. */
    public static final int PARTIAL = 0x0010;
    /**
     * A partial MDL that was itself mapped (not just inheriting its source's mapping); cleared by MmUnmapLockedPages.
     */
    public static final int PARTIAL_HAS_BEEN_MAPPED = 0x0020;
    /** Paging I/O of the memory manager reads into these pages; copied by IoBuildPartialMdl. */
    public static final int IO_PAGE_READ = 0x0040;
    /** Locked for IoWriteAccess or IoModifyAccess; cleared only by a later IoReadAccess probe, not by unlock. */
    public static final int WRITE_OPERATION = 0x0080;
    /** Memory-manager internal; the same bit as {@code MDL_PARENT_MAPPED_SYSTEM_VA}. */
    public static final int LOCKED_PAGE_TABLES = 0x0100;
    /** Memory-manager internal: the mapping took extra PTEs, released by MmUnmapLockedPages. */
    public static final int FREE_EXTRA_PTES = 0x0200;
    /** The MDL describes Address Windowing Extensions (AWE) pages. */
    public static final int DESCRIBES_AWE = 0x0400;
    /** A PFN has no PFN-database entry (device memory); set by a probe or build, cleared by MmUnlockPages. */
    public static final int IO_SPACE = 0x0800;
    /** Set by NDIS on MDLs of network headers. */
    public static final int NETWORK_HEADER = 0x1000;
    /** Set by the caller: a kernel mapping returns NULL on failure instead of bug-checking. */
    public static final int MAPPING_CAN_FAIL = 0x2000;
    /**
     * The page contents will not change (Windows 8+; formerly {@code MDL_ALLOCATED_MUST_SUCCEED}); preserved on a
     * partial's target.
     */
    public static final int PAGE_CONTENTS_INVARIANT = 0x4000;
    /** Reserved for Windows' internal use. */
    public static final int INTERNAL = 0x8000;

    private static final String[] NAMES = {
        "MDL_MAPPED_TO_SYSTEM_VA", "MDL_PAGES_LOCKED", "MDL_SOURCE_IS_NONPAGED_POOL", "MDL_ALLOCATED_FIXED_SIZE",
        "MDL_PARTIAL", "MDL_PARTIAL_HAS_BEEN_MAPPED", "MDL_IO_PAGE_READ", "MDL_WRITE_OPERATION",
        "MDL_LOCKED_PAGE_TABLES", "MDL_FREE_EXTRA_PTES", "MDL_DESCRIBES_AWE", "MDL_IO_SPACE",
        "MDL_NETWORK_HEADER", "MDL_MAPPING_CAN_FAIL", "MDL_PAGE_CONTENTS_INVARIANT", "MDL_INTERNAL",
    };

    private MdlFlags() {
    }

    /**
     * The {@code wdm.h} names of the bits set in {@code flags}, lowest bit first.
     *
     * @param flags an MDL's {@code MdlFlags} (only the low 16 bits count)
     * @return names such as {@code MDL_PAGES_LOCKED}; empty when no bit is set
     */
    public static List<String> names(int flags) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 16; bit++) {
            if ((flags & (1 << bit)) != 0) {
                out.add(NAMES[bit]);
            }
        }
        return out;
    }

    /**
     * The flags as a four-digit hex word.
     *
     * @param flags an MDL's {@code MdlFlags} (only the low 16 bits count)
     * @return {@code "0x000A"}
     */
    public static String hex(int flags) {
        return String.format("0x%04X", flags & 0xFFFF);
    }
}
