package dev.mdlbridge.cli.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.cli.Main;
import dev.mdlbridge.windows.service.CommandRunner;
import dev.mdlbridge.windows.service.DriverInstaller;
import dev.mdlbridge.windows.service.LoadErrors;
import dev.mdlbridge.windows.service.ServiceManager;
import dev.mdlbridge.windows.service.SystemFacts;
import dev.mdlbridge.windows.service.Win32Failure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mdl driver}: exit codes and messages, off Windows for real and "on Windows" over a fake SCM. */
class DriverCommandTest {

    private final Supplier<DriverInstaller> realInstallers = DriverCommand.installers;
    private final Supplier<String> realOs = DriverCommand.osName;

    @AfterEach
    void restore() {
        DriverCommand.installers = realInstallers;
        DriverCommand.osName = realOs;
    }

    private static int mdl(StringWriter out, String... args) {
        return Main.execute(args, new PrintWriter(out), new PrintWriter(out));
    }

    @Test
    void offWindowsEveryServiceCommandSaysItNeedsWindows() {
        DriverCommand.osName = () -> "Linux";
        for (String sub : List.of("install", "start", "stop", "uninstall", "status")) {
            StringWriter out = new StringWriter();
            assertEquals(2, mdl(out, "driver", sub), out.toString());
            assertTrue(out.toString().contains("mdl driver " + sub + ": requires Windows (this is Linux)"),
                    out.toString());
        }
    }

    /** A Service Control Manager with one service slot, and a ready test machine. */
    static final class OneServiceScm implements ServiceManager {
        final Map<String, Service> services = new HashMap<>();
        Integer startError;

        @Override
        public Optional<Service> query(String name) {
            return Optional.ofNullable(services.get(name));
        }

        @Override
        public void createKernelDriver(String name, String displayName, String binaryPath) {
            services.put(name, new Service(name, SERVICE_STOPPED, binaryPath, null, null));
        }

        @Override
        public void mark(String name, String createdBy, String trustedCertificate) {
            Service s = services.get(name);
            services.put(name, new Service(name, s.state(), s.binaryPath(), createdBy, trustedCertificate));
        }

        @Override
        public void start(String name) {
            if (startError != null) {
                throw new Win32Failure("StartService", startError);
            }
            Service s = services.get(name);
            services.put(name, new Service(name, SERVICE_RUNNING, s.binaryPath(), s.createdBy(), null));
        }

        @Override
        public void stop(String name) {
            Service s = services.get(name);
            services.put(name, new Service(name, SERVICE_STOPPED, s.binaryPath(), s.createdBy(), null));
        }

        @Override
        public void delete(String name) {
            services.remove(name);
        }
    }

    static final SystemFacts READY = new SystemFacts() {
        @Override
        public boolean elevated() {
            return true;
        }

        @Override
        public Optional<Boolean> secureBoot() {
            return Optional.of(false);
        }

        @Override
        public Optional<Integer> codeIntegrityOptions() {
            return Optional.of(CI_TESTSIGN);
        }

        @Override
        public String osArchitecture() {
            return "AMD64";
        }
    };

    @Test
    void onWindowsAnInstallThatFailsTheImageCheckIsRefusedAndStartExplains577(@TempDir Path dir) throws Exception {
        OneServiceScm scm = new OneServiceScm();
        CommandRunner certutil = c -> new CommandRunner.Outcome(0, "");
        DriverCommand.osName = () -> "Windows 11";
        DriverCommand.installers = () -> new DriverInstaller(scm, READY, certutil, dir.resolve("drivers"), d -> { },
                Duration.ofSeconds(1));
        Path notADriver = Files.writeString(dir.resolve("mdlbridge.sys"), "not a PE image");
        StringWriter out = new StringWriter();
        assertEquals(1, mdl(out, "driver", "install", "--sys", notADriver.toString()), out.toString());
        assertTrue(out.toString().contains("FAIL image") && out.toString().contains("pe-format"), out.toString());

        // installed by hand (as a fake), then started: 577 is explained, not printed as a number
        scm.createKernelDriver("MdlBridge", "x", dir.resolve("drivers/mdlbridge.sys").toString());
        scm.mark("MdlBridge", DriverInstaller.CREATED_BY, null);
        scm.startError = LoadErrors.ERROR_INVALID_IMAGE_HASH;
        out = new StringWriter();
        assertEquals(1, mdl(out, "driver", "start"), out.toString());
        assertTrue(out.toString().contains("bcdedit /set testsigning on"), out.toString());
        scm.startError = null;
        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "start"), out.toString());
        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "status"), out.toString());
        assertTrue(out.toString().contains("MdlBridge: running"), out.toString());
        out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "uninstall"), out.toString());
        assertTrue(scm.services.isEmpty());
    }

    @Test
    void verifyImageRunsAnywhereAndFailsAGarbageFile(@TempDir Path dir) throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.sys"), "MZ but nothing else");
        StringWriter out = new StringWriter();
        assertEquals(1, mdl(out, "driver", "verify-image", "--sys", junk.toString()), out.toString());
        assertTrue(out.toString().contains("FAIL pe-format"), out.toString());
        out = new StringWriter();
        assertEquals(2, mdl(out, "driver", "verify-image", "--sys", dir.resolve("absent.sys").toString()));
        assertTrue(out.toString().contains("no such file"), out.toString());
    }

    @Test
    void verifyImagePassesTheDriverThisRepositoryBuilds() {
        Path sys = Path.of("../../driver/out/x64/mdlbridge.sys");
        Assumptions.assumeTrue(Files.isRegularFile(sys), "the driver is not built here (bash driver/build.sh); "
                + "CI builds it before ./mvnw verify");
        StringWriter out = new StringWriter();
        assertEquals(0, mdl(out, "driver", "verify-image", "--sys", sys.toString()), out.toString());
        assertTrue(out.toString().contains("PASS machine") && out.toString().contains("PASS authenticode"),
                out.toString());
    }

    @Test
    void doctorOffWindowsSkipsThePreflightWithTheReason() {
        List<DoctorCommand.Check> c = DoctorCommand.windowsChecks("Linux");
        assertEquals(1, c.size());
        assertEquals("SKIP", c.get(0).outcome());
        assertTrue(c.get(0).reason().contains("requires Windows"));
    }
}
