package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.spi.BackendOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped examples, as a library user reaches them: {@code example:NAME} is {@link Examples}, every example has
 * its expected result beside it, both hold to the published schemas, and each runs on the simulator (found through
 * the SPI) to its expected result.
 */
class ExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Path.of("src/main/resources/examples");

    private static Set<String> jsonFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> names = new TreeSet<>();
            s.filter(p -> p.toString().endsWith(".json"))
                    .forEach(p -> names.add(p.getFileName().toString().replaceFirst("\\.json$", "")));
            return names;
        }
    }

    @Test
    void namesAreExactlyTheShippedFilesEachWithAnExpectedResult() throws IOException {
        assertEquals(new TreeSet<>(Examples.names()), jsonFiles(DIR), "examples/*.json");
        assertEquals(new TreeSet<>(Examples.names()), jsonFiles(DIR.resolve("expected")), "examples/expected/*.json");
        assertEquals("lifecycle", Examples.names().get(0), "the simplest first");
    }

    @Test
    void everyExampleAndExpectedResultHoldsToItsSchema() throws IOException {
        for (String e : Examples.names()) {
            assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(Examples.text(e))), e);
            assertEquals(Set.of(), SchemaFiles.errors("result", JSON.readTree(Examples.expected(e))), e);
        }
    }

    @Test
    void theExamplePrefixIsAccepted() {
        assertEquals(Examples.text("lifecycle"), Examples.text("example:lifecycle"));
        assertEquals(Examples.load("lifecycle"), Examples.load("example:lifecycle"));
    }

    @Test
    void anUnknownExampleNamesTheKnownOnes() {
        ScenarioUsageException e = assertThrows(ScenarioUsageException.class, () -> Examples.load("nope"));
        assertTrue(e.getMessage().startsWith("example:nope is not shipped; known: [lifecycle, "), e.getMessage());
        assertThrows(ScenarioUsageException.class, () -> Examples.expected("nope"));
    }

    @Test
    void everyExampleRunsOnTheSimulatorToItsExpectedResult() throws IOException {
        for (String e : Examples.names()) {
            RunResult r = ScenarioRunner.run(Examples.load(e), "simulator", BackendOptions.none(), "example:" + e);
            JsonNode actual = JSON.readTree(ResultJson.toString(r));
            List<ResultDiff.Difference> d = ResultDiff.compare(JSON.readTree(Examples.expected(e)), actual);
            assertTrue(d.stream().allMatch(ResultDiff.Difference::isCalibration), e + ": " + d);
        }
    }
}
