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
        String mark = rec.asExpected() ? " " : "!";
        String op = rec.handle() == null ? s.op() : s.op() + " @" + rec.handle();
        if (rec.skipped()) {
            out.printf("%s[%d] %-30s skipped: %s%n", mark, rec.index(), op, rec.skipReason());
            if (rec.expectSkipped()) {
                out.printf("      expected skipped%n");
            }
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
        StepFormat.printSnapshots(out, StepFormat.INDENT, s, dt);
    }
}
