package dev.mdlbridge.bench;

import java.util.Arrays;

/**
 * {@code java -jar mdlbridge-bench.jar --quick [--json] [--smoke] [--max-size BYTES] [--no-jna]}: the one-run
 * summary ({@link QuickSummary}). Anything else is handed to JMH ({@code org.openjdk.jmh.Main}), so
 * {@code java -jar mdlbridge-bench.jar -l} lists the benchmarks and {@code ... SimulatorBenchmarks} runs them.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--quick")) {
            System.exit(QuickSummary.run(args, System.out, System.err));
        }
        org.openjdk.jmh.Main.main(args);
    }
}
