/**
 * The simulated Windows kernel: what mdlbridge.sys calls (the MDL DDIs, pool, IRPs, processes), behaving as Windows
 * does according to java/simulator/WINDOWS-MDL-RULES.md, so the simulated driver above it can be tested without
 * Windows. Nothing here knows mdlbridge's contract; misuse reaches the kernel only in {@code unchecked} mode and
 * ends the way Windows would, up to a bug check.
 *
 * <p><b>Where to start.</b> {@link dev.mdlbridge.simulator.kernel.Kernel} is the interface the driver sees (and its
 * conventions: NULL returns, raised statuses, bug checks, explicit process context);
 * {@link dev.mdlbridge.simulator.kernel.SimKernel} implements it as the front end and holds the DDI logic that spans
 * the parts below. {@link dev.mdlbridge.simulator.kernel.KernelConfig} and
 * {@link dev.mdlbridge.simulator.kernel.Profiles} say how a machine is built. What the interface hands out —
 * {@code Mdl}, {@code Irp}, {@code SimProcess}, {@code AddressSpace} — and {@code NtStatusException} (a raised
 * status) are the driver's view of the objects below.
 *
 * <p><b>What each class models.</b>
 * <ul>
 *   <li>{@code SimKernel} — the DDI front end; its monitor is the one kernel lock. Every other part below is
 *       guarded by it: they are called only from SimKernel's synchronized methods (UserSpace synchronizes on the
 *       kernel itself) and have no locks of their own.</li>
 *   <li>{@code PhysicalMemory} — RAM and the PFN database: seeded, fragmented frame assignment, sparse contents,
 *       freed-while-locked frames, device frames without PFN entries (MDL_IO_SPACE); {@code LockCounts} holds the
 *       per-frame lock counts compactly, {@code PageCacheTypes} the cache type each page records.</li>
 *   <li>{@code PfnLocks} — the lock loops of MmProbeAndLockPages and MmUnlockPages over that database.</li>
 *   <li>{@code UserSpace} with {@code Region} — a process's user address space (VirtualAlloc and friends, faults,
 *       page-out); {@code ProcessImpl} is its EPROCESS, {@code ProcessTable} the list of processes and the
 *       process-notify routines.</li>
 *   <li>{@code NonPagedPool} — ExAllocatePoolWithTag's nonpaged pool: blocks, shared pages, fault injection.</li>
 *   <li>{@code SystemPtes} — the system PTE budget and the kernel-mode mappings made from it, and the
 *       MmAllocateMappingAddress reservations ({@code Reservation}) the reserved-mapping DDIs fill and empty;
 *       {@code MappingSettings} holds the profile settings of those DDIs and of the cache types.</li>
 *   <li>{@code KernelSpace} — the kernel half of the address space, read through the pool and the mappings.</li>
 *   <li>{@code MdlAllocator} — where MDLs come from and go back to (IoAllocateMdl's sizes, MmAllocatePagesForMdlEx);
 *       {@code KernelMdl} is the MDL itself (header fields and PFN slots), {@code MdlFlags} its flag bits;
 *       {@code PageAllocator} picks MmAllocatePagesForMdlEx's frames (physical range, SkipBytes, contiguous
 *       chunks) and {@code PageAllocationProfile} holds its per-version settings.</li>
 *   <li>{@code IoManager} with {@code IrpImpl} — IRPs, their completion, DIRECT-method dispatch, IoBuildPartialMdl.</li>
 *   <li>{@code BugCheckLatch} — KeBugCheckEx: the first bug check stops the machine; {@code BugChecks} names every
 *       code and first parameter raised, with its rule.</li>
 *   <li>{@code Poison} — deterministic stand-ins for what Windows leaves undefined.</li>
 * </ul>
 */
package dev.mdlbridge.simulator.kernel;
