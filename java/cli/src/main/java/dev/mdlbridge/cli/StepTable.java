package dev.mdlbridge.cli;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.api.StepFormat;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import java.io.PrintWriter;

/** The text form of a result: one block per step with its snapshots, then leftovers and the outcome. */
public final class StepTable {

    private StepTable() {
    }

    public static void print(PrintWriter out, RunResult r, boolean dt) {
        out.printf("backend %s, profile %s, %s %s (%s), driver %s, protocol %d%n", r.backend(), r.profile(),
                r.machine().os(), r.machine().build(), r.machine().arch(), r.machine().driverVersion(),
                r.machine().protocolVersion());
        for (StepRecord rec : r.steps()) {
            printStep(out, rec, dt);
        }
        out.printf("leftover: %s%n", r.leftover().describeExcessOver(dev.mdlbridge.protocol.Counters.ZERO));
        if (r.bugCheck() != null) {
            out.printf("outcome: BUG CHECK %s%n", r.bugCheck());
        } else {
            out.printf("outcome: completed, %s%n", r.passed() ? "every step as expected" : "some steps failed");
        }
    }

    static void printStep(PrintWriter out, StepRecord rec, boolean dt) {
        Step s = rec.step();
        String mark = rec.counts() ? " " : "!";
        String op = label(rec);
        if (rec.skipped()) {
            out.printf("%s[%d] %-30s skipped: %s%n", mark, rec.index(), op, rec.skipReason());
            if (rec.expectSkipped()) {
                out.printf("      expected skipped%n");
            }
            endedRepeat(out, rec);
            return;
        }
        out.printf("%s[%d] %-30s %s %s%s%n", mark, rec.index(), op, s.status().hex(), s.status().name(),
                StepFormat.value(s));
        if (!s.explanation().isEmpty()) {
            out.printf("      %s%n", s.explanation());
        }
        if (rec.expectSkipped()) {
            out.printf("      expected skipped%n");
        } else if (rec.expect() != null) {
            out.printf("      expected %s%n", rec.expect().name());
        }
        mismatches(out, rec);
        endedRepeat(out, rec);
        StepFormat.printSnapshots(out, StepFormat.INDENT, s, dt);
    }

    /** The step's op as the text view names it: with its handle when not main, its Repeat iteration when in one. */
    static String label(StepRecord rec) {
        String op = rec.handle() == null ? rec.step().op() : rec.step().op() + " @" + rec.handle();
        return rec.iteration() == null ? op : op + " #" + rec.iteration();
    }

    /** Each field of the step's expect object it missed, one plain line each. */
    static void mismatches(PrintWriter out, StepRecord rec) {
        for (dev.mdlbridge.result.Mismatch m : rec.mismatches()) {
            out.printf("      mismatch %s: expected %s, actual %s%n", m.field(), m.expected(), m.actual());
        }
    }

    static void endedRepeat(PrintWriter out, StepRecord rec) {
        if (rec.endedRepeat()) {
            out.printf("      failed, which ends the Repeat (untilFailure): not counted against the scenario%n");
        }
    }
}
