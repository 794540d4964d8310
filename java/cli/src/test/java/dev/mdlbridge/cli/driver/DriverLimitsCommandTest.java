package dev.mdlbridge.cli.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.cli.Main;
import dev.mdlbridge.windows.service.CommandRunner;
import dev.mdlbridge.windows.service.DriverInstaller;
import dev.mdlbridge.windows.service.ServiceParameters;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mdl driver install --limit} and {@code mdl driver limits}: the arguments are checked on any OS before
 * anything is done; "on Windows" the limits go to a fake Parameters key after the install.
 */
class DriverLimitsCommandTest {

    private final Supplier<DriverInstaller> realInstallers = DriverCommand.installers;
    private final Supplier<String> realOs = DriverCommand.osName;
    private final Supplier<ServiceParameters> realParameters = DriverCommand.parameters;

    @AfterEach
    void restore() {
        DriverCommand.installers = realInstallers;
        DriverCommand.osName = realOs;
        DriverCommand.parameters = realParameters;
    }

    private static int mdl(StringWriter out, String... args) {
        return Main.execute(args, new PrintWriter(out), new PrintWriter(out));
    }

    /** The Parameters key as a map. */
    static final class FakeKey implements ServiceParameters {
        final Map<String, Long> values = new LinkedHashMap<>();

        @Override
        public String location() {
            return "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MdlBridge\\Parameters";
        }

        @Override
        public Map<String, Long> read() {
            return new LinkedHashMap<>(values);
        }

        @Override
        public void writeQword(String name, long value) {
            values.put(name, value);
        }

        @Override
        public boolean delete(String name) {
            return values.remove(name) != null;
        }
    }

    @Test
    void aLimitOutOfRangeIsAUsageErrorOnAnyOsNamingItsRange() {
        DriverCommand.osName = () -> "Linux";
        StringWriter out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "install", "--limit", "maxPageAllocationBytes=128G"), out.toString());
        assertTrue(out.toString().contains("maxPageAllocationBytes=137438953472 (128 GiB) is outside its range "
                + "64 KiB..64 GiB: give a value in that range"), out.toString());
        assertTrue(!out.toString().contains("requires Windows"), "the argument is checked first");

        out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "install", "--limit", "maxpageallocationbytes=2G"));
        assertTrue(out.toString().contains("did you mean 'maxPageAllocationBytes'?"), out.toString());
        out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "install", "--limit", "maxObjects=64", "--limit", "maxObjects=128"));
        assertTrue(out.toString().contains("--limit maxObjects is given twice"), out.toString());
        out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "install", "--limit", "driverMaxHandles=5K"));
        assertTrue(out.toString().contains("driverMaxHandles=5120 is outside its range 1..4096: give a value in that "
                + "range (the driver would clamp it to 4096)"), out.toString());
    }

    @Test
    void aValidLimitOffWindowsStillNeedsWindows() {
        DriverCommand.osName = () -> "Linux";
        StringWriter out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "install", "--limit", "maxPageAllocationBytes=2G"), out.toString());
        assertTrue(out.toString().contains("requires Windows"), out.toString());
    }

    @Test
    void onWindowsTheLimitsAreWrittenAfterTheInstallAndShownAndCleared(@TempDir Path dir) throws Exception {
        DriverCommandTest.OneServiceScm scm = new DriverCommandTest.OneServiceScm();
        FakeKey key = new FakeKey();
        CommandRunner certutil = c -> new CommandRunner.Outcome(0, "");
        DriverCommand.osName = () -> "Windows 11";
        DriverCommand.parameters = () -> key;
        DriverCommand.installers = () -> new DriverInstaller(scm, DriverCommandTest.READY, certutil,
                dir.resolve("drivers"), d -> { }, Duration.ofSeconds(1));
        Path sys = Files.writeString(dir.resolve("mdlbridge.sys"), "not a PE image");

        StringWriter out = new StringWriter();
        assertEquals(1, mdl(out, "driver", "install", "--sys", sys.toString(), "--limit", "maxObjects=64"));
        assertEquals(Map.of(), key.values, "a refused install writes no limit");

        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "install", "--sys", sys.toString(), "--force", "--limit",
                "maxPageAllocationBytes=2G", "--limit", "driverMaxPageAllocationBytes=0x100000000"), out.toString());
        assertEquals(Map.of("maxPageAllocationBytes", 2L << 30, "driverMaxPageAllocationBytes", 4L << 30), key.values);
        String text = out.toString();
        assertTrue(text.contains("set maxPageAllocationBytes = 2147483648 (2 GiB) (REG_QWORD in HKLM\\SYSTEM\\"
                + "CurrentControlSet\\Services\\MdlBridge\\Parameters)"), text);
        assertTrue(text.contains("takes effect at its next start (`mdl driver start`)"), text);

        assertEquals(0, mdl(new StringWriter(), "driver", "start"));
        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "install", "--sys", sys.toString(), "--force", "--limit",
                "maxObjects=64"), out.toString());
        assertTrue(out.toString().contains("restart it (`mdl driver stop`, then `mdl driver start`)"), out.toString());

        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "limits"), out.toString());
        assertTrue(out.toString().contains("maxObjects = 64\n") || out.toString().contains("maxObjects = 64\r\n"),
                out.toString());
        out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "limits", "--clear", "maxObjects", "--clear-all"));
        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "limits", "--clear-all"), out.toString());
        assertEquals(Map.of(), key.values);
    }
}
