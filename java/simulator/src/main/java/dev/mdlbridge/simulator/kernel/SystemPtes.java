package dev.mdlbridge.simulator.kernel;

import java.util.Map;
import java.util.TreeMap;

/**
 * The system PTEs of Windows' memory manager: the budget of kernel page-table entries that
 * {@code MmMapLockedPagesSpecifyCache(KernelMode)} maps an MDL's pages with, and the mappings it made. A mapping
 * takes one PTE per page, plus one unbudgeted guard PTE between mappings, so two mappings are never adjacent and
 * an overrun faults. The budget ({@code systemPtesAvailable}) is the PTE-exhaustion fault injection: a map that
 * does not fit fails (WINDOWS-MDL-RULES.md section 3.6). There are no reservations (MmAllocateMappingAddress is not
 * modelled).
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own. It raises no bug checks; the kernel decides what a failed map or a bad unmap means.
 */
final class SystemPtes {

    /** A kernel-mode mapping of an MDL's pages: where, how many pages, which frames, and whether it is read-only
     *  ({@code MdlMappingNoWrite}). */
    private record Mapping(long base, int pages, long[] frames, boolean noWrite) {

        boolean contains(long va) {
            return Long.compareUnsigned(va, base + ((long) pages << 12)) < 0;
        }
    }

    private final TreeMap<Long, Mapping> mappings = new TreeMap<>();
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
    long map(long[] pfns, int pages, boolean noWrite) {
        if (pages == 0 || free < pages) {
            return 0;
        }
        long[] frames = new long[pages];
        System.arraycopy(pfns, 0, frames, 0, pages);
        free -= pages;
        long base = next;
        next += ((long) pages + 1) << 12;   // one guard PTE between mappings
        mappings.put(base, new Mapping(base, pages, frames, noWrite));
        return base;
    }

    /** Releases the mapping that starts on {@code va}'s page, if there is one, and gives its PTEs back. */
    void unmap(long va) {
        Mapping m = mappings.remove(va & ~0xFFFL);
        if (m != null) {
            free += m.pages;
        }
    }

    private Mapping find(long va) {
        Map.Entry<Long, Mapping> e = mappings.floorEntry(va);
        return e != null && e.getValue().contains(va) ? e.getValue() : null;
    }

    /** The frame a system mapping puts behind {@code va}, or -1 when no mapping covers it. */
    long frame(long va) {
        Mapping m = find(va);
        return m != null ? m.frames[(int) ((va - m.base) >>> 12)] : -1;
    }

    /** Whether {@code va} is in a read-only ({@code MdlMappingNoWrite}) mapping. */
    boolean readOnly(long va) {
        Mapping m = find(va);
        return m != null && m.noWrite;
    }

    int mappingCount() {
        return mappings.size();
    }

    long ptesInUse() {
        long sum = 0;
        for (Mapping m : mappings.values()) {
            sum += m.pages;
        }
        return sum;
    }

    /** Folds every mapping's base and protection, in address order, into the census digest. */
    long digest(long digest) {
        for (Mapping m : mappings.values()) {
            digest = digest * 31 + m.base + (m.noWrite ? 1 : 0);
        }
        return digest;
    }
}
