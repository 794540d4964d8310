package dev.mdlbridge.simulator.kernel;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;

/**
 * {@code KeBugCheckEx} for the simulated machine: the first bug check stops it for good (WINDOWS-MDL-RULES.md
 * section 10, item 8: "bug check = terminal"), so it is latched here and every later call into the kernel throws the same
 * one. The parts of the kernel raise through it, with the codes and first parameters named in {@link BugChecks}.
 *
 * <p>Guarded by the kernel's lock: it is reached only from {@link SimKernel}'s synchronized methods (and from
 * {@link UserSpace}, which synchronizes on the kernel), so it has no lock of its own.
 */
final class BugCheckLatch {

    private BugCheck stopped;

    /** The bug check that stopped the machine, or null while it runs. */
    BugCheck current() {
        return stopped;
    }

    /** Throws the latched bug check again if the machine has stopped: nothing runs after a bug check. */
    void checkAlive() {
        if (stopped != null) {
            throw new SimulatedBugCheckException(stopped);
        }
    }

    /** Stops the machine with {@code code} and its four parameters; the caller throws what this returns. */
    SimulatedBugCheckException stop(int code, long p1, long p2, long p3, long p4) {
        stopped = new BugCheck(code, p1, p2, p3, p4, BugChecks.name(code));
        return new SimulatedBugCheckException(stopped);
    }

    /** Driver Verifier's 0xC4 with the MDL subcode first, then the MDL, its flags and an extra value (section 4:
     *  "(MDL address, MdlFlags, extra)" unless a subcode is modelled exactly). */
    SimulatedBugCheckException verifier(int subcode, KernelMdl mdl, long extra) {
        return stop(BugChecks.DRIVER_VERIFIER_DETECTED_VIOLATION, subcode, mdl.address, mdl.flags, extra);
    }

    /** 0x50 for a touch of {@code va} that finds no valid frame (p2 says whether it wrote). */
    SimulatedBugCheckException pageFault(long va, boolean write) {
        return stop(BugChecks.PAGE_FAULT_IN_NONPAGED_AREA, va,
                write ? BugChecks.PAGE_FAULT_WRITE : BugChecks.PAGE_FAULT_READ, 0, 0);
    }
}
