package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.cli.Main;
import dev.mdlbridge.scenario.Examples;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** mdl diff compares result documents only: anything else is a usage error naming the file (exit 2). */
class DiffInputsTest {

    private static String[] diff(Path a, Path b, int exit) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new String[] {"diff", a.toString(), b.toString()}, new PrintWriter(out),
                new PrintWriter(err));
        assertEquals(exit, code, out + "" + err);
        return new String[] {out.toString(), err.toString().replace("\r\n", "\n")};
    }

    private static void refused(Path a, Path b, String line) {
        assertEquals("mdl diff: " + line + "\nTry 'mdl diff --help' for more information.\n", diff(a, b, 2)[1]);
    }

    @Test
    void twoResultsCompare(@TempDir Path dir) throws Exception {
        Path r = dir.resolve("r.json");
        Files.writeString(r, Examples.expected("lifecycle"));
        assertEquals("equivalent\n", diff(r, r, 0)[0].replace("\r\n", "\n"));
    }

    @Test
    void anythingButAResultIsRefusedNamingTheFile(@TempDir Path dir) throws Exception {
        Path r = dir.resolve("r.json");
        Files.writeString(r, Examples.expected("lifecycle"));
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "{}");
        refused(empty, r, empty + ": not a result document (result.schema.json: $: required property 'backend' not "
                + "found; 7 more)");
        Path scenario = dir.resolve("scenario.json");
        Files.writeString(scenario, Examples.text("lifecycle"));
        refused(r, scenario, scenario + ": a scenario, not a result; run it first: mdl run FILE --json");
        Path selftest = dir.resolve("selftest.json");
        Files.writeString(selftest, "{\"schemaVersion\": 1, \"backend\": \"simulator\", \"scenarios\": [], "
                + "\"passed\": 0, \"failed\": 0}");
        refused(selftest, selftest, selftest + ": a selftest document (mdl selftest --json), not a result; compare "
                + "the results mdl selftest --out DIR writes");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"schemaVersion\": 1,\n \"steps\": [}");
        String err = diff(r, broken, 2)[1];
        assertTrue(err.startsWith("mdl diff: " + broken + ": not valid JSON at line 2, column 12: Unexpected close "
                + "marker '}'"), err);
        assertTrue(!err.contains("REDACTED") && !err.contains("Source:"), err);
        Path missing = dir.resolve("missing.json");
        refused(r, missing, "no such file: " + missing);
    }
}
