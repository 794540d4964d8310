package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.result.Mismatch;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import dev.mdlbridge.spi.BackendOptions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * CONTRACT.md section 9: {@code expect} objects (snapshot fields compared exactly, flags set / clear, the value) with
 * each miss reported as a mismatch, and {@code Repeat} (flattened results with their iteration, names local to an
 * iteration, untilFailure, the 10,000-step bound). Runs on the simulator with the ops it has today; the values are
 * those of WINDOWS-MDL-RULES.md (an 8 KiB buffer 0x10 into a page spans 3 pages; a probe for read sets
 * MDL_PAGES_LOCKED 0x2 only; kernel buffers are limited to 64 MiB per handle).
 */
class ExpectationsAndRepeatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RunResult run(String steps) {
        return ScenarioRunner.run(ScenarioParser.parse("{\"steps\": [" + steps + "]}", "t.json"), "simulator",
                BackendOptions.none(), "t.json");
    }

    private static String error(String steps) {
        return assertThrows(ScenarioUsageException.class,
                () -> ScenarioParser.parse("{\"steps\": [" + steps + "]}", "t.json")).getMessage();
    }

    private static final String MDL = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 12288}, "
            + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"offset\": 16, \"length\": 8192, ";

    @Test
    void anExpectationThatHoldsPasses() throws Exception {
        RunResult r = run(MDL + "\"expect\": {\"mdl\": {\"byteCount\": 8192, \"byteOffset\": \"0x10\", "
                + "\"pfnCount\": 3, \"startVa\": {\"of\": \"buf\"}, \"virtualAddress\": {\"of\": \"buf\", \"offset\": 16},"
                + " \"mdlFlags\": \"0x0008\", \"flagNames\": [\"MDL_ALLOCATED_FIXED_SIZE\"], "
                + "\"valid\": {\"pfns\": false}}, \"flagsClear\": [\"MDL_PAGES_LOCKED\"]}}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\", \"expect\": {\"status\": \"STATUS_SUCCESS\", "
                + "\"flagsSet\": [\"MDL_PAGES_LOCKED\"], \"flagsClear\": [\"MDL_WRITE_OPERATION\"], "
                + "\"mdl\": {\"valid\": {\"pfns\": true}}}}, "
                + "{\"op\": \"MmGetSystemAddressForMdlSafe\", \"mdl\": \"m\"}, "
                + "{\"op\": \"WriteUser\", \"buffer\": \"buf\", \"offset\": 16, \"hex\": \"DEADBEEF\"}, "
                + "{\"op\": \"ReadMapped\", \"mdl\": \"m\", \"size\": 4, \"expect\": {\"value\": \"deadbeef\"}}, "
                + "{\"op\": \"MmSizeOfMdl\", \"buffer\": \"buf\", \"offset\": 16, \"length\": 8192, "
                + "\"expect\": {\"value\": 72}}, "
                + "{\"op\": \"MmUnlockPages\", \"mdl\": \"m\"}, {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}");
        assertTrue(r.passed(), ResultJson.toString(r));
        r.steps().forEach(s -> assertEquals(List.of(), s.mismatches(), "step " + s.index()));
        JsonNode j = JSON.readTree(ResultJson.toString(r));
        assertEquals(List.of("MDL_PAGES_LOCKED"), List.of(j.at("/steps/2/expect/flagsSet/0").asText()),
                "the expect object is echoed as given");
        assertEquals(Set.of(), SchemaFiles.errors("result", j));
    }

    @Test
    void eachMissedFieldIsAMismatchAndTheStepFailsWithoutChangingWhatRan() throws Exception {
        RunResult r = run(MDL + "\"expect\": {\"mdl\": {\"byteCount\": 4096, \"byteOffset\": 16, \"pfnCount\": 2}, "
                + "\"flagsSet\": [\"MDL_PAGES_LOCKED\"]}}, "
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\", \"expect\": {\"status\": \"STATUS_ACCESS_VIOLATION\"}},"
                + " {\"op\": \"ReadUser\", \"buffer\": \"buf\", \"size\": 2, \"expect\": {\"value\": \"0102\"}}, "
                + "{\"op\": \"Info\", \"expect\": {\"mdl\": {\"byteCount\": 1}}}, "
                + "{\"op\": \"MmUnlockPages\", \"mdl\": \"m\"}, {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}");
        assertFalse(r.passed());
        assertEquals(List.of(new Mismatch("mdl.byteCount", "4096", "8192"), new Mismatch("mdl.pfnCount", "2", "3"),
                new Mismatch("flagsSet.MDL_PAGES_LOCKED", "set", "clear (mdlFlags 0x0008)")),
                r.steps().get(1).mismatches());
        assertEquals(List.of(new Mismatch("status", "STATUS_ACCESS_VIOLATION", "STATUS_SUCCESS")),
                r.steps().get(2).mismatches());
        assertEquals(List.of(new Mismatch("value", "0102", "0000")), r.steps().get(3).mismatches(),
                "fresh user pages read as zero");
        assertEquals(List.of(new Mismatch("mdl", "an MDL", "no MDL")), r.steps().get(4).mismatches());
        for (int i = 1; i <= 4; i++) {
            assertFalse(r.steps().get(i).asExpected(), "step " + i);
        }
        assertTrue(r.steps().get(5).asExpected(), "the MDL was locked: the mismatch changed nothing that ran");
        JsonNode j = JSON.readTree(ResultJson.toString(r));
        assertEquals("mdl.byteCount", j.at("/steps/1/mismatches/0/field").asText());
        assertEquals("4096", j.at("/steps/1/mismatches/0/expected").asText());
        assertEquals("8192", j.at("/steps/1/mismatches/0/actual").asText());
        assertEquals(Set.of(), SchemaFiles.errors("result", j));
    }

    @Test
    void anExpectationMayNameWhatItsOwnStepCreates() {
        RunResult r = run("{\"op\": \"ExAllocatePool\", \"as\": \"kb\", \"size\": 4096, \"expect\": {\"value\": "
                + "{\"of\": \"kb\"}}}, {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"kb\", \"length\": 4096},"
                + " {\"op\": \"MmBuildMdlForNonPagedPool\", \"mdl\": \"m\", \"expect\": {\"mdl\": {\"mappedSystemVa\": "
                + "{\"of\": \"kb\"}, \"startVa\": {\"of\": \"kb\"}}}}, {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}, "
                + "{\"op\": \"ExFreePool\", \"buffer\": \"kb\"}");
        assertTrue(r.passed(), ResultJson.toString(r));
    }

    @Test
    void expectationsAreCheckedBeforeAnythingRuns() {
        assertEquals("t.json: step 0 (Info): field \"expect.mld\" is unknown; an expectation is {\"status\", "
                + "\"mdl\": {snapshot fields}, \"flagsSet\", \"flagsClear\", \"value\"}, or a bug check "
                + "{\"bugCheck\", \"parameters\"}", error("{\"op\": \"Info\", \"expect\": {\"mld\": {}}}"));
        assertEquals("t.json: step 0 (Info): field \"expect.flagsSet\": \"MDL_LOCKED\" is not an MDL flag; known: "
                + "[MDL_MAPPED_TO_SYSTEM_VA, MDL_PAGES_LOCKED, MDL_SOURCE_IS_NONPAGED_POOL, MDL_ALLOCATED_FIXED_SIZE, "
                + "MDL_PARTIAL, MDL_PARTIAL_HAS_BEEN_MAPPED, MDL_IO_PAGE_READ, MDL_WRITE_OPERATION, "
                + "MDL_LOCKED_PAGE_TABLES, MDL_FREE_EXTRA_PTES, MDL_DESCRIBES_AWE, MDL_IO_SPACE, MDL_NETWORK_HEADER, "
                + "MDL_MAPPING_CAN_FAIL, MDL_PAGE_CONTENTS_INVARIANT, MDL_INTERNAL]",
                error("{\"op\": \"Info\", \"expect\": {\"flagsSet\": [\"MDL_LOCKED\"]}}"));
        assertEquals("t.json: step 0 (Info): field \"expect.mdl.byteCount\": 4294967296 does not fit; "
                + "\"expect.mdl.byteCount\" is a ULONG: 0..4294967295",
                error("{\"op\": \"Info\", \"expect\": {\"mdl\": {\"byteCount\": 4294967296}}}"));
        assertEquals("t.json: step 0 (Info): field \"expect.mdl.bytecount\" is not a snapshot field; known: "
                + Expectation.MDL_FIELDS, error("{\"op\": \"Info\", \"expect\": {\"mdl\": {\"bytecount\": 1}}}"));
        assertEquals("t.json: step 0 (Info): field \"expect.value\": Info's value is an object, which expect does "
                + "not compare; remove it (an address, number or bytes is compared)",
                error("{\"op\": \"Info\", \"expect\": {\"value\": 1}}"));
        assertEquals("t.json: step 0 (MmSizeOfMdl): field \"expect.value.of\": unknown name \"nope\"; no earlier step "
                + "created it with \"as\" (known: [])", error("{\"op\": \"MmSizeOfMdl\", \"address\": 0, \"length\": 1, "
                + "\"expect\": {\"value\": {\"of\": \"nope\"}}}"));
        assertEquals("t.json: step 1 (ReadUser): field \"expect.value\": ReadUser returns bytes; write them as "
                + "contiguous hex (\"DEADBEEF\")", error("{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 1}, "
                + "{\"op\": \"ReadUser\", \"buffer\": \"b\", \"size\": 1, \"expect\": {\"value\": \"0x1\"}}"));
    }

    private static final String REPEAT_ALLOC = "{\"op\": \"Repeat\", \"times\": 20, \"untilFailure\": true, "
            + "\"steps\": [{\"op\": \"ExAllocatePool\", \"as\": \"kb\", \"size\": \"0x800000\"}, "
            + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"kb\", \"length\": 4096}, "
            + "{\"op\": \"MmBuildMdlForNonPagedPool\", \"mdl\": \"m\"}]}";

    @Test
    void untilFailureStopsAfterTheFirstFailingIterationWhichDoesNotCount() {
        RunResult r = run(REPEAT_ALLOC + ", {\"op\": \"Info\"}");
        // 64 MiB of kernel buffers per handle: eight of 8 MiB fit, the ninth is refused
        assertEquals(9 * 3 + 1, r.steps().size());
        for (int i = 0; i < 27; i++) {
            StepRecord s = r.steps().get(i);
            assertEquals(i, s.index(), "results are flattened in order");
            assertEquals(i / 3, s.iteration());
            assertEquals(i >= 24, s.endedRepeat(), "step " + i);
        }
        assertEquals("STATUS_QUOTA_EXCEEDED", r.steps().get(24).step().status().name());
        assertEquals("kernel buffer 'kb' was not created (step 24 failed)", r.steps().get(25).skipReason(),
                "a skipped step inside an iteration is reported");
        assertEquals("mdl 'm' was not created (step 25 was skipped)", r.steps().get(26).skipReason());
        assertNull(r.steps().get(27).iteration());
        assertEquals(8, ((dev.mdlbridge.protocol.Info) r.steps().get(27).step().extra()).processUse().counters()
                .outstandingKernelBuffers(), "every iteration's own names made their own buffers");
        assertTrue(r.passed(), "the failure that ended the Repeat does not count");
    }

    @Test
    void withoutUntilFailureEveryIterationRunsAndFailuresCount() {
        RunResult r = run(REPEAT_ALLOC.replace("20", "10").replace("true", "false"));
        assertEquals(30, r.steps().size());
        assertEquals(9, r.steps().get(29).iteration());
        assertFalse(r.steps().stream().anyMatch(StepRecord::endedRepeat));
        assertFalse(r.passed(), "iterations 8 and 9 failed");
    }

    @Test
    void namesInsideARepeatAreLocalToTheIteration() {
        assertEquals("t.json: step 1 (IoFreeMdl): field \"mdl\": unknown name \"m\"; no earlier step created it with "
                + "\"as\" (known: [])", error("{\"op\": \"Repeat\", \"times\": 2, \"steps\": [{\"op\": \"VirtualAlloc\", "
                + "\"as\": \"m\", \"size\": 4096}]}, {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}").replace("[b]", "[]"));
        assertEquals("t.json: step 1 (Repeat): steps[0] (VirtualAlloc): field \"as\": \"b\" already names an object "
                + "outside the Repeat; names inside a Repeat are local to each iteration: give it another name",
                error("{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 4096}, {\"op\": \"Repeat\", \"times\": 2, "
                        + "\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 4096}]}"));
        RunResult r = run("{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 8192}, {\"op\": \"Repeat\", "
                + "\"times\": 3, \"steps\": [{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"b\", "
                + "\"length\": 4096}, {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}]}");
        assertTrue(r.passed());
        assertEquals(7, r.steps().size());
        assertTrue(r.steps().get(1).step().objectId() != r.steps().get(3).step().objectId(),
                "each iteration frees the MDL it allocated itself");
    }

    @Test
    void aRepeatIsBoundedAndDoesNotNest() {
        assertEquals("t.json: step 0 (Repeat): field \"times\": 5001 x 2 steps = 10,002 steps; a Repeat runs at most "
                + "10,000 (CONTRACT.md section 9)", error("{\"op\": \"Repeat\", \"times\": 5001, \"steps\": ["
                + "{\"op\": \"Info\"}, {\"op\": \"Info\"}]}"));
        assertEquals("t.json: step 0 (Repeat): field \"times\": 10001 does not fit; \"times\" is a count of "
                + "iterations: 0..10000", error("{\"op\": \"Repeat\", \"times\": 10001, \"steps\": [{\"op\": \"Info\"}]}"));
        assertEquals("t.json: step 0 (Repeat): steps[0] (Repeat): op Repeat cannot be inside a Repeat (Repeats do "
                + "not nest); put it before the Repeat", error("{\"op\": \"Repeat\", \"times\": 1, \"steps\": ["
                + "{\"op\": \"Repeat\", \"times\": 1, \"steps\": [{\"op\": \"Info\"}]}]}"));
        assertEquals("t.json: step 0 (Repeat): steps[0] (OpenHandle): op OpenHandle cannot be inside a Repeat (a "
                + "handle would outlive the iteration's names); put it before the Repeat",
                error("{\"op\": \"Repeat\", \"times\": 1, \"steps\": [{\"op\": \"OpenHandle\", \"as\": \"h\"}]}"));
        assertTrue(error("{\"op\": \"Repeat\", \"times\": 1, \"expect\": \"STATUS_SUCCESS\", \"steps\": ["
                + "{\"op\": \"Info\"}]}").startsWith("t.json: step 0 (Repeat): unknown field \"expect\";"));
        // eleven Repeats of 10,000 steps: 110,000 steps run, over the 100,000 a scenario holds
        String big = "{\"op\": \"Repeat\", \"times\": 10000, \"steps\": [{\"op\": \"Info\"}]}";
        assertEquals("t.json: 110,000 steps; a scenario holds at most 100,000 (CONTRACT.md section 9): split it into "
                + "several files", error(String.join(", ", java.util.Collections.nCopies(11, big))));
        ScenarioParser.parse("{\"steps\": [" + String.join(", ", java.util.Collections.nCopies(10, big)) + "]}", "t");
    }

    @Test
    void theSchemaTakesAndRefusesTheSameExpectationsAsTheParser() throws Exception {
        String ok = "{\"steps\": [" + MDL + "\"expect\": {\"status\": \"0x00000000\", \"mdl\": {\"byteCount\": "
                + "\"0x2000\", \"mdlFlags\": 8, \"flagNames\": [\"MDL_ALLOCATED_FIXED_SIZE\"], \"pfns\": [], "
                + "\"startVa\": {\"of\": \"buf\"}, \"valid\": {\"pfns\": false}}, \"flagsClear\": "
                + "[\"MDL_PAGES_LOCKED\"]}}]}";
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(ok)));
        ScenarioParser.parse(ok, "t.json");
        for (String expect : List.of("{\"mld\": {}}", "{\"flagsSet\": [\"MDL_LOCKED\"]}",
                "{\"mdl\": {\"bytecount\": 1}}", "{\"mdl\": {\"valid\": {\"pfns\": 1}}}",
                "{\"status\": \"skipped\"}", "{\"bugCheck\": \"0x4E\", \"status\": \"STATUS_SUCCESS\"}",
                "{\"mdl\": {\"byteCount\": -1}}")) {
            String bad = "{\"steps\": [" + MDL + "\"expect\": " + expect + "}]}";
            assertFalse(SchemaFiles.errors("scenario", JSON.readTree(bad)).isEmpty(), "schema accepted " + expect);
            assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(bad, "t.json"), expect);
        }
    }

    @Test
    void repeatPassesTheSchemaAndNestingFailsIt() throws Exception {
        String ok = "{\"steps\": [" + REPEAT_ALLOC + "]}";
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(ok)));
        String nested = "{\"steps\": [{\"op\": \"Repeat\", \"times\": 1, \"steps\": [{\"op\": \"Repeat\", "
                + "\"times\": 1, \"steps\": [{\"op\": \"Info\"}]}]}]}";
        assertFalse(SchemaFiles.errors("scenario", JSON.readTree(nested)).isEmpty());
        String tooMany = "{\"steps\": [{\"op\": \"Repeat\", \"times\": 10001, \"steps\": [{\"op\": \"Info\"}]}]}";
        assertFalse(SchemaFiles.errors("scenario", JSON.readTree(tooMany)).isEmpty());
    }

    @Test
    void aDiffSeesAnotherIterationOrAnotherMismatch() throws Exception {
        JsonNode a = JSON.readTree(ResultJson.toString(run(REPEAT_ALLOC)));
        JsonNode b = JSON.readTree(ResultJson.toString(run(REPEAT_ALLOC)));
        assertEquals(List.of(), ResultDiff.compare(a, b));
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.at("/steps/3")).put("iteration", 5);
        ((com.fasterxml.jackson.databind.node.ObjectNode) b.at("/steps/4")).putArray("mismatches").addObject()
                .put("field", "value").put("expected", "1").put("actual", "2");
        assertEquals(List.of("step 3 (ExAllocatePool) iteration", "step 4 (IoAllocateMdl) mismatches"),
                ResultDiff.compare(a, b).stream().map(ResultDiff.Difference::where).toList());
    }
}
