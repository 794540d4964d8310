package dev.mdlbridge.cli.explore;

import dev.mdlbridge.cli.OutputOptionsMixin;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mdl explore}: model-guided sequences of MDL requests over several handles, checked after every step, with
 * each new finding shrunk to a small scenario file that {@code mdl run} replays (EXPLORE.md).
 */
@Command(name = "explore", sortOptions = false,
        description = "Search for request sequences that crash Windows or break the driver's promises: state-aware "
                + "random sequences over three or more handles, invariants checked after every step, findings "
                + "shrunk to replayable scenarios.",
        footer = {"", "Exit codes: 0 no findings, 1 findings, 2 bad usage.",
            "Replay a finding: mdl run --backend simulator DIR/finding-01-....json"})
public final class ExploreCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "simulator|driver", defaultValue = "simulator",
            description = "Where the sequences run (default simulator: a fresh simulated machine per sequence).")
    String backend;

    @Option(names = "--seconds", paramLabel = "N", defaultValue = "60", description = "How long to explore (default 60).")
    long seconds;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the sequences (default 1): the same seed explores the same sequences.")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Write each finding as a scenario file into DIR.")
    Path out;

    @Mixin
    OutputOptionsMixin output;

    @Option(names = "--i-accept-a-crash", description = "Allow --backend driver: a finding may bug-check the machine.")
    boolean acceptCrash;

    @Override
    public Integer call() {
        if (seconds < 1 || seconds > 86_400) {
            throw new ParameterException(spec.commandLine(), "--seconds " + seconds + ": give 1 to 86400");
        }
        if (!backend.equals("simulator") && !backend.equals("driver")) {
            throw new ParameterException(spec.commandLine(), "--backend " + backend + ": give simulator or driver");
        }
        if (backend.equals("driver") && !acceptCrash) {
            throw new ParameterException(spec.commandLine(), "--backend driver: exploring looks for sequences that "
                    + "crash Windows; run it on a test machine under Driver Verifier and add --i-accept-a-crash");
        }
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter stdout = spec.commandLine().getOut();
        Explorer.Config config = Explorer.Config.of(seed, seconds);
        if (out != null) {
            config = config.writingTo(out);
        }
        Backend driver = null;
        MachineFactory machines;
        if (backend.equals("driver")) {
            driver = BackendSelector.fromClassPath().select("driver", BackendOptions.none()).backend();
            machines = MachineFactory.shared(driver);
        } else {
            machines = MachineFactory.simulated(b -> b);
        }
        err.printf("explore: %s for %ds, seed %d%n", backend, seconds, seed);
        err.flush();
        Explorer.Report r;
        try {
            r = new Explorer(machines, config).run(line -> {
                err.println(line);
                err.flush();
            });
        } finally {
            if (driver != null) {
                driver.close();
            }
        }
        err.printf("explore: done: %d sequences, %d steps in %.1fs, %d findings%n", r.sequences(), r.steps(),
                r.elapsedNanos() / 1e9, r.findings().size());
        err.flush();
        if (output.json()) {
            try {
                stdout.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(ExploreJson.of(backend, seconds, r)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        } else {
            text(stdout, r);
        }
        stdout.flush();
        return r.findings().isEmpty() ? 0 : 1;
    }

    private static void text(PrintWriter out, Explorer.Report r) {
        out.printf("%d sequences, %d steps, %d findings%n", r.sequences(), r.steps(), r.findings().size());
        int i = 1;
        for (Finding f : r.findings()) {
            out.printf("finding %d: %s (%d steps)%s%n  %s%n", i++, f.violation().key(), f.steps().size(),
                    f.file() != null ? " -> " + f.file() : "", f.violation().summary());
            for (Action a : f.steps()) {
                out.println("    " + a);
            }
        }
        long unreached = r.refusals().values().stream().filter(v -> v == 0).count();
        out.printf("coverage: %d of %d ops ran; %d of %d refusal rules answered (%d unreachable by design)%n",
                r.ops().values().stream().filter(v -> v > 0).count(), r.ops().size(),
                r.refusals().size() - unreached, r.refusals().size(), Coverage.UNREACHABLE.size());
        r.refusals().forEach((rule, n) -> {
            if (n == 0 && !Coverage.UNREACHABLE.containsKey(rule)) {
                out.printf("  not reached: %s%n", rule);
            }
        });
        Coverage.UNREACHABLE.forEach((rule, why) -> out.printf("  unreachable: %s: %s%n", rule, why));
        long params = r.parameters().values().stream().filter(v -> v > 0).count();
        out.printf("parameters: %d of %d parameter details answered (%d not sent by the typed API)%n", params,
                r.parameters().size(), Coverage.PARAMS_UNREACHABLE.size());
        r.parameters().forEach((detail, n) -> {
            if (n == 0 && !Coverage.PARAMS_UNREACHABLE.containsKey(detail)) {
                out.printf("  not reached: %s%n", detail);
            }
        });
        // an IOCTL the backend does not know is a gap to report, not a finding: the op could not be explored
        r.notImplemented().forEach((op, n) -> out.printf("  not implemented by the backend: %s (%d times "
                + "STATUS_INVALID_DEVICE_REQUEST)%n", op, n));
    }
}
