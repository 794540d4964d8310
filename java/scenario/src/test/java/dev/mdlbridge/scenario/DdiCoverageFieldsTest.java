package dev.mdlbridge.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BackendOptions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The DDI-coverage ops and fields of CONTRACT.md section 9 as the parser and the published schema take them:
 * kernel-mode mappings, reservations, MmAllocatePagesForMdlEx in full, pageOffset, PAGE_NOCACHE / PAGE_WRITECOMBINE,
 * and {@code limits}. Each bad value is a usage error naming step and field, and the schema refuses it too.
 */
class DdiCoverageFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOCKED = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 8192}, "
            + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": 8192}, "
            + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}";

    private static String error(String json) {
        return assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(json, "t.json")).getMessage();
    }

    private static void bothAccept(String json) throws Exception {
        assertEquals(Set.of(), SchemaFiles.errors("scenario", JSON.readTree(json)), json);
        ScenarioParser.parse(json, "t.json");
    }

    private static void bothRefuse(String json) throws Exception {
        assertFalse(SchemaFiles.errors("scenario", JSON.readTree(json)).isEmpty(), "schema accepted " + json);
        assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(json, "t.json"), json);
    }

    @Test
    void everyNewOpAndFieldPassesTheParserAndTheSchema() throws Exception {
        bothAccept("{\"steps\": [" + LOCKED + ", "
                + "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"k\", \"mdl\": \"m\", \"accessMode\": "
                + "\"KernelMode\", \"cacheType\": \"MmCached\", \"priority\": \"NormalPagePriority\"}, "
                + "{\"op\": \"ReadMapped\", \"mapping\": \"k\", \"size\": 16}, "
                + "{\"op\": \"WriteMapped\", \"mapping\": \"k\", \"hex\": \"AA\"}, "
                + "{\"op\": \"MmUnmapLockedPages\", \"mapping\": \"k\"}, "
                + "{\"op\": \"MmAllocateMappingAddress\", \"as\": \"r\", \"size\": \"0x3000\"}, "
                + "{\"op\": \"MmMapLockedPagesWithReservedMapping\", \"as\": \"rm\", \"reservation\": \"r\", "
                + "\"mdl\": \"m\", \"cacheType\": \"MmCached\"}, "
                + "{\"op\": \"ReadMapped\", \"mapping\": \"rm\", \"size\": 4, \"expect\": {\"value\": \"00000000\"}}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"at\", \"address\": {\"of\": \"rm\", \"offset\": 16}, "
                + "\"length\": 1}, "
                + "{\"op\": \"MmUnmapReservedMapping\", \"reservation\": \"r\", \"mdl\": \"m\"}, "
                + "{\"op\": \"MmFreeMappingAddress\", \"reservation\": \"r\"}, "
                + "{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p\", \"size\": 65536, \"lowAddress\": 0, "
                + "\"highAddress\": \"0xFFFFFFFF\", \"skipBytes\": \"0x100000\", \"cacheType\": \"MmWriteCombined\", "
                + "\"flags\": \"MM_ALLOCATE_FULLY_REQUIRED|MM_ALLOCATE_NO_WAIT\"}, "
                + "{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p2\", \"size\": 4096, \"flags\": 4}, "
                + "{\"op\": \"ExAllocatePool\", \"as\": \"kb\", \"size\": 100, \"pageOffset\": \"0x40\"}, "
                + "{\"op\": \"VirtualAlloc\", \"as\": \"nc\", \"size\": 4096, \"protect\": "
                + "\"PAGE_READWRITE|PAGE_NOCACHE\"}, "
                + "{\"op\": \"VirtualProtect\", \"buffer\": \"nc\", \"protect\": \"PAGE_READWRITE|PAGE_WRITECOMBINE\"}"
                + "]}");
    }

    @Test
    void theNewFieldsGoIntoTheTypedDdiCalls() {
        Scenario s = ScenarioParser.parse("{\"limits\": {\"maxObjects\": 64}, \"steps\": [" + LOCKED + "]}", "t");
        assertEquals(Map.of("maxObjects", 64L), s.limits());
        assertTrue(s.simulatorOnly(), "limits are simulator only");
        assertEquals(Protocol.MM_ALLOCATE_FULLY_REQUIRED | Protocol.MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS,
                ScenarioValues.allocateFlags(JSON.getNodeFactory().textNode(
                        "MM_ALLOCATE_FULLY_REQUIRED | MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS"), "t"));
        assertEquals(0x204, ScenarioValues.protect(JSON.getNodeFactory().textNode("PAGE_READWRITE|PAGE_NOCACHE"),
                "t"), "PAGE_READWRITE 0x4 | PAGE_NOCACHE 0x200");
        assertEquals(0x404, ScenarioValues.protect(JSON.getNodeFactory().textNode(
                "PAGE_READWRITE|PAGE_WRITECOMBINE"), "t"), "PAGE_READWRITE 0x4 | PAGE_WRITECOMBINE 0x400");
    }

    @Test
    void newNumbersMustFitTheirFields() throws Exception {
        assertEquals("t.json: step 0 (ExAllocatePool): field \"pageOffset\": 4294967296 does not fit; "
                + "\"pageOffset\" is a ULONG: 0..4294967295",
                error("{\"steps\": [{\"op\": \"ExAllocatePool\", \"as\": \"k\", \"size\": 16, \"pageOffset\": "
                        + "4294967296}]}"));
        assertEquals("t.json: step 0 (MmAllocatePagesForMdlEx): field \"highAddress\": \"0x1_0000_0000_0000_0000\" "
                + "does not fit; \"highAddress\" is a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 "
                + "(0xFFFFFFFFFFFFFFFF)", error("{\"steps\": [{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p\", "
                + "\"size\": 4096, \"highAddress\": \"0x1_0000_0000_0000_0000\"}]}"));
        assertEquals("t.json: step 0 (MmAllocatePagesForMdlEx): field \"skipBytes\": -4096 is negative; "
                + "\"skipBytes\" is a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 (0xFFFFFFFFFFFFFFFF)",
                error("{\"steps\": [{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p\", \"size\": 4096, "
                        + "\"skipBytes\": -4096}]}"));
        assertEquals("t.json: step 0 (MmAllocateMappingAddress): field \"size\": 18446744073709551616 does not fit; "
                + "\"size\" is a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 (0xFFFFFFFFFFFFFFFF)",
                error("{\"steps\": [{\"op\": \"MmAllocateMappingAddress\", \"as\": \"r\", \"size\": "
                        + "18446744073709551616}]}"));
        assertEquals("t.json: step 0 (MmAllocatePagesForMdlEx): field \"flags\": \"MM_ALLOCATE_SOMETIMES\" is not "
                + "known; use ", error("{\"steps\": [{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p\", \"size\": "
                + "4096, \"flags\": \"MM_ALLOCATE_SOMETIMES\"}]}").replaceFirst("use .*", "use "));
        bothRefuse("{\"steps\": [{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"p\", \"size\": 4096, \"flags\": "
                + "\"MM_ALLOCATE_SOMETIMES\"}]}");
        bothRefuse("{\"steps\": [{\"op\": \"ExAllocatePool\", \"as\": \"k\", \"size\": 16, \"pageOffset\": -16}]}");
        bothRefuse("{\"steps\": [" + LOCKED + ", {\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"k\", "
                + "\"mdl\": \"m\", \"cacheType\": \"MmUncached\"}]}");
        bothRefuse("{\"steps\": [" + LOCKED + ", {\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"k\", "
                + "\"mdl\": \"m\", \"accessMode\": \"SystemMode\"}]}");
    }

    @Test
    void reservationFieldsNameEarlierStepsAndRequireWhatTheDdiTakes() throws Exception {
        assertEquals("t.json: step 3 (MmMapLockedPagesWithReservedMapping): field \"reservation\": unknown name "
                + "\"r\"; no earlier step created it with \"as\" (known: [buf, m])",
                error("{\"steps\": [" + LOCKED + ", {\"op\": \"MmMapLockedPagesWithReservedMapping\", \"as\": "
                        + "\"rm\", \"reservation\": \"r\", \"mdl\": \"m\"}]}").replace("[m, buf]", "[buf, m]"));
        bothRefuse("{\"steps\": [" + LOCKED + ", {\"op\": \"MmAllocateMappingAddress\", \"as\": \"r\", "
                + "\"size\": 4096}, {\"op\": \"MmUnmapReservedMapping\", \"reservation\": \"r\"}]}");
        bothRefuse("{\"steps\": [{\"op\": \"MmAllocateMappingAddress\", \"size\": 4096}]}");
    }

    @Test
    void limitsTakeTheDriversNamesAsNumbersHexOrSizes() throws Exception {
        Scenario s = ScenarioParser.parse("{\"limits\": {\"maxKernelBufferBytes\": \"1M\", \"maxObjects\": \"0x40\","
                + " \"driverMaxHandles\": 3, \"maxPageAllocationBytes\": \"64k\"}, \"steps\": []}", "t");
        assertEquals(Map.of("maxKernelBufferBytes", 1L << 20, "maxObjects", 64L, "driverMaxHandles", 3L,
                "maxPageAllocationBytes", 64L << 10), s.limits());
        assertEquals("t.json: limits: unknown field \"maxBananas\"; the limits are " + Protocol.LIMIT_NAMES,
                error("{\"limits\": {\"maxBananas\": 1}, \"steps\": []}"));
        assertEquals("t.json: limits: field \"maxObjects\": \"lots\" is not a number or a size; write 1048576, "
                + "\"0x100000\" or \"1M\" (K, M, G, T: binary units)",
                error("{\"limits\": {\"maxObjects\": \"lots\"}, \"steps\": []}"));
        assertEquals("t.json: limits: field \"maxLockedBytes\": -1 is negative; \"maxLockedBytes\" is a limit: "
                + "0..9223372036854775807", error("{\"limits\": {\"maxLockedBytes\": -1}, \"steps\": []}"));
        assertEquals("t.json: limits: field \"maxLockedBytes\": \"9000000000T\" does not fit; \"maxLockedBytes\" is "
                + "a limit: 0..9223372036854775807",
                error("{\"limits\": {\"maxLockedBytes\": \"9000000000T\"}, \"steps\": []}"));
        bothAccept("{\"limits\": {\"maxKernelBufferBytes\": \"1M\", \"driverMaxHandles\": 3}, \"steps\": []}");
        bothRefuse("{\"limits\": {\"maxBananas\": 1}, \"steps\": []}");
        bothRefuse("{\"limits\": {\"maxObjects\": \"lots\"}, \"steps\": []}");
    }

    @Test
    void limitsAreRefusedOnTheDriverNamingTheField() {
        Scenario s = ScenarioParser.parse("{\"limits\": {\"maxObjects\": 64}, \"steps\": []}", "t.json");
        String m = assertThrows(ScenarioUsageException.class, () -> ScenarioParser.checkForDriver(s, "t.json"))
                .getMessage();
        assertEquals("t.json: limits [maxObjects] are simulator only (on Windows an administrator sets them under "
                + "the driver's Parameters key, read at load): remove them or run with --backend simulator", m);
    }

    @Test
    void limitsReachTheSimulatorAsItsSettings() {
        Scenario s = ScenarioParser.parse("{\"limits\": {\"maxKernelBufferBytes\": \"1M\"}, \"steps\": []}", "t");
        Map<String, String> m = ScenarioRunner.optionsFor(s, BackendOptions.none(), true).settings();
        assertEquals("1048576", m.get("maxKernelBufferBytes"));
        assertEquals(null, ScenarioRunner.optionsFor(s, BackendOptions.none(), false).settings()
                .get("maxKernelBufferBytes"), "nothing is passed to the driver");
    }

    @Test
    void limitsAreInForceOnTheSimulatorAndInfoSaysWhichWereConfiguredAndClamped() throws Exception {
        // maxObjects' range is 16..65536 (Protocol.LIMIT_RANGES): 1 is clamped to 16
        dev.mdlbridge.result.RunResult r = ScenarioRunner.run(ScenarioParser.parse("{\"limits\": "
                + "{\"maxPageAllocationBytes\": \"4M\", \"maxObjects\": 1}, \"steps\": [{\"op\": \"Info\"}]}", "t"),
                "simulator", BackendOptions.none(), "t");
        com.fasterxml.jackson.databind.JsonNode info = JSON.readTree(dev.mdlbridge.result.ResultJson.toString(r))
                .at("/steps/0/value");
        assertEquals(4L << 20, info.at("/limits/maxPageAllocationBytes").asLong());
        assertEquals(4L << 20, info.at("/administratorLimits/maxPageAllocationBytes").asLong());
        assertEquals(16, info.at("/administratorLimits/maxObjects").asLong());
        assertEquals("[\"maxObjects\",\"maxPageAllocationBytes\"]", info.get("configuredLimits").toString());
        assertEquals("[\"maxObjects\"]", info.get("clampedLimits").toString());
        assertEquals(Set.of(), SchemaFiles.errors("result", JSON.readTree(dev.mdlbridge.result.ResultJson.toString(r))));
    }

    @Test
    void aKernelModeMappingAndAReservationAreNamesAnAddressMayUse() throws Exception {
        for (String field : List.of("requestedAddress", "address")) {
            String op = field.equals("address") ? "{\"op\": \"IoAllocateMdl\", \"as\": \"x\", \"length\": 16, "
                    + "\"address\": {\"of\": \"r\"}}" : "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"u\", "
                    + "\"mdl\": \"m\", \"requestedAddress\": {\"of\": \"r\", \"offset\": 4096}}";
            bothAccept("{\"steps\": [" + LOCKED + ", {\"op\": \"MmAllocateMappingAddress\", \"as\": \"r\", "
                    + "\"size\": 4096}, " + op + "]}");
        }
    }
}
