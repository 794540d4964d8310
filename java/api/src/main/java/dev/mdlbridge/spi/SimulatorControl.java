package dev.mdlbridge.spi;

import java.util.Optional;

/**
 * What only a simulated machine can do, reached through {@code backend.capability(SimulatorControl.class)}.
 * The scenario language's simulator-only ops ({@code ProcessExit}, {@code PageOut}) and the views that need the
 * simulated kernel's own counters ({@code !pfn} lock counts, the process's true locked-page count) use it.
 */
public interface SimulatorControl {

    /** The profile in force: win10-x64, win7-x64 or nt52-x64. */
    String profile();

    /**
     * The process that owns the backend's channels exits without closing them: handles are closed by the
     * object manager (the driver's CLEANUP), the driver's process-notify callback runs, then the kernel checks
     * the process's locked pages (0x76 / 0xCB). Afterwards the backend has a fresh current process with an
     * empty address space. Throws {@link SimulatedBugCheckException} when the machine stops.
     */
    void processExit();

    /** Trims every unlocked resident page of {@code [address, address + size)}; with {@code failPageIn}, touching
     *  one of them again raises {@code STATUS_IN_PAGE_ERROR}. */
    void pageOut(long address, long size, boolean failPageIn);

    /**
     * Duplicates {@code channel}'s handle into a second simulated process (DuplicateHandle) and returns a
     * channel whose calls are made from that process.
     */
    DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel);

    /**
     * Duplicates {@code channel}'s handle within the current process (DuplicateHandle to itself): two handles now
     * refer to one file object, which the driver counts as shared (CONTRACT section 1).
     */
    DeviceChannel duplicateInSameProcess(DeviceChannel channel);

    /** The bug check that stopped the machine, if any. */
    Optional<BugCheck> bugCheck();

    /** {@code EPROCESS.NumberOfLockedPages} of the current process. */
    long processLockedPages();

    /** The lock (reference) count of a physical page, as {@code !pfn} would show it; -1 for a frame not in use. */
    long pfnLockCount(long pfn);

    /** What the simulated kernel holds now (pool, system PTEs, frames, lock counts); empty where not known (a
     *  replay). Read-only: for the explorer's "a refusal changed nothing" and "release leaves nothing" checks. */
    default Optional<KernelCensus> census() {
        return Optional.empty();
    }
}
