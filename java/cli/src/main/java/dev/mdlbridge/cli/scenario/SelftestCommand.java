package dev.mdlbridge.cli.scenario;

import dev.mdlbridge.cli.OutputOptionsMixin;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.cli.BackendOptionsMixin;
import dev.mdlbridge.result.ResultDiff;
import dev.mdlbridge.result.ResultJson;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Examples;
import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code mdl selftest}: runs every shipped example and compares each result with the one expected for the
 * default profile (shipped with the examples: {@code Examples.expected(NAME)}) using {@code mdl diff}'s rules. On a test machine, {@code --out}
 * keeps the machine's own answers so they can become a simulator profile or a bug report.
 */
@Command(name = "selftest", sortOptions = false,
        description = "Run the built-in scenarios and compare them with the expected results.",
        footer = {"", "Exit codes: 0 every scenario matches, 1 otherwise, 2 bad usage."})
public final class SelftestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    OutputOptionsMixin output;

    @Option(names = "--out", paramLabel = "DIR", description = "Write each scenario's result into DIR/NAME.json.")
    Path out;

    @Mixin
    BackendOptionsMixin backendOptions;

    @Override
    public Integer call() throws IOException {
        PrintWriter text = spec.commandLine().getOut();
        // progress only where a person watches: an interactive terminal, and not when stdout is a document
        boolean progress = System.console() != null && !output.json();
        if (out != null) {
            Files.createDirectories(out);
        }
        String policy = backendOptions.policy();
        ObjectNode doc = JSON.createObjectNode();
        doc.put("schemaVersion", ResultJson.SCHEMA_VERSION);
        ArrayNode scenarios = doc.putArray("scenarios");
        int passed = 0;
        int failed = 0;
        String backend = null;
        List<String> names = Examples.names();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (progress) {
                System.err.printf("\r[%d/%d] %-30s", i + 1, names.size(), name);
                System.err.flush();
            }
            Scenario s = Examples.load(name);
            if (s.simulatorOnly() && !policy.equals("simulator") && !policy.equals("auto")
                    && !policy.startsWith("replay:")) {
                continue; // the driver cannot be set up for these (policy, faults, unchecked, ProcessExit)
            }
            RunResult r;
            try {
                r = ScenarioRunner.run(s, policy, backendOptions.options(policy), "example:" + name);
            } catch (dev.mdlbridge.scenario.ScenarioUsageException e) {
                // auto chose the driver (simulator-only examples are skipped there), or a replay holds no session
                // for this example: say so, so a short recording is not mistaken for a full pass
                if (!output.json()) {
                    text.println("skip " + name + ": " + e.getMessage());
                }
                continue;
            }
            backend = r.backend();
            JsonNode result = JSON.readTree(ResultJson.toString(r));
            if (out != null) {
                Files.writeString(out.resolve(name + ".json"), ResultJson.toString(r));
            }
            List<ResultDiff.Difference> d = ResultDiff.compare(expected(name), result);
            boolean ok = d.stream().allMatch(ResultDiff.Difference::isCalibration);
            ObjectNode entry = scenarios.addObject();
            entry.put("name", name);
            entry.put("passed", ok);
            entry.set("result", result);
            if (ok) {
                passed++;
            } else {
                failed++;
            }
            if (!output.json()) {
                text.println((ok ? "pass " : "FAIL ") + name);
                for (ResultDiff.Difference x : d) {
                    text.println("     " + (x.isCalibration() ? "calibration " : "") + x);
                }
            }
        }
        if (progress) {
            System.err.print("\r" + " ".repeat(45) + "\r");
        }
        doc.put("backend", backend);
        doc.put("passed", passed);
        doc.put("failed", failed);
        if (output.json()) {
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            System.out.flush();
        } else {
            text.println(passed + " passed, " + failed + " failed");
        }
        text.flush();
        return failed == 0 ? 0 : 1;
    }

    /** The result expected on the default profile, shipped with the examples. */
    static JsonNode expected(String name) throws IOException {
        return JSON.readTree(Examples.expected(name));
    }
}
