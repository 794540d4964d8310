package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.SnapshotFormat;
import java.io.PrintWriter;

/** The PFN list as runs of physically contiguous pages: PFN, physical address (PFN << 12), length. */
public final class PfnRuns {

    /** Beyond this many runs the text output stops and points at --json. */
    static final int MAX_RUNS_SHOWN = 64;

    private PfnRuns() {
    }

    public static int countRuns(long[] pfns) {
        int runs = 0;
        for (int i = 0; i < pfns.length; i++) {
            if (i == 0 || pfns[i] != pfns[i - 1] + 1) {
                runs++;
            }
        }
        return runs;
    }

    public static void print(PrintWriter out, String indent, long[] pfns) {
        int runs = countRuns(pfns);
        out.printf("%s%d page%s in %d physically contiguous run%s:%n", indent, pfns.length,
                pfns.length == 1 ? "" : "s", runs, runs == 1 ? "" : "s");
        int shown = 0;
        int start = 0;
        for (int i = 1; i <= pfns.length; i++) {
            if (i == pfns.length || pfns[i] != pfns[i - 1] + 1) {
                if (shown == MAX_RUNS_SHOWN) {
                    out.printf("%s  ... %d more runs (mdl describe --json lists every PFN)%n", indent, runs - shown);
                    return;
                }
                int len = i - start;
                long first = pfns[start];
                out.printf("%s  [%d..%d]  PFN %s%s  phys %s-%s  (%d page%s)%n", indent, start, i - 1, SnapshotFormat.hex(first),
                        len > 1 ? ".." + SnapshotFormat.hex(pfns[i - 1]) : "", SnapshotFormat.hex(first << 12),
                        SnapshotFormat.hex((pfns[i - 1] << 12) + 0xFFF), len, len == 1 ? "" : "s");
                shown++;
                start = i;
            }
        }
    }
}
