package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The text view of {@code mdl run} for expect objects and Repeat: each mismatch on its own plain line (field,
 * expected, actual), a Repeat's steps with their iteration, and the failure that ends an untilFailure Repeat said
 * as such without failing the run.
 */
class ExpectationsAndRepeatTextTest {

    private static String[] run(Path dir, String json, int expectedExit) throws Exception {
        Path f = dir.resolve("t.json");
        Files.writeString(f, json);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new String[] {"run", "--backend", "simulator", f.toString()}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(expectedExit, exit, out + "\n" + err);
        return out.toString().lines().toArray(String[]::new);
    }

    private static boolean has(String[] lines, String line) {
        for (String l : lines) {
            if (l.equals(line)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void eachMismatchIsOnePlainLine(@TempDir Path dir) throws Exception {
        // 4 KiB from the middle of a page spans two pages (WINDOWS-MDL-RULES §2), and a fresh MDL is not locked
        String[] lines = run(dir, "{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 8192}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"b\", \"offset\": 2048, \"length\": 4096, "
                + "\"expect\": {\"mdl\": {\"pfnCount\": 1, \"byteOffset\": 2048}, \"flagsSet\": [\"MDL_PAGES_LOCKED\"]}},"
                + " {\"op\": \"IoFreeMdl\", \"mdl\": \"m\"}]}", 1);
        assertTrue(lines[2].startsWith("![1] IoAllocateMdl "), String.join("\n", lines));
        assertTrue(has(lines, "      mismatch mdl.pfnCount: expected 1, actual 2"), String.join("\n", lines));
        assertTrue(has(lines, "      mismatch flagsSet.MDL_PAGES_LOCKED: expected set, actual clear (mdlFlags 0x0008)"),
                String.join("\n", lines));
        assertTrue(has(lines, "outcome: completed, some steps failed"));
    }

    @Test
    void aRepeatShowsIterationsAndTheFailureThatEndedIt(@TempDir Path dir) throws Exception {
        // 64 MiB of kernel buffers per handle (CONTRACT §4): the fifth 16 MiB buffer is refused
        String[] lines = run(dir, "{\"steps\": [{\"op\": \"Repeat\", \"times\": 10, \"untilFailure\": true, "
                + "\"steps\": [{\"op\": \"ExAllocatePool\", \"as\": \"kb\", \"size\": \"0x1000000\"}]}]}", 0);
        String text = String.join("\n", lines);
        assertTrue(lines[1].startsWith(" [0] ExAllocatePool #0 "), text);
        assertTrue(lines[4].startsWith(" [3] ExAllocatePool #3 "), text);
        assertTrue(lines[5].startsWith(" [4] ExAllocatePool #4 ") && lines[5].contains("STATUS_QUOTA_EXCEEDED"), text);
        assertTrue(has(lines, "      failed, which ends the Repeat (untilFailure): not counted against the scenario"),
                text);
        assertTrue(has(lines, "outcome: completed, every step as expected"), text);
    }
}
