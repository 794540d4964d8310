package dev.mdlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A usage error is one line saying what is wrong (with the choices) and a pointer to --help, exit 2: never the whole
 * usage text, an exception's class name or "internal error" with a stack trace.
 */
class CliUsageErrorsTest {

    /** exit code, stdout, stderr */
    record Run(int exit, String out, String err) {
    }

    static Run mdl(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
        return new Run(exit, out.toString(), err.toString());
    }

    static void usage(Run r, String command, String line) {
        assertEquals(2, r.exit(), r.err());
        assertEquals("mdl " + command + ": " + line + "\nTry 'mdl " + command + " --help' for more information.\n",
                r.err().replace("\r\n", "\n"));
    }

    @Test
    void anUnknownProfileIsAUsageErrorOnEveryCommandThatTakesIt() {
        String line = "--profile win11 is not known: use one of win10-x64, win7-x64, nt52-x64";
        usage(mdl("describe", "--size", "4096", "--backend", "simulator", "--profile", "win11"), "describe", line);
        usage(mdl("run", "example:lifecycle", "--backend", "simulator", "--profile", "win11"), "run", line);
        usage(mdl("stress", "--duration", "1s", "--backend", "simulator", "--profile", "win11"), "stress", line);
        usage(mdl("selftest", "--backend", "simulator", "--profile", "win11"), "selftest", line);
    }

    @Test
    void anUnknownExampleAndAMissingFileAreUsageErrors(@TempDir Path dir) {
        Run r = mdl("run", "--backend", "simulator", "example:nope");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("mdl run: example:nope is not shipped; known: [lifecycle, "), r.err());
        assertTrue(r.err().endsWith("Try 'mdl run --help' for more information." + System.lineSeparator()), r.err());
        String missing = dir.resolve("missing.json").toString();
        usage(mdl("run", "--backend", "simulator", missing), "run", "no such file: " + missing);
        usage(mdl("run", "--backend", "simulator", dir.toString()), "run", dir + " is a directory, not a file");
    }

    @Test
    void anUnknownOptionSaysSoInOneLine() {
        Run r = mdl("run", "--jsn", "example:lifecycle");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("mdl run: Unknown option: '--jsn'"), r.err());
        assertTrue(r.err().lines().count() <= 4, r.err());
        assertTrue(!r.err().contains("Usage:"), r.err());
    }

    @Test
    void aNumberThatDoesNotFitIsAUsageErrorNamingStepAndField(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("big.json");
        Files.writeString(f, "{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 8192}, {\"op\": "
                + "\"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"b\", \"length\": 4294967296}]}");
        usage(mdl("run", "--backend", "simulator", f.toString()), "run", f + ": step 1 (IoAllocateMdl): field "
                + "\"length\": 4294967296 does not fit; \"length\" is a ULONG: 0..4294967295");
    }

    @Test
    void theStepThatCausedABugCheckShowsItOnItsLineAndAnExpectedOneExitsZero() {
        for (String e : new String[] {"unchecked-leak", "unchecked-leak-tracked", "unchecked-double-unlock"}) {
            Run r = mdl("run", "--backend", "simulator", "example:" + e);
            assertEquals(0, r.exit(), e + ": " + r.out() + r.err());
            String last = r.out().lines().filter(l -> l.contains("BUG CHECK 0x")).findFirst().orElseThrow();
            assertTrue(last.matches("^ \\[\\d+] (ProcessExit|MmUnlockPages) +0x00000000 STATUS_SUCCESS, then BUG "
                    + "CHECK 0x(76|CB|C4) .*"), last);
            assertTrue(r.out().contains("outcome: BUG CHECK 0x"), r.out());
            assertTrue(r.out().contains(", as expected"), r.out());
        }
        Run leak = mdl("run", "--backend", "simulator", "example:unchecked-leak");
        assertTrue(leak.out().contains(" [4] ProcessExit                    0x00000000 STATUS_SUCCESS, then BUG CHECK "
                + "0x76 PROCESS_HAS_LOCKED_PAGES (0x0, "), leak.out());
        assertTrue(leak.out().contains("      expected bug check 0x76 (0x0, any, 0x2, ...)"), leak.out());
    }

    @Test
    void aScenarioOfMoreThan100000StepsIsAUsageError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("huge.json");
        StringBuilder b = new StringBuilder("{\"steps\": [");
        for (int i = 0; i < 100_001; i++) {
            b.append(i == 0 ? "" : ",").append("{\"op\": \"Info\"}");
        }
        Files.writeString(f, b.append("]}"));
        usage(mdl("run", "--backend", "simulator", f.toString()), "run", f + ": 100,001 steps; a scenario holds at "
                + "most 100,000 (CONTRACT.md section 9): split it into several files");
    }

    @Test
    void theStreamedTextIsWhatTheWholeResultPrints() {
        dev.mdlbridge.result.RunResult r = dev.mdlbridge.scenario.ScenarioRunner.run(
                dev.mdlbridge.scenario.Examples.load("two-handles"), "simulator",
                dev.mdlbridge.spi.BackendOptions.none(), "example:two-handles");
        StringWriter whole = new StringWriter();
        StepTable.print(new PrintWriter(whole), r, false);
        Run streamed = mdl("run", "--backend", "simulator", "example:two-handles");
        assertEquals(whole.toString(), streamed.out());
    }

    @Test
    void jsonAndViewComeFromOneMixinAndAViewACommandLacksIsAUsageError() {
        usage(mdl("describe", "--size", "4096", "--backend", "simulator", "--view", "pfn"), "describe",
                "--view pfn is not known: use --view dt");
        usage(mdl("run", "example:lifecycle", "--backend", "simulator", "--view", "x"), "run",
                "--view x is not known: use dt or pfn");
        for (String c : new String[] {"describe", "run", "selftest", "stress", "explore"}) {
            String help = mdl(c, "--help").out();
            assertTrue(help.contains("--json") && help.contains("whatever the exit code"), c + ": " + help);
            assertEquals(c.equals("describe") || c.equals("run"), help.contains("--view"), c + ": " + help);
        }
    }
}
