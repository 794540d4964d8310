package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Examples;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.spi.BackendOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every shipped example on the default simulator profile, with the values WINDOWS-MDL-RULES.md gives for Windows 10:
 * MDL flags after each step, Size, statuses, and the bug check each misuse raises.
 */
class ExamplesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode run(String name) throws Exception {
        RunResult r = ScenarioRunner.run(ScenarioParser.parse(Examples.text(name), "example:" + name),
                "simulator", new BackendOptions(Map.of("seed", "1")), "example:" + name);
        return JSON.readTree(ResultJson.toString(r));
    }

    static JsonNode step(JsonNode result, int i) {
        JsonNode s = result.get("steps").get(i);
        assertEquals(i, s.get("index").asInt());
        return s;
    }

    static void completedAndClean(JsonNode r) {
        assertEquals("completed", r.get("outcome").asText(), r.toString());
        for (String c : new String[] {"outstandingMdls", "outstandingMappings", "outstandingKernelBuffers", "lockedPages"}) {
            assertEquals(0, r.get("leftover").get(c).asLong(), c + " left over in " + r);
        }
    }

    static String flags(JsonNode step) {
        return step.get("mdl").get("mdlFlags").asText();
    }

    @Test
    void everyExampleParses() {
        for (String e : Examples.names()) {
            ScenarioParser.parse(Examples.text(e), e);
        }
    }

    @Test
    void lifecycle() throws Exception {
        JsonNode r = run("lifecycle");
        completedAndClean(r);
        // 0x123 + 9000 bytes span 3 pages: Size = 48 + 3 * 8 = 72; flags per WINDOWS-MDL-RULES 3.14
        assertEquals(72, step(r, 1).get("mdl").get("size").asInt());
        assertEquals("0x0008", flags(step(r, 1)));
        assertEquals("0x008A", flags(step(r, 2)));
        assertEquals("0x008B", flags(step(r, 3)));
        assertEquals("DEADBEEF", step(r, 5).get("value").asText());
        assertEquals("0x0088", flags(step(r, 6)));
    }

    @Test
    void badBuffersFailWithAccessViolation() throws Exception {
        JsonNode r = run("bad-buffers");
        completedAndClean(r);
        for (int i : new int[] {2, 6, 13, 17}) {
            assertEquals("STATUS_ACCESS_VIOLATION", step(r, i).get("statusName").asText(), "step " + i);
            assertEquals("0x0008", flags(step(r, i)), "a failed probe leaves the MDL unlocked, step " + i);
        }
        assertEquals("0x000A", flags(step(r, 7)));
    }

    @Test
    void guardPage() throws Exception {
        JsonNode r = run("guard-pages");
        completedAndClean(r);
        assertEquals("0x80000001", step(r, 3).get("status").asText());
        assertEquals("0x00000000", step(r, 4).get("status").asText(), "the guard is cleared by the first touch");
    }

    @Test
    void partialMdlSharesTheSourcePages() throws Exception {
        JsonNode r = run("partial-mdl");
        completedAndClean(r);
        JsonNode src = step(r, 2).get("mdl");
        JsonNode part = step(r, 3).get("mdl");
        // 0x200 + 0x1e00 = 0x2000: the partial starts on the source's third page
        assertEquals(src.get("pfns").get(2), part.get("pfns").get(0), r.toString());
        assertTrue(Integer.decode(flags(step(r, 3))) > 0);
    }

    @Test
    void nonpagedPool() throws Exception {
        JsonNode r = run("nonpaged-pool");
        completedAndClean(r);
        // MDL_SOURCE_IS_NONPAGED_POOL 0x0004 after MmBuildMdlForNonPagedPool; no MDL_PAGES_LOCKED
        int f = Integer.decode(flags(step(r, 2)));
        assertEquals(0x0004, f & 0x0004);
        assertEquals(0, f & 0x0002);
        assertEquals(step(r, 0).get("value").asText(), step(r, 3).get("value").asText(),
                "the system address of nonpaged pool is the pool address itself");
    }

    @Test
    void initializeMdl() throws Exception {
        JsonNode r = run("initialize-mdl");
        completedAndClean(r);
        assertEquals(72, step(r, 1).get("value").asInt(), "MmSizeOfMdl of 0x10 + 8192 bytes: 3 pages");
        assertEquals(0, Integer.decode(flags(step(r, 2))) & 0x0008, "no MDL_ALLOCATED_FIXED_SIZE on driver storage");
    }

    @Test
    void userMapping() throws Exception {
        JsonNode r = run("user-mapping");
        completedAndClean(r);
        assertEquals("0102030405060708", step(r, 5).get("value").asText());
        assertEquals("STATUS_CONFLICTING_ADDRESSES", step(r, 6).get("statusName").asText());
    }

    @Test
    void directIoChainsCleanup() throws Exception {
        completedAndClean(run("direct-io"));
        JsonNode chains = run("chains");
        completedAndClean(chains);
        assertEquals(2, step(chains, 2).get("mdl").size());
        assertEquals(2, step(chains, 3).get("mdl").size());
        JsonNode c = run("cleanup");
        completedAndClean(c);
        JsonNode released = step(c, 5).get("value").get("released");
        assertEquals(1, released.get("outstandingMdls").asInt());
        assertEquals(1, released.get("outstandingMappings").asInt());
        assertEquals(1, released.get("outstandingKernelBuffers").asInt());
        assertEquals(2, released.get("lockedPages").asInt());
        assertEquals(0, step(c, 6).get("value").get("outstandingMdls").asInt());
    }

    @Test
    void processExitIsCleanWhenTheDriverUnlocks() throws Exception {
        completedAndClean(run("process-exit"));
    }

    @Test
    void twoHandlesEachLockTheBufferAndCloseOnlyTheirOwn() throws Exception {
        JsonNode r = run("two-handles");
        completedAndClean(r);
        assertEquals(step(r, 4).get("mdl").get("pfns"), step(r, 6).get("mdl").get("pfns"), "the same pages");
        assertEquals("0102030405060708", step(r, 8).get("value").asText(), "read through h2's system mapping");
        assertEquals("STATUS_NOT_FOUND", step(r, 9).get("statusName").asText(), "h2 does not know main's MDL");
        assertEquals("STATUS_NOT_FOUND", step(r, 10).get("statusName").asText(), "main does not know h2's MDL");
        assertTrue(step(r, 11).get("skipped").asBoolean());
        assertEquals("mapping 'um' was not created (step 10 failed)", step(r, 11).get("reason").asText());
        assertEquals(4, step(r, 12).get("value").get("lockedPages").asInt(), "two pages locked by each handle");
        JsonNode released = step(r, 13).get("value").get("released");
        assertEquals(1, released.get("outstandingMdls").asInt());
        assertEquals(1, released.get("outstandingMappings").asInt());
        assertEquals(2, released.get("lockedPages").asInt());
        assertEquals("STATUS_INVALID_HANDLE", step(r, 14).get("statusName").asText());
        assertEquals("0x008A", flags(step(r, 15)), "main's MDL is still locked after h2 closed");
        assertEquals(0, step(r, 18).get("value").get("outstandingMdls").asInt());
    }

    @Test
    void sharedHandlesRefuseNewMappingsAndLocksButNotReleases() throws Exception {
        JsonNode r = run("shared-handles");
        completedAndClean(r);
        assertEquals("STATUS_INVALID_DEVICE_STATE", step(r, 4).get("statusName").asText(), "map after a duplicate");
        assertTrue(step(r, 4).get("explanation").asText().startsWith("refused: the handle is shared"),
                step(r, 4).toString());
        assertEquals("STATUS_SUCCESS", step(r, 5).get("statusName").asText(), "the duplicate knows main's MDL");
        assertEquals("STATUS_SUCCESS", step(r, 7).get("statusName").asText(), "closing the duplicate kept it");
        assertEquals("STATUS_SUCCESS", step(r, 13).get("statusName").asText(), "h2 maps before any duplicate");
        assertEquals("STATUS_INVALID_DEVICE_STATE", step(r, 16).get("statusName").asText(), "probe after one");
        assertTrue(step(r, 16).get("explanation").asText().startsWith("refused: the handle is shared"),
                step(r, 16).toString());
        assertEquals("STATUS_ACCESS_DENIED", step(r, 18).get("statusName").asText(), "another process's request");
        assertEquals("STATUS_SUCCESS", step(r, 22).get("statusName").asText(), "freed through h2's duplicate");
    }

    @Test
    void uncheckedMisuseRaisesWhatWindowsWould() throws Exception {
        JsonNode leak = run("unchecked-leak");
        assertEquals("bugcheck", leak.get("outcome").asText());
        assertEquals("0x76", leak.get("bugCheck").get("code").asText());
        assertEquals(0, Long.decode(leak.get("bugCheck").get("parameters").get(0).asText()));
        assertEquals(5, leak.get("steps").size());

        JsonNode tracked = run("unchecked-leak-tracked");
        assertEquals("0xCB", tracked.get("bugCheck").get("code").asText().toUpperCase().replace("0XCB", "0xCB"));

        JsonNode twice = run("unchecked-double-unlock");
        assertEquals("0xC4", twice.get("bugCheck").get("code").asText().toUpperCase().replace("0XC4", "0xC4"));
        assertEquals(0x7C, Long.decode(twice.get("bugCheck").get("parameters").get(0).asText()));
    }
}
