package dev.mdlbridge.cli.driver;

import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.BackendProvider;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code mdl doctor}: one line per check, {@code PASS|FAIL|SKIP name: reason}. Exit 0 when no check failed. The
 * driver check is SKIP rather than FAIL off Windows: it cannot apply there, and a Linux CI run of {@code mdl
 * doctor} should not fail because of it.
 */
@Command(name = "doctor", description = "Check what mdlbridge can use here: each backend, Java and the OS.")
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    /** The outcome of one check. */
    public record Check(String outcome, String name, String reason) {
        @Override
        public String toString() {
            return outcome + " " + name + ": " + reason;
        }
    }

    @Override
    public Integer call() {
        List<Check> checks = checks(BackendSelector.fromClassPath().providers(), System.getProperty("os.name", ""),
                System.getProperty("os.version", ""), System.getProperty("os.arch", ""),
                Runtime.version().feature(), System.getProperty("java.version", ""),
                System.getProperty("sun.arch.data.model", "?"));
        checks.add(new Check("PASS", "mdl", "version " + dev.mdlbridge.cli.Version.text() + ", protocol "
                + dev.mdlbridge.protocol.Protocol.PROTOCOL_VERSION + ", for mdlbridge.sys "
                + dev.mdlbridge.protocol.Info.versionText(dev.mdlbridge.protocol.Protocol.DRIVER_VERSION)));
        checks.addAll(windowsChecks(System.getProperty("os.name", "")));
        PrintWriter out = spec.commandLine().getOut();
        checks.forEach(out::println);
        out.flush();
        return checks.stream().anyMatch(c -> c.outcome().equals("FAIL")) ? 1 : 0;
    }

    /**
     * The installer's preflight and the service's state: on Windows, read from the machine; elsewhere one SKIP
     * line, since none of them can apply.
     */
    static List<Check> windowsChecks(String osName) {
        if (!osName.startsWith("Windows")) {
            return List.of(new Check("SKIP", "driver-preflight", "not available (requires Windows): elevation, "
                    + "Secure Boot, test signing, Memory Integrity and the service are checked on the test machine"));
        }
        List<Check> checks = new ArrayList<>();
        try {
            for (dev.mdlbridge.windows.service.Preflight.Check c : dev.mdlbridge.windows.service.Preflight.run(
                    new dev.mdlbridge.windows.service.JnaSystemFacts(), null)) {
                checks.add(new Check(c.outcome().equals("WARN") ? "SKIP" : c.outcome(), c.name(), c.reason()));
            }
            DriverCommand.installers.get().status().forEach(line -> checks.add(new Check("PASS", "service", line)));
            checks.add(driverCounters());
        } catch (RuntimeException | LinkageError e) {
            checks.add(new Check("FAIL", "driver-preflight", "could not read the machine: " + e));
        }
        return checks;
    }

    /** What the whole driver holds now (every handle), when it opens: a leak elsewhere shows up here. */
    private static Check driverCounters() {
        try (dev.mdlbridge.api.MdlBridge bridge = dev.mdlbridge.api.MdlBridge.open("driver",
                dev.mdlbridge.spi.BackendOptions.none())) {
            dev.mdlbridge.protocol.Info i = (dev.mdlbridge.protocol.Info) bridge.info().orThrow().extra();
            dev.mdlbridge.protocol.Counters c = i.driverUse().counters();
            return new Check("PASS", "driver-counters", "driver " + dev.mdlbridge.protocol.Info.versionText(
                    i.driverVersion()) + " holds " + c.outstandingMdls() + " MDLs, " + c.outstandingMappings()
                    + " mappings, " + c.outstandingKernelBuffers() + " kernel buffers, " + c.lockedPages()
                    + " locked pages over all handles (this one included)");
        } catch (RuntimeException e) {
            return new Check("SKIP", "driver-counters", "the driver did not open: " + e.getMessage());
        }
    }

    /** The checks, from explicit inputs so that every platform's outcome is testable on one machine. */
    public static List<Check> checks(List<BackendProvider> providers, String osName, String osVersion, String osArch,
                                     int javaFeature, String javaVersion, String dataModel) {
        List<Check> checks = new ArrayList<>();
        String java = javaVersion + " (" + osArch + ", " + dataModel + "-bit JVM)";
        checks.add(javaFeature >= 17 ? new Check("PASS", "java", java)
                : new Check("FAIL", "java", java + ": mdlbridge needs Java 17 or later"));
        checks.add(new Check("PASS", "os", osName + " " + osVersion + " (" + osArch + ")"));
        if (providers.isEmpty()) {
            checks.add(new Check("FAIL", "backends",
                    "no backend provider on the class path (add mdlbridge-simulator or mdlbridge-windows)"));
        }
        boolean windows = osName.startsWith("Windows");
        for (BackendProvider p : providers) {
            Availability a;
            try {
                a = p.availability();
            } catch (RuntimeException e) {
                a = Availability.no("availability check failed: " + e);
            }
            String outcome;
            if (a.available()) {
                outcome = "PASS";
            } else if (p.name().equals("driver") && !windows) {
                outcome = "SKIP";
            } else {
                outcome = "FAIL";
            }
            checks.add(new Check(outcome, p.name(), a.reason()));
        }
        return checks;
    }
}
