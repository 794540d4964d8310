package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scenario printed in the repository's README.md ("Scenarios") is one the parser and the schema take. */
class RootReadmeScenarioTest {

    static String readmeScenario() throws Exception {
        String readme = Files.readString(Path.of("../../README.md"));
        Matcher m = Pattern.compile("## Scenarios.*?```json\\n(.*?)```", Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has a json block under ## Scenarios");
        return m.group(1);
    }

    @Test
    void theReadmeScenarioParsesAndHoldsToTheSchema() throws Exception {
        String text = readmeScenario();
        assertEquals(Set.of(), SchemaFiles.errors("scenario", new ObjectMapper().readTree(text)));
        Scenario s = ScenarioParser.parse(text, "README.md");
        assertEquals(16L << 20, s.limits().get("maxKernelBufferBytes"));
        assertTrue(s.simulatorOnly(), "limits make it a simulator scenario");
    }

    @Test
    void theReadmeScenarioRunsAsItSays() throws Exception {
        dev.mdlbridge.result.RunResult r = ScenarioRunner.run(ScenarioParser.parse(readmeScenario(), "README.md"),
                "simulator", dev.mdlbridge.spi.BackendOptions.none(), "README.md");
        assertTrue(r.passed(), dev.mdlbridge.result.ResultJson.toString(r));
        // 16 MiB of kernel buffers: the 100-byte block holds one page, so 15 buffers of 1 MiB fit and the 16th ends
        // the Repeat
        long repeated = r.steps().stream().filter(x -> x.iteration() != null).count();
        assertEquals(16, repeated);
        assertTrue(r.steps().get(r.steps().size() - 1).endedRepeat());
        assertEquals("STATUS_QUOTA_EXCEEDED", r.steps().get(r.steps().size() - 1).step().status().name());
    }
}
