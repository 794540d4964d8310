package dev.mdlbridge.simulator.kernel;

import java.util.Map;
import java.util.TreeMap;

/**
 * The system PTEs of Windows' memory manager: the budget of kernel page-table entries that
 * {@code MmMapLockedPagesSpecifyCache(KernelMode)} maps an MDL's pages with, and the mappings it made. A mapping
 * takes one PTE per page, plus one unbudgeted guard PTE between mappings, so two mappings are never adjacent and
 * an overrun faults. The budget ({@code systemPtesAvailable}) is the PTE-exhaustion fault injection: a map that
 * does not fit fails (WINDOWS-MDL-RULES.md section 3.6). Reservations (MmAllocateMappingAddress, section 14.3) take
 * their pages plus the profile's header PTEs from the same budget; their PTEs start empty and are filled and
 * emptied by the reserved-mapping DDIs ({@link Reservation}).
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own. It raises no bug checks; the kernel decides what a failed map or a bad unmap means.
 */
final class SystemPtes {

    /** A kernel-mode mapping of an MDL's pages: where, how many pages, which frames, and whether it is read-only
     *  ({@code MdlMappingNoWrite}). */
    private record Mapping(long base, int pages, long[] frames, boolean noWrite, int[] cacheTypes) {

        boolean contains(long va) {
            return Long.compareUnsigned(va, base + ((long) pages << 12)) < 0;
        }
    }

    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
    private final TreeMap<Long, Reservation> reservations = new TreeMap<>();
    private long next;
    private long free;

    SystemPtes(long base, long budget) {
        this.next = base;
        this.free = budget;
    }

    /**
     * Maps the first {@code pages} frames of {@code pfns}; returns the mapping's page-aligned base, or 0 when the
     * budget cannot hold it (or there is nothing to map). The frames are copied: the mapping keeps naming them
     * whatever later happens to the MDL's PFN array.
     */
    long map(long[] pfns, int pages, boolean noWrite, int[] cacheTypes) {
        if (pages == 0 || free < pages) {
            return 0;
        }
        long[] frames = new long[pages];
        System.arraycopy(pfns, 0, frames, 0, pages);
        free -= pages;
        long base = next;
        next += ((long) pages + 1) << 12;   // one guard PTE between mappings
        mappings.put(base, new Mapping(base, pages, frames, noWrite, cacheTypes.clone()));
        return base;
    }

    /**
     * MmAllocateMappingAddress: {@code pages + headerPtes} PTEs from the budget; the header PTEs lie just below the
     * returned base (one guard page before them). 0 when the budget cannot hold it.
     */
    long reserve(int pages, int headerPtes, int tag) {
        long ptes = (long) pages + headerPtes;
        if (free < ptes) {
            return 0;
        }
        free -= ptes;
        long base = next + ((long) headerPtes << 12);
        next = base + (((long) pages + 1) << 12);
        reservations.put(base, new Reservation(base, pages, headerPtes, tag));
        return base;
    }

    /** The live reservation whose first page is {@code va}'s page, or null (never one, or freed). */
    Reservation reservationAt(long va) {
        return reservations.get(va & ~0xFFFL);
    }

    /** The live reservation that contains {@code va}, or null. */
    Reservation reservationContaining(long va) {
        Map.Entry<Long, Reservation> e = reservations.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    /** MmFreeMappingAddress: the PTEs go back and the header is cleared (the address is no reservation any more). */
    void release(Reservation r) {
        reservations.remove(r.base);
        free += (long) r.pages + r.headerPtes;
    }

    /** Releases the mapping that starts on {@code va}'s page, if there is one, and gives its PTEs back. */
    boolean unmap(long va) {
        Mapping m = mappings.remove(va & ~0xFFFL);
        if (m != null) {
            free += m.pages;
        }
        return m != null;
    }

    private Mapping find(long va) {
        Map.Entry<Long, Mapping> e = mappings.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    /** The frame a system mapping puts behind {@code va}, or -1 when no mapping covers it. */
    long frame(long va) {
        Mapping m = find(va);
        if (m != null) {
            return m.frames[(int) ((va - m.base) >>> 12)];
        }
        Reservation r = reservationContaining(va);
        return r != null ? r.frame(va) : -1;
    }

    /** The memory type of the mapping behind {@code va} (section 14.1), or -1 when nothing maps it. */
    int cacheType(long va) {
        Mapping m = find(va);
        if (m != null) {
            return m.cacheTypes[(int) ((va - m.base) >>> 12)];
        }
        Reservation r = reservationContaining(va);
        return r != null ? r.cacheType(va) : -1;
    }

    /** Whether {@code va} is in a read-only ({@code MdlMappingNoWrite}) mapping. */
    boolean readOnly(long va) {
        Mapping m = find(va);
        return m != null && m.noWrite;
    }

    /** Kernel-mode mappings and reservations that hold a mapping. */
    int mappingCount() {
        int n = mappings.size();
        for (Reservation r : reservations.values()) {
            n += r.inUse() ? 1 : 0;
        }
        return n;
    }

    /** PTEs taken: every mapping's, and every reservation's with its header. */
    long ptesInUse() {
        long sum = 0;
        for (Mapping m : mappings.values()) {
            sum += m.pages;
        }
        for (Reservation r : reservations.values()) {
            sum += (long) r.pages + r.headerPtes;
        }
        return sum;
    }

    /** Folds every mapping's base and protection, in address order, into the census digest. */
    long digest(long digest) {
        for (Mapping m : mappings.values()) {
            digest = digest * 31 + m.base + (m.noWrite ? 1 : 0);
        }
        for (Reservation r : reservations.values()) {
            digest = digest * 31 + r.base + (r.inUse() ? 1 : 0);
        }
        return digest;
    }
}
