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

    /** The MmAllocatePagesForMdlEx flags that exist (MM_ALLOCATE_*); any other bit makes the call fail. */
    private static final int ALLOCATE_PAGES_VALID_FLAGS = 0x3F;

    private final Profile profile;
    private final PhysicalMemory ram;
    private final NonPagedPool pool;
    private final Poison poison;
    private final BugCheckLatch bugChecks;

    MdlAllocator(Profile profile, PhysicalMemory ram, NonPagedPool pool, Poison poison, BugCheckLatch bugChecks) {
        this.profile = profile;
        this.ram = ram;
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

    /**
     * {@code MmAllocatePagesForMdlEx}: as many fresh (zeroed) frames as there are, up to {@code size}; null when
     * none, or for a bad size or flags. Fewer than asked for ends the array with the -1 sentinel and a smaller
     * ByteCount. The MDL comes back locked, with no process and no mapping (section 3.12).
     */
    KernelMdl allocatePages(long size, int flags) {
        if (size <= 0 || (flags & ~ALLOCATE_PAGES_VALID_FLAGS) != 0) {
            return null;
        }
        long wanted = (size + 4095) >>> 12;
        if (wanted > Integer.MAX_VALUE / 2) {
            return null;
        }
        KernelMdl m = newMdl(KernelMdl.Storage.PAGES, KernelMdl.HEADER_BYTES + 8L * wanted, (int) wanted);
        if (m == null) {
            return null;
        }
        int found = 0;
        while (found < wanted) {
            long f = ram.allocate();
            if (f < 0) {
                break;
            }
            m.pfns[found++] = f;   // zeroed: a fresh frame has no contents
        }
        if (found == 0) {
            return null;
        }
        if (found < wanted) {
            m.pfns[found] = Poison.EMPTY;
        }
        initialize(m, 0, found << 12);
        m.process = 0;
        m.mappedSystemVa = poison.address();
        m.flags |= MDL_PAGES_LOCKED;
        return m;
    }

    /** {@code MmFreePagesFromMdl}: gives every frame up to the sentinel back and clears MDL_PAGES_LOCKED. */
    void freePages(KernelMdl m) {
        int pages = m.pagesSpanned();
        for (int i = 0; i < pages && i < m.pfns.length; i++) {
            if (m.pfns[i] == Poison.EMPTY) {
                break;
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
