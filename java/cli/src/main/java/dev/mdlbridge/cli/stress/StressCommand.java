package dev.mdlbridge.cli.stress;

import dev.mdlbridge.cli.OutputOptionsMixin;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.mdlbridge.api.BackendSelection;
import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.cli.BackendOptionsMixin;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.SimulatorControl;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code mdl stress}: several threads, each with its own handle, run random legal MDL sequences (and a few
 * deliberate misuses the driver must refuse) for a while; then every thread releases what it created and the
 * counters must be back where they started. Exit 0 only when nothing leaked and every status was the expected one.
 */
@Command(name = "stress", sortOptions = false,
        description = "Load test: concurrent allocate / lock / map / read / write / partial / unmap / unlock / free "
                + "over several handles with random sizes and offsets; checks that nothing leaks.",
        footer = {"", "Exit codes: 0 nothing leaked and no unexpected status, 1 otherwise, 2 bad usage."})
public final class StressCommand implements Callable<Integer> {

    /** The version of the --json report (schemas/stress.schema.json). */
    public static final int SCHEMA_VERSION = 1;

    @Spec
    CommandSpec spec;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "4",
            description = "Threads, each with its own handle (default 4).")
    int threads;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "10s", converter = Durations.class,
            description = "How long to run: 10s, 2m, 500ms, 1m30s (default 10s).")
    Duration duration;

    @Option(names = "--max-buffer", paramLabel = "BYTES", defaultValue = "262144",
            description = "Largest user buffer a thread allocates (default 256 KiB); MDLs cover random ranges of it.")
    long maxBuffer;

    @Option(names = "--workload-seed", paramLabel = "N", defaultValue = "357973",
            description = "Seed of the random operations, sizes and offsets (default 357973); --seed is the simulator's.")
    long workloadSeed;

    @Mixin
    OutputOptionsMixin output;

    @Mixin
    BackendOptionsMixin backendOptions;

    @Override
    public Integer call() throws Exception {
        if (threads < 1 || threads > 256) {
            throw new ParameterException(spec.commandLine(), "--threads " + threads + ": give 1 to 256");
        }
        if (maxBuffer < 4096 || maxBuffer > (1L << 30)) {
            throw new ParameterException(spec.commandLine(), "--max-buffer " + maxBuffer + ": give 4096 to 1 GiB");
        }
        String policy = backendOptions.policy();
        long seed = workloadSeed;
        BackendSelection selection = BackendSelector.fromClassPath().select(policy, backendOptions.options(policy));
        Backend backend = selection.backend();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(backend, seed, out, err);
        } finally {
            backend.close();
        }
    }

    private int run(Backend backend, long seed, PrintWriter out, PrintWriter err) throws Exception {
        Optional<SimulatorControl> sim = backend.capability(SimulatorControl.class);
        StressStats stats = new StressStats();
        List<MdlBridge> bridges = new ArrayList<>();
        AtomicReference<BugCheck> bugCheck = new AtomicReference<>();
        Counters start;
        long kernelStart = sim.map(SimulatorControl::processLockedPages).orElse(0L);
        try {
            for (int i = 0; i < threads; i++) {
                bridges.add(MdlBridge.on(backend));
            }
            start = bridges.get(0).counters();
        } catch (RuntimeException e) {
            bridges.forEach(MdlBridge::close);
            throw e;
        }
        boolean progress = !output.json() && System.console() != null;
        if (!output.json()) {
            err.printf("stress: %d threads for %s on %s%n", threads, text(duration), backend.name());
            err.flush();
        }
        long begin = System.nanoTime();
        long deadline = begin + duration.toNanos();
        List<Thread> workers = new ArrayList<>();
        List<Throwable> crashes = java.util.Collections.synchronizedList(new ArrayList<>());
        ProgressLine bar = progress ? new ProgressLine(new PrintStream(System.err, true), duration.toNanos(),
                stats.operations) : null;
        for (int i = 0; i < threads; i++) {
            StressWorker w = new StressWorker(bridges.get(i), seed * 1_000_003L + i, stats, maxBuffer);
            Thread t = new Thread(() -> {
                try {
                    try {
                        w.run(deadline, () -> bugCheck.get() != null);
                    } finally {
                        if (bugCheck.get() == null) {
                            w.releaseEverything();
                        }
                    }
                } catch (SimulatedBugCheckException e) {
                    bugCheck.compareAndSet(null, e.bugCheck());
                } catch (Throwable e) {
                    crashes.add(e);
                }
            }, "mdl-stress-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        long elapsed = System.nanoTime() - begin;
        if (bar != null) {
            bar.close();
        }

        // What the workers left behind, before any ReleaseAll: must be what was there at the start.
        Counters end = null;
        long kernelEnd = kernelStart;
        Counters released = Counters.ZERO;
        String closeError = null;
        if (bugCheck.get() == null) {
            try {
                end = bridges.get(0).counters();
                kernelEnd = sim.map(SimulatorControl::processLockedPages).orElse(0L);
            } catch (SimulatedBugCheckException e) {
                bugCheck.compareAndSet(null, e.bugCheck());
            }
        }
        for (MdlBridge b : bridges) {
            try {
                Counters c = b.closeAndReport();
                released = add(released, c);
            } catch (SimulatedBugCheckException e) {
                bugCheck.compareAndSet(null, e.bugCheck());
            } catch (RuntimeException e) {
                closeError = e.toString();
            }
        }
        if (bugCheck.get() == null) {
            bugCheck.set(sim.flatMap(SimulatorControl::bugCheck).orElse(null));
        }
        Map<String, Object> leaked = new LinkedHashMap<>();
        Counters diff = end == null ? null : new Counters(end.outstandingMdls() - start.outstandingMdls(),
                end.outstandingMappings() - start.outstandingMappings(),
                end.outstandingKernelBuffers() - start.outstandingKernelBuffers(),
                end.lockedPages() - start.lockedPages());
        if (diff != null) {
            leaked.put("outstandingMdls", diff.outstandingMdls());
            leaked.put("outstandingMappings", diff.outstandingMappings());
            leaked.put("outstandingKernelBuffers", diff.outstandingKernelBuffers());
            leaked.put("lockedPages", diff.lockedPages());
            if (sim.isPresent()) {
                leaked.put("processLockedPages", kernelEnd - kernelStart);
            }
        }
        boolean noLeak = diff != null && diff.isZero() && kernelEnd == kernelStart && released.isZero();
        boolean ok = noLeak && stats.unexpectedCount() == 0 && bugCheck.get() == null && crashes.isEmpty()
                && closeError == null;

        long ops = stats.operations.sum();
        double seconds = elapsed / 1e9;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("schemaVersion", SCHEMA_VERSION);
        r.put("backend", backend.name());
        r.put("profile", sim.map(SimulatorControl::profile).orElse(null));
        r.put("threads", threads);
        r.put("handles", threads);
        r.put("seed", seed);
        r.put("durationSeconds", Math.round(seconds * 1000) / 1000.0);
        r.put("operations", ops);
        r.put("opsPerSecond", Math.round(ops / seconds));
        r.put("operationsByKind", StressStats.snapshot(stats.byKind));
        r.put("failuresByStatus", StressStats.snapshot(stats.failuresByStatus));
        r.put("unexpected", StressStats.snapshot(stats.unexpected));
        r.put("unexpectedExamples", new ArrayList<>(stats.examples));
        r.put("leaked", diff == null ? null : leaked);
        r.put("releasedAtClose", Map.of("outstandingMdls", released.outstandingMdls(),
                "outstandingMappings", released.outstandingMappings(),
                "outstandingKernelBuffers", released.outstandingKernelBuffers(),
                "lockedPages", released.lockedPages()));
        r.put("bugCheck", bugCheck.get() == null ? null : bugCheck.get().toString());
        r.put("crashes", crashes.stream().map(Throwable::toString).toList());
        r.put("closeError", closeError);
        r.put("ok", ok);
        if (output.json()) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r));
        } else {
            printText(out, r, stats);
        }
        out.flush();
        return ok ? 0 : 1;
    }

    private static Counters add(Counters a, Counters b) {
        return new Counters(a.outstandingMdls() + b.outstandingMdls(), a.outstandingMappings() + b.outstandingMappings(),
                a.outstandingKernelBuffers() + b.outstandingKernelBuffers(), a.lockedPages() + b.lockedPages());
    }

    @SuppressWarnings("unchecked")
    private static void printText(PrintWriter out, Map<String, Object> r, StressStats stats) {
        out.printf("%,d operations in %.1f s: %,d ops/s over %d threads (%s)%n", r.get("operations"),
                r.get("durationSeconds"), r.get("opsPerSecond"), r.get("threads"), r.get("backend"));
        out.println("operations by kind:");
        ((Map<String, Long>) r.get("operationsByKind")).forEach((k, v) -> out.printf("  %-40s %,12d%n", k, v));
        Map<String, Long> f = (Map<String, Long>) r.get("failuresByStatus");
        out.println(f.isEmpty() ? "failures by status: none" : "failures by status:");
        f.forEach((k, v) -> out.printf("  %-40s %,12d%n", k, v));
        Map<String, Long> u = (Map<String, Long>) r.get("unexpected");
        out.println(u.isEmpty() ? "unexpected outcomes: none" : "UNEXPECTED outcomes:");
        u.forEach((k, v) -> out.printf("  %-60s %,d%n", k, v));
        stats.examples.forEach(e -> out.println("    e.g. " + e));
        out.println("leaked after every thread released its objects: " + r.get("leaked"));
        out.println("released by the final close (must be zero): " + r.get("releasedAtClose"));
        if (r.get("bugCheck") != null) {
            out.println("SIMULATED BUG CHECK: " + r.get("bugCheck"));
        }
        ((List<String>) r.get("crashes")).forEach(c -> out.println("THREAD CRASHED: " + c));
        out.println(Boolean.TRUE.equals(r.get("ok")) ? "ok" : "FAILED");
    }

    private static String text(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
