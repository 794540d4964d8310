package dev.mdlbridge.scenario;

/**
 * A scenario file that cannot run as written (CONTRACT.md section 9): found before any step runs, so nothing
 * happened on the machine. The message names the step index, its op and the field, and what to write instead.
 */
public class ScenarioUsageException extends RuntimeException {

    public ScenarioUsageException(String message) {
        super(message);
    }
}
