package dev.mdlbridge.simulator.kernel;

/**
 * The {@code MmAllocatePagesForMdlEx} / {@code MmFreePagesFromMdl} settings that differ between Windows versions
 * (WINDOWS-MDL-RULES.md section 14.8). Kept beside {@link Profile} rather than in it, keyed by the profile's name,
 * so that the page-allocation rules can change without touching every profile's other settings.
 *
 * @param flags              the flag bits the DDI accepts; any other bit makes it return NULL
 * @param partialAllocation  without MM_ALLOCATE_FULLY_REQUIRED a short allocation returns a smaller ByteCount
 *                           instead of NULL
 * @param shrinkPages        a shortfall above this many pages re-creates the MDL for the pages found (Size shrinks)
 * @param atDispatch         callers at DISPATCH_LEVEL are allowed (Server 2008 on); the simulated driver always
 *                           calls at PASSIVE_LEVEL, so only a kernel test that says so can observe it
 * @param doubleFreeIsNoop   a second MmFreePagesFromMdl finds PFN[0] = -1 and only clears MDL_PAGES_LOCKED
 */
public record PageAllocationProfile(int flags, boolean partialAllocation, int shrinkPages, boolean atDispatch,
                                    boolean doubleFreeIsNoop) {

    /** MM_ALLOCATE_FULLY_REQUIRED (Windows 7 on). */
    public static final int FULLY_REQUIRED = 0x4;
    /** MM_ALLOCATE_PREFER_CONTIGUOUS (Windows 7 on). */
    public static final int PREFER_CONTIGUOUS = 0x10;
    /** MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS (Windows 7 on). */
    public static final int REQUIRE_CONTIGUOUS_CHUNKS = 0x20;
    /** MM_ALLOCATE_FAST_LARGE_PAGES (Windows 8 on): only from the large-page cache. */
    public static final int FAST_LARGE_PAGES = 0x40;

    /** 4 * PAGE_SIZE / sizeof(PFN_NUMBER) on x64 (section 14.4, Size). */
    static final int X64_SHRINK_PAGES = 2048;

    static final PageAllocationProfile WIN10_X64 = new PageAllocationProfile(0x1FF, true, X64_SHRINK_PAGES, true, true);
    static final PageAllocationProfile WIN7_X64 = new PageAllocationProfile(0x3F, true, X64_SHRINK_PAGES, true, true);
    static final PageAllocationProfile NT52_X64 = new PageAllocationProfile(0x3, true, X64_SHRINK_PAGES, false, true);

    /** The settings of a profile of {@link Profiles}; an unknown name gets Windows 10's. */
    public static PageAllocationProfile of(Profile profile) {
        return switch (profile.name()) {
            case "win7-x64" -> WIN7_X64;
            case "nt52-x64" -> NT52_X64;
            default -> WIN10_X64;
        };
    }

    /** Whether the Windows 7 flags (FULLY_REQUIRED, NO_WAIT, PREFER_CONTIGUOUS, REQUIRE_CONTIGUOUS_CHUNKS) exist. */
    public boolean windows7Flags() {
        return (flags & 0x3C) == 0x3C;
    }
}
