package dev.mdlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code mdl info}: the versions and every limit in force, configured and clamped ones marked. */
class InfoCommandTest {

    private static int mdl(StringWriter out, String... args) {
        return Main.execute(args, new PrintWriter(out), new PrintWriter(out));
    }

    private static String line(String out, String limit) {
        return out.lines().filter(l -> l.startsWith("  " + limit + " ")).findFirst().orElseThrow(
                () -> new AssertionError("no line for " + limit + " in\n" + out));
    }

    @Test
    void everyLimitIsPrintedWithItsDefault() {
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "info", "--backend", "simulator"), out.toString());
        String text = out.toString();
        assertTrue(text.contains("driver    0."), text);
        assertTrue(text.contains("windows   10.0 build "), text);
        assertEquals(13, text.lines().filter(l -> l.startsWith("  ")).count(), "one line per limit");
        assertTrue(line(text, "maxObjects").matches("  maxObjects +4096"), line(text, "maxObjects"));
        assertTrue(line(text, "maxPageAllocationBytes").matches("  maxPageAllocationBytes +67108864  \\(64 MiB\\)"),
                line(text, "maxPageAllocationBytes"));
        assertTrue(line(text, "driverMaxHandles").matches("  driverMaxHandles +1024"), line(text, "driverMaxHandles"));
        assertTrue(!text.contains("configured  ") && !text.contains("  clamped"), text);
    }

    @Test
    void configuredAndClampedLimitsAreMarked() {
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "info", "--backend", "simulator", "--limit", "maxPageAllocationBytes=256M",
                "--limit", "maxObjects=8"), out.toString());
        String text = out.toString();
        assertTrue(line(text, "maxPageAllocationBytes").matches(
                "  maxPageAllocationBytes +268435456  \\(256 MiB\\)  configured"), line(text, "maxPageAllocationBytes"));
        assertTrue(line(text, "maxObjects").matches("  maxObjects +16  configured  clamped"),
                "8 is below 16..65536: " + line(text, "maxObjects"));
    }

    @Test
    void aWrongLimitIsAUsageErrorNamingTheLimits() {
        StringWriter out = new StringWriter();
        assertEquals(2, mdl(out, "info", "--backend", "simulator", "--limit", "maxPages=1G"));
        assertTrue(out.toString().contains("there is no limit 'maxPages'; the limits are maxObjects, "),
                out.toString());
        out = new StringWriter();
        assertEquals(2, mdl(out, "info", "--backend", "driver", "--limit", "maxObjects=64"));
        assertTrue(out.toString().contains("set them with `mdl driver install --limit NAME=VALUE`"), out.toString());
    }

    @Test
    void theLinesComeFromTheBridge() {
        try (var bridge = dev.mdlbridge.api.MdlBridge.open("simulator", dev.mdlbridge.spi.BackendOptions.none())) {
            List<String> lines = InfoCommand.lines(bridge);
            assertTrue(lines.get(0).startsWith("backend   simulator"), lines.get(0));
            assertTrue(lines.get(3).startsWith("handles   1 open, at most 1024"), lines.get(3));
        }
    }
}
