package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import dev.mdlbridge.spi.BackendOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT.md section 9: a number must fit its field (never a silent truncation), a scenario holds at most 100,000
 * steps, and a step may expect the bug check it causes.
 */
class NumbersAndBugChecksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALLOC = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 8192}";

    private static String error(String json) {
        return assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(json, "t.json")).getMessage();
    }

    private static String mdl(String length) {
        return "{\"steps\": [" + ALLOC + ", {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": "
                + length + "}]}";
    }

    @Test
    void aLengthIsAULongAndNeverCutToFit() {
        assertEquals("t.json: step 1 (IoAllocateMdl): field \"length\": 4294967296 does not fit; \"length\" is a "
                + "ULONG: 0..4294967295", error(mdl("4294967296")));
        assertEquals("t.json: step 1 (IoAllocateMdl): field \"length\": \"0x100000000\" does not fit; \"length\" is "
                + "a ULONG: 0..4294967295", error(mdl("\"0x100000000\"")));
        assertEquals("t.json: step 1 (IoAllocateMdl): field \"length\": -1 is negative; \"length\" is a ULONG: "
                + "0..4294967295", error(mdl("-1")));
        assertEquals("t.json: step 1 (IoAllocateMdl): field \"length\": \"-0x10\" is negative; \"length\" is a "
                + "ULONG: 0..4294967295", error(mdl("\"-0x10\"")));
        ScenarioParser.parse(mdl("4294967295"), "t.json");
        ScenarioParser.parse(mdl("\"0xFFFF_FFFF\""), "t.json");
    }

    @Test
    void sizesOffsetsAndAddressesAre64BitsAndSayWhichFormsAreAccepted() {
        assertEquals("t.json: step 0 (VirtualAlloc): field \"size\": 99999999999999999999 does not fit; \"size\" is "
                + "a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 (0xFFFFFFFFFFFFFFFF)",
                error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 99999999999999999999}]}"));
        assertEquals("t.json: step 0 (IoAllocateMdl): field \"address\": \"0x1_0000_0000_0000_0000\" does not fit; "
                + "\"address\" is a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 (0xFFFFFFFFFFFFFFFF)",
                error("{\"steps\": [{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"length\": 1, "
                        + "\"address\": \"0x1_0000_0000_0000_0000\"}]}"));
        ScenarioParser.parse("{\"steps\": [{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"length\": 1, "
                + "\"address\": \"0xFFFFFFFFFFFFFFFF\"}]}", "t.json");
        assertEquals("t.json: step 1 (ReadMapped): field \"offset\": 4294967296 does not fit; \"offset\" is a ULONG: "
                + "0..4294967295", error("{\"steps\": [" + ALLOC + ", {\"op\": \"ReadMapped\", \"mdl\": \"buf\", "
                + "\"offset\": 4294967296, \"size\": 1}]}"));
        assertEquals("t.json: step 1 (ReadUser): field \"size\": 67108865 does not fit; \"size\" is 0..67108864 "
                + "(64 MiB: ReadUser and WriteUser hold the bytes in the tool's memory)",
                error("{\"steps\": [" + ALLOC + ", {\"op\": \"ReadUser\", \"buffer\": \"buf\", \"size\": 67108865}]}"));
        assertEquals("t.json: step 0 (VirtualAlloc): field \"size\": 4096.5 is not an integer; write a JSON integer "
                + "(4096; 1e3 and 4096.0 are integral too) or a hex string (\"0x1000\"); numbers are never negative",
                error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 4096.5}]}"));
        assertEquals("t.json: step 0 (VirtualAlloc): field \"size\": \"4k\" is not a number; write a JSON integer "
                + "(4096; 1e3 and 4096.0 are integral too) or a hex string (\"0x1000\"); numbers are never negative",
                error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": \"4k\"}]}"));
        assertEquals("t.json: faults: field \"poolFailAfter\": -3 is negative; \"poolFailAfter\" is a count: "
                + "0..2147483647", error("{\"faults\": {\"poolFailAfter\": -3}, \"steps\": []}"));
    }

    @Test
    void integralJsonNumbersRunAsTheirValue() {
        Scenario s = ScenarioParser.parse("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 8.192e3}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"b\", \"length\": 1e3}]}", "t.json");
        RunResult r = ScenarioRunner.run(s, "simulator", BackendOptions.none(), "t.json");
        assertEquals(1000, r.steps().get(1).step().after().byteCount());
        assertTrue(r.passed());
    }

    @Test
    void aScenarioOfMoreThan100000StepsIsRefusedBeforeItIsBuilt() {
        StringBuilder b = new StringBuilder("{\"steps\": [");
        for (int i = 0; i <= ScenarioParser.MAX_STEPS; i++) {
            b.append(i == 0 ? "" : ",").append("{\"op\": \"Info\"}");
        }
        assertEquals("t.json: 100,001 steps; a scenario holds at most 100,000 (CONTRACT.md section 9): split it into "
                + "several files", error(b.append("]}").toString()));
    }

    @Test
    void aStepExpectsTheBugCheckItCauses() throws Exception {
        RunResult r = ScenarioRunner.run(Examples.load("unchecked-double-unlock"), "simulator", BackendOptions.none(),
                "example:unchecked-double-unlock");
        assertEquals("bugcheck", r.outcome());
        assertTrue(r.passed(), "the expected bug check counts as passed");
        StepRecord last = r.steps().get(r.steps().size() - 1);
        assertTrue(last.causedBugCheck());
        assertTrue(r.steps().subList(0, r.steps().size() - 1).stream().noneMatch(StepRecord::causedBugCheck));
        JsonNode doc = JSON.readTree(ResultJson.toString(r));
        JsonNode step = doc.get("steps").get(4);
        assertTrue(step.get("causedBugCheck").asBoolean());
        assertEquals("{\"bugCheck\":\"0xC4\",\"parameters\":[\"0x7C\"]}", step.get("expect").toString());
        assertEquals(Set.of(), SchemaFiles.errors("result", doc));
    }

    @Test
    void aWrongCodeOrParameterOrNoBugCheckFails() {
        String steps = ALLOC.replace("8192", "4096") + ", {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": "
                + "\"buf\", \"length\": 4096}, {\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}, {\"op\": "
                + "\"MmUnlockPages\", \"mdl\": \"m\"}, {\"op\": \"MmUnlockPages\", \"mdl\": \"m\", \"expect\": ";
        for (String expect : List.of("{\"bugCheck\": \"0x4E\"}", "{\"bugCheck\": 196, \"parameters\": [\"0x7D\"]}")) {
            RunResult r = run("{\"unchecked\": true, \"policy\": {\"verifier\": true}, \"steps\": [" + steps + expect
                    + "}]}");
            assertFalse(r.passed(), expect);
            assertTrue(r.steps().get(4).causedBugCheck());
        }
        RunResult matched = run("{\"unchecked\": true, \"policy\": {\"verifier\": true}, \"steps\": [" + steps
                + "{\"bugCheck\": 196, \"parameters\": [124, null, 8, 0]}}]}");
        assertTrue(matched.passed());
        RunResult none = run("{\"steps\": [{\"op\": \"Info\", \"expect\": {\"bugCheck\": \"0x4E\"}}]}");
        assertEquals("completed", none.outcome());
        assertFalse(none.passed(), "a bug check that did not happen fails the step");
        RunResult unexpected = run("{\"unchecked\": true, \"policy\": {\"verifier\": true}, \"steps\": [" + steps
                + "\"STATUS_SUCCESS\"}]}");
        assertFalse(unexpected.passed());
        assertNull(unexpected.steps().get(4).expectBugCheck());
    }

    @Test
    void aMalformedBugCheckExpectationIsAUsageError() {
        assertEquals("t.json: step 0 (Info): field \"expect.status\": an expected bug check is "
                + "{\"bugCheck\": \"0x4E\", \"parameters\": [...]} (parameters optional) and takes nothing else",
                error("{\"steps\": [{\"op\": \"Info\", \"expect\": {\"bugCheck\": \"0x4E\", \"status\": 1}}]}"));
        assertEquals("t.json: step 0 (Info): field \"expect.parameters\": give a list of at most four numbers, null "
                + "for any value (e.g. [\"0x7C\", null, \"0x8\"])", error("{\"steps\": [{\"op\": \"Info\", \"expect\": "
                + "{\"bugCheck\": \"0x4E\", \"parameters\": [1, 2, 3, 4, 5]}}]}"));
        assertEquals("t.json: step 0 (Info): field \"expect.bugCheck\": \"0x100000000\" does not fit; "
                + "\"expect.bugCheck\" is a ULONG: 0..4294967295",
                error("{\"steps\": [{\"op\": \"Info\", \"expect\": {\"bugCheck\": \"0x100000000\"}}]}"));
    }

    @Test
    void theSchemaHoldsTheSameRanges() throws Exception {
        for (String bad : List.of(mdl("4294967296"), mdl("-1"),
                "{\"steps\": [{\"op\": \"Info\", \"expect\": {\"bugCheck\": \"0x4E\", \"status\": 1}}]}")) {
            assertFalse(SchemaFiles.errors("scenario", JSON.readTree(bad)).isEmpty(), "schema accepted " + bad);
        }
        for (String good : List.of(mdl("4294967295"), "{\"steps\": [{\"op\": \"Info\", \"expect\": {\"bugCheck\": "
                + "\"0x4E\", \"parameters\": [\"0x1\", null]}}]}")) {
            assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(good)), good);
        }
    }

    private static RunResult run(String json) {
        return ScenarioRunner.run(ScenarioParser.parse(json, "t.json"), "simulator", BackendOptions.none(), "t.json");
    }
}
