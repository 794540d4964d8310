package dev.mdlbridge.scenario;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.SimulatorControl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one entry point for running a scenario (CONTRACT.md section 9) from Java: a document, a file or a shipped
 * example, on a bridge you opened or on a fresh machine a backend policy chooses. What {@code mdl run} does,
 * without the printing.
 *
 * <pre>{@code
 * try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
 *     RunResult r = Scenarios.run(Path.of("my-scenario.json"), bridge);   // or a JSON string, or "example:lifecycle"
 *     System.out.println(r.outcome() + ", as expected: " + r.passed());
 *     r.steps().forEach(step -> System.out.println(step.step()));        // each step as mdl prints it
 * }
 * }</pre>
 *
 * <p>On a bridge you opened, the scenario's {@code profile}, {@code policy}, {@code faults} and {@code unchecked}
 * are not applied (the machine already exists; open it with {@link dev.mdlbridge.spi.SimulatorOptions}), and on a
 * bridge without the simulator the simulator-only fields and ops are refused, as on the driver. The
 * {@link #run(String, String)} forms open a fresh machine built from those fields, as {@code mdl run} does.
 */
public final class Scenarios {

    private Scenarios() {
    }

    /**
     * Parses a scenario.
     *
     * @param jsonOrExample a scenario document (JSON text), or {@code example:NAME} for a shipped example
     * @return the scenario
     * @throws ScenarioUsageException when the text is not a valid scenario (the message names the step and field),
     *         or no example has that name
     */
    public static Scenario parse(String jsonOrExample) {
        String t = jsonOrExample.strip();
        return t.startsWith(Examples.PREFIX) ? Examples.load(t) : ScenarioParser.parse(jsonOrExample, "<scenario>");
    }

    /**
     * Reads and parses a scenario file.
     *
     * @param file the scenario document
     * @return the scenario; its source in messages and results is the file's path
     * @throws UncheckedIOException when the file cannot be read
     * @throws ScenarioUsageException when it is not a valid scenario
     */
    public static Scenario load(Path file) {
        try {
            return ScenarioParser.parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read scenario " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs a scenario on a bridge you opened (and close). Handles the scenario opens itself ({@code OpenHandle})
     * are closed before this returns; what the main handle still holds is reported as the result's
     * {@code leftover} and stays held.
     *
     * @param scenario the scenario
     * @param bridge   the bridge to run it on
     * @return the result: every step with its status and snapshots, whether each was as expected, the leftover
     * @throws ScenarioUsageException when the scenario needs the simulator and the bridge is on another backend
     */
    public static RunResult run(Scenario scenario, MdlBridge bridge) {
        if (bridge.backend().capability(SimulatorControl.class).isEmpty()) {
            ScenarioParser.checkForDriver(scenario, "scenario '" + scenario.description() + "'");
        }
        return ScenarioRunner.runOn(bridge, scenario);
    }

    /**
     * Parses and runs a scenario on a bridge you opened; see {@link #run(Scenario, MdlBridge)}.
     *
     * @param jsonOrExample a scenario document, or {@code example:NAME}
     * @param bridge        the bridge to run it on
     * @return the result
     */
    public static RunResult run(String jsonOrExample, MdlBridge bridge) {
        return run(parse(jsonOrExample), bridge);
    }

    /**
     * Reads and runs a scenario file on a bridge you opened; see {@link #run(Scenario, MdlBridge)}.
     *
     * @param file   the scenario document
     * @param bridge the bridge to run it on
     * @return the result
     */
    public static RunResult run(Path file, MdlBridge bridge) {
        return run(load(file), bridge);
    }

    /**
     * Runs a scenario on a fresh machine that {@code policy} chooses, built from the scenario's own
     * {@code profile}, {@code policy}, {@code faults} and {@code unchecked} on the simulator, and closes it: what
     * {@code mdl run --backend POLICY} does.
     *
     * @param jsonOrExample a scenario document, or {@code example:NAME}
     * @param policy        {@code auto}, {@code driver}, {@code simulator} or {@code replay:FILE}
     * @return the result
     * @throws dev.mdlbridge.spi.BackendException when no backend satisfies the policy
     */
    public static RunResult run(String jsonOrExample, String policy) {
        String t = jsonOrExample.strip();
        return ScenarioRunner.run(parse(jsonOrExample), policy, BackendOptions.none(),
                t.startsWith(Examples.PREFIX) ? t : "<scenario>");
    }
}
