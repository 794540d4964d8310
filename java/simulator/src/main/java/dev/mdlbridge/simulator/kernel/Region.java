package dev.mdlbridge.simulator.kernel;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * One VirtualAlloc allocation (or one user-mode view of an MDL) with its per-page state in primitive arrays: a
 * 1 GiB region costs 13 bytes a page, never an object per page.
 */
final class Region {

    static final byte COMMITTED = 1;
    static final byte PAGED_OUT = 2;
    static final byte FAIL_PAGE_IN = 4;

    final long base;
    final int pages;
    /** A view made by MmMapLockedPagesSpecifyCache(UserMode): its frames belong to the MDL, not the process. */
    final boolean view;
    final byte[] state;
    final int[] protect;
    final long[] frame;
    /** Some page was ever given PAGE_NOCACHE or PAGE_WRITECOMBINE: only such regions are scanned for them, so the
     *  uncached-range check of every probe costs nothing per page on ordinary memory. Never cleared (conservative). */
    boolean cacheTyped;
    /** Contents of paged-out pages (page index -> bytes; absent = zero). */
    final Map<Integer, byte[]> pageFile = new HashMap<>();

    Region(long base, int pages, boolean view) {
        this.base = base;
        this.pages = pages;
        this.view = view;
        this.state = new byte[pages];
        this.protect = new int[pages];
        this.frame = new long[pages];
        Arrays.fill(frame, -1);
    }

    long end() {
        return base + ((long) pages << 12);
    }

    boolean contains(long va) {
        return Long.compareUnsigned(va, base) >= 0 && Long.compareUnsigned(va, end()) < 0;
    }

    int index(long va) {
        return (int) ((va - base) >>> 12);
    }

    boolean committed(int i) {
        return (state[i] & COMMITTED) != 0;
    }
}
