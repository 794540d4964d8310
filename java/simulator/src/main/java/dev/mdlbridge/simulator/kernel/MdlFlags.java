package dev.mdlbridge.simulator.kernel;

/**
 * The {@code MdlFlags} bits of wdm.h the simulated kernel reads or sets (WINDOWS-MDL-RULES.md section 1.3), under
 * their Windows names so the DDI code reads like the rules.
 */
final class MdlFlags {

    static final int MDL_MAPPED_TO_SYSTEM_VA = 0x0001;
    static final int MDL_PAGES_LOCKED = 0x0002;
    static final int MDL_SOURCE_IS_NONPAGED_POOL = 0x0004;
    static final int MDL_ALLOCATED_FIXED_SIZE = 0x0008;
    static final int MDL_PARTIAL = 0x0010;
    static final int MDL_PARTIAL_HAS_BEEN_MAPPED = 0x0020;
    static final int MDL_IO_PAGE_READ = 0x0040;
    static final int MDL_WRITE_OPERATION = 0x0080;
    static final int MDL_FREE_EXTRA_PTES = 0x0200;
    static final int MDL_IO_SPACE = 0x0800;
    static final int MDL_PAGE_CONTENTS_INVARIANT = 0x4000;

    private MdlFlags() {
    }
}
