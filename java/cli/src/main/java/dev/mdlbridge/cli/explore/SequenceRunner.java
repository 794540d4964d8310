package dev.mdlbridge.cli.explore;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs one sequence on a fresh machine and checks the invariants after every step and after the final release.
 * The steps come from a generator (exploring) or a fixed list (shrinking, replaying): {@code next} gets the model
 * and returns the next action, or null at the end.
 */
final class SequenceRunner {

    /**
     * What a sequence did.
     *
     * @param steps     the actions that ran (up to and including the one that broke an invariant)
     * @param results   their results, in order
     * @param violation the first broken invariant, or null
     * @param wellFormed false when a fixed list named something no earlier step made (a shrinking candidate)
     */
    record Outcome(List<Action> steps, List<StepResult> results, Violation violation, boolean wellFormed) {
    }

    private final MachineFactory machines;
    private final Coverage coverage;

    SequenceRunner(MachineFactory machines, Coverage coverage) {
        this.machines = machines;
        this.coverage = coverage;
    }

    Outcome run(MachineSetup setup, Function<Model, Action> next) {
        List<Action> steps = new ArrayList<>();
        List<StepResult> results = new ArrayList<>();
        Backend backend = machines.create(setup);
        Model model = new Model();
        try (Executor ex = new Executor(backend, model)) {
            Action a;
            while ((a = next.apply(model)) != null) {
                Invariants.State before = Invariants.before(ex, a);
                Violation ifSucceeds = Expectations.ifSucceeds(model, a);
                StepResult r = ex.run(a);
                if (r == null) {
                    return new Outcome(steps, results, null, false);
                }
                steps.add(a);
                results.add(r);
                if (coverage != null) {
                    coverage.count(a, r);
                }
                Invariants.State after = Invariants.after(ex, a, before);
                Violation v = Invariants.afterStep(a, r, before, after);
                if (v == null && ifSucceeds != null && r.succeeded()) {
                    v = ifSucceeds;
                }
                if (v == null && backend instanceof dev.mdlbridge.simulator.SimulatorBackend sb
                        && !sb.driverInternalErrors().isEmpty()) {
                    v = new Violation("simulator-internal-error", 0, a.op() + ": "
                            + sb.driverInternalErrors().get(0));
                }
                if (v != null) {
                    return new Outcome(steps, results, v, true);
                }
            }
            return new Outcome(steps, results, finalRelease(ex), true);
        } finally {
            backend.close();
        }
    }

    /** Releases every handle, then nothing may be left: in the kernel (simulator) and in the driver's counters. */
    private static Violation finalRelease(Executor ex) {
        if (!ex.releaseAll()) {
            Optional<dev.mdlbridge.spi.BugCheck> b = ex.simulator().flatMap(SimulatorControl::bugCheck);
            return b.map(x -> new Violation("bugcheck", x.code(), "releasing the handles stopped the machine: " + x))
                    .orElse(null);
        }
        Optional<dev.mdlbridge.spi.KernelCensus> c = ex.simulator().flatMap(SimulatorControl::census);
        Optional<Info> fresh = freshInfo(ex);
        if (c.isEmpty()) {
            return Invariants.countersZero(fresh, true); // the driver: quarantine lasts until this process exits
        }
        Violation v = Invariants.onlyQuarantineLeft(c.get(), fresh);
        if (v == null) {
            v = Invariants.countersZero(fresh, true);
        }
        if (v != null) {
            return v;
        }
        // The process exits: the quarantine goes with it, and then nothing at all may be left.
        SimulatorControl sim = ex.simulator().orElseThrow();
        try {
            sim.processExit();
        } catch (dev.mdlbridge.spi.SimulatedBugCheckException e) {
            return new Violation("bugcheck", e.bugCheck().code(), "the process exit stopped the machine: "
                    + e.bugCheck());
        }
        v = Invariants.nothingLeft(sim.census().orElseThrow(), "after the process exited");
        return v != null ? v : Invariants.countersZero(freshInfo(ex), false);
    }

    private static Optional<Info> freshInfo(Executor ex) {
        try (MdlBridge b = ex.freshBridge()) {
            return Optional.of(b.driverInfo());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
