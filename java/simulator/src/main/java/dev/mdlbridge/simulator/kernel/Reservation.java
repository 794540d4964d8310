package dev.mdlbridge.simulator.kernel;

import java.util.Arrays;

/**
 * One MmAllocateMappingAddress reservation (WINDOWS-MDL-RULES.md section 14.3): {@code pages} PTEs from {@code base},
 * empty until MmMapLockedPagesWithReservedMapping fills them from the first one on, and the header PTEs below the base
 * that hold its size (in PTEs, the header included) and its tag with bit 0 cleared.
 *
 * <p>Guarded by the kernel's lock.
 */
final class Reservation {

    final long base;
    final int pages;
    final int headerPtes;
    /** The tag as the header stores it: bit 0 cleared, so every comparison ignores it. */
    final int storedTag;
    /** Frame per PTE, -1 for an empty PTE. */
    private final long[] frames;
    private final int[] cacheTypes;

    Reservation(long base, int pages, int headerPtes, int tag) {
        this.base = base;
        this.pages = pages;
        this.headerPtes = headerPtes;
        this.storedTag = tag & ~1;
        this.frames = new long[pages];
        this.cacheTypes = new int[pages];
        Arrays.fill(frames, -1);
    }

    /** What the header's size field holds: the reservation's PTEs including the header (NT 5.2). */
    long sizeInPtes() {
        return (long) pages + headerPtes;
    }

    boolean tagMatches(int tag) {
        return (tag & ~1) == storedTag;
    }

    boolean contains(long va) {
        return Long.compareUnsigned(va, base) >= 0 && Long.compareUnsigned(va, base + ((long) pages << 12)) < 0;
    }

    /** The index of the first non-empty PTE at or after {@code from}, or -1. */
    int firstUsed(int from) {
        for (int i = from; i < pages; i++) {
            if (frames[i] >= 0) {
                return i;
            }
        }
        return -1;
    }

    boolean inUse() {
        return firstUsed(0) >= 0;
    }

    boolean valid(int index) {
        return frames[index] >= 0;
    }

    void fill(long[] pfns, int count, int[] types) {
        for (int i = 0; i < count; i++) {
            frames[i] = pfns[i];
            cacheTypes[i] = types[i];
        }
    }

    void clear(int count) {
        Arrays.fill(frames, 0, count, -1);
    }

    long frame(long va) {
        return frames[(int) ((va - base) >>> 12)];
    }

    int cacheType(long va) {
        int i = (int) ((va - base) >>> 12);
        return frames[i] >= 0 ? cacheTypes[i] : -1;
    }

    /** The x64 self-map address of the PTE that maps {@code index} (what 0xDA/0x107 names). */
    long pteAddress(int index) {
        return pteAddressOf(base + ((long) index << 12));
    }

    static long pteAddressOf(long va) {
        return 0xFFFF_F680_0000_0000L + (((va & 0xFFFF_FFFF_FFFFL) >>> 12) << 3);
    }
}
