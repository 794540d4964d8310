package dev.mdlbridge.cli.scenario;

import dev.mdlbridge.cli.BackendOptionsMixin;
import dev.mdlbridge.cli.OutputOptionsMixin;
import dev.mdlbridge.cli.ResultText;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Examples;
import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.scenario.ScenarioUsageException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mdl run FILE}: runs a scenario (CONTRACT.md section 9) and prints its steps or its result document. */
@Command(name = "run", sortOptions = false,
        description = "Run a scenario file (or example:NAME) and show every step.",
        footer = {"", "Exit codes: 0 completed and every step as expected, 1 otherwise, 2 bad usage (nothing ran)."})
public final class RunCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..1", paramLabel = "FILE", description = "A scenario file, or example:NAME (see --list).")
    String file;

    @Option(names = "--list", description = "List the shipped example scenarios.")
    boolean list;

    @Option(names = "--copy-examples", paramLabel = "DIR", description = "Copy the shipped examples into DIR.")
    Path copyTo;

    @Mixin
    OutputOptionsMixin.WithView output;

    @Mixin
    BackendOptionsMixin backendOptions;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (list) {
            for (String e : Examples.names()) {
                Scenario s = Examples.load(e);
                out.printf("example:%-26s %s%n", e, s.description());
            }
            out.flush();
            return 0;
        }
        if (copyTo != null) {
            Files.createDirectories(copyTo);
            for (String e : Examples.names()) {
                Files.writeString(copyTo.resolve(e + ".json"), Examples.text(e));
            }
            out.println("copied " + Examples.names().size() + " examples to " + copyTo);
            out.flush();
            return 0;
        }
        if (file == null) {
            throw new ParameterException(spec.commandLine(), "give a scenario FILE or example:NAME (mdl run --list)");
        }
        String textView = output.view("dt", "pfn");
        boolean json = output.json();
        String text;
        if (file.startsWith(Examples.PREFIX)) {
            try {
                text = Examples.text(file);
            } catch (ScenarioUsageException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        } else {
            text = read(spec, file);
        }
        String policy = backendOptions.policy();
        Scenario s;
        try {
            s = ScenarioParser.parse(text, file);
        } catch (ScenarioUsageException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        text = null; // a large scenario's text is not kept while it runs
        ResultText view = json ? null : new ResultText(out, textView);
        RunResult result;
        try {
            result = ScenarioRunner.run(s, policy, backendOptions.options(policy), file,
                    view == null ? ScenarioRunner.Listener.NONE : view);
        } catch (ScenarioUsageException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (json) {
            ResultJson.write(result, System.out, true);
            System.out.println();
            System.out.flush();
        } else {
            view.finished(result);
        }
        return result.passed() ? 0 : 1;
    }

    /** A file's text; a file that cannot be read is a usage error that says so in words ("no such file: PATH"). */
    public static String read(CommandSpec spec, String file) {
        Path p = Path.of(file);
        try {
            return Files.readString(p);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "no such file: " + file);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + file + ": access denied");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ParameterException(spec.commandLine(), file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), Files.isDirectory(p) ? file + " is a directory, not a file"
                    : "cannot read " + file + ": " + e.getMessage());
        }
    }
}
