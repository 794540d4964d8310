package dev.mdlbridge.bench;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The command line of the quick summary ({@code mdlbridge-bench --quick ...}): which parts to measure, how long
 * (smoke or quick), and how to report.
 *
 * @param json    JSON instead of text ({@code --json}; the CI hardening script parses it)
 * @param smoke   fewer repetitions, for CI ({@code --smoke})
 * @param jna     measure the JNA calls ({@code --no-jna} turns it off)
 * @param maxSize the largest buffer of the size sweep ({@code --max-size BYTES})
 * @param outFile also write the report to this file, or null ({@code --out FILE})
 * @param only    the parts to run (lock, describe, sizes, jna); empty = all ({@code --only a,b})
 */
record QuickOptions(boolean json, boolean smoke, boolean jna, long maxSize, String outFile, Set<String> only) {

    static final String USAGE =
            "--quick [--json] [--smoke] [--max-size BYTES] [--no-jna] [--out FILE] [--only lock,describe,sizes,jna]";

    /** An option the quick summary does not know; the message is what the user sees. */
    static final class UnknownOption extends IllegalArgumentException {
        UnknownOption(String option) {
            super("mdlbridge-bench: unknown option " + option + "; use " + USAGE);
        }
    }

    /** Parses the arguments ({@code --quick} itself is accepted and ignored: BenchMain dispatches on it). */
    static QuickOptions parse(String[] args) {
        boolean json = false;
        boolean smoke = false;
        boolean jna = true;
        long maxSize = QuickSummary.MAX_MDL;
        String outFile = null;
        Set<String> only = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> { }
                case "--json" -> json = true;
                case "--smoke" -> smoke = true;
                case "--no-jna" -> jna = false;
                case "--max-size" -> maxSize = Long.parseLong(args[++i]);
                case "--out" -> outFile = args[++i];
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                default -> throw new UnknownOption(args[i]);
            }
        }
        return new QuickOptions(json, smoke, jna, maxSize, outFile, only);
    }

    /** Whether this part of the summary runs. */
    boolean wanted(String part) {
        return only.isEmpty() || only.contains(part);
    }
}
