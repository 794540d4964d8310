package dev.mdlbridge.protocol;

import java.util.ArrayList;
import java.util.List;

/** The MdlFlags bits (WINDOWS-MDL-RULES.md section 1.3), by name. */
public final class MdlFlags {

    public static final int MAPPED_TO_SYSTEM_VA = 0x0001;
    public static final int PAGES_LOCKED = 0x0002;
    public static final int SOURCE_IS_NONPAGED_POOL = 0x0004;
    public static final int ALLOCATED_FIXED_SIZE = 0x0008;
    public static final int PARTIAL = 0x0010;
    public static final int PARTIAL_HAS_BEEN_MAPPED = 0x0020;
    public static final int IO_PAGE_READ = 0x0040;
    public static final int WRITE_OPERATION = 0x0080;
    public static final int LOCKED_PAGE_TABLES = 0x0100;
    public static final int FREE_EXTRA_PTES = 0x0200;
    public static final int DESCRIBES_AWE = 0x0400;
    public static final int IO_SPACE = 0x0800;
    public static final int NETWORK_HEADER = 0x1000;
    public static final int MAPPING_CAN_FAIL = 0x2000;
    public static final int PAGE_CONTENTS_INVARIANT = 0x4000;
    public static final int INTERNAL = 0x8000;

    private static final String[] NAMES = {
        "MDL_MAPPED_TO_SYSTEM_VA", "MDL_PAGES_LOCKED", "MDL_SOURCE_IS_NONPAGED_POOL", "MDL_ALLOCATED_FIXED_SIZE",
        "MDL_PARTIAL", "MDL_PARTIAL_HAS_BEEN_MAPPED", "MDL_IO_PAGE_READ", "MDL_WRITE_OPERATION",
        "MDL_LOCKED_PAGE_TABLES", "MDL_FREE_EXTRA_PTES", "MDL_DESCRIBES_AWE", "MDL_IO_SPACE",
        "MDL_NETWORK_HEADER", "MDL_MAPPING_CAN_FAIL", "MDL_PAGE_CONTENTS_INVARIANT", "MDL_INTERNAL",
    };

    private MdlFlags() {
    }

    /** The names of the bits set in {@code flags}, lowest bit first. */
    public static List<String> names(int flags) {
        List<String> out = new ArrayList<>();
        for (int bit = 0; bit < 16; bit++) {
            if ((flags & (1 << bit)) != 0) {
                out.add(NAMES[bit]);
            }
        }
        return out;
    }

    /** "0x000A". */
    public static String hex(int flags) {
        return String.format("0x%04X", flags & 0xFFFF);
    }
}
