package dev.mdlbridge.simulator.kernel;

/**
 * The PFN database's lock (reference) counts as the MDL routines drive them (WINDOWS-MDL-RULES.md section 3.13): the
 * probe's lock loop, which stops at the reference-count limit ({@code MmReferenceCountCheck}: the caller raises
 * STATUS_WORKING_SET_QUOTA), and MmUnlockPages' loop, which drops one lock per slot up to the -1 sentinel and leaves
 * PMMPFN pointers behind (section 3.5) or, on profiles without that evidence, poison.
 *
 * <p>Guarded by the kernel's lock: only {@link SimKernel}'s synchronized methods call it, so it has no lock of its
 * own.
 */
final class PfnLocks {

    private final PhysicalMemory ram;
    private final Profile profile;
    private final Poison poison;
    private final BugCheckLatch bugChecks;
    /** How many locks one frame may hold: the config's injected limit, else the profile's. */
    private final long limit;

    PfnLocks(PhysicalMemory ram, KernelConfig config, Poison poison, BugCheckLatch bugChecks) {
        this.ram = ram;
        this.profile = config.profile();
        this.poison = poison;
        this.bugChecks = bugChecks;
        this.limit = config.lockCountLimit() >= 0 ? config.lockCountLimit() : profile.referenceCountLimit();
    }

    /**
     * Adds one lock to each of the first {@code pages} frames. When a frame is at the limit, undoes the ones
     * already locked, as MmUnlockPages would (the sentinel stops it there), leaves -1 in the slots from the failing
     * page on, as the interleaved probe-and-lock loop leaves them, and returns false.
     */
    boolean lockAll(long[] pfns, int pages) {
        for (int i = 0; i < pages; i++) {
            if (ram.isDevice(pfns[i])) {
                continue;   // no PFN entry: no reference count (section 14.6)
            }
            if (!ram.tryLock(pfns[i], limit)) {
                java.util.Arrays.fill(pfns, i, pages, Poison.EMPTY);
                for (int j = 0; j < i; j++) {
                    if (ram.isDevice(pfns[j])) {
                        continue;
                    }
                    ram.unlock(pfns[j]);
                    pfns[j] = leftAfterUnlock(pfns[j]);
                }
                return false;
            }
        }
        return true;
    }

    /**
     * MmUnlockPages' loop over the first {@code count} slots: one lock dropped per page up to the sentinel. A slot
     * that is no locked frame means the PFN counts are about to underflow (a double unlock, a partial, a
     * nonpaged-pool MDL): PFN_LIST_CORRUPT.
     */
    void unlockAll(long[] pfns, int count) {
        for (int i = 0; i < count; i++) {
            long pfn = pfns[i];
            if (pfn == Poison.EMPTY) {
                break;
            }
            if (ram.isDevice(pfn)) {
                continue;   // a device frame took no count (section 14.6)
            }
            if (!ram.unlock(pfn)) { // no lock on it, or no frame at all: a locked frame is always in use
                throw bugChecks.stop(BugChecks.PFN_LIST_CORRUPT, BugChecks.PFN_LOCK_COUNT_UNDERFLOW, pfn, 0, 0);
            }
            pfns[i] = leftAfterUnlock(pfn);
        }
    }

    /** What an unlocked PFN slot holds: the frame's PMMPFN (NT 5.2 evidence) or poison. */
    private long leftAfterUnlock(long pfn) {
        return profile.unlockWritesPmmpfn() ? Poison.pmmpfn(pfn) : poison.pfn();
    }
}
