package dev.mdlbridge.cli.explore;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;


/**
 * Makes a failing sequence small: delta debugging over its steps (drop chunks while the same finding — same kind and
 * bug check code — still happens), then simpler arguments step by step (optional fields dropped, numbers made round,
 * data made short), then no faults if they are not needed. Every candidate runs on a fresh machine.
 */
final class Shrinker {

    /** A finding's sequence after shrinking, and the violation the last run showed. */
    record Result(List<Action> steps, MachineSetup setup, Violation violation) {
    }

    private static final int MAX_RUNS = 3000;
    /** Runs the argument simplification always gets, however many ddmin used. */
    private static final int SIMPLIFY_RUNS = 600;

    private final SequenceRunner runner;
    private int runs;

    Shrinker(MachineFactory machines) {
        this.runner = new SequenceRunner(machines, null);
    }

    Result shrink(List<Action> steps, MachineSetup setup, Violation target) {
        runs = 0;
        List<Action> current = new ArrayList<>(steps);
        Violation seen = target;
        current = ddmin(current, setup, target.key());
        runs = Math.min(runs, MAX_RUNS - SIMPLIFY_RUNS); // a long ddmin must not leave the arguments as they were
        current = simplify(current, setup, target.key());
        MachineSetup f = setup;
        // the profile stays: the finding may need it (a refusal only older profiles make, for one)
        if (!setup.faults().isEmpty() && reproduces(current, setup.withoutFaults(), target.key()) != null) {
            f = setup.withoutFaults();
        }
        SequenceRunner.Outcome last = runner.run(f, fixed(current));
        if (last.violation() != null) {
            seen = last.violation();
            current = last.steps(); // up to the step that broke the invariant
        }
        return new Result(List.copyOf(current), f, seen);
    }

    /** The classic ddmin: try removing each of n chunks, refine n until single steps. */
    private List<Action> ddmin(List<Action> steps, MachineSetup setup, String key) {
        int n = 2;
        while (steps.size() >= 2 && runs < MAX_RUNS) {
            int chunk = (int) Math.ceil(steps.size() / (double) n);
            boolean reduced = false;
            for (int start = 0; start < steps.size(); start += chunk) {
                List<Action> without = new ArrayList<>(steps.subList(0, start));
                without.addAll(steps.subList(Math.min(start + chunk, steps.size()), steps.size()));
                List<Action> kept = reproduces(without, setup, key);
                if (kept != null) {
                    steps = kept;
                    n = Math.max(n - 1, 2);
                    reduced = true;
                    break;
                }
            }
            if (!reduced) {
                if (n >= steps.size()) {
                    break;
                }
                n = Math.min(steps.size(), n * 2);
            }
        }
        return steps;
    }

    /** Simpler arguments, one field of one step at a time. */
    private List<Action> simplify(List<Action> steps, MachineSetup setup, String key) {
        for (int i = 0; i < steps.size() && runs < MAX_RUNS; i++) {
            // after each accepted simplification the candidates are made again from the simpler step, so that
            // several fields can go (candidates of the original step would undo each other)
            boolean simpler = true;
            while (simpler && runs < MAX_RUNS) {
                simpler = false;
                for (Action candidate : simpler(steps.get(i))) {
                    if (candidate.equals(steps.get(i))) {
                        continue; // a priority without NoExecute to drop: not simpler
                    }
                    List<Action> trial = new ArrayList<>(steps);
                    trial.set(i, candidate);
                    List<Action> kept = reproduces(trial, setup, key);
                    if (kept != null && kept.size() == steps.size()) {
                        steps = kept;
                        simpler = true;
                        break;
                    }
                }
            }
        }
        return steps;
    }

    private static List<Action> simpler(Action a) {
        List<Action> out = new ArrayList<>();
        for (String optional : List.of("offset", "cacheType", "flags", "failPageIn", "protect", "cleanup", "type",
                "accessMode", "lowAddress", "highAddress", "skipBytes", "pageOffset", "requestedAddress")) {
            if (a.has(optional)) {
                out.add(a.with(optional, null));
            }
        }
        if (a.get("priority") instanceof String p && p.contains("|")) {
            out.add(a.with("priority", p.replace("|MdlMappingNoExecute", "")));
            out.add(a.with("priority", null));
        }
        for (String f : List.of("length", "size")) {
            if (a.get(f) instanceof Long v && v != 0x1000L && v != 0L) {
                out.add(a.with(f, 0x1000L));
            }
        }
        if (a.get("hex") instanceof String h && h.length() > 2) {
            out.add(a.with("hex", h.substring(0, 2)));
        }
        if (a.get("ranges") instanceof List<?> l && l.size() > 1) {
            out.add(a.with("ranges", List.of(l.get(0))));
            out.add(a.with("ranges", List.of(l.get(l.size() - 1))));
        }
        return out;
    }

    /** The sequence (cut at the finding) when it still shows the same finding, else null. */
    private List<Action> reproduces(List<Action> steps, MachineSetup setup, String key) {
        runs++;
        SequenceRunner.Outcome o = runner.run(setup, fixed(steps));
        if (!o.wellFormed() || o.violation() == null || !o.violation().key().equals(key)) {
            return null;
        }
        return new ArrayList<>(o.steps());
    }

    static java.util.function.Function<Model, Action> fixed(List<Action> steps) {
        Iterator<Action> it = steps.iterator();
        return m -> it.hasNext() ? it.next() : null;
    }

}
