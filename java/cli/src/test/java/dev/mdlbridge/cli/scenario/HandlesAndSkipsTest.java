package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.cli.Main;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.spi.BackendOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CONTRACT section 9, handles and no lost results: OpenHandle and {@code handle}, objects that belong to the handle
 * that created them, skipped steps with a reason, and failed device calls reported as statuses.
 */
class HandlesAndSkipsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String BUF = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 8192}, ";
    private static final String H2 = "{\"op\": \"OpenHandle\", \"as\": \"h2\"}, ";

    /** The scenario's steps (JSON objects joined by commas), run on a fresh simulator; the result as JSON. */
    private static JsonNode run(String steps) throws Exception {
        RunResult r = runResult(steps);
        return JSON.readTree(ResultJson.toString(r));
    }

    private static RunResult runResult(String steps) {
        return ScenarioRunner.run(ScenarioParser.parse("{\"steps\": [" + steps + "]}", "t.json"), "simulator",
                new BackendOptions(Map.of("seed", "1")), "t.json");
    }

    private static JsonNode step(JsonNode r, int i) {
        return ExamplesTest.step(r, i);
    }

    private static String status(JsonNode r, int i) {
        return step(r, i).path("statusName").asText();
    }

    // ------------------------------------------------------------------------------------------- parse errors

    @Test
    void aHandleThatWasNeverOpenedIsAUsageErrorNamingStepAndField() {
        String m = UsageErrorsTest.error("{\"steps\": [" + BUF
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h3\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": 1}]}");
        assertTrue(m.contains("step 1 (IoAllocateMdl)") && m.contains("field \"handle\"")
                && m.contains("unknown handle \"h3\"") && m.contains("OpenHandle"), m);
        String used = UsageErrorsTest.error("{\"steps\": [{\"op\": \"Info\", \"handle\": \"h2\"}, " + H2
                + "{\"op\": \"Info\"}]}");
        assertTrue(used.contains("step 0 (Info)") && used.contains("unknown handle \"h2\""), used);
    }

    @Test
    void handlesAndObjectsAreNotMixedUp() {
        String objectAsHandle = UsageErrorsTest.error("{\"steps\": [" + BUF + "{\"op\": \"Info\", \"handle\": \"buf\"}]}");
        assertTrue(objectAsHandle.contains("step 1 (Info)") && objectAsHandle.contains("field \"handle\"")
                && objectAsHandle.contains("names an object, not a handle"), objectAsHandle);
        String handleAsObject = UsageErrorsTest.error("{\"steps\": [" + H2
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"h2\"}]}");
        assertTrue(handleAsObject.contains("step 1 (MmProbeAndLockPages)") && handleAsObject.contains("field \"mdl\"")
                && handleAsObject.contains("names a handle"), handleAsObject);
        String reopened = UsageErrorsTest.error("{\"steps\": [" + H2 + H2 + "{\"op\": \"Info\"}]}");
        assertTrue(reopened.contains("step 1 (OpenHandle)") && reopened.contains("field \"as\"")
                && reopened.contains("already a handle"), reopened);
        String main = UsageErrorsTest.error("{\"steps\": [{\"op\": \"OpenHandle\", \"as\": \"main\"}]}");
        assertTrue(main.contains("step 0 (OpenHandle)") && main.contains("field \"as\""), main);
        String objectNamedLikeHandle = UsageErrorsTest.error("{\"steps\": [" + H2
                + "{\"op\": \"VirtualAlloc\", \"as\": \"h2\", \"size\": 1}]}");
        assertTrue(objectNamedLikeHandle.contains("step 1 (VirtualAlloc)")
                && objectNamedLikeHandle.contains("field \"as\""), objectNamedLikeHandle);
        String notAString = UsageErrorsTest.error("{\"steps\": [{\"op\": \"Info\", \"handle\": 2}]}");
        assertTrue(notAString.contains("step 0 (Info)") && notAString.contains("field \"handle\""), notAString);
        String onOpen = UsageErrorsTest.error("{\"steps\": [{\"op\": \"OpenHandle\", \"as\": \"h\", \"handle\": \"main\"}]}");
        assertTrue(onOpen.contains("step 0 (OpenHandle)") && onOpen.contains("unknown field \"handle\""), onOpen);
    }

    // -------------------------------------------------------------------------------------------------- handles

    @Test
    void eachHandleLocksTheSameBufferAndTheOtherHandlesMdlIsNotFound() throws Exception {
        JsonNode r = run(BUF + H2
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m1\", \"buffer\": \"buf\", \"length\": 8192}, "          // 2
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"k\", \"buffer\": \"buf\", \"length\": 4096}, "           // 3
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m1\"}, "                                          // 4
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m2\", \"buffer\": \"buf\", \"length\": 8192}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"handle\": \"h2\", \"mdl\": \"m2\"}, "                      // 6
                + "{\"op\": \"Info\"}, "                                                                         // 7
                + "{\"op\": \"Query\", \"handle\": \"h2\", \"mdl\": \"m1\"}, "                                    // 8
                + "{\"op\": \"Query\", \"handle\": \"h2\", \"mdl\": \"k\"}, "                                     // 9
                + "{\"op\": \"MmUnlockPages\", \"mdl\": \"m2\"}");                                               // 10
        assertEquals(step(r, 4).path("mdl").path("pfns"), step(r, 6).path("mdl").path("pfns"));
        assertEquals("h2", step(r, 6).path("handle").asText());
        assertFalse(step(r, 4).has("handle"), "steps on main do not name it");
        JsonNode info = step(r, 7).path("value");
        assertEquals(3, info.path("outstandingMdls").asInt(), "the process's MDLs over both handles");
        assertEquals(4, info.path("lockedPages").asInt(), "two pages locked by each handle");
        // m1 has id 1 on main, and h2's own m2 has id 1 too; k has id 2, which h2 never issued
        for (int i : new int[] {8, 9, 10}) {
            assertEquals("STATUS_NOT_FOUND", status(r, i), "step " + i);
            assertEquals("0xC0000225", step(r, i).path("status").asText());
        }
        assertEquals("0x000A", step(r, 6).path("mdl").path("mdlFlags").asText(), "h2's MDL is untouched");
        assertEquals("completed", r.path("outcome").asText());
    }

    @Test
    void anAddressMayNameAnyHandlesObjectAsAPlainRange() throws Exception {
        JsonNode r = run(H2
                + "{\"op\": \"ExAllocatePool\", \"as\": \"kb\", \"size\": 4096}, "                                // 1
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m2\", \"buffer\": \"kb\", \"length\": 4096}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"handle\": \"h2\", \"mdl\": \"m2\", \"accessMode\": \"KernelMode\"}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m1\", \"address\": {\"of\": \"kb\"}, \"length\": 4096}, " // 4
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m1\", \"accessMode\": \"KernelMode\"}");          // 5
        assertEquals("STATUS_SUCCESS", status(r, 2), "describing the range is arithmetic");
        assertEquals(step(r, 1).path("value"), step(r, 2).path("mdl").path("startVa"));
        assertEquals("STATUS_INVALID_DEVICE_STATE", status(r, 3),
                "another handle's kernel buffer is a caller range: no KernelMode probe (driver/CONTRACT.md §2)");
        assertEquals("STATUS_SUCCESS", status(r, 5), "the owner's own kernel buffer may be probed KernelMode");
    }

    @Test
    void closingTheSecondHandleReleasesOnlyItsObjectsAndLaterStepsOnItGetInvalidHandle() throws Exception {
        JsonNode r = run(BUF + H2
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m1\", \"buffer\": \"buf\", \"length\": 8192}, "          // 2
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m1\"}, "                                          // 3
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m2\", \"buffer\": \"buf\", \"length\": 8192}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"handle\": \"h2\", \"mdl\": \"m2\"}, "                      // 5
                + "{\"op\": \"MmGetSystemAddressForMdlSafe\", \"handle\": \"h2\", \"mdl\": \"m2\"}, "             // 6
                + "{\"op\": \"ExAllocatePool\", \"handle\": \"h2\", \"as\": \"k2\", \"size\": 100}, "             // 7
                + "{\"op\": \"CloseHandle\", \"handle\": \"h2\"}, "                                               // 8
                + "{\"op\": \"Query\", \"handle\": \"h2\", \"mdl\": \"m2\"}, "                                    // 9
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m3\", \"buffer\": \"buf\", \"length\": 1}, "
                + "{\"op\": \"CloseHandle\", \"handle\": \"h2\"}, "                                               // 11
                + "{\"op\": \"Query\", \"mdl\": \"m1\"}, "                                                        // 12
                + "{\"op\": \"Info\"}, "                                                                         // 13
                + "{\"op\": \"Query\", \"mdl\": \"m3\", \"expect\": \"skipped\"}");                               // 14
        JsonNode released = step(r, 8).path("value").path("released");
        assertEquals(1, released.path("outstandingMdls").asInt());
        assertEquals(1, released.path("outstandingMappings").asInt());
        assertEquals(1, released.path("outstandingKernelBuffers").asInt());
        assertEquals(2, released.path("lockedPages").asInt());
        for (int i : new int[] {9, 10, 11}) {
            assertEquals("STATUS_INVALID_HANDLE", status(r, i), "step " + i);
        }
        assertEquals(2, Integer.decode(step(r, 12).path("mdl").path("mdlFlags").asText()) & 0x0002,
                "main's MDL is still locked");
        assertEquals(1, step(r, 13).path("value").path("outstandingMdls").asInt());
        assertEquals(2, step(r, 13).path("value").path("lockedPages").asInt());
        assertEquals("mdl 'm3' was not created (step 10 failed)", step(r, 14).path("reason").asText());
        assertEquals(1, r.path("leftover").path("outstandingMdls").asInt());
    }

    @Test
    void closingMainReleasesItAndReopensIt() throws Exception {
        JsonNode r = run(BUF + H2
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m1\", \"buffer\": \"buf\", \"length\": 8192}, "          // 2
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m2\", \"buffer\": \"buf\", \"length\": 8192}, "
                + "{\"op\": \"CloseHandle\"}, "                                                                  // 4
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m3\", \"buffer\": \"buf\", \"length\": 4096}, "           // 5
                + "{\"op\": \"Query\", \"mdl\": \"m1\"}, "                                                        // 6
                + "{\"op\": \"Query\", \"handle\": \"h2\", \"mdl\": \"m2\"}");                                    // 7
        assertEquals(1, step(r, 4).path("value").path("released").path("outstandingMdls").asInt(), "main's only");
        assertEquals("STATUS_SUCCESS", status(r, 5), "main was reopened");
        assertEquals(3, step(r, 5).path("objectId").asInt(), "ids come from one driver-wide counter: 1, 2, then 3");
        assertEquals("STATUS_NOT_FOUND", status(r, 6), "m1 belonged to the handle that was closed");
        assertEquals("STATUS_SUCCESS", status(r, 7), "h2 kept its MDL");
    }

    @Test
    void leftoverCoversEveryHandleAndTheRunnerClosesTheHandlesItOpened() throws Exception {
        String steps = BUF + H2
                + "{\"op\": \"IoAllocateMdl\", \"handle\": \"h2\", \"as\": \"m2\", \"buffer\": \"buf\", \"length\": 8192}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"handle\": \"h2\", \"mdl\": \"m2\"}";
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
            RunResult r = ScenarioRunner.runOn(bridge, ScenarioParser.parse("{\"steps\": [" + steps + "]}", "t"));
            assertEquals(new Counters(1, 0, 0, 2), r.leftover(), "what h2 held when the scenario ended");
            assertEquals(Counters.ZERO, bridge.counters(), "h2 was closed, and its objects released, by the runner");
        }
    }

    // ---------------------------------------------------------------------------------------- no lost results

    @Test
    void aStepNamingAnObjectWhoseCreationFailedIsSkippedWithItsReason() throws Exception {
        RunResult result = runResult(
                "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 4096, \"protect\": \"PAGE_NOACCESS\"}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": 4096}, "          // 1
                + "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"um\", \"mdl\": \"m\", "
                + "\"expect\": \"STATUS_INVALID_DEVICE_STATE\"}, "                                               // 2
                + "{\"op\": \"ReadMapped\", \"mapping\": \"um\", \"size\": 4}, "                                   // 3
                + "{\"op\": \"IoBuildPartialMdl\", \"as\": \"p\", \"source\": \"um\", \"length\": 1, "
                + "\"expect\": \"skipped\"}, "                                                                     // 4
                + "{\"op\": \"Query\", \"mdl\": \"p\", \"expect\": \"skipped\"}, "                                // 5
                + "{\"op\": \"Query\", \"mdl\": \"m\", \"expect\": \"skipped\"}");                                // 6
        JsonNode r = JSON.readTree(ResultJson.toString(result));
        JsonNode skipped = step(r, 3);
        assertTrue(skipped.path("skipped").asBoolean());
        assertEquals("mapping 'um' was not created (step 2 failed)", skipped.path("reason").asText());
        assertFalse(skipped.has("status") || skipped.has("statusName") || skipped.has("mdl"), skipped.toString());
        assertEquals("mdl 'p' was not created (step 4 was skipped)", step(r, 5).path("reason").asText());
        assertEquals("skipped", step(r, 4).path("expect").asText());
        assertTrue(step(r, 4).path("skipped").asBoolean());
        assertFalse(step(r, 6).has("skipped"), "m was created: the step ran");
        assertFalse(result.steps().get(3).asExpected(), "a skipped step without expect skipped is a failure");
        assertTrue(result.steps().get(4).asExpected());
        assertTrue(result.steps().get(5).asExpected());
        assertFalse(result.steps().get(6).asExpected(), "expected skipped, but it ran");
        assertFalse(result.passed());
        assertEquals(Map.of(), schemaErrors(r));
    }

    @Test
    void anObjectThatWasReleasedIsStillSentAndTheDeviceAnswers() throws Exception {
        JsonNode r = run(BUF
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": 4096}, "
                + "{\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}, "
                + "{\"op\": \"IoFreeMdl\", \"mdl\": \"m\", \"expect\": \"STATUS_NOT_FOUND\"}");
        assertFalse(step(r, 3).has("skipped"));
        assertEquals("STATUS_NOT_FOUND", status(r, 3));
        assertTrue(step(r, 3).path("explanation").asText().contains("unknown or was already released"));
        assertEquals("STATUS_NOT_FOUND", status(r, 4));
        assertEquals("completed", r.path("outcome").asText());
    }

    @Test
    void runJsonPrintsACompleteDocumentWhenAStepNamesAnObjectThatWasNeverCreated(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("never.json");
        Files.writeString(f, "{\"steps\": [" + BUF
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": \"0xFFFFFFFF\"}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}, "
                + "{\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}, "
                + "{\"op\": \"Info\"}]}");
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringWriter err = new StringWriter();
        int exit;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            exit = Main.execute(new String[] {"run", "--backend", "simulator", "--json", f.toString()},
                    new PrintWriter(new StringWriter()), new PrintWriter(err));
        } finally {
            System.setOut(saved);
        }
        assertEquals(1, exit, err.toString());
        assertEquals("", err.toString(), "nothing on stderr: no exception, no stack trace");
        JsonNode r = JSON.readTree(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(5, r.path("steps").size(), "one result per step");
        assertEquals("STATUS_INSUFFICIENT_RESOURCES", status(r, 1));
        assertEquals("mdl 'm' was not created (step 1 failed)", step(r, 2).path("reason").asText());
        assertEquals("mdl 'm' was not created (step 1 failed)", step(r, 3).path("reason").asText());
        assertEquals("STATUS_SUCCESS", status(r, 4));
        assertEquals("completed", r.path("outcome").asText());
        assertEquals(Map.of(), schemaErrors(r));
    }

    @Test
    void runTextShowsSkippedStepsPlainly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("skip.json");
        Files.writeString(f, "{\"steps\": [" + BUF
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": \"0xFFFFFFFF\"}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}]}");
        StringWriter out = new StringWriter();
        int exit = Main.execute(new String[] {"run", "--backend", "simulator", f.toString()}, new PrintWriter(out),
                new PrintWriter(new StringWriter()));
        assertEquals(1, exit);
        assertTrue(out.toString().contains("skipped: mdl 'm' was not created (step 1 failed)"), out.toString());
    }

    private static Map<String, String> schemaErrors(JsonNode result) {
        Map<String, String> m = new java.util.TreeMap<>();
        JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                        b -> b.schemaMappers(x -> x.mapPrefix("https://mdlbridge.dev/schemas/", "classpath:schemas/")))
                .getSchema(SchemaLocation.of("https://mdlbridge.dev/schemas/result.schema.json"))
                .validate(result).forEach(v -> m.put(v.getInstanceLocation().toString(), v.getMessage()));
        return m;
    }
}
