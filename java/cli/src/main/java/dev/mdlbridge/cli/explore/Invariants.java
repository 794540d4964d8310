package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Use;
import dev.mdlbridge.spi.KernelCensus;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.Optional;

/**
 * What must hold after every step. On the simulator: no bug check; a refusal, limit, bad parameter or failed IOCTL
 * changed nothing (the driver's use and the kernel's census digest are what they were); the pages the kernel has
 * locked are the pages the driver says it locked; the pool holds exactly the driver's kernel buffers; a closed
 * handle gave back all it held; after a process exit and at the end of a sequence nothing is left (pool, system
 * PTEs, locks, counters). On the driver only what the replies and counters show is checked.
 */
final class Invariants {

    /** What a CloseHandle step must release, decided from the model before it runs. */
    enum Closing {
        /** not a CloseHandle of an open handle */
        NONE,
        /** an original handle: ReleaseAll of its file object, then close */
        RELEASE_ALL,
        /** a duplicate while another handle names its file object: nothing is released */
        DUPLICATE_ONLY,
        /** the last handle of a file object, a duplicate: the driver's CLEANUP releases everything */
        LAST_DUPLICATE
    }

    /**
     * The state around a step: the driver's Info (read through the executor's observer handle), the kernel's census,
     * and for a CloseHandle what the closed handle's file object held before ({@code handleUse}, null when not
     * asked) or what the reopened main holds after.
     */
    record State(Info info, Use handleUse, KernelCensus census, Closing closing) {
    }

    private Invariants() {
    }

    static State before(Executor ex, Action a) {
        Closing c = closing(ex.model(), a);
        // Asked on the handle itself only when its file object is released right after: then the Info cannot
        // change what a later step does (a request may mark a duplicated handle shared).
        Use held = c == Closing.RELEASE_ALL || c == Closing.LAST_DUPLICATE
                ? ex.info(a.handle()).map(Info::handleUse).orElse(null) : null;
        return new State(ex.observe().orElse(null), held,
                ex.simulator().flatMap(SimulatorControl::census).orElse(null), c);
    }

    static State after(Executor ex, Action a, State before) {
        Use reopened = before.closing() == Closing.RELEASE_ALL && a.handle().equals(Action.MAIN)
                ? ex.info(Action.MAIN).map(Info::handleUse).orElse(null) : null;
        return new State(ex.observe().orElse(null), reopened,
                ex.simulator().flatMap(SimulatorControl::census).orElse(null), Closing.NONE);
    }

    private static Closing closing(Model m, Action a) {
        if (!a.op().equals("CloseHandle") || !m.isOpen(a.handle())) {
            return Closing.NONE;
        }
        if (!m.isDuplicate(a.handle())) {
            return Closing.RELEASE_ALL;
        }
        return m.fileHasOtherHandles(a.handle()) ? Closing.DUPLICATE_ONLY : Closing.LAST_DUPLICATE;
    }

    /** The first invariant the step broke, or null. */
    static Violation afterStep(Action a, StepResult r, State before, State after) {
        if (r.bugCheck() != null) {
            return new Violation("bugcheck", r.bugCheck().code(), a.op() + " stopped the machine: " + r.bugCheck());
        }
        if (r.skipped()) {
            return null;
        }
        if ((r.refusedWithoutEffect() || r.irpFailed()) && before.info() != null && after.info() != null
                && !a.op().equals("CloseHandle")) {
            if (!before.info().driverUse().equals(after.info().driverUse())) {
                return new Violation("refusal-changed-state", 0, a.op() + " failed (" + r.statusName()
                        + ") yet the driver's use changed: " + before.info().driverUse() + " -> "
                        + after.info().driverUse());
            }
            if (before.census() != null && after.census() != null
                    && !sameKernelState(a, before.census(), after.census())) {
                return new Violation("refusal-changed-state", 0, a.op() + " failed (" + r.statusName()
                        + ") yet the kernel's state changed: " + before.census() + " -> " + after.census());
            }
        }
        if (a.op().equals("CloseHandle") && r.succeeded() && before.info() != null && after.info() != null) {
            if (before.closing() == Closing.DUPLICATE_ONLY) {
                boolean censusSame = before.census() == null || after.census() == null
                        || before.census().digest() == after.census().digest();
                if (!before.info().driverUse().equals(after.info().driverUse()) || !censusSame) {
                    return new Violation("closed-duplicate-released", 0, "CloseHandle on the duplicate "
                            + a.handle() + " (another handle still names its file object) changed the driver from "
                            + before.info().driverUse() + " to " + after.info().driverUse());
                }
            } else if (before.handleUse() != null) {
                Use held = before.handleUse();
                Counters expect = minus(before.info().driverUse().counters(), held.counters());
                // (quarantined pages keep only their bytes charged: the counters drop by all the handle held)
                boolean reopenedEmpty = after.handleUse() == null || after.handleUse().counters().isZero();
                if (!after.info().driverUse().counters().equals(expect) || !reopenedEmpty) {
                    return new Violation("release-incomplete", 0, "CloseHandle on " + a.handle() + " held "
                            + held.counters() + "; the driver went from " + before.info().driverUse().counters()
                            + " to " + after.info().driverUse().counters());
                }
            }
        }
        if (a.op().equals("ProcessExit") && r.succeeded() && after.census() != null) {
            Violation v = nothingLeft(after.census(), "after ProcessExit");
            if (v != null) {
                return v;
            }
        }
        Violation v = consistent(after);
        return v != null ? v : withinLimits(after);
    }

    /**
     * Whether a refused step left the kernel as it was. A DirectIo request is probed and locked by the I/O manager
     * before the driver sees it, so a refused one may have faulted demand-zero pages in (frames in use), which is
     * the I/O manager's doing: there everything but the frames in use must be unchanged.
     */
    private static boolean sameKernelState(Action a, KernelCensus before, KernelCensus after) {
        if (!a.op().equals("DirectIo")) {
            return before.digest() == after.digest();
        }
        return before.poolBlocks() == after.poolBlocks() && before.poolBytes() == after.poolBytes()
                && before.systemPtesInUse() == after.systemPtesInUse()
                && before.systemMappings() == after.systemMappings() && before.lockedFrames() == after.lockedFrames()
                && before.pageLocks() == after.pageLocks() && before.processLockedPages() == after.processLockedPages()
                && after.framesInUse() >= before.framesInUse();
    }

    /** The kernel's locks and pool agree with what the driver says it holds. */
    static Violation consistent(State s) {
        if (s.info() == null || s.census() == null) {
            return null;
        }
        Use d = s.info().driverUse();
        long driverLockedPages = d.lockedBytes() / 4096;
        if (s.census().pageLocks() != driverLockedPages) {
            return new Violation("lock-count-mismatch", 0, "the kernel holds " + s.census().pageLocks()
                    + " page locks; the driver says it locked " + driverLockedPages + " pages");
        }
        if (s.census().poolBytes() != d.kernelBufferBytes()) {
            return new Violation("pool-accounting", 0, "the pool holds " + s.census().poolBytes()
                    + " bytes of blocks; the driver says its kernel buffers are " + d.kernelBufferBytes());
        }
        return null;
    }

    /** No driver-wide limit in force is exceeded by what the driver holds (CONTRACT.md §4). */
    static Violation withinLimits(State s) {
        if (s.info() == null) {
            return null;
        }
        Info i = s.info();
        Use d = i.driverUse();
        dev.mdlbridge.protocol.Limits l = i.driverLimits();
        String over = d.objects() > l.maxObjects() ? "objects " + d.objects() + " > " + l.maxObjects()
                : d.lockedBytes() > l.maxLockedBytes() ? "locked bytes " + d.lockedBytes() + " > " + l.maxLockedBytes()
                : d.kernelBufferBytes() > l.maxKernelBufferBytes() ? "kernel buffer bytes " + d.kernelBufferBytes()
                + " > " + l.maxKernelBufferBytes()
                : d.pageAllocationBytes() > l.maxPageAllocationBytes() ? "page allocation bytes "
                + d.pageAllocationBytes() + " > " + l.maxPageAllocationBytes()
                : d.mdlPoolBytes() > l.maxMdlPoolBytes() ? "MDL pool bytes " + d.mdlPoolBytes() + " > "
                + l.maxMdlPoolBytes()
                : i.driverSystemMappingBytes() > i.driverMaxSystemMappingBytes() ? "system mapping bytes "
                + i.driverSystemMappingBytes() + " > " + i.driverMaxSystemMappingBytes()
                : i.openHandles() > i.maxHandles() ? "open handles " + i.openHandles() + " > " + i.maxHandles()
                : null;
        return over == null ? null : new Violation("limit-exceeded", 0, "the driver holds more than its limit: "
                + over);
    }

    /** After every handle of the process was released: no pool, system PTEs or locks remain. */
    static Violation nothingLeft(KernelCensus c, String when) {
        if (c.poolBlocks() != 0 || c.systemPtesInUse() != 0 || c.pageLocks() != 0 || c.processLockedPages() != 0) {
            return new Violation("leak-after-release", 0, when + " the kernel still holds " + c.poolBlocks()
                    + " pool blocks, " + c.systemPtesInUse() + " system PTEs, " + c.pageLocks() + " page locks, "
                    + c.processLockedPages() + " locked pages of the process");
        }
        return null;
    }

    /**
     * The driver's counters after the release at the end of a sequence (asked on a fresh handle): nothing, except
     * the bytes of quarantined pages (once mapped into user space, kept until the process exits, CONTRACT.md §2) when
     * {@code quarantineAllowed}.
     */
    static Violation countersZero(Optional<Info> fresh, boolean quarantineAllowed) {
        if (fresh.isEmpty()) {
            return null;
        }
        Info i = fresh.get();
        Use d = i.driverUse();
        long kept = d.kernelBufferBytes() + d.pageAllocationBytes();
        long allowed = quarantineAllowed ? i.quarantinedBytes() : 0;
        if (!d.counters().isZero() || d.lockedBytes() != 0 || kept != allowed || i.driverSystemMappingBytes() != 0) {
            return new Violation("leak-after-release", 0, "after releasing every handle the driver still counts "
                    + d + (allowed != 0 ? " (quarantined: " + allowed + " bytes)" : ""));
        }
        return null;
    }

    /** After every handle was released but before the process exits: only quarantined pool may remain. */
    static Violation onlyQuarantineLeft(KernelCensus c, Optional<Info> fresh) {
        long quarantinedPool = fresh.map(i -> i.driverUse().kernelBufferBytes()).orElse(0L);
        if (c.poolBytes() != quarantinedPool || c.systemPtesInUse() != 0 || c.pageLocks() != 0
                || c.processLockedPages() != 0) {
            return new Violation("leak-after-release", 0, "after releasing every handle the kernel still holds "
                    + c.poolBlocks() + " pool blocks (" + c.poolBytes() + " bytes, " + quarantinedPool
                    + " of them quarantined), " + c.systemPtesInUse() + " system PTEs, " + c.pageLocks()
                    + " page locks, " + c.processLockedPages() + " locked pages of the process");
        }
        return null;
    }

    private static Counters minus(Counters a, Counters b) {
        return new Counters(a.outstandingMdls() - b.outstandingMdls(),
                a.outstandingMappings() - b.outstandingMappings(),
                a.outstandingKernelBuffers() - b.outstandingKernelBuffers(), a.lockedPages() - b.lockedPages());
    }
}
