package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.scenario.Examples;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DiffAndSelftestTest {

    @Test
    void anotherSeedIsEquivalentButAChangedFlagIsNot() throws Exception {
        JsonNode expected = SelftestCommand.expected("lifecycle");
        JsonNode run = ExamplesTest.run("lifecycle");
        assertEquals(List.of(), ResultDiff.compare(expected, run), "addresses and PFNs must be ignored");

        JsonNode changed = run.deepCopy();
        // MDL_WRITE_OPERATION dropped from the locked MDL: a driver can observe that, so it is not calibration
        ((ObjectNode) changed.get("steps").get(2).get("mdl")).put("mdlFlags", "0x000A");
        List<ResultDiff.Difference> d = ResultDiff.compare(expected, changed);
        assertEquals(1, d.size(), d.toString());
        assertTrue(d.get(0).where().contains("step 2") && d.get(0).where().contains("mdlFlags"), d.toString());
        assertFalse(d.get(0).isCalibration());

        JsonNode lookaside = run.deepCopy();
        ((ObjectNode) lookaside.get("steps").get(1).get("mdl")).put("mdlFlags", "0x0000");
        List<ResultDiff.Difference> c = ResultDiff.compare(expected, lookaside);
        assertTrue(c.get(0).isCalibration() && c.get(0).calibrates().contains("lookaside"), c.toString());
    }

    @Test
    void theDdiCoverageUncertaintiesAreCalibrationsAndNothingElseIs() throws Exception {
        // WINDOWS-MDL-RULES 14.8: whether a reserved mapping sets MDL_MAPPED_TO_SYSTEM_VA on Windows 10 is uncertain
        JsonNode reserved = SelftestCommand.expected("reserved-mapping").deepCopy();
        assertEquals("MmMapLockedPagesWithReservedMapping", reserved.get("steps").get(5).get("op").asText());
        ((ObjectNode) reserved.get("steps").get(5).get("mdl")).put("mdlFlags", "0x000A");
        List<ResultDiff.Difference> r = ResultDiff.compare(SelftestCommand.expected("reserved-mapping"), reserved);
        assertEquals(1, r.size(), r.toString());
        assertTrue(r.get(0).isCalibration() && r.get(0).calibrates().startsWith("reservedMappingSetsMappedFlag"),
                r.toString());
        // ... but the same flag lost on a probe is a real difference
        ((ObjectNode) reserved.get("steps").get(3).get("mdl")).put("mdlFlags", "0x0008");
        assertFalse(ResultDiff.compare(SelftestCommand.expected("reserved-mapping"), reserved).stream()
                .allMatch(ResultDiff.Difference::isCalibration));

        // A short page allocation depends on the machine's free frames, its Size on when Windows re-creates the MDL
        JsonNode pages = SelftestCommand.expected("page-allocations").deepCopy();
        ObjectNode shortOne = (ObjectNode) pages.get("steps").get(1).get("mdl");
        shortOne.put("byteCount", 65536);
        shortOne.put("size", 176);
        List<ResultDiff.Difference> p = ResultDiff.compare(SelftestCommand.expected("page-allocations"), pages);
        assertEquals(2, p.size(), p.toString());
        assertTrue(p.stream().allMatch(ResultDiff.Difference::isCalibration), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.calibrates().startsWith("partialAllocationShrinkPages")), p.toString());
        assertTrue(p.stream().anyMatch(x -> x.calibrates().startsWith("partialPageAllocation")), p.toString());
    }

    @Test
    void diffCommandExitCodes(@TempDir Path dir) throws Exception {
        JsonNode run = ExamplesTest.run("guard-pages");
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        Files.writeString(a, SelftestCommand.expected("guard-pages").toString());
        Files.writeString(b, run.toString());
        StringWriter out = new StringWriter();
        assertEquals(0, new CommandLine(new DiffCommand()).setOut(new PrintWriter(out)).execute(a.toString(),
                b.toString()), out.toString());
        ((ObjectNode) run.get("steps").get(4)).put("status", "0xC0000005");
        Files.writeString(b, run.toString());
        out = new StringWriter();
        assertEquals(1, new CommandLine(new DiffCommand()).setOut(new PrintWriter(out)).execute(a.toString(),
                b.toString()));
        assertTrue(out.toString().contains("step 4 (MmProbeAndLockPages) status"), out.toString());
    }

    @Test
    void selftestPassesOnTheSimulatorAndRecordsResults(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new SelftestCommand()).setOut(new PrintWriter(out))
                .execute("--backend", "simulator", "--seed", "3", "--out", dir.toString());
        assertEquals(0, exit, out.toString());
        assertTrue(out.toString().contains(Examples.names().size() + " passed, 0 failed"), out.toString());
        assertTrue(Files.exists(dir.resolve("unchecked-leak.json")));
    }
}
