package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.MdlFlags.*;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * The simulated Windows kernel's front end: every DDI of {@link Kernel}, with the semantics of WINDOWS-MDL-RULES.md,
 * over a sparse simulated machine. The machine's parts each live in their own class — {@link PhysicalMemory},
 * {@link UserSpace} (one per process, in {@link ProcessTable}), {@link NonPagedPool}, {@link SystemPtes} (read
 * together through {@link KernelSpace}), {@link MdlAllocator}, {@link PfnLocks}, {@link IoManager} — and this class
 * keeps the DDI logic that spans them: probe-and-lock, unlock, the kernel and user mappings, the nonpaged-pool MDL,
 * process exit and the census.
 *
 * <p>One lock serialises the machine, as the PFN lock and the working-set locks would; correctness first. It is this
 * object's monitor: every public method is synchronized, and the parts are called only from here (UserSpace also
 * synchronizes on this kernel), so none of them has a lock of its own.
 */
public final class SimKernel implements Kernel {

    static final int STATUS_SUCCESS = 0;
    static final int STATUS_ACCESS_VIOLATION = 0xC0000005;
    static final int STATUS_IN_PAGE_ERROR = 0xC0000006;
    static final int STATUS_INSUFFICIENT_RESOURCES = 0xC000009A;
    static final int STATUS_WORKING_SET_QUOTA = 0xC00000A1;
    static final int STATUS_CONFLICTING_ADDRESSES = 0xC0000018;
    static final int STATUS_INVALID_ADDRESS = 0xC0000141;

    /** KPROCESSOR_MODE: who the buffer belongs to; UserMode applies the probe's user range gate. */
    static final int KERNEL_MODE = 0;
    static final int USER_MODE = 1;

    /** MM_PAGE_PRIORITY modifier bits (Win8+): MdlMappingNoWrite, and all of them (section 3.6). */
    static final int MAPPING_NO_WRITE = 0x80000000;
    static final int MAPPING_MODIFIERS = 0xE0000000;

    /** Where the kernel ranges start: fixed, like the seed, so addresses are the same on every run. */
    static final long POOL_BASE = 0xFFFF_A08F_1000_0000L;
    static final long SYSTEM_PTE_BASE = 0xFFFF_D100_0000_0000L;
    static final long DEFAULT_SYSTEM_PTES = 1L << 26;

    private final KernelConfig config;
    private final Profile profile;
    private final MappingSettings mapping;
    private final PhysicalMemory ram;
    private final BugCheckLatch bugChecks = new BugCheckLatch();
    private final ProcessTable processes = new ProcessTable();
    private final NonPagedPool pool;
    private final SystemPtes systemPtes;
    private final KernelSpace kernelSpace;
    private final MdlAllocator mdls;
    private final PfnLocks pfnLocks;
    private final IoManager io;

    private SimKernel(KernelConfig config) {
        this.config = config;
        this.profile = config.profile();
        this.mapping = MappingSettings.of(profile);
        this.ram = new PhysicalMemory(config.physicalMemoryBytes(), config.fragmentation(), config.seed());
        Poison poison = new Poison(config.seed());   // one seeded stream, shared by every part that leaves garbage
        this.pool = new NonPagedPool(ram, POOL_BASE, config.poolFailAfter());
        this.systemPtes = new SystemPtes(SYSTEM_PTE_BASE,
                config.systemPtesAvailable() >= 0 ? config.systemPtesAvailable() : DEFAULT_SYSTEM_PTES);
        this.kernelSpace = new KernelSpace(ram, pool, systemPtes, bugChecks);
        this.mdls = new MdlAllocator(profile, ram, pool, poison, bugChecks);
        this.pfnLocks = new PfnLocks(ram, config, poison, bugChecks);
        this.io = new IoManager(this, profile, poison, bugChecks);
    }

    public static SimKernel create(KernelConfig config) {
        return new SimKernel(config);
    }

    public KernelConfig config() {
        return config;
    }

    // ------------------------------------------------------------------------------------------ arithmetic

    /** ADDRESS_AND_SIZE_TO_SPAN_PAGES, in 64-bit arithmetic (no 32-bit wrap on x64). */
    static int span(long va, long length) {
        return (int) (((va & 0xFFF) + length + 0xFFF) >>> 12);
    }

    static boolean isKernelAddress(long va) {
        return va < 0;
    }

    // ----------------------------------------------------------------------------------------- bug checks

    /** Throws the bug check that stopped the machine, if one did (UserSpace calls it too). */
    void checkAlive() {
        bugChecks.checkAlive();
    }

    private SimulatedBugCheckException stop(int code, long p1, long p2, long p3, long p4) {
        return bugChecks.stop(code, p1, p2, p3, p4);
    }

    private SimulatedBugCheckException verifier(int subcode, KernelMdl mdl, long extra) {
        return bugChecks.verifier(subcode, mdl, extra);
    }

    /** A user-mode or kernel-mode access through a user view reached a frame that was freed (see KernelSpace). */
    SimulatedBugCheckException freedFrameTouched(long va, boolean write) {
        return bugChecks.pageFault(va, write);
    }

    /**
     * A read-only count of what the machine holds, for the explorer's invariants: pool blocks and bytes, system
     * PTEs and mappings, frames in use and locked, the sum of PFN lock counts, {@code process}'s locked pages, and a
     * digest over all of it (pool layout, mapping bases and protections, every process's locked pages).
     */
    public synchronized dev.mdlbridge.spi.KernelCensus census(SimProcess process) {
        long digest = processes.digest(systemPtes.digest(pool.digest(17)));
        long[] locks = ram.lockTotals();
        digest = digest * 31 + ram.framesInUse();
        digest = digest * 31 + locks[0];
        return new dev.mdlbridge.spi.KernelCensus(pool.blockCount(), pool.bytes(), systemPtes.ptesInUse(),
                systemPtes.mappingCount(),
                ram.framesInUse(), locks[1], locks[0], ((ProcessImpl) process).lockedPages, digest);
    }

    @Override
    public synchronized BugCheck bugCheck() {
        return bugChecks.current();
    }

    @Override
    public Profile profile() {
        return profile;
    }

    @Override
    public long highestUserAddress() {
        return profile.highestUserAddress();
    }

    @Override
    public long userProbeAddress() {
        return profile.userProbeAddress();
    }

    // ------------------------------------------------------------------------------------------- processes

    @Override
    public synchronized SimProcess createProcess(String imageName) {
        checkAlive();
        return processes.create(imageName, new UserSpace(this, ram));
    }

    @Override
    public synchronized void registerProcessNotify(Consumer<SimProcess> onExit) {
        processes.registerNotify(onExit);
    }

    @Override
    public synchronized void exitProcess(SimProcess process) {
        checkAlive();
        ProcessImpl p = (ProcessImpl) process;
        if (p.exited) {
            return;
        }
        for (Consumer<SimProcess> c : processes.notifyRoutines()) {
            c.accept(p);
            checkAlive();
        }
        p.space.teardown();
        p.exited = true;
        if (p.lockedPages > 0) {
            KernelMdl first = p.tracker.isEmpty() ? null : p.tracker.iterator().next();
            if (config.trackLockedPages() || config.verifier()) {
                throw stop(BugChecks.DRIVER_LEFT_LOCKED_PAGES_IN_PROCESS, BugChecks.LOCKED_PAGES_TRACKER_BASE + p.id,
                        0, first == null ? 0 : first.address, first == null ? p.lockedPages : first.pagesSpanned());
            }
            throw stop(BugChecks.PROCESS_HAS_LOCKED_PAGES, BugChecks.LOCKED_PAGES_AT_EXIT, p.eprocess, p.lockedPages,
                    0);
        }
    }

    @Override
    public synchronized AddressSpace addressSpace(SimProcess process) {
        return ((ProcessImpl) process).space;
    }

    @Override
    public synchronized long numberOfLockedPages(SimProcess process) {
        return ((ProcessImpl) process).lockedPages;
    }

    @Override
    public synchronized long pfnLockCount(long pfn) {
        return ram.inUse(pfn) ? ram.lockCount(pfn) : -1;
    }

    @Override
    public synchronized void pageOut(SimProcess process, long address, long size, boolean failPageIn) {
        checkAlive();
        ((ProcessImpl) process).space.pageOut(address, size, failPageIn);
    }

    // ------------------------------------------------------------------------------------------------ pool

    @Override
    public synchronized long exAllocatePool(long size, int tag) {
        checkAlive();
        return pool.allocate(size, tag);
    }

    @Override
    public synchronized void exFreePool(long address, int tag) {
        checkAlive();
        if (!pool.free(address)) {
            throw stop(BugChecks.BAD_POOL_CALLER, BugChecks.POOL_ALREADY_FREED, 0, address, 0);
        }
    }

    @Override
    public synchronized void readKernel(long address, byte[] target, int offset, int length) {
        checkAlive();
        kernelSpace.copy(address, target, offset, length, false);
    }

    @Override
    public synchronized void writeKernel(long address, byte[] source, int offset, int length) {
        checkAlive();
        kernelSpace.copy(address, source, offset, length, true);
    }

    @Override
    public synchronized void readUser(SimProcess caller, long address, byte[] target, int offset, int length)
            throws NtStatusException {
        checkAlive();
        ((ProcessImpl) caller).space.copy(address, target, offset, length, false);
    }

    @Override
    public synchronized void writeUser(SimProcess caller, long address, byte[] source, int offset, int length)
            throws NtStatusException {
        checkAlive();
        ((ProcessImpl) caller).space.copy(address, source, offset, length, true);
    }

    @Override
    public synchronized int queryProtection(SimProcess process, long address) {
        checkAlive();
        return ((ProcessImpl) process).space.protection(address);
    }

    // ------------------------------------------------------------------------------------------------ MDLs

    @Override
    public synchronized Mdl ioAllocateMdl(long virtualAddress, int length, boolean secondaryBuffer, Irp irp) {
        checkAlive();
        KernelMdl m = mdls.ioAllocate(virtualAddress, length);
        if (m != null && irp != null) {
            io.attach(irp, m, secondaryBuffer);
        }
        return m;
    }

    @Override
    public synchronized long mmSizeOfMdl(long virtualAddress, long length) {
        checkAlive();
        return MdlAllocator.sizeOf(virtualAddress, length);
    }

    @Override
    public synchronized Mdl allocateAndInitializeMdl(long virtualAddress, int length, int tag) {
        checkAlive();
        return mdls.allocateInDriverStorage(virtualAddress, length);
    }

    @Override
    public synchronized void exFreePoolMdl(Mdl mdl) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        mdls.requireNotFreed(m);
        m.freed = true;
    }

    @Override
    public synchronized void ioFreeMdl(Mdl mdl) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        mdls.requireNotFreed(m);
        if (config.verifier() && (m.flags & MDL_MAPPED_TO_SYSTEM_VA) != 0 && (m.flags & MDL_PARTIAL) == 0) {
            throw verifier(BugChecks.VERIFIER_FREE_MAPPED_MDL, m, 0);
        }
        // MmPrepareMdlForReuse: only a mapped partial MDL is unmapped; anything else mapped or locked leaks.
        if ((m.flags & MDL_PARTIAL_HAS_BEEN_MAPPED) != 0) {
            unmapSystem(m);
        }
        m.freed = true;
    }

    @Override
    public synchronized void mmProbeAndLockPages(Mdl mdl, SimProcess caller, int accessMode, int operation)
            throws NtStatusException {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        ProcessImpl proc = (ProcessImpl) caller;
        int bad = m.flags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL
                | MDL_IO_SPACE);
        if (config.verifier() && (bad != 0 || m.byteCount == 0 && accessMode == KERNEL_MODE)) {
            throw verifier(BugChecks.VERIFIER_PROBE_BAD_MDL_FLAGS, m, accessMode);
        }
        long va = m.startVa + m.byteOffset;
        long length = Integer.toUnsignedLong(m.byteCount);
        long end = va + length;
        // The UserMode range gate: kernel addresses, ranges over the top of user space, empty or wrapping ones.
        if (accessMode != KERNEL_MODE && (Long.compareUnsigned(end, profile.userProbeAddress()) > 0
                || Long.compareUnsigned(va, end) >= 0)) {
            if (m.pfns.length > 0) {
                m.pfns[0] = Poison.EMPTY;
            }
            throw new NtStatusException(STATUS_ACCESS_VIOLATION);
        }
        // A free build locks one page of a zero-length KernelMode MDL (WINDOWS-MDL-RULES.md P11: modelled as 1 page).
        int pages = Math.max(1, m.pagesSpanned());
        if (pages > m.pfns.length) {
            throw stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, m.address + KernelMdl.HEADER_BYTES + 8L * m.pfns.length,
                    BugChecks.PAGE_FAULT_WRITE, 0, 0);
        }
        boolean kernel = isKernelAddress(m.startVa);
        boolean write = operation != 0;
        // The probe loop: touch every page (and probe user pages for write), under the probe's own SEH. The
        // frames it faulted in are what the lock loop locks (nothing can move them in between: one kernel lock).
        // They are kept in the PFN array itself, which must read -1 up to the failing page if the probe raises
        // (section 3.4 step 3), so a raise puts the sentinels back before it leaves.
        Region region = null;
        for (int i = 0; i < pages; i++) {
            long page = m.startVa + ((long) i << 12);
            if (kernel) {
                long frame = kernelSpace.frame(page);
                if (frame < 0) {
                    java.util.Arrays.fill(m.pfns, 0, i + 1, Poison.EMPTY);
                    // The probe reads Va first, then page starts: p1 is the address it read (section 3.4 step 3).
                    throw stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, i == 0 ? va : page,
                            BugChecks.PAGE_FAULT_READ, 0, 0);
                }
                m.pfns[i] = frame;
            } else {
                if (region == null || !region.contains(page)) {
                    region = proc.space.find(page);
                }
                try {
                    m.pfns[i] = proc.space.touch(region, page, write, true);
                } catch (NtStatusException e) {
                    java.util.Arrays.fill(m.pfns, 0, i + 1, Poison.EMPTY);
                    m.process = 0;
                    throw e;
                }
            }
        }
        if (write) {
            m.flags |= MDL_WRITE_OPERATION;
        } else {
            m.flags &= ~MDL_WRITE_OPERATION;
        }
        m.flags |= MDL_PAGES_LOCKED;
        for (int i = 0; i < pages; i++) {
            if (!ram.hasPfnEntry(m.pfns[i])) {
                m.flags |= MDL_IO_SPACE;   // one frame without a PFN entry marks the whole MDL (section 14.6)
                break;
            }
        }
        if (kernel) {
            m.process = 0;
        } else {
            m.process = proc.eprocess;
            proc.lockedPages += pages;
            m.charged = proc;
        }
        if (!pfnLocks.lockAll(m.pfns, pages)) {   // a frame at its reference-count limit: all undone
            if (m.charged != null) {
                m.charged.lockedPages -= pages;
                m.charged = null;
            }
            m.flags &= ~MDL_PAGES_LOCKED;
            throw new NtStatusException(STATUS_WORKING_SET_QUOTA);
        }
        if (!kernel) {
            proc.tracker.add(m);
        }
    }

    @Override
    public synchronized void mmUnlockPages(Mdl mdl) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        boolean locked = (m.flags & MDL_PAGES_LOCKED) != 0;
        if (config.verifier()) {
            if ((m.flags & MDL_SOURCE_IS_NONPAGED_POOL) != 0) {
                throw verifier(BugChecks.VERIFIER_UNLOCK_NONPAGED_POOL_MDL, m, 0);
            }
            if ((m.flags & MDL_PARTIAL) != 0) {
                throw verifier(BugChecks.VERIFIER_UNLOCK_PARTIAL_MDL, m, 0);
            }
            if (!locked) {
                throw verifier(BugChecks.VERIFIER_UNLOCK_NOT_LOCKED, m, 0);
            }
        }
        ProcessImpl owner = m.charged;
        // The tracker is reached through Mdl->Process (WRK MmUnlockPages): a kernel-VA MDL (Process = NULL) is
        // never on it, and its double unlock underflows the PFN counts below, as on a free build.
        if (config.trackLockedPages() && m.process != 0 && !processes.isTracked(m)) {
            // p3 is the locked-page count of Mdl->Process, which an unlock leaves in place (section 3.5).
            ProcessImpl named = owner != null ? owner : processes.byEprocess(m.process);
            long count = named != null ? named.lockedPages : 0;
            throw stop(BugChecks.PROCESS_HAS_LOCKED_PAGES, BugChecks.LOCKED_PAGES_UNLOCK_UNTRACKED, m.address, count,
                    0);
        }
        if ((m.flags & MDL_MAPPED_TO_SYSTEM_VA) != 0) {
            unmapSystem(m);
        }
        int pages = Math.max(1, m.pagesSpanned());
        if (locked && owner != null) {
            owner.lockedPages -= pages;
            owner.tracker.remove(m);
            m.charged = null;
        }
        if (m.pfns.length == 0 || m.pfns[0] == Poison.EMPTY) {
            m.flags &= ~(MDL_PAGES_LOCKED | MDL_IO_SPACE);
            return;
        }
        pfnLocks.unlockAll(m.pfns, Math.min(pages, m.pfns.length));
        m.flags &= ~(MDL_PAGES_LOCKED | MDL_IO_SPACE);
    }

    @Override
    public synchronized long mmGetSystemAddressForMdlSafe(Mdl mdl, int priority) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        if ((m.flags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) != 0) {
            return m.mappedSystemVa;
        }
        return mapKernel(m, priority, PageCacheTypes.CACHED);
    }

    @Override
    public synchronized long mmMapLockedPagesSpecifyCache(Mdl mdl, int cacheType, int priority) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        int mapped = m.flags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL_HAS_BEEN_MAPPED);
        if (mapped != 0 && config.verifier()) {
            throw verifier(BugChecks.VERIFIER_MAP_ALREADY_MAPPED, m, mapped);   // section 14.2, 14.7
        }
        // A free build makes a second PTE range and overwrites MappedSystemVa; the first range leaks (14.2).
        return mapKernel(m, priority, cacheType);
    }

    /** The memory type each of the first {@code pages} frames gets in a new mapping (section 14.1). */
    private int[] effectiveCacheTypes(long[] pfns, int pages, int requested) {
        int[] types = new int[pages];
        for (int i = 0; i < pages; i++) {
            types[i] = ram.cacheTypes.effective(pfns[i], requested, ram.hasPfnEntry(pfns[i]),
                    mapping.cacheTypeOverride());
        }
        return types;
    }

    private long mapKernel(KernelMdl m, int priority, int cacheType) {
        if ((priority & MAPPING_MODIFIERS) != 0 && !profile.mappingModifiers()) {
            return 0;   // before Windows 8 the modifier bits make an invalid priority: the mapping fails
        }
        // A nonpaged-pool MDL's PFNs are valid: a free build maps them a second time (section 14.2, already mapped).
        if ((m.flags & (MDL_PAGES_LOCKED | MDL_PARTIAL | MDL_SOURCE_IS_NONPAGED_POOL)) == 0) {
            if (config.verifier()) {
                throw verifier(BugChecks.VERIFIER_MAP_WITHOUT_LOCKED_PAGES, m, KERNEL_MODE);
            }
            // A free build maps whatever the PFN slots hold: the first touch of a garbage frame faults.
            throw stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, m.pfns.length > 0 ? m.pfns[0] << 12 : 0,
                    BugChecks.PAGE_FAULT_READ, 0, 0);
        }
        int pages = m.pagesSpanned();
        if (pages == 0 || pages > m.pfns.length) {
            return 0;
        }
        long base = systemPtes.map(m.pfns, pages, (priority & MAPPING_NO_WRITE) != 0,
                effectiveCacheTypes(m.pfns, pages, cacheType));
        if (base == 0) {
            return 0;
        }
        m.mappedSystemVa = base + m.byteOffset;
        m.flags |= MDL_MAPPED_TO_SYSTEM_VA;
        if ((m.flags & MDL_PARTIAL) != 0) {
            m.flags |= MDL_PARTIAL_HAS_BEEN_MAPPED;
        }
        return m.mappedSystemVa;
    }

    private void unmapSystem(KernelMdl m) {
        if (systemPtes.reservationContaining(m.mappedSystemVa) != null) {
            // MmUnmapLockedPages of a reservation's PTEs would hand them to the general pool while the reservation
            // owns them; PTE tracking reports "never mapped" (section 14.3.2), and the simulator always stops here.
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_NEVER_MAPPED, m.mappedSystemVa, m.address,
                    0);
        }
        systemPtes.unmap(m.mappedSystemVa);
        m.flags &= ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED | MDL_FREE_EXTRA_PTES);
    }

    @Override
    public synchronized long mmMapLockedPagesUser(Mdl mdl, SimProcess caller, int cacheType, long requestedAddress,
                                                  int priority) throws NtStatusException {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        ProcessImpl p = (ProcessImpl) caller;
        if ((m.flags & (MDL_PAGES_LOCKED | MDL_PARTIAL | MDL_SOURCE_IS_NONPAGED_POOL)) == 0) {
            if (config.verifier()) {
                throw verifier(BugChecks.VERIFIER_MAP_WITHOUT_LOCKED_PAGES, m, USER_MODE);
            }
            throw stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, m.pfns.length > 0 ? m.pfns[0] << 12 : 0,
                    BugChecks.PAGE_FAULT_READ, 0, 0);
        }
        int pages = m.pagesSpanned();
        long bytes = (long) pages << 12;
        long highestVad = profile.highestUserAddress() - 0x10000;
        long base;
        if (requestedAddress != 0) {
            if ((requestedAddress & 0xFFF) != 0
                    || Long.compareUnsigned(requestedAddress + bytes - 1, highestVad) > 0) {
                throw new NtStatusException(STATUS_INVALID_ADDRESS);
            }
            if (p.space.overlaps(requestedAddress, requestedAddress + bytes)) {
                throw new NtStatusException(STATUS_CONFLICTING_ADDRESSES);
            }
            base = requestedAddress;
        } else {
            base = p.space.reserveAddress(bytes);
        }
        effectiveCacheTypes(m.pfns, Math.min(pages, m.pfns.length), cacheType);   // an untyped page takes it
        Region view = new Region(base, pages, true);
        int protect = (priority & MAPPING_NO_WRITE) != 0 && profile.mappingModifiers()
                ? dev.mdlbridge.spi.UserMemory.PAGE_READONLY : dev.mdlbridge.spi.UserMemory.PAGE_READWRITE;
        for (int i = 0; i < pages; i++) {
            view.state[i] = Region.COMMITTED;
            view.protect[i] = protect;
            view.frame[i] = m.pfns[i];
        }
        p.space.insert(view);
        return base + m.byteOffset;
    }

    @Override
    public synchronized void mmUnmapLockedPages(long baseAddress, Mdl mdl, SimProcess caller) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        if (isKernelAddress(baseAddress)) {
            if ((m.flags & MDL_MAPPED_TO_SYSTEM_VA) == 0 || baseAddress != m.mappedSystemVa) {
                throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_NOT_SYSTEM_MAPPING, baseAddress,
                        m.address, 0);
            }
            unmapSystem(m);
            return;
        }
        ProcessImpl p = (ProcessImpl) caller;
        Region r = p.space.find(baseAddress);
        if (r == null || !r.view || r.base != (baseAddress & ~0xFFFL)) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_NOT_USER_VIEW, baseAddress, m.address,
                    0);
        }
        p.space.remove(r);
    }

    @Override
    public synchronized void ioBuildPartialMdl(Mdl source, Mdl target, long virtualAddress, int length) {
        checkAlive();
        io.buildPartialMdl((KernelMdl) source, (KernelMdl) target, virtualAddress, length);
    }

    @Override
    public synchronized void mmBuildMdlForNonPagedPool(Mdl mdl) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        if (config.verifier() && (m.flags & (MDL_PAGES_LOCKED | MDL_MAPPED_TO_SYSTEM_VA
                | MDL_SOURCE_IS_NONPAGED_POOL | MDL_PARTIAL)) != 0) {
            throw verifier(BugChecks.VERIFIER_PROBE_BAD_MDL_FLAGS, m, 0);
        }
        int pages = m.pagesSpanned();
        for (int i = 0; i < pages; i++) {
            long page = m.startVa + ((long) i << 12);
            long frame;
            if (isKernelAddress(page)) {
                if (config.verifier() && !pool.containsPage(page)) {
                    throw verifier(BugChecks.VERIFIER_NONPAGED_MDL_FOR_PAGED_MEMORY, m, page);
                }
                frame = kernelSpace.frame(page);
            } else {
                if (config.verifier()) {
                    throw verifier(BugChecks.VERIFIER_NONPAGED_MDL_FOR_PAGED_MEMORY, m, page);   // pageable user memory
                }
                frame = processes.residentFrame(m, page);
            }
            if (frame < 0) {
                throw stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, page, BugChecks.PAGE_FAULT_READ, 0, 0);
            }
            m.pfns[i] = frame;
        }
        m.process = 0;
        m.mappedSystemVa = m.startVa + m.byteOffset;
        m.flags |= MDL_SOURCE_IS_NONPAGED_POOL;
    }

    @Override
    public synchronized Mdl mmAllocatePagesForMdlEx(long lowAddress, long highAddress, long skipBytes,
                                                    long totalBytes, int cacheType, int flags) {
        checkAlive();
        return mdls.allocatePages(lowAddress, highAddress, skipBytes, totalBytes, cacheType, flags);
    }

    @Override
    public synchronized int pageAllocationCacheType(Mdl mdl) {
        return ((KernelMdl) mdl).allocationCacheType;
    }

    @Override
    public synchronized void mmFreePagesFromMdl(Mdl mdl) {
        checkAlive();
        mdls.freePages((KernelMdl) mdl);
    }

    // ------------------------------------------------------------------- reserved mappings (section 14.3)

    @Override
    public boolean ddiExported(String name) {
        return switch (name) {
            case "MmAllocateMappingAddress", "MmMapLockedPagesWithReservedMapping", "MmUnmapReservedMapping",
                 "MmFreeMappingAddress" -> true;   // from Windows XP: every profile
            case "MmAllocateMappingAddressEx" -> mapping.mappingAddressEx();
            default -> false;
        };
    }

    @Override
    public synchronized long mmAllocateMappingAddress(long size, int tag) {
        checkAlive();
        if (size == 0) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_RESERVE_ZERO, 0, Integer.toUnsignedLong(tag),
                    0);
        }
        long pages = span(0, size);
        if (tag == 0 || pages > Integer.MAX_VALUE) {
            return 0;
        }
        return systemPtes.reserve((int) pages, mapping.reservationHeaderPtes(), tag);
    }

    @Override
    public synchronized long mmMapLockedPagesWithReservedMapping(long mappingAddress, int tag, Mdl mdl,
                                                                 int cacheType) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        Reservation r = systemPtes.reservationAt(mappingAddress);
        if (r != null && !r.tagMatches(tag)) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_MAP_BAD_TAG, mappingAddress,
                    Integer.toUnsignedLong(tag), Integer.toUnsignedLong(r.storedTag));
        }
        if (r == null) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_MAP_NOT_RESERVATION, mappingAddress,
                    Integer.toUnsignedLong(tag), 0);
        }
        int pages = m.pagesSpanned();
        if (pages > r.pages) {
            return 0;   // #3: too small for the MDL, the MDL unchanged
        }
        int used = r.firstUsed(0);
        if (used >= 0 && mapping.reservedInUseBugCheck()) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_MAP_IN_USE, mappingAddress, r.pteAddress(used),
                    r.pteAddress(r.pages));
        }
        // Preconditions (locked or partial, not mapped) are only asserted: a free build maps what the array holds.
        int n = Math.min(pages, m.pfns.length);
        r.fill(m.pfns, n, effectiveCacheTypes(m.pfns, n, cacheType));
        if (mapping.reservedMappingSetsMappedFlag()) {
            m.flags |= MDL_MAPPED_TO_SYSTEM_VA;
            if ((m.flags & MDL_PARTIAL) != 0) {
                m.flags |= MDL_PARTIAL_HAS_BEEN_MAPPED;
            }
        }
        m.mappedSystemVa = mapping.reservedMappedVaIncludesOffset() ? mappingAddress + m.byteOffset : mappingAddress;
        long returned = mapping.reservedMapAlignsAddress() ? mappingAddress & ~0xFL : mappingAddress;
        return returned + m.byteOffset;
    }

    @Override
    public synchronized void mmUnmapReservedMapping(long baseAddress, int tag, Mdl mdl) {
        checkAlive();
        KernelMdl m = (KernelMdl) mdl;
        Reservation r = systemPtes.reservationAt(baseAddress);
        long ptag = Integer.toUnsignedLong(tag);
        if (r != null && !r.tagMatches(tag)) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_BAD_TAG, baseAddress, ptag,
                    Integer.toUnsignedLong(r.storedTag));
        }
        if (r == null) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_NOT_RESERVATION, baseAddress, ptag, 0);
        }
        int pages = m.pagesSpanned();
        if (pages > r.pages) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_TOO_LARGE, baseAddress, r.sizeInPtes(),
                    pages);
        }
        for (int i = 0; i < pages; i++) {
            if (!r.valid(i)) {
                throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_NOT_MAPPED, baseAddress, ptag, pages);
            }
        }
        if (r.firstUsed(pages) >= 0) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_UNMAP_TOO_SMALL, baseAddress, ptag, pages);
        }
        // The PFNs are compared only on checked builds: a different MDL of the same size passes (section 14.3.3).
        r.clear(pages);
        m.flags &= ~(MDL_MAPPED_TO_SYSTEM_VA | MDL_PARTIAL_HAS_BEEN_MAPPED);   // NT 5.2 leaves 0x200
    }

    @Override
    public synchronized void mmFreeMappingAddress(long baseAddress, int tag) {
        checkAlive();
        Reservation r = systemPtes.reservationAt(baseAddress);
        long ptag = Integer.toUnsignedLong(tag);
        if (r != null && !r.tagMatches(tag)) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_FREE_BAD_TAG, baseAddress, ptag,
                    Integer.toUnsignedLong(r.storedTag));
        }
        if (r == null) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_FREE_NOT_RESERVATION, baseAddress, ptag, 0);
        }
        if (r.inUse()) {
            throw stop(BugChecks.SYSTEM_PTE_MISUSE, BugChecks.PTE_MISUSE_FREE_MAPPED, baseAddress, ptag, r.pages);
        }
        systemPtes.release(r);
    }

    // ------------------------------------------------------------- memory types and device memory (14.1, 14.6)

    @Override
    public synchronized int rangeCacheModifiers(SimProcess process, long address, long length) {
        checkAlive();
        return ((ProcessImpl) process).space.cacheModifiers(address, length);
    }

    /** The cache type a page records (section 14.1): 0, 1, 2, or -1 for "not mapped yet". For tests. */
    public synchronized int pageCacheType(long pfn) {
        return ram.cacheTypes.get(pfn);
    }

    /** Records a page's type, as MmAllocatePagesForMdlEx does with its CacheType (section 14.1). */
    synchronized void setPageCacheType(long pfn, int cacheType) {
        ram.cacheTypes.set(pfn, cacheType);
    }

    /** The memory type of the system mapping (kernel-mode or reserved) behind {@code va}; -1 if none. For tests. */
    public synchronized int systemMappingCacheType(long va) {
        return systemPtes.cacheType(va);
    }

    /**
     * Test hook for section 14.6: maps {@code pages} pages of device memory (frames above RAM, without PFN entries)
     * into {@code process} with {@code protect}, as another driver's MmMapIoSpace + user-mode mapping would. Returns
     * the user address. A probe of the range comes back with MDL_IO_SPACE and takes no lock counts.
     */
    public synchronized long mapDeviceMemory(SimProcess process, int pages, int protect) {
        checkAlive();
        ProcessImpl p = (ProcessImpl) process;
        long base = p.space.reserveAddress((long) pages << 12);
        Region view = new Region(base, pages, true);   // a view: its frames are not the process's to free
        for (int i = 0; i < pages; i++) {
            view.state[i] = Region.COMMITTED;
            view.protect[i] = protect;
            view.frame[i] = ram.allocateDeviceFrame();
        }
        p.space.insert(view);
        return base;
    }

    // ---------------------------------------------------------------------------------------- I/O manager

    @Override
    public synchronized Irp allocateIrp(SimProcess requestor) {
        checkAlive();
        return io.allocateIrp(requestor);
    }

    @Override
    public synchronized void completeIrp(Irp irp) {
        checkAlive();
        io.completeIrp(irp);
    }

    @Override
    public synchronized int dispatchDirectIo(SimProcess caller, boolean inDirect, long outputAddress,
                                             int outputLength, ToIntFunction<Irp> driver) {
        checkAlive();
        return io.dispatchDirectIo(caller, inDirect, outputAddress, outputLength, driver);
    }
}
