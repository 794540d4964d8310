package dev.mdlbridge.cli.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A short stress run on the simulator: the report's shape, zero leaks, exit 0. */
class StressCommandTest {

    @Test
    void shortRunOnTheSimulatorLeaksNothing() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"stress", "--backend", "simulator", "--threads", "3", "--duration",
                "1500ms", "--json"}, new PrintWriter(out, true), new PrintWriter(err, true));
        JsonNode r = new ObjectMapper().readTree(out.toString());
        assertEquals(0, code, () -> "exit code; stdout: " + out + "\nstderr: " + err);
        assertTrue(r.get("operations").asLong() > 1000, () -> "operations: " + r.get("operations"));
        assertTrue(r.get("opsPerSecond").asLong() > 0);
        assertTrue(r.get("failuresByStatus").isObject());
        JsonNode leaked = r.get("leaked");
        for (String k : new String[] {"outstandingMdls", "outstandingMappings", "outstandingKernelBuffers",
                "lockedPages"}) {
            assertEquals(0, leaked.get(k).asLong(), k);
        }
        assertEquals(0, r.get("unexpected").size(), () -> "unexpected: " + r.get("unexpected"));
        // the deliberate misuses ran and were refused
        assertTrue(r.get("failuresByStatus").has("STATUS_INVALID_DEVICE_STATE"), () -> r.toString());
        assertTrue(r.get("operationsByKind").has("MmProbeAndLockPages"));
        assertTrue(r.get("operationsByKind").has("IoBuildPartialMdl"));
        assertEquals(1, r.get("schemaVersion").asInt());
        var schema = com.networknt.schema.JsonSchemaFactory.getInstance(
                com.networknt.schema.SpecVersion.VersionFlag.V202012,
                b -> b.schemaMappers(m -> m.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")))
                .getSchema(com.networknt.schema.SchemaLocation.of("https://mdlbridge.dev/schemas/stress.schema.json"));
        assertEquals(java.util.Set.of(), schema.validate(r), r::toString);
        com.fasterxml.jackson.databind.node.ObjectNode noVersion = r.deepCopy();
        noVersion.remove("schemaVersion");
        assertTrue(!schema.validate(noVersion).isEmpty(), "the schema requires schemaVersion");
        com.fasterxml.jackson.databind.node.ObjectNode badCount = r.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) badCount.get("operationsByKind")).put("Query", "many");
        assertTrue(!schema.validate(badCount).isEmpty(), "counts are integers");
    }

    @Test
    void badUsageExitsWithTwo() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"stress", "--backend", "simulator", "--duration", "soon"},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(2, code, () -> "stderr: " + err);
    }
}
