package dev.mdlbridge.simulator.kernel;

import java.util.Map;

/** Bug-check codes the simulated kernel raises, with Windows' names (mdl-semantics.md section 4). */
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
            Map.entry(INVALID_MDL_RANGE, "INVALID_MDL_RANGE"));

    private BugChecks() {
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, String.format("BUGCHECK_0x%X", code));
    }
}
