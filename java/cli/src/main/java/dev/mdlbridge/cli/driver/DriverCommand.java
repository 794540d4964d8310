package dev.mdlbridge.cli.driver;

import dev.mdlbridge.api.LimitSetting;
import dev.mdlbridge.cli.LimitArgument;
import dev.mdlbridge.windows.image.ImageCheck;
import dev.mdlbridge.windows.service.DriverInstaller;
import dev.mdlbridge.windows.service.DriverLimits;
import dev.mdlbridge.windows.service.JnaServiceParameters;
import dev.mdlbridge.windows.service.ServiceParameters;
import dev.mdlbridge.windows.service.InstallException;
import dev.mdlbridge.windows.service.JnaServiceManager;
import dev.mdlbridge.windows.service.JnaSystemFacts;
import dev.mdlbridge.windows.service.Preflight;
import dev.mdlbridge.windows.service.ProcessCommandRunner;
import dev.mdlbridge.windows.service.Win32Failure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mdl driver install|start|stop|uninstall|status|limits|verify-image}: the test-machine side. Everything but
 * verify-image needs Windows and an elevated prompt; the decisions are {@link DriverInstaller}'s and
 * {@link DriverLimits}'s.
 */
@Command(name = "driver", description = "Install, start, stop, remove and check the mdlbridge driver (Windows).",
        subcommands = {DriverCommand.Install.class, DriverCommand.Start.class, DriverCommand.Stop.class,
            DriverCommand.Uninstall.class, DriverCommand.Status.class, DriverCommand.Limits.class,
            DriverCommand.VerifyImage.class},
        footer = {"", "Exit codes: 0 done, 1 refused or failed (the message says why and what to do), 2 bad usage "
                + "or not Windows."})
public final class DriverCommand implements Runnable {

    /** The installer; tests put one over fakes here. */
    static Supplier<DriverInstaller> installers = DriverCommand::realInstaller;
    /** The driver's Parameters key; tests put a fake here. */
    static Supplier<ServiceParameters> parameters = JnaServiceParameters::new;
    /** The OS name the commands check; tests pretend to be Windows. */
    static Supplier<String> osName = () -> System.getProperty("os.name", "");

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static DriverInstaller realInstaller() {
        Path drivers = Path.of(System.getenv().getOrDefault("SystemRoot", "C:\\Windows"), "System32", "drivers");
        return new DriverInstaller(new JnaServiceManager(), new JnaSystemFacts(), new ProcessCommandRunner(), drivers,
                d -> {
                    try {
                        Thread.sleep(d.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, Duration.ofSeconds(15));
    }

    /** The .sys to use: --sys, else the kit's driver/mdlbridge.sys beside the jar, else a checkout's build output. */
    static Path defaultSys() {
        try {
            Path jar = Path.of(DriverCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path kit = jar.getParent().resolve("driver").resolve("mdlbridge.sys");
            if (Files.isRegularFile(kit)) {
                return kit;
            }
        } catch (Exception e) {
            // not from a jar: fall through to the checkout's path
        }
        return Path.of("driver", "out", "x64", "mdlbridge.sys");
    }

    /** A command body on Windows only: off Windows, exit 2 with why. */
    abstract static class OnWindows implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            checkArguments();
            if (!osName.get().startsWith("Windows")) {
                err.println("mdl driver " + spec.name() + ": requires Windows (this is " + osName.get() + "); copy "
                        + "the test-machine kit (./mvnw -Pkit package) to the test machine and run it there");
                err.flush();
                return 2;
            }
            try {
                run(installers.get()).forEach(out::println);
                out.flush();
                return 0;
            } catch (InstallException | Win32Failure e) {
                err.println("mdl driver " + spec.name() + ": " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        abstract List<String> run(DriverInstaller installer);

        /** Usage errors found without the machine, so that they show (exit 2) on any OS, before anything is done. */
        void checkArguments() {
        }
    }

    /** The limits' names must differ: two values for one name is a mistake, not "the last wins". */
    static void checkDistinct(CommandSpec spec, List<LimitSetting> limits) {
        Set<String> seen = new HashSet<>();
        for (LimitSetting l : limits) {
            if (!seen.add(l.name())) {
                throw new ParameterException(spec.commandLine(), "--limit " + l.name() + " is given twice: give each "
                        + "limit once");
            }
        }
    }

    @Command(name = "install", description = "Copy the driver to System32\\drivers, trust its test certificate and "
            + "create the MdlBridge service (demand start), after the preflight checks. Idempotent.")
    static final class Install extends OnWindows {
        @Option(names = "--sys", paramLabel = "PATH", description = "The mdlbridge.sys to install (default: the "
                + "kit's driver\\mdlbridge.sys, or driver/out/x64/mdlbridge.sys in a checkout).")
        Path sys;

        @Option(names = "--cer", paramLabel = "PATH", description = "The test certificate to trust (default: "
                + "mdlbridge-test.cer beside the .sys, when there is one).")
        Path cer;

        @Option(names = "--force", description = "Replace a service named MdlBridge that mdl did not create, and "
                + "install despite failed preflight checks (never without elevation).")
        boolean force;

        @Option(names = "--limit", paramLabel = "NAME=VALUE", converter = LimitArgument.InRange.class,
                description = "An administrator limit the driver reads at its next load, written as a REG_QWORD under "
                        + "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MdlBridge\\Parameters: a name of `mdl info` "
                        + "(maxPageAllocationBytes, maxObjects, driverMaxHandles, ...) and a value in its range, sizes "
                        + "like 2G accepted; repeatable. Every one is checked before anything is written.")
        List<LimitSetting> limits = new ArrayList<>();

        @Override
        void checkArguments() {
            checkDistinct(spec, limits);
        }

        @Override
        List<String> run(DriverInstaller installer) {
            Path s = sys != null ? sys : defaultSys();
            Path c = cer != null ? cer : s.resolveSibling("mdlbridge-test.cer");
            List<String> done = new ArrayList<>(installer.install(s, Files.isRegularFile(c) ? c : null, force,
                    verdict(s)));
            if (!limits.isEmpty()) {
                done.addAll(new DriverLimits(parameters.get()).configure(limits, installer.loaded()));
            }
            return done;
        }
    }

    @Command(name = "limits", description = "The administrator limits configured in the driver's Parameters key "
            + "(what `mdl driver install --limit` wrote); --clear removes them. `mdl info` shows the values in force.")
    static final class Limits extends OnWindows {
        @Option(names = "--clear", paramLabel = "NAME", description = "Remove this value (repeatable).")
        List<String> clear = new ArrayList<>();

        @Option(names = "--clear-all", description = "Remove every limit: the driver uses its defaults from its next "
                + "load.")
        boolean clearAll;

        @Override
        void checkArguments() {
            if (clearAll && !clear.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--clear and --clear-all together: give one");
            }
        }

        @Override
        List<String> run(DriverInstaller installer) {
            DriverLimits limits = new DriverLimits(parameters.get());
            if (clearAll || !clear.isEmpty()) {
                return limits.clear(clear, installer.loaded());
            }
            return limits.show();
        }
    }

    @Command(name = "start", description = "Start the driver (already running is success).")
    static final class Start extends OnWindows {
        @Override
        List<String> run(DriverInstaller installer) {
            return installer.start();
        }
    }

    @Command(name = "stop", description = "Stop the driver and wait until it has (a timeout names the cause).")
    static final class Stop extends OnWindows {
        @Override
        List<String> run(DriverInstaller installer) {
            return installer.stop();
        }
    }

    @Command(name = "uninstall", description = "Stop and delete the service, remove the copied driver and the "
            + "certificate trust install added.")
    static final class Uninstall extends OnWindows {
        @Option(names = "--force", description = "Also remove a service named MdlBridge that mdl did not create.")
        boolean force;

        @Override
        List<String> run(DriverInstaller installer) {
            return installer.uninstall(force);
        }
    }

    @Command(name = "status", description = "The service's state, binary and who installed it.")
    static final class Status extends OnWindows {
        @Override
        List<String> run(DriverInstaller installer) {
            return installer.status();
        }
    }

    @Command(name = "verify-image", description = "Check a mdlbridge.sys without loading it (any OS): PE format, "
            + "AMD64, native subsystem, checksum, imports against the allowlist, unwind data, the signature.")
    static final class VerifyImage implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--sys", paramLabel = "PATH", description = "The image (default as for install).")
        Path sys;

        @Override
        public Integer call() {
            Path s = sys != null ? sys : defaultSys();
            PrintWriter out = spec.commandLine().getOut();
            if (!Files.isRegularFile(s)) {
                spec.commandLine().getErr().println("mdl driver verify-image: --sys " + s + ": no such file (build "
                        + "it with bash driver/build.sh, or give the kit's driver\\mdlbridge.sys)");
                spec.commandLine().getErr().flush();
                return 2;
            }
            List<String> lines;
            try {
                lines = imageCheck(s);
            } catch (IOException e) {
                spec.commandLine().getErr().println("mdl driver verify-image: cannot read " + s + ": " + e.getMessage());
                return 2;
            }
            long failed = lines.stream().filter(l -> l.startsWith("FAIL")).count();
            lines.forEach(out::println);
            out.println(s + ": " + (failed == 0 ? "every check passed" : failed + " checks failed"));
            out.flush();
            return failed == 0 ? 0 : 1;
        }
    }

    /** The static image check's lines ({@code PASS|FAIL name: detail}) for a .sys. */
    static List<String> imageCheck(Path sys) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        ImageCheck.verify(Files.readAllBytes(sys), new PrintStream(lines, true, StandardCharsets.UTF_8));
        return lines.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The image check's verdict for the preflight; an unreadable file is a failed check, not a crash. */
    static Preflight.ImageVerdict verdict(Path sys) {
        try {
            List<String> fails = imageCheck(sys).stream().filter(l -> l.startsWith("FAIL")).toList();
            return fails.isEmpty() ? new Preflight.ImageVerdict(true, sys + ": every static check passed")
                    : new Preflight.ImageVerdict(false, sys + ": " + String.join("; ", fails));
        } catch (IOException e) {
            return new Preflight.ImageVerdict(false, "cannot read " + sys + ": " + e.getMessage());
        }
    }
}
