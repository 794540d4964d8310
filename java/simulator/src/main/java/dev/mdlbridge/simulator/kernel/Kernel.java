package dev.mdlbridge.simulator.kernel;

/**
 * The simulated Windows kernel as a driver sees it: the DDIs mdlbridge.sys calls, with Windows' own semantics
 * (WINDOWS-MDL-RULES.md). It knows nothing of mdlbridge's contract: the simulated driver (package
 * {@code dev.mdlbridge.simulator.driver}) refuses misuse before it gets here; in {@code unchecked} mode misuse
 * reaches the kernel, which does what Windows would, up to a bug check.
 *
 * <p>Conventions, so that the simulated driver reads like driver/src:
 * <ul>
 *   <li>A DDI that returns NULL on Windows returns {@code null} (or 0 for an address) here.</li>
 *   <li>A DDI that raises on Windows throws {@link NtStatusException} with Windows' status code; the simulated
 *       driver catches it where the real driver has {@code __try/__except}.</li>
 *   <li>A bug check throws {@link dev.mdlbridge.spi.SimulatedBugCheckException} and marks the machine stopped:
 *       every later call throws the same bug check.</li>
 *   <li>The process context is explicit: {@code caller} is the process whose thread runs the driver (for a
 *       METHOD_BUFFERED IOCTL from user mode, the calling process); {@code PreviousMode} is UserMode.</li>
 *   <li>Addresses are 64-bit values; kernel addresses are negative as a Java long.</li>
 * </ul>
 * Thread safety: every method may be called from several threads; the kernel serialises what it must.
 */
public interface Kernel {

    /** The profile: what differs between Windows versions (limits, thresholds, flags that exist). */
    Profile profile();

    // ---------------------------------------------------------------------------------------------- processes

    /** Creates a user process with an empty address space. */
    SimProcess createProcess(String imageName);

    /**
     * The process exits: runs every registered process-notify callback (the driver's release; the caller closes
     * the process's handles before this call, as the object manager does), tears down its address space, then checks {@code NumberOfLockedPages}: non-zero raises bug check 0x76 (p1 = 0) or 0xCB
     * ({@code trackLockedPages} / Verifier), as WINDOWS-MDL-RULES.md section 4 says.
     */
    void exitProcess(SimProcess process);

    /** {@code PsSetCreateProcessNotifyRoutine}: called with the exiting process before the locked-page check. */
    void registerProcessNotify(java.util.function.Consumer<SimProcess> onExit);

    // ------------------------------------------------------------------------------------------------- memory

    /** The address space of a process: VirtualAlloc and friends, and user-mode reads and writes. */
    AddressSpace addressSpace(SimProcess process);

    /** {@code ExAllocatePoolWithTag(NonPagedPoolNx, size, tag)}: page-aligned for size >= PAGE_SIZE; 0 on
     *  failure (fault injection {@code poolFailAfter}). Contents are not zeroed (the driver zeroes). */
    long exAllocatePool(long size, int tag);

    /** {@code ExFreePoolWithTag}. Freeing an unknown address bug-checks (0xC2), as Windows does. */
    void exFreePool(long address, int tag);

    /** Reads kernel virtual memory (a system mapping, nonpaged pool). An unmapped kernel address bug-checks 0x50. */
    void readKernel(long address, byte[] target, int offset, int length);

    /** Writes kernel virtual memory. A write through a read-only system mapping bug-checks 0xBE. */
    void writeKernel(long address, byte[] source, int offset, int length);

    /** Reads {@code caller}'s user memory from kernel mode (inside the driver's __try): throws
     *  {@link NtStatusException} (STATUS_ACCESS_VIOLATION, STATUS_GUARD_PAGE_VIOLATION, STATUS_IN_PAGE_ERROR). */
    void readUser(SimProcess caller, long address, byte[] target, int offset, int length) throws NtStatusException;

    /** Writes {@code caller}'s user memory from kernel mode (inside the driver's __try). */
    void writeUser(SimProcess caller, long address, byte[] source, int offset, int length) throws NtStatusException;

    /** {@code ZwQueryVirtualMemory(MemoryBasicInformation)}.Protect of the page at {@code address}. */
    int queryProtection(SimProcess process, long address);

    /** {@code MmHighestUserAddress} and {@code MmUserProbeAddress} of the profile. */
    long highestUserAddress();

    long userProbeAddress();

    // --------------------------------------------------------------------------------------------------- MDLs

    /** {@code IoAllocateMdl(va, length, secondary, FALSE, irp)}: {@code null} when Windows returns NULL. */
    Mdl ioAllocateMdl(long virtualAddress, int length, boolean secondaryBuffer, Irp irp);

    /** {@code IoFreeMdl}: MmPrepareMdlForReuse, then back to the lookaside or pool. Does not unlock. */
    void ioFreeMdl(Mdl mdl);

    /** {@code MmSizeOfMdl(va, length)}. */
    long mmSizeOfMdl(long virtualAddress, long length);

    /** {@code ExAllocatePoolWithTag(NonPagedPoolNx, MmSizeOfMdl(va, length))} + {@code MmInitializeMdl}: an MDL
     *  in driver-allocated storage (no 0x8 flag), released with {@link #exFreePoolMdl}. {@code null} on failure. */
    Mdl allocateAndInitializeMdl(long virtualAddress, int length, int tag);

    /** {@code ExFreePool} of MDL storage (an {@link #allocateAndInitializeMdl} or page-allocation MDL). */
    void exFreePoolMdl(Mdl mdl);

    /** {@code MmProbeAndLockPages(mdl, accessMode, operation)} in {@code caller}'s context. Raises. */
    void mmProbeAndLockPages(Mdl mdl, SimProcess caller, int accessMode, int operation) throws NtStatusException;

    /** {@code MmUnlockPages}. */
    void mmUnlockPages(Mdl mdl);

    /** {@code MmGetSystemAddressForMdlSafe(mdl, priority)}: 0 when it returns NULL. */
    long mmGetSystemAddressForMdlSafe(Mdl mdl, int priority);

    /**
     * {@code MmMapLockedPagesSpecifyCache(mdl, KernelMode, cacheType, NULL, FALSE, priority)} (section 14.2): the same
     * MDL effects as {@link #mmGetSystemAddressForMdlSafe}; the mapping's memory type follows section 14.1. 0 for NULL.
     */
    long mmMapLockedPagesSpecifyCache(Mdl mdl, int cacheType, int priority);

    /** Whether this Windows exports the named DDI (the driver resolves it at run time, MmGetSystemRoutineAddress). */
    boolean ddiExported(String name);

    /** {@code MmAllocateMappingAddress(size, tag)} (section 14.3.1): the reservation's base, or 0 for NULL. */
    long mmAllocateMappingAddress(long size, int tag);

    /** {@code MmMapLockedPagesWithReservedMapping(address, tag, mdl, cacheType)} (14.3.2): the address, or 0. */
    long mmMapLockedPagesWithReservedMapping(long mappingAddress, int tag, Mdl mdl, int cacheType);

    /** {@code MmUnmapReservedMapping(base, tag, mdl)} (section 14.3.3). */
    void mmUnmapReservedMapping(long baseAddress, int tag, Mdl mdl);

    /** {@code MmFreeMappingAddress(base, tag)} (section 14.3.4). */
    void mmFreeMappingAddress(long baseAddress, int tag);

    /** OR of the PAGE_NOCACHE / PAGE_WRITECOMBINE modifiers over the committed pages of a user range. */
    int rangeCacheModifiers(SimProcess process, long address, long length);

    /** {@code MmMapLockedPagesSpecifyCache(mdl, UserMode, cacheType, requestedAddress, FALSE, priority)} into
     *  {@code caller}. Raises (STATUS_INVALID_ADDRESS, STATUS_CONFLICTING_ADDRESSES, ...). Returns the user VA
     *  (start of the view + ByteOffset). */
    long mmMapLockedPagesUser(Mdl mdl, SimProcess caller, int cacheType, long requestedAddress, int priority)
            throws NtStatusException;

    /** {@code MmUnmapLockedPages(baseAddress, mdl)}: a system VA, or a user VA in {@code caller}'s context. */
    void mmUnmapLockedPages(long baseAddress, Mdl mdl, SimProcess caller);

    /** {@code IoBuildPartialMdl(source, target, va, length)}. May bug-check (0x12E / 0x40) as the profile says. */
    void ioBuildPartialMdl(Mdl source, Mdl target, long virtualAddress, int length);

    /** {@code MmBuildMdlForNonPagedPool}. */
    void mmBuildMdlForNonPagedPool(Mdl mdl);

    /** {@code MmAllocatePagesForMdlEx(0, MAXULONG64, 0, size, MmCached, flags)}: {@code null} on failure. */
    default Mdl mmAllocatePagesForMdlEx(long size, int flags) {
        return mmAllocatePagesForMdlEx(0, -1L, 0, size, 1, flags);
    }

    /**
     * {@code MmAllocatePagesForMdlEx(lowAddress, highAddress, skipBytes, totalBytes, cacheType, flags)}
     * (WINDOWS-MDL-RULES.md section 14.4): {@code null} on failure; a short allocation has a smaller ByteCount.
     * The pages are recorded with {@code cacheType} ({@link #pageAllocationCacheType}).
     */
    Mdl mmAllocatePagesForMdlEx(long lowAddress, long highAddress, long skipBytes, long totalBytes, int cacheType,
                                int flags);

    /** The CacheType a page allocation was made with (its pages' memory type); MmCached for any other MDL. */
    int pageAllocationCacheType(Mdl mdl);

    /** {@code MmFreePagesFromMdl}. */
    void mmFreePagesFromMdl(Mdl mdl);

    // -------------------------------------------------------------------------------------------- I/O manager

    /** A driver-originated IRP for {@code DescribeChain}: IoAllocateMdl(..., irp) chains MDLs on it. */
    Irp allocateIrp(SimProcess requestor);

    /**
     * {@code IoCompleteRequest} for an IRP that carries MDLs: the I/O manager unlocks every MDL of
     * {@code Irp->MdlAddress}, whether locked or not, and frees them all (and the IRP).
     */
    void completeIrp(Irp irp);

    /**
     * The I/O manager's side of a METHOD_IN_DIRECT / METHOD_OUT_DIRECT {@code DeviceIoControl} from
     * {@code caller} with output buffer {@code [outputAddress, +outputLength)}: builds {@code Irp->MdlAddress} with
     * IoAllocateMdl + MmProbeAndLockPages(UserMode, IN ? IoReadAccess : IoWriteAccess), calls {@code driver} with
     * the IRP, then completes it (unlock + free). When the I/O manager itself fails (allocation NULL, probe raise)
     * the driver is never called and the status is returned. A zero length gives {@code MdlAddress == null}.
     *
     * @return the IRP's final status: the I/O manager's failure, or what {@code driver} returned
     */
    int dispatchDirectIo(SimProcess caller, boolean inDirect, long outputAddress, int outputLength,
                         java.util.function.ToIntFunction<Irp> driver);

    // ----------------------------------------------------------------------------------------------- state

    /** The pages the kernel believes {@code process} has locked ({@code NumberOfLockedPages}). */
    long numberOfLockedPages(SimProcess process);

    /** The lock (reference) count of a physical page; -1 for a frame not in use. */
    long pfnLockCount(long pfn);

    /** Trims unlocked resident pages of the range (see {@link dev.mdlbridge.spi.SimulatorControl#pageOut}). */
    void pageOut(SimProcess process, long address, long size, boolean failPageIn);

    /** The bug check that stopped the machine, or null. */
    dev.mdlbridge.spi.BugCheck bugCheck();
}
