package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.spi.BackendOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The "Running a scenario from Java" example of java/scenario/README.md, as it is printed there. */
class ReadmeExampleTest {

    @Test
    void theReadmeExampleRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("my-scenario.json");
        Files.writeString(file, Examples.text("lifecycle"));
        // ---- java/scenario/README.md, "Running a scenario from Java" (keep the two identical)
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
            RunResult r = Scenarios.run(file, bridge);              // or a JSON string, or "example:lifecycle"
            System.out.println(r.outcome() + ", as expected: " + r.passed());   // completed, as expected: true
            r.steps().forEach(s -> System.out.println(s.step()));   // each step as `mdl run` prints it
        }
        // ----
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
            RunResult r = Scenarios.run(file, bridge);
            assertEquals("completed", r.outcome());
            assertTrue(r.passed());
        }
    }

    @Test
    void aStringAnExampleOrAPolicy() {
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
            assertTrue(Scenarios.run("example:partial-mdl", bridge).passed());
            assertTrue(Scenarios.run(Examples.text("chains"), bridge).passed());
        }
        RunResult fresh = Scenarios.run("example:unchecked-leak", "simulator");
        assertEquals("bugcheck", fresh.outcome(), "a fresh machine built from the scenario's own fields");
        assertThrows(ScenarioUsageException.class, () -> Scenarios.parse("{\"scenario\": 1}"));
    }
}
