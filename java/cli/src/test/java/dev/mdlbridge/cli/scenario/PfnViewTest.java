package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mdl run --view pfn}: one line per page with the page's lock count at that step (rule P1: +1 per lock). */
class PfnViewTest {

    @Test
    void twoLocksOfOnePageShowLockCountTwoAndAPartialTakesNoReference(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("two-locks.json");
        Files.writeString(scenario, """
                {"scenario": "one page locked through two MDLs",
                 "steps": [
                  {"op": "VirtualAlloc", "as": "buf", "size": 8192},
                  {"op": "IoAllocateMdl", "as": "a", "buffer": "buf", "length": 8192},
                  {"op": "MmProbeAndLockPages", "mdl": "a"},
                  {"op": "IoAllocateMdl", "as": "b", "buffer": "buf", "offset": 4096, "length": 4096},
                  {"op": "MmProbeAndLockPages", "mdl": "b"},
                  {"op": "IoBuildPartialMdl", "as": "p", "source": "a", "offset": 0, "length": 4096},
                  {"op": "IoFreeMdl", "mdl": "p"},
                  {"op": "MmUnlockPages", "mdl": "b"},
                  {"op": "IoFreeMdl", "mdl": "b"},
                  {"op": "MmUnlockPages", "mdl": "a"},
                  {"op": "IoFreeMdl", "mdl": "a"}
                 ]}""");
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new RunCommand()).setOut(new PrintWriter(out))
                .execute(scenario.toString(), "--backend", "simulator", "--view", "pfn");
        String text = out.toString();
        assertEquals(0, exit, text);
        // step 2: both pages of buf locked once
        assertEquals("1 1", counts(text, 2));
        // step 4: the second page is now locked by a and by b
        assertEquals("2", counts(text, 4));
        // step 5: the partial of a's first page takes no reference (WINDOWS-MDL-RULES 5.6)
        assertEquals("1", counts(text, 5));
        assertTrue(text.contains("phys 0x"), text);
    }

    /** The lock counts listed under "step N", space separated. */
    private static String counts(String text, int step) {
        int start = text.indexOf("step " + step + " ");
        assertTrue(start >= 0, "no PFN listing for step " + step + " in\n" + text);
        int end = text.indexOf("\nstep ", start + 1);
        Matcher m = Pattern.compile("lock count (\\d+)").matcher(text.substring(start, end < 0 ? text.length() : end));
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            sb.append(sb.length() == 0 ? "" : " ").append(m.group(1));
        }
        return sb.toString();
    }
}
