package dev.mdlbridge.cli.explore;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A shrunk finding: what broke, and the scenario that shows it.
 *
 * @param violation  the invariant that failed, as the shrunk scenario shows it
 * @param steps      the shrunk steps
 * @param setup      the profile and simulator faults the scenario needs (usually the default profile, no faults)
 * @param foundAfter how many sequences had run when it was first seen
 * @param file       where the scenario was written, or null without {@code --out}
 */
record Finding(Violation violation, List<Action> steps, MachineSetup setup, long foundAfter, String file) {

    String kind() {
        return violation.kind();
    }

    /** The bug check code, 0 for other kinds. */
    int bugCheckCode() {
        return violation.code();
    }

    boolean multiHandle() {
        return steps.stream().anyMatch(a -> a.op().equals("OpenHandle") || a.op().equals("DuplicateHandle")
                || !a.handle().equals(Action.MAIN));
    }

    ObjectNode scenario() {
        return ScenarioWriter.scenario(this);
    }

    Finding writtenTo(String path) {
        return new Finding(violation, steps, setup, foundAfter, path);
    }
}
