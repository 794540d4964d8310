package dev.mdlbridge.spi;

import java.util.Optional;

/**
 * What only a simulated machine can do, reached through {@code backend.capability(SimulatorControl.class)}.
 * The scenario language's simulator-only ops ({@code ProcessExit}, {@code PageOut}) and the views that need the
 * simulated kernel's own counters ({@code !pfn} lock counts, the process's true locked-page count) use it.
 */
public interface SimulatorControl {

    /**
     * The Windows version the machine simulates.
     *
     * @return the profile in force: {@code win10-x64}, {@code win7-x64} or {@code nt52-x64}
     */
    String profile();

    /**
     * The process that owns the backend's channels exits without closing them: handles are closed by the
     * object manager (the driver's CLEANUP), the driver's process-notify callback runs, then the kernel checks
     * the process's locked pages (0x76 / 0xCB). Afterwards the backend has a fresh current process with an
     * empty address space.
     *
     * @throws SimulatedBugCheckException when the machine stops (e.g. 0x76 PROCESS_HAS_LOCKED_PAGES)
     */
    void processExit();

    /**
     * Trims every unlocked resident page of {@code [address, address + size)} from the working set, as the memory
     * manager does under pressure.
     *
     * @param address    the range's start in the current process
     * @param size       its length in bytes
     * @param failPageIn touching one of the trimmed pages again raises {@code STATUS_IN_PAGE_ERROR}
     */
    void pageOut(long address, long size, boolean failPageIn);

    /**
     * Duplicates {@code channel}'s handle into a second simulated process (DuplicateHandle) and returns a
     * channel whose calls are made from that process.
     *
     * @param channel a channel of this backend
     * @return the channel of the duplicated handle, owned by the other process
     */
    DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel);

    /**
     * Duplicates {@code channel}'s handle within the current process (DuplicateHandle to itself): two handles now
     * refer to one file object, which the driver counts as shared (CONTRACT section 1).
     *
     * @param channel a channel of this backend
     * @return the channel of the second handle
     */
    DeviceChannel duplicateInSameProcess(DeviceChannel channel);

    /**
     * The bug check that stopped the machine, if any.
     *
     * @return the stop code and parameters, or empty while the machine runs
     */
    Optional<BugCheck> bugCheck();

    /**
     * {@code EPROCESS.NumberOfLockedPages} of the current process: what TrackLockedPages checks at exit.
     *
     * @return the pages the process has locked through MDLs
     */
    long processLockedPages();

    /**
     * The lock (reference) count of a physical page, as {@code !pfn} would show it.
     *
     * @param pfn the page frame number
     * @return the count; -1 for a frame not in use
     */
    long pfnLockCount(long pfn);

    /**
     * What the simulated kernel holds now (pool, system PTEs, frames, lock counts). Read-only: for the explorer's
     * "a refusal changed nothing" and "release leaves nothing" checks.
     *
     * @return the census; empty where not known (a replay)
     */
    default Optional<KernelCensus> census() {
        return Optional.empty();
    }
}
