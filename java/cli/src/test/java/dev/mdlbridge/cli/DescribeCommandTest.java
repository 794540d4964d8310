package dev.mdlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's command on the simulator: the trace must show what WINDOWS-MDL-RULES.md section 3.14 says Windows puts
 * in the MDL at each step of the lifecycle.
 */
class DescribeCommandTest {

    record Run(int exit, String out, String err) {
    }

    static Run mdl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PrintStream saved = System.out;
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        int exit;
        try {
            System.setOut(new PrintStream(json, true, StandardCharsets.UTF_8));
            exit = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        } finally {
            System.setOut(saved);
        }
        return new Run(exit, out + json.toString(StandardCharsets.UTF_8), err.toString());
    }

    static JsonNode json(Run r) throws Exception {
        return new ObjectMapper().readTree(r.out());
    }

    static List<String> ops(JsonNode result) {
        List<String> ops = new ArrayList<>();
        result.get("steps").forEach(s -> ops.add(s.get("op").asText()));
        return ops;
    }

    @Test
    void writeLockTraceFollowsTheLifecycleTable() throws Exception {
        Run r = mdl("describe", "--size", "10000", "--offset", "0x123", "--access", "write", "--backend", "simulator",
                "--json");
        assertEquals(0, r.exit(), r.err());
        JsonNode doc = json(r);
        assertEquals(1, doc.get("schemaVersion").asInt());
        assertEquals("simulator", doc.get("backend").asText());
        assertEquals("win10-x64", doc.get("profile").asText());
        assertEquals(List.of("VirtualAlloc", "IoAllocateMdl", "MmProbeAndLockPages", "MmGetSystemAddressForMdlSafe",
                "MmUnlockPages", "IoFreeMdl", "VirtualFree"), ops(doc));
        JsonNode steps = doc.get("steps");

        // 10000 bytes at byte offset 0x123 span (0x123 + 10000 + 0xFFF) >> 12 = 3 pages: Size = 48 + 8 * 3.
        JsonNode alloc = steps.get(1).get("mdl");
        assertEquals(72, alloc.get("size").asInt());
        assertEquals("0x0008", alloc.get("mdlFlags").asText(), "a lookaside MDL: MDL_ALLOCATED_FIXED_SIZE");
        assertEquals(10000, alloc.get("byteCount").asInt());
        assertEquals(0x123, alloc.get("byteOffset").asInt());
        assertEquals(3, alloc.get("pfnCount").asInt());
        assertFalse(alloc.get("valid").get("process").asBoolean(), "Process is undefined after IoAllocateMdl");
        assertFalse(alloc.get("valid").get("mappedSystemVa").asBoolean());
        assertFalse(alloc.get("valid").get("pfns").asBoolean());
        assertEquals("0x0", alloc.get("process").asText(), "undefined fields are reported as zero");

        JsonNode probe = steps.get(2).get("mdl");
        assertEquals("0x008A", probe.get("mdlFlags").asText(), "PAGES_LOCKED | WRITE_OPERATION | FIXED_SIZE");
        assertTrue(probe.get("valid").get("process").asBoolean());
        assertTrue(probe.get("valid").get("pfns").asBoolean());
        assertEquals(3, probe.get("pfns").size());

        JsonNode map = steps.get(3);
        assertEquals("0x008B", map.get("mdl").get("mdlFlags").asText());
        long systemVa = Long.parseUnsignedLong(map.get("value").asText().substring(2), 16);
        assertTrue(systemVa < 0, "a system address is a kernel address");
        assertEquals(0x123, systemVa & 0xFFF, "MappedSystemVa = PTE base + ByteOffset");
        assertEquals(map.get("value").asText(), map.get("mdl").get("mappedSystemVa").asText());

        JsonNode unlock = steps.get(4);
        assertEquals("0x008B", unlock.get("before").get("mdlFlags").asText());
        assertEquals(probe.get("pfns"), unlock.get("before").get("pfns"), "the locked PFNs travel in before");
        assertEquals("0x0088", unlock.get("mdl").get("mdlFlags").asText(), "unlock keeps WRITE_OPERATION");
        assertFalse(unlock.get("mdl").get("valid").get("pfns").asBoolean(), "PFNs are undefined after unlock");
        assertFalse(unlock.get("mdl").get("valid").get("mappedSystemVa").asBoolean(), "the unlock unmapped it");

        JsonNode leftover = doc.get("leftover");
        assertEquals(0, leftover.get("outstandingMdls").asInt());
        assertEquals(0, leftover.get("lockedPages").asInt());
        assertEquals("completed", doc.get("outcome").asText());
    }

    @Test
    void readLockClearsWriteOperation() throws Exception {
        JsonNode doc = json(mdl("describe", "--size", "4096", "--backend", "simulator", "--json"));
        JsonNode steps = doc.get("steps");
        assertEquals(56, steps.get(1).get("mdl").get("size").asInt(), "one aligned page: 48 + 8");
        assertEquals("0x000A", steps.get(2).get("mdl").get("mdlFlags").asText());
        assertEquals("0x000B", steps.get(3).get("mdl").get("mdlFlags").asText());
        assertEquals("0x0008", steps.get(4).get("mdl").get("mdlFlags").asText());
    }

    @Test
    void zeroLengthFailsTheUserModeRangeGate() throws Exception {
        Run r = mdl("describe", "--size", "0", "--backend", "simulator", "--json");
        assertEquals(1, r.exit(), "a DDI failed");
        JsonNode doc = json(r);
        assertEquals(List.of("VirtualAlloc", "IoAllocateMdl", "MmProbeAndLockPages", "IoFreeMdl", "VirtualFree"), ops(doc));
        JsonNode probe = doc.get("steps").get(2);
        assertEquals("0xC0000005", probe.get("status").asText());
        assertEquals("STATUS_ACCESS_VIOLATION", probe.get("statusName").asText());
        assertEquals("0x0008", probe.get("mdl").get("mdlFlags").asText(), "flags unchanged by the failed probe");
        assertEquals(0, doc.get("leftover").get("outstandingMdls").asInt());
    }

    @Test
    void moreThan23PagesGetsAPoolMdlWithoutTheFixedSizeFlag() throws Exception {
        JsonNode doc = json(mdl("describe", "--size", "96K", "--backend", "simulator", "--json"));
        assertEquals("0x0000", doc.get("steps").get(1).get("mdl").get("mdlFlags").asText(), "24 pages > 23");
        assertEquals(48 + 8 * 24, doc.get("steps").get(1).get("mdl").get("size").asInt());
        assertEquals("0x0002", doc.get("steps").get(2).get("mdl").get("mdlFlags").asText());
    }

    @Test
    void textOutputShowsTheTraceAndThePfnRuns() {
        Run r = mdl("describe", "--size", "10000", "--offset", "0x123", "--access", "write", "--backend", "simulator",
                "--view", "dt");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("MmProbeAndLockPages"), r.out());
        assertTrue(r.out().contains("MdlFlags 0x008A"), r.out());
        assertTrue(r.out().contains("+0x008 Size             : 0n72"), r.out());
        assertTrue(r.out().contains("3 pages in"), r.out());
        assertTrue(r.err().contains("backend simulator"), r.err());
    }

    @Test
    void badUsageExitsWithTwoAndNamesTheOption() {
        Run missing = mdl("describe");
        assertEquals(2, missing.exit());
        assertTrue(missing.err().contains("--size"), missing.err());
        Run access = mdl("describe", "--size", "10", "--access", "execute", "--backend", "simulator");
        assertEquals(2, access.exit());
        assertTrue(access.err().contains("--access"), access.err());
        Run size = mdl("describe", "--size", "ten", "--backend", "simulator");
        assertEquals(2, size.exit());
        assertTrue(size.err().contains("'ten' is not a size"), size.err());
    }

    @Test
    void theDriverBackendOffWindowsIsAnErrorThatSaysWhy() {
        Run r = mdl("describe", "--size", "4096", "--backend", "driver");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("'driver' was requested but is not available"), r.err());
    }
}
