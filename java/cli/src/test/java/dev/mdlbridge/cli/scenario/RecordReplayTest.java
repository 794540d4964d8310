package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.cli.Main;
import dev.mdlbridge.record.ReplayDivergedException;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.scenario.Examples;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.scenario.ScenarioUsageException;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Record and replay: a selftest recorded on the simulator replays identically (every scenario, the simulator-only
 * ones included, because the simulator's controls are recorded too); a run that is not the recorded one fails and
 * names the call; {@code mdl diff} of the simulator against the replayed recording flags a changed flag.
 */
class RecordReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static int mdl(StringWriter out, String... args) {
        return Main.execute(args, new PrintWriter(out), new PrintWriter(out));
    }

    @Test
    void aRecordedSelftestReplaysIdentically(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("selftest.mdlrec");
        Path live = dir.resolve("live");
        Path replayed = dir.resolve("replayed");
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "selftest", "--backend", "simulator", "--seed", "3", "--record", recording.toString(),
                "--out", live.toString()), out.toString());
        out = new StringWriter();
        assertEquals(0, mdl(out, "selftest", "--backend", "replay:" + recording, "--out", replayed.toString()),
                out.toString());
        assertTrue(out.toString().contains(Examples.names().size() + " passed, 0 failed"), out.toString());

        List<Path> results;
        try (Stream<Path> files = Files.list(live)) {
            results = files.sorted().toList();
        }
        assertEquals(Examples.names().size(), results.size());
        for (Path r : results) {
            ObjectNode a = (ObjectNode) JSON.readTree(r.toFile());
            ObjectNode b = (ObjectNode) JSON.readTree(replayed.resolve(r.getFileName()).toFile());
            assertEquals("simulator", a.get("backend").asText());
            assertEquals("replay", b.get("backend").asText());
            assertEquals("Windows (simulated, replayed)", b.get("machine").get("os").asText());
            a.remove("backend");
            b.remove("backend");
            ((ObjectNode) a.get("machine")).remove("os");
            ((ObjectNode) b.get("machine")).remove("os");
            // the same bytes came back, so every address, PFN and status is the same
            assertEquals(a, b, r.getFileName() + " replayed differently");
        }
    }

    @Test
    void diffOfTheSimulatorAgainstARecordedRunFlagsAChangedFlag(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("lifecycle.mdlrec");
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "run", "example:lifecycle", "--backend", "simulator", "--record",
                recording.toString()), out.toString());
        JsonNode replayed = JSON.readTree(ResultJson.toString(ScenarioRunner.run(
                ScenarioParser.parse(Examples.text("lifecycle"), "example:lifecycle"),
                "replay:" + recording, BackendOptions.none(), "example:lifecycle")));
        // another seed on the simulator: other frames and addresses, the same MDL
        JsonNode simulated = ExamplesTest.run("lifecycle");
        assertEquals(List.of(), ResultDiff.compare(simulated, replayed));

        ObjectNode changed = replayed.deepCopy();
        // the recorded machine without MDL_WRITE_OPERATION (0x80) after the IoModifyAccess probe
        ((ObjectNode) changed.get("steps").get(2).get("mdl")).put("mdlFlags", "0x000A");
        List<ResultDiff.Difference> d = ResultDiff.compare(simulated, changed);
        assertEquals(1, d.size(), d.toString());
        assertEquals("step 2 (MmProbeAndLockPages) mdl mdlFlags", d.get(0).where());
        assertFalse(d.get(0).isCalibration());
    }

    @Test
    void aRunThatIsNotTheRecordedOneFailsNamingTheCall(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("r.mdlrec");
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "run", "example:lifecycle", "--backend", "simulator", "--record",
                recording.toString()), out.toString());
        // same description, so the session is found; a different buffer size, so the calls differ
        String other = Examples.text("lifecycle").replaceFirst("\"size\": *(\\d+)", "\"size\": 65536");
        ReplayDivergedException e = assertThrows(ReplayDivergedException.class, () -> ScenarioRunner.run(
                ScenarioParser.parse(other, "other"), "replay:" + recording, BackendOptions.none(), "other"));
        assertTrue(e.getMessage().contains("was recorded as allocate size="), e.getMessage());
        assertTrue(e.getMessage().contains("but the run asked for allocate size=65536"), e.getMessage());
        assertTrue(e.getMessage().contains("record it again"), e.getMessage());
    }

    @Test
    void aScenarioThatWasNotRecordedOrAMissingFileIsAClearError(@TempDir Path dir) throws Exception {
        Path recording = dir.resolve("r.mdlrec");
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "run", "example:lifecycle", "--backend", "simulator", "--record",
                recording.toString()), out.toString());
        ScenarioUsageException u = assertThrows(ScenarioUsageException.class, () -> ScenarioRunner.run(
                ScenarioParser.parse(Examples.text("guard-pages"), "example:guard-pages"),
                "replay:" + recording, BackendOptions.none(), "example:guard-pages"));
        assertTrue(u.getMessage().contains("has no session for 'Guard pages"), u.getMessage());

        out = new StringWriter();
        Path missing = dir.resolve("nothing-here.mdlrec");
        assertEquals(2, mdl(out, "describe", "--size", "4096", "--backend", "replay:" + missing), out.toString());
        assertTrue(out.toString().contains(missing + " does not exist"), out.toString());
        BackendException b = assertThrows(BackendException.class, () -> ScenarioRunner.run(
                ScenarioParser.parse(Examples.text("lifecycle"), "x"), "replay:" + recording,
                new BackendOptions(Map.of("seed", "4")), "x"));
        assertTrue(b.getMessage().contains("option 'seed' does not apply to a replay"), b.getMessage());
    }

    @Test
    void aDescribeRecordedOnTheSimulatorReplaysToTheSameOutput(@TempDir Path dir) {
        Path recording = dir.resolve("d.mdlrec");
        StringWriter live = new StringWriter();
        assertEquals(0, mdl(live, "describe", "--size", "10000", "--offset", "0x123", "--backend", "simulator",
                "--record", recording.toString()), live.toString());
        StringWriter replayed = new StringWriter();
        assertEquals(0, mdl(replayed, "describe", "--size", "10000", "--offset", "0x123", "--backend",
                "replay:" + recording), replayed.toString());
        List<String> a = live.toString().lines().filter(l -> !l.startsWith("mdl: backend ") && !l.startsWith("backend "))
                .toList();
        List<String> b = replayed.toString().lines().filter(l -> !l.startsWith("mdl: backend ") && !l.startsWith("backend "))
                .toList();
        assertTrue(a.size() > 10, live.toString());
        assertEquals(a, b, "everything but the two lines naming the backend is the recorded machine's");
        assertTrue(replayed.toString().contains("mdl: backend replay (replay:"), replayed.toString());
        assertTrue(replayed.toString().contains("backend replay, profile win10-x64, Windows (simulated, replayed)"),
                replayed.toString());
    }
}
