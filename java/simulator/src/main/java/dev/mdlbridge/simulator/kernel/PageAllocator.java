package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.PageAllocationProfile.FAST_LARGE_PAGES;
import static dev.mdlbridge.simulator.kernel.PageAllocationProfile.FULLY_REQUIRED;
import static dev.mdlbridge.simulator.kernel.PageAllocationProfile.PREFER_CONTIGUOUS;
import static dev.mdlbridge.simulator.kernel.PageAllocationProfile.REQUIRE_CONTIGUOUS_CHUNKS;

/**
 * Which physical frames {@code MmAllocatePagesForMdlEx} hands out (WINDOWS-MDL-RULES.md section 14.4): the range
 * {@code [Low >> 12, High >> 12]} inclusive with its top clipped to RAM, then the same range shifted by
 * {@code k * SkipBytes}; or, with MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, whole aligned runs inside the range.
 * Knows nothing of MDLs: {@link MdlAllocator} builds the MDL around the frames.
 */
final class PageAllocator {

    /** What a request asks for, already validated: frames, not bytes. */
    record Request(long lowFrame, long highFrame, long skipPages, long pages, int flags) {
    }

    private final PhysicalMemory ram;

    PageAllocator(PhysicalMemory ram) {
        this.ram = ram;
    }

    /**
     * Frames into {@code out} (from index 0); returns how many were found. With MM_ALLOCATE_FULLY_REQUIRED, or
     * for the one contiguous block of REQUIRE_CONTIGUOUS_CHUNKS without a skip, a shortfall gives every frame back
     * and returns 0.
     */
    int allocate(Request r, long[] out) {
        if ((r.flags() & FAST_LARGE_PAGES) != 0) {
            return 0;   // the simulated machine has no large-page cache: the documented "fails when empty"
        }
        int found;
        if ((r.flags() & REQUIRE_CONTIGUOUS_CHUNKS) != 0) {
            found = r.skipPages() == 0 ? block(r, out) : chunks(r, out);
        } else if ((r.flags() & PREFER_CONTIGUOUS) != 0 && block(r, out) == r.pages()) {
            found = (int) r.pages();
        } else {
            found = scattered(r, out);
        }
        if (found < r.pages() && (r.flags() & FULLY_REQUIRED) != 0) {
            giveBack(out, found);
            return 0;
        }
        return found;
    }

    /** One contiguous block of every page asked for, inside the first range, or nothing. */
    private int block(Request r, long[] out) {
        long first = ram.allocateRun(r.lowFrame(), r.highFrame(), r.pages(), 1);
        if (first < 0) {
            return 0;
        }
        for (int i = 0; i < r.pages(); i++) {
            out[i] = first + i;
        }
        return (int) r.pages();
    }

    /** Whole chunks of SkipBytes, each SkipBytes-aligned, inside the range; a short result is whole chunks. */
    private int chunks(Request r, long[] out) {
        long chunk = r.skipPages();
        int found = 0;
        while (found + chunk <= r.pages()) {
            long first = ram.allocateRun(r.lowFrame(), r.highFrame(), chunk, chunk);
            if (first < 0) {
                break;
            }
            for (long f = first; f < first + chunk; f++) {
                out[found++] = f;
            }
        }
        return found;
    }

    /** Frames from the range, then from each range SkipBytes higher, until enough or past the top of RAM. */
    private int scattered(Request r, long[] out) {
        int found = 0;
        long low = r.lowFrame();
        long high = r.highFrame();
        while (found < r.pages()) {
            long f = ram.allocateIn(low, high);
            if (f >= 0) {
                out[found++] = f;
                continue;
            }
            if (r.skipPages() == 0 || high >= ram.highestFrame()) {
                break;
            }
            low += r.skipPages();
            high = high > Long.MAX_VALUE - r.skipPages() ? Long.MAX_VALUE : high + r.skipPages();
            if (low > ram.highestFrame()) {
                break;
            }
        }
        return found;
    }

    void giveBack(long[] frames, int count) {
        for (int i = 0; i < count; i++) {
            ram.free(frames[i]);
        }
    }
}
