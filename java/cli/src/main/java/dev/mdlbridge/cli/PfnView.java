package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.SnapshotFormat;
import java.io.PrintWriter;

/**
 * {@code --view pfn}: a {@code !pfn}-style line per page of an MDL — its index in the PFN array, the PFN, the
 * physical address (PFN << 12) and the page's lock count at that moment where the backend knows it (the
 * simulator's PFN database; the driver does not read Windows's, so there it says so).
 */
public final class PfnView {

    /** Beyond this many pages the listing stops and points at --json, which carries every PFN. */
    public static final int MAX_PAGES_SHOWN = 4096;

    private PfnView() {
    }

    /** @param lockCounts parallel to {@code pfns} (possibly shorter), or null when the backend cannot tell */
    public static void print(PrintWriter out, String indent, long[] pfns, long[] lockCounts) {
        int runs = PfnRuns.countRuns(pfns);
        out.printf("%s%d page%s in %d physically contiguous run%s%s%n", indent, pfns.length,
                pfns.length == 1 ? "" : "s", runs, runs == 1 ? "" : "s",
                lockCounts == null ? "; lock counts unknown (only the simulator's PFN database can be read)" : "");
        int shown = Math.min(pfns.length, MAX_PAGES_SHOWN);
        for (int i = 0; i < shown; i++) {
            String count = lockCounts == null || i >= lockCounts.length ? ""
                    : lockCounts[i] < 0 ? "  not in use" : "  lock count " + lockCounts[i];
            out.printf("%s  [%d]  PFN %s  phys %s%s%n", indent, i, SnapshotFormat.hex(pfns[i]), SnapshotFormat.hex(pfns[i] << 12), count);
        }
        if (shown < pfns.length) {
            out.printf("%s  ... %d more pages (--json lists every PFN)%n", indent, pfns.length - shown);
        }
    }
}
