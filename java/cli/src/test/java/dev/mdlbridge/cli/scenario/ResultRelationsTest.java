package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.ResultRelations;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.spi.BackendOptions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The equalities inside one result that {@code mdl diff} compares (WINDOWS-MDL-RULES 5.6: a partial copies the source's
 * PFNs from index {@code (tgt.StartVa - src.StartVa) >> 12}, and {@code tgt.MappedSystemVa = src.MappedSystemVa +
 * Offset}), and the calibration differences named after the simulator profile settings.
 */
class ResultRelationsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A source locked and mapped before the partial is built, so the partial inherits the mapping (flag 0x1). */
    private static final String MAPPED_SOURCE = """
            {"scenario": "partial of a mapped source",
             "steps": [
              {"op": "VirtualAlloc", "as": "buf", "size": 40960},
              {"op": "IoAllocateMdl", "as": "src", "buffer": "buf", "offset": "0x200", "length": 32768},
              {"op": "MmProbeAndLockPages", "mdl": "src", "operation": "IoModifyAccess"},
              {"op": "MmGetSystemAddressForMdlSafe", "mdl": "src"},
              {"op": "IoBuildPartialMdl", "as": "part", "source": "src", "offset": "0x1e00", "length": 8192},
              {"op": "IoFreeMdl", "mdl": "part"},
              {"op": "MmUnlockPages", "mdl": "src"},
              {"op": "IoFreeMdl", "mdl": "src"}
             ]}""";

    private static JsonNode run(String text, String seed) throws Exception {
        return JSON.readTree(ResultJson.toString(ScenarioRunner.run(ScenarioParser.parse(text, "test"),
                "simulator", new BackendOptions(Map.of("seed", seed)), "test")));
    }

    @Test
    void aPartialSharesTheSourcePfnsFromItsPageIndex() throws Exception {
        Map<String, String> r = ResultRelations.of(ExamplesTest.run("partial-mdl"));
        // source VA buf+0x200, partial VA buf+0x200+0x1E00 = buf+0x2000: pages 2 and 3 of the source, 2 pages long
        assertEquals("pfns[0..1] = its pfns[2..3]", r.get("step 3 (IoBuildPartialMdl) mdl ~ MDL of step 1"), r.toString());
        // MmGetSystemAddressForMdlSafe returns MappedSystemVa itself (ByteOffset 0 is already in it)
        assertEquals("value = mdl.mappedSystemVa + 0x0", r.get("step 4 (MmGetSystemAddressForMdlSafe) value"));
        // after IoFreeMdl of the partial and MmUnlockPages of the source, nothing is related any more
        assertFalse(r.keySet().stream().anyMatch(k -> k.startsWith("step 8 ")), r.toString());
    }

    @Test
    void aPartialOfAMappedSourceIsMappedAtTheSourceMappingPlusTheOffset() throws Exception {
        JsonNode result = run(MAPPED_SOURCE, "1");
        JsonNode partial = result.get("steps").get(4).get("mdl");
        // the partial takes MDL_MAPPED_TO_SYSTEM_VA (0x1) from the source, with MDL_PARTIAL (0x10) and 0x8
        assertEquals("0x0019", partial.get("mdlFlags").asText());
        assertEquals("pfns[0..1] = its pfns[2..3]; mappedSystemVa − its mappedSystemVa = virtualAddress − its "
                + "virtualAddress", ResultRelations.of(result).get("step 4 (IoBuildPartialMdl) mdl ~ MDL of step 1"));
    }

    @Test
    void anotherSeedKeepsTheRelationsAndABrokenOneIsADifference() throws Exception {
        JsonNode a = run(MAPPED_SOURCE, "1");
        JsonNode b = run(MAPPED_SOURCE, "99");
        assertTrue(!a.get("steps").get(2).get("mdl").get("pfns").equals(b.get("steps").get(2).get("mdl").get("pfns")),
                "the seeds must give different frames, or this test shows nothing");
        assertEquals(List.of(), ResultDiff.compare(a, b));

        JsonNode broken = b.deepCopy();
        // a partial whose second PFN is not the source's: a driver would read the wrong page through it
        ((ArrayNode) broken.get("steps").get(4).get("mdl").get("pfns")).set(1, "0x123456");
        List<ResultDiff.Difference> d = ResultDiff.compare(a, broken);
        assertEquals(1, d.size(), d.toString());
        assertEquals("step 4 (IoBuildPartialMdl) mdl ~ MDL of step 1", d.get(0).where());
        assertTrue(d.get(0).b().startsWith("pfns[0] = its pfns[2]"), d.toString());
        assertFalse(d.get(0).isCalibration());

        JsonNode moved = b.deepCopy();
        // the partial's mapping no longer at the source's mapping + 0x1E00
        ((ObjectNode) moved.get("steps").get(4).get("mdl")).put("mappedSystemVa", "0xFFFFD10000100000");
        List<ResultDiff.Difference> m = ResultDiff.compare(a, moved);
        assertEquals(1, m.size(), m.toString());
        assertTrue(m.get(0).b().endsWith("mappedSystemVa not at the buffer's offset from its mapping"), m.toString());
    }

    @Test
    void uncertainValuesAreCalibrationNamedAfterTheProfileSetting() throws Exception {
        JsonNode expected = SelftestCommand.expected("guard-pages");
        JsonNode run = ExamplesTest.run("guard-pages");
        // P6 [I]: a guard page probed with another status on a real machine updates guardPageStatus
        ((ObjectNode) run.get("steps").get(3)).put("status", "0xC0000005");
        List<ResultDiff.Difference> g = ResultDiff.compare(expected, run);
        assertEquals(1, g.size(), g.toString());
        assertTrue(g.get(0).isCalibration() && g.get(0).calibrates().startsWith("guardPageStatus"), g.toString());

        JsonNode lifecycle = ExamplesTest.run("lifecycle");
        // rule 3 [I]: 0x8 depends on the 23-page lookaside threshold
        ((ObjectNode) lifecycle.get("steps").get(1).get("mdl")).put("mdlFlags", "0x0000");
        List<ResultDiff.Difference> f = ResultDiff.compare(SelftestCommand.expected("lifecycle"), lifecycle);
        assertEquals(1, f.size(), f.toString());
        assertTrue(f.get(0).calibrates().startsWith("fixedSizeMdlPfns"), f.toString());
    }
}
