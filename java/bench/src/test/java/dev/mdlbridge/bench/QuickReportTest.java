package dev.mdlbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The quick summary's command line and rendering, apart from any measurement. The expected text and JSON are what
 * QuickSummary printed for the same result before the rendering moved to QuickReport (the CI hardening script
 * parses the JSON, so its keys and layout must not drift).
 */
class QuickReportTest {

    static Map<String, Object> sample() {
        Map<String, Object> r = new LinkedHashMap<>();
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("availableProcessors", 2);
        machine.put("cpu", "Test CPU");
        r.put("machine", machine);
        r.put("mode", "smoke");
        r.put("lockGiBMedianNanos", 12345678L);
        r.put("lockGiBNanosPerPage", 47.09);
        r.put("pfnCopyFloorMedianNanos", 600000L);
        r.put("lockGiBRatioToFloor", 20.58);
        r.put("describeOnePageMedianNanos", 3100L);
        r.put("describeOnePageP90Nanos", 4200L);
        Map<String, Object> perPage = new LinkedHashMap<>();
        perPage.put("4096", 812.5);
        perPage.put("1048576", 40.12);
        r.put("nanosPerPageBySize", perPage);
        r.put("nanosPerPageMaxOverMinFrom1MiB", 1.5);
        Map<String, Object> jna = new LinkedHashMap<>();
        jna.put("available", false);
        r.put("jna", jna);
        Map<String, Object> targets = new LinkedHashMap<>();
        targets.put("lockGiBRatioToFloorMax", 30);
        targets.put("lockGiBRatioToFloorMet", true);
        r.put("targets", targets);
        r.put("elapsedMillis", 4321L);
        return r;
    }

    private static String unix(String s) {
        return s.replace(System.lineSeparator(), "\n");
    }

    @Test
    void textIsWhatQuickSummaryPrinted() throws Exception {
        assertEquals("machine: {availableProcessors=2, cpu=Test CPU}\n"
                + "lock 1 GiB (probe+unlock, pre-faulted): 12,345,678 ns median = 47.09 ns/page; "
                + "PFN array copy floor 600,000 ns; ratio 20.58x (target <= 30x)\n"
                + "describe 1 page, whole stack: median 3,100 ns, p90 4,200 ns (target <= 5000 ns)\n"
                + "ns per page by size:\n"
                + "           4,096 bytes  812.5\n"
                + "       1,048,576 bytes  40.12\n"
                + "ns/page max/min from 1 MiB: 1.5\n"
                + "JNA: {available=false}\n"
                + "elapsed: 4321 ms",
                unix(QuickReport.render(sample(), false)));
    }

    @Test
    void jsonIsWhatQuickSummaryPrinted() throws Exception {
        assertEquals("{\n"
                + "  \"machine\" : {\n"
                + "    \"availableProcessors\" : 2,\n"
                + "    \"cpu\" : \"Test CPU\"\n"
                + "  },\n"
                + "  \"mode\" : \"smoke\",\n"
                + "  \"lockGiBMedianNanos\" : 12345678,\n"
                + "  \"lockGiBNanosPerPage\" : 47.09,\n"
                + "  \"pfnCopyFloorMedianNanos\" : 600000,\n"
                + "  \"lockGiBRatioToFloor\" : 20.58,\n"
                + "  \"describeOnePageMedianNanos\" : 3100,\n"
                + "  \"describeOnePageP90Nanos\" : 4200,\n"
                + "  \"nanosPerPageBySize\" : {\n"
                + "    \"4096\" : 812.5,\n"
                + "    \"1048576\" : 40.12\n"
                + "  },\n"
                + "  \"nanosPerPageMaxOverMinFrom1MiB\" : 1.5,\n"
                + "  \"jna\" : {\n"
                + "    \"available\" : false\n"
                + "  },\n"
                + "  \"targets\" : {\n"
                + "    \"lockGiBRatioToFloorMax\" : 30,\n"
                + "    \"lockGiBRatioToFloorMet\" : true\n"
                + "  },\n"
                + "  \"elapsedMillis\" : 4321\n"
                + "}",
                unix(QuickReport.render(sample(), true)));
    }

    @Test
    void optionsDefaultToEverythingQuick() {
        QuickOptions o = QuickOptions.parse(new String[] {"--quick"});
        assertFalse(o.json());
        assertFalse(o.smoke());
        assertTrue(o.jna());
        assertEquals(QuickSummary.MAX_MDL, o.maxSize());
        assertEquals(null, o.outFile());
        assertTrue(o.wanted("lock") && o.wanted("jna"));
    }

    @Test
    void optionsAsCiPassesThem() {
        QuickOptions o = QuickOptions.parse(new String[] {"--quick", "--smoke", "--json", "--out", "/tmp/x.json",
                "--max-size", "8192", "--no-jna", "--only", "lock,sizes"});
        assertTrue(o.json() && o.smoke() && !o.jna());
        assertEquals(8192, o.maxSize());
        assertEquals("/tmp/x.json", o.outFile());
        assertEquals(Set.of("lock", "sizes"), o.only());
        assertTrue(o.wanted("sizes"));
        assertFalse(o.wanted("describe"));
    }

    @Test
    void anUnknownOptionSaysWhatIsKnown() {
        QuickOptions.UnknownOption e = assertThrows(QuickOptions.UnknownOption.class,
                () -> QuickOptions.parse(new String[] {"--quick", "--fast"}));
        assertEquals("mdlbridge-bench: unknown option --fast; use --quick [--json] [--smoke] [--max-size BYTES] "
                + "[--no-jna] [--out FILE] [--only lock,describe,sizes,jna]", e.getMessage());
    }
}
