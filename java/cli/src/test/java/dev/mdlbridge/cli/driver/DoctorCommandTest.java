package dev.mdlbridge.cli.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.mdlbridge.cli.Main;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorCommandTest {

    private static BackendProvider provider(String name, Availability a) {
        return new BackendProvider() {
            public String name() {
                return name;
            }

            public int priority() {
                return 1;
            }

            public Availability availability() {
                return a;
            }

            public Backend create(BackendOptions options) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void offWindowsTheDriverIsSkippedAndTheSimulatorPasses() {
        List<DoctorCommand.Check> c = DoctorCommand.checks(List.of(
                provider("driver", Availability.no("not available (requires Windows)")),
                provider("simulator", Availability.yes("pure Java"))), "Linux", "6.1", "amd64", 17, "17.0.9", "64");
        assertEquals(List.of("PASS java: 17.0.9 (amd64, 64-bit JVM)", "PASS os: Linux 6.1 (amd64)",
                "SKIP driver: not available (requires Windows)", "PASS simulator: pure Java"),
                c.stream().map(Object::toString).toList());
    }

    @Test
    void onWindowsAnUnavailableDriverFails() {
        List<DoctorCommand.Check> c = DoctorCommand.checks(List.of(provider("driver",
                Availability.no("cannot open \\\\.\\MdlBridge: ERROR_FILE_NOT_FOUND (2): ..."))), "Windows 11", "10.0",
                "amd64", 21, "21.0.2", "64");
        assertEquals("FAIL", c.get(2).outcome());
    }

    @Test
    void oldJavaAndNoProvidersFail() {
        List<DoctorCommand.Check> c = DoctorCommand.checks(List.of(), "Linux", "6.1", "amd64", 11, "11.0.2", "64");
        assertEquals("FAIL", c.get(0).outcome());
        assertEquals("FAIL backends: no backend provider on the class path (add mdlbridge-simulator or "
                + "mdlbridge-windows)", c.get(2).toString());
    }

    @Test
    void mdlDoctorOnThisLinuxMachineExitsZero() {
        assumeFalse(System.getProperty("os.name").startsWith("Windows"));
        StringWriter out = new StringWriter();
        int code = Main.execute(new String[] {"doctor"}, new PrintWriter(out), new PrintWriter(new StringWriter()));
        String text = out.toString();
        assertTrue(text.contains("SKIP driver: not available (requires Windows)"), text);
        assertTrue(text.contains("PASS simulator: "), text);
        assertEquals(0, code, text);
    }
}
