package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioUsageException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Usage errors are found before anything runs and name the step, its op and the field. */
class UsageErrorsTest {

    static String error(String json) {
        return assertThrows(ScenarioUsageException.class, () -> ScenarioParser.parse(json, "t.json")).getMessage();
    }

    static final String ALLOC = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 4096}";

    @Test
    void unknownOp() {
        String m = error("{\"steps\": [" + ALLOC + ", {\"op\": \"IoAlocateMdl\"}]}");
        assertTrue(m.contains("step 1") && m.contains("unknown op \"IoAlocateMdl\""), m);
    }

    @Test
    void unknownField() {
        String m = error("{\"steps\": [" + ALLOC + ", {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", "
                + "\"length\": 10, \"lenght\": 3}]}");
        assertTrue(m.contains("step 1 (IoAllocateMdl)") && m.contains("unknown field \"lenght\""), m);
    }

    @Test
    void missingRequiredField() {
        String m = error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"buf\"}]}");
        assertTrue(m.contains("step 0 (VirtualAlloc)") && m.contains("missing required field \"size\""), m);
    }

    @Test
    void unknownNameAndNameUsedBeforeCreated() {
        String m = error("{\"steps\": [{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}, " + ALLOC + "]}");
        assertTrue(m.contains("step 0 (MmProbeAndLockPages)") && m.contains("field \"mdl\"")
                && m.contains("unknown name \"m\""), m);
        String a = error("{\"steps\": [" + ALLOC + ", {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"length\": 1, "
                + "\"address\": {\"of\": \"nope\"}}]}");
        assertTrue(a.contains("step 1") && a.contains("address.of") && a.contains("\"nope\""), a);
    }

    @Test
    void badNumberAndSymbol() {
        String m = error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": \"4k\"}]}");
        assertTrue(m.contains("step 0") && m.contains("field \"size\""), m);
        String p = error("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 1, \"protect\": \"PAGE_RW\"}]}");
        assertTrue(p.contains("field \"protect\"") && p.contains("PAGE_RW"), p);
    }

    @Test
    void hexNumbersAndDefaultsParse() {
        Scenario s = ScenarioParser.parse("{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": \"0x2000\"}]}",
                "t.json");
        assertEquals("win10-x64", s.profile());
        assertEquals(false, s.simulatorOnly());
    }

    @Test
    void simulatorOnlyFeaturesAreRefusedForTheDriver() {
        for (String json : new String[] {
                "{\"unchecked\": true, \"steps\": []}",
                "{\"policy\": {\"verifier\": true}, \"steps\": []}",
                "{\"faults\": {\"poolFailAfter\": 3}, \"steps\": []}",
                "{\"steps\": [{\"op\": \"ProcessExit\"}]}"}) {
            Scenario s = ScenarioParser.parse(json, "t.json");
            assertTrue(s.simulatorOnly(), json);
            String m = assertThrows(ScenarioUsageException.class, () -> ScenarioParser.checkForDriver(s, "t.json"))
                    .getMessage();
            assertTrue(m.contains("simulator only"), m);
        }
        String m = assertThrows(ScenarioUsageException.class, () -> ScenarioParser.checkForDriver(
                ScenarioParser.parse("{\"steps\": [" + ALLOC + ", {\"op\": \"PageOut\", \"buffer\": \"buf\"}]}", "t"),
                "t")).getMessage();
        assertTrue(m.contains("step 1 (PageOut)"), m);
    }

    @Test
    void runExitsTwoAndRunsNothingOnAUsageError(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"steps\": [" + ALLOC + ", {\"op\": \"Bogus\"}]}");
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RunCommand());
        cl.setErr(new PrintWriter(err));
        int exit = cl.execute("--backend", "simulator", f.toString());
        assertEquals(2, exit);
        assertTrue(err.toString().contains("step 1") && err.toString().contains("Bogus"), err.toString());
    }

    @Test
    void runExitsZeroOnAPassingExampleAndOneOnAnUnexpectedFailure(@TempDir Path dir) throws Exception {
        CommandLine cl = new CommandLine(new RunCommand());
        cl.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, cl.execute("--backend", "simulator", "example:guard-pages"));
        Path f = dir.resolve("fail.json");
        Files.writeString(f, "{\"steps\": [{\"op\": \"VirtualAlloc\", \"as\": \"b\", \"size\": 4096, "
                + "\"protect\": \"PAGE_NOACCESS\"}, {\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"b\", "
                + "\"length\": 4096}, {\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}]}");
        assertEquals(1, new CommandLine(new RunCommand()).setOut(new PrintWriter(new StringWriter()))
                .execute("--backend", "simulator", f.toString()));
    }

    @Test
    void anUnknownExampleIsAUsageErrorNamingTheKnownOnes() {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new RunCommand());
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("--backend", "simulator", "example:nope"));
        assertTrue(err.toString().contains("example:nope is not shipped; known: [lifecycle"), err.toString());
    }
}
