package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.MdlFlags.MDL_ALLOCATED_FIXED_SIZE;
import static dev.mdlbridge.simulator.kernel.MdlFlags.MDL_PAGES_LOCKED;

/**
 * Where MDLs come from and go back to: {@code IoAllocateMdl}'s size rules (the fixed-size lookaside MDL up to the
 * profile's threshold, a pool MDL above it, NULL past the version's limits; WINDOWS-MDL-RULES.md section 3.1),
 * {@code MmSizeOfMdl} (section 3.3), an MDL in driver storage ({@code ExAllocatePool + MmInitializeMdl}),
 * {@code MmAllocatePagesForMdlEx} / {@code MmFreePagesFromMdl} (section 3.12), and the double-free check every
 * free makes. Every MDL takes its address from the nonpaged pool's range and its allocation is charged against the
 * pool's fault injection, as it is a pool allocation on Windows. What Windows leaves uninitialised (Process,
 * MappedSystemVa, the PFN slots) is filled with {@link Poison}.
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own.
 */
final class MdlAllocator {

    private final Profile profile;
    private final PhysicalMemory ram;
    private final NonPagedPool pool;
    private final Poison poison;
    private final BugCheckLatch bugChecks;
    private final PageAllocator pages;

    MdlAllocator(Profile profile, PhysicalMemory ram, NonPagedPool pool, Poison poison, BugCheckLatch bugChecks) {
        this.profile = profile;
        this.ram = ram;
        this.pages = new PageAllocator(ram);
        this.pool = pool;
        this.poison = poison;
        this.bugChecks = bugChecks;
    }

    /** {@code IoAllocateMdl} without the IRP (the I/O manager chains it): null past the limits or when the pool
     *  fails. */
    KernelMdl ioAllocate(long virtualAddress, int length) {
        long len = Integer.toUnsignedLong(length);
        if (profile.rejectLengthBit31() && (len & 0x8000_0000L) != 0) {
            return null;
        }
        if (len > profile.maxMdlLength()) {
            return null;
        }
        int pages = SimKernel.span(virtualAddress, len);
        KernelMdl m;
        boolean fixed = pages <= profile.fixedSizeMdlPfns();
        if (fixed) {
            m = newMdl(KernelMdl.Storage.LOOKASIDE, KernelMdl.HEADER_BYTES + 8L * profile.fixedSizeMdlPfns(),
                    profile.fixedSizeMdlPfns());
        } else {
            long bytes = KernelMdl.HEADER_BYTES + 8L * pages;
            if (profile.rejectSizeOver0xFFFF() && bytes > 0xFFFF) {
                return null;   // Size is a CSHORT: 48 + 8 * pages must fit (rule 3)
            }
            m = newMdl(KernelMdl.Storage.POOL, bytes, pages);
        }
        if (m == null) {
            return null;
        }
        initialize(m, virtualAddress, length);
        poisonUndefined(m);
        if (fixed) {
            m.flags |= MDL_ALLOCATED_FIXED_SIZE;
        }
        return m;
    }

    /** {@code MmSizeOfMdl}: header plus one slot per page spanned, in 64-bit arithmetic. */
    static long sizeOf(long virtualAddress, long length) {
        return KernelMdl.HEADER_BYTES + 8L * (((virtualAddress & 0xFFF) + length + 0xFFF) >>> 12);
    }

    /** An MDL in storage the driver allocated from pool and initialised with MmInitializeMdl; null when the pool
     *  fails. */
    KernelMdl allocateInDriverStorage(long virtualAddress, int length) {
        int pages = SimKernel.span(virtualAddress, Integer.toUnsignedLong(length));
        KernelMdl m = newMdl(KernelMdl.Storage.DRIVER_STORAGE, KernelMdl.HEADER_BYTES + 8L * pages, pages);
        if (m == null) {
            return null;
        }
        poisonUndefined(m);
        initialize(m, virtualAddress, length);
        return m;
    }

    /** Freeing an MDL a second time is a double free of its pool: 0xC2 (section 3.2). */
    void requireNotFreed(KernelMdl m) {
        if (m.freed) {
            throw bugChecks.stop(BugChecks.BAD_POOL_CALLER, BugChecks.POOL_ALREADY_FREED, 0, m.address, 0);
        }
    }

    /** TotalBytes is clipped to this (4 GiB - PAGE_SIZE; section 14.4). */
    static final long MAX_TOTAL_BYTES = 0xFFFF_F000L;

    /**
     * {@code MmAllocatePagesForMdlEx(Low, High, Skip, TotalBytes, CacheType, Flags)} (section 14.4): frames from the
     * physical range and its shifts ({@link PageAllocator}), up to TotalBytes rounded up to pages; null for a flag
     * the profile lacks, a SkipBytes that is not a page multiple, TotalBytes 0, contiguous chunks the request cannot
     * have, no frame at all, or a shortfall with MM_ALLOCATE_FULLY_REQUIRED (or on a profile without partial
     * allocations). A short allocation ends the array with the -1 sentinel and a smaller ByteCount; past the
     * profile's shrink threshold the MDL is re-created for the pages found (a smaller Size). The MDL comes back
     * locked, with no process and no mapping; it remembers {@code cacheType}, the pages' memory type.
     */
    KernelMdl allocatePages(long lowAddress, long highAddress, long skipBytes, long totalBytes, int cacheType,
                            int flags) {
        PageAllocationProfile rules = PageAllocationProfile.of(profile);
        if ((flags & ~rules.flags()) != 0 || (skipBytes & 0xFFF) != 0 || totalBytes == 0) {
            return null;
        }
        long bytes = Long.compareUnsigned(totalBytes, MAX_TOTAL_BYTES) > 0 ? MAX_TOTAL_BYTES : totalBytes;
        long wanted = (bytes + 4095) >>> 12;
        long skipPages = skipBytes >>> 12;
        if ((flags & PageAllocationProfile.REQUIRE_CONTIGUOUS_CHUNKS) != 0 && skipPages != 0
                && (Long.bitCount(skipPages) != 1 || wanted % skipPages != 0)) {
            return null;   // chunks must be a power of two and divide the request
        }
        KernelMdl m = newMdl(KernelMdl.Storage.PAGES, KernelMdl.HEADER_BYTES + 8L * wanted, (int) wanted);
        if (m == null) {
            return null;
        }
        PageAllocator.Request r = new PageAllocator.Request(lowAddress >>> 12, highAddress >>> 12, skipPages, wanted,
                flags);
        int found = pages.allocate(r, m.pfns);
        if (found == 0) {
            return null;
        }
        for (int i = 0; i < found; i++) {
            ram.markPageAllocation(m.pfns[i]);
            ram.cacheTypes.set(m.pfns[i], cacheType);   // the page owns its type from now on (section 14.1)
        }
        if (found < wanted && !rules.partialAllocation()) {
            pages.giveBack(m.pfns, found);
            return null;
        }
        if (wanted - found > rules.shrinkPages()) {
            KernelMdl smaller = newMdl(KernelMdl.Storage.PAGES, KernelMdl.HEADER_BYTES + 8L * found, found);
            if (smaller != null) {
                System.arraycopy(m.pfns, 0, smaller.pfns, 0, found);
                m.freed = true;   // ExFreePool of the first MDL
                m = smaller;
            }
        }
        if (found < m.pfns.length) {
            m.pfns[found] = Poison.EMPTY;
        }
        initialize(m, 0, found << 12);
        if (m.pfns.length > found) {
            // Size stays the request's (48 + 8 x requested pages) unless the MDL was re-created.
            m.size = (short) (KernelMdl.HEADER_BYTES + 8 * m.pfns.length);
        }
        m.process = 0;
        m.mappedSystemVa = poison.address();
        m.flags |= MDL_PAGES_LOCKED;
        m.allocationCacheType = cacheType;
        return m;
    }

    /** {@code MmAllocatePagesForMdlEx(0, MAXULONG64, 0, size, MmCached, flags)}. */
    KernelMdl allocatePages(long size, int flags) {
        return allocatePages(0, -1L, 0, size, 1, flags);
    }

    /** {@code MmFreePagesFromMdl}: gives every frame up to the sentinel back and clears MDL_PAGES_LOCKED. */
    void freePages(KernelMdl m) {
        int pages = m.pagesSpanned();
        for (int i = 0; i < pages && i < m.pfns.length; i++) {
            if (m.pfns[i] == Poison.EMPTY) {
                break;
            }
            // Only pages MmAllocatePagesForMdlEx allocated can be freed this way (a probed or built MDL's cannot).
            if (!ram.isPageAllocation(m.pfns[i])) {
                throw bugChecks.stop(BugChecks.MEMORY_MANAGEMENT, BugChecks.MM_FREE_PAGE_NOT_MDL_ALLOCATION,
                        m.address, m.address + KernelMdl.HEADER_BYTES + 8L * i, m.pfns[i]);
            }
            // Freeing a page that another MDL still has locked for I/O: PFN_LIST_CORRUPT with the documented
            // subcode 0x9A (page, its lock count). The I/O would go on into a page the system reuses.
            int locks = ram.lockCount(m.pfns[i]);
            if (locks > 0) {
                throw bugChecks.stop(BugChecks.PFN_LIST_CORRUPT, BugChecks.PFN_FREED_WHILE_LOCKED, m.pfns[i], locks,
                        0);
            }
            ram.release(m.pfns[i]);
            m.pfns[i] = Poison.EMPTY;
        }
        m.flags &= ~MDL_PAGES_LOCKED;
    }

    private KernelMdl newMdl(KernelMdl.Storage storage, long bytes, int capacity) {
        if (!pool.allocationAllowed()) {
            return null;
        }
        return new KernelMdl(pool.allocateAddress(bytes), storage, capacity);
    }

    /** MmInitializeMdl: Next, Size, MdlFlags, StartVa, ByteOffset, ByteCount; nothing else is touched. */
    private static void initialize(KernelMdl m, long va, int length) {
        m.next = null;
        m.size = (short) (KernelMdl.HEADER_BYTES + 8 * SimKernel.span(va, Integer.toUnsignedLong(length)));
        m.flags = 0;
        m.startVa = va & ~0xFFFL;
        m.byteOffset = (int) (va & 0xFFF);
        m.byteCount = length;
    }

    /** What Windows leaves in an MDL it did not initialise: stale pool contents. */
    private void poisonUndefined(KernelMdl m) {
        m.process = poison.address();
        m.mappedSystemVa = poison.address();
        for (int i = 0; i < m.pfns.length; i++) {
            m.pfns[i] = poison.pfn();
        }
    }
}
