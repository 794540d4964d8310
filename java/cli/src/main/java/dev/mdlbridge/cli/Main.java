package dev.mdlbridge.cli;

import dev.mdlbridge.api.DeviceCallException;
import dev.mdlbridge.scenario.ScenarioUsageException;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemoryException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code mdl} tool. Results go to stdout, progress and diagnostics to stderr. */
@Command(name = "mdl", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "See what Windows puts in a Memory Descriptor List, on the real driver or the simulator.",
        subcommands = {DescribeCommand.class, InfoCommand.class, dev.mdlbridge.cli.scenario.RunCommand.class,
            dev.mdlbridge.cli.scenario.DiffCommand.class, dev.mdlbridge.cli.scenario.SelftestCommand.class,
            dev.mdlbridge.cli.stress.StressCommand.class, dev.mdlbridge.cli.explore.ExploreCommand.class,
            dev.mdlbridge.cli.driver.DoctorCommand.class,
            dev.mdlbridge.cli.driver.DriverCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Backends: --backend auto|driver|simulator|replay:FILE, or MDLBRIDGE_BACKEND / -Dmdlbridge.backend."})
public final class Main {

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the tool; for tests and embedding. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = commandLine();
        cl.setOut(out);
        cl.setErr(err);
        return cl.execute(args);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        addHelpOptions(cl);
        cl.setParameterExceptionHandler(Main::usageError);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("mdl: " + message(ex));
            err.flush();
            return ex instanceof BackendException || ex instanceof ScenarioUsageException ? 2 : 1;
        });
        return cl;
    }

    /** {@code mdl COMMAND --help} (and {@code -h}, {@code -V}) on every command, which the usage errors point to. */
    private static void addHelpOptions(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
                sub.getCommandSpec().versionProvider(new Version());
            }
            addHelpOptions(sub);
        }
    }

    /**
     * A usage error: one line saying what is wrong (and the choices), a pointer to {@code --help}, exit 2; never the
     * whole usage text, which would bury the line that matters.
     */
    static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine c = ex.getCommandLine();
        PrintWriter err = c.getErr();
        err.println(c.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return 2;
    }

    /** What went wrong, in words; a stack trace only for a bug in mdl itself. */
    static String message(Exception ex) {
        Throwable io = ex instanceof java.io.UncheckedIOException u ? u.getCause() : ex;
        if (io instanceof java.nio.file.NoSuchFileException e) {
            return "no such file: " + e.getFile();
        }
        if (io instanceof java.nio.file.AccessDeniedException e) {
            return "cannot read or write " + e.getFile() + ": access denied";
        }
        if (io instanceof java.io.IOException e) {
            return (ex != io ? ex.getMessage() + ": " : "") + e.getMessage();
        }
        if (ex instanceof ScenarioUsageException || ex instanceof BackendException || ex instanceof DeviceCallException
                || ex instanceof UserMemoryException || ex instanceof SimulatedBugCheckException
                || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        java.io.StringWriter sw = new java.io.StringWriter();
        ex.printStackTrace(new PrintWriter(sw));
        return "internal error (please report it): " + sw;
    }
}
