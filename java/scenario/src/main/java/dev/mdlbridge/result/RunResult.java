package dev.mdlbridge.result;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.BugCheck;
import java.util.List;

/**
 * A result document (CONTRACT.md section 8): what every step did, what was left over, and whether the machine
 * survived.
 *
 * @param backend  simulator, driver or replay
 * @param profile  the simulator profile, or the one the scenario named (recorded on the driver)
 * @param machine  what the machine said about itself
 * @param steps    one record per step, in order (a bug check ends the list early)
 * @param leftover what was still held when the run ended (the runner then releases it)
 * @param bugCheck the simulated bug check that ended the run, or null
 */
public record RunResult(String backend, String profile, Machine machine, List<StepRecord> steps, Counters leftover,
                        BugCheck bugCheck) {

    public RunResult {
        steps = List.copyOf(steps);
    }

    public String outcome() {
        return bugCheck == null ? "completed" : "bugcheck";
    }

    /**
     * Every step succeeded or failed as its {@code expect} said (a failure that ended a Repeat with
     * {@code untilFailure} included), and the run completed, or ended in the bug check
     * the step that caused it expected ({@code "expect": {"bugCheck": ...}}, CONTRACT.md section 9).
     */
    public boolean passed() {
        return steps.stream().allMatch(StepRecord::counts)
                && (bugCheck == null || steps.stream().anyMatch(s -> s.causedBugCheck() && s.expectBugCheck() != null));
    }

    /** The machine block: os, build, arch, driverVersion, protocolVersion. */
    public record Machine(String os, String build, String arch, String driverVersion, int protocolVersion) {
    }
}
