package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.spi.BugCheck;
import java.io.PrintWriter;

/**
 * The text view of {@code mdl run}, streamed: the machine line when the run starts, each step as it completes (so a
 * long scenario shows progress and the text is never built whole), then leftovers and the outcome. Steps print as
 * {@link StepTable} prints them, except the one that caused a bug check, whose line shows the bug check (never a
 * bare {@code STATUS_SUCCESS}) and the bug check it was expected to cause.
 */
public final class ResultText implements ScenarioRunner.Listener {

    private final PrintWriter out;
    private final boolean dt;
    private final boolean pfn;

    /** @param view null, {@code dt} (a dt nt!_MDL dump of every snapshot) or {@code pfn} (a line per page) */
    public ResultText(PrintWriter out, String view) {
        this.out = out;
        this.dt = "dt".equals(view);
        this.pfn = "pfn".equals(view);
    }

    @Override
    public void started(String backend, String profile, RunResult.Machine m) {
        out.printf("backend %s, profile %s, %s %s (%s), driver %s, protocol %d%n", backend, profile, m.os(), m.build(),
                m.arch(), m.driverVersion(), m.protocolVersion());
        out.flush();
    }

    @Override
    public void step(StepRecord rec) {
        if (rec.causedBugCheck() || rec.expectBugCheck() != null) {
            bugCheckStep(rec);
        } else {
            StepTable.printStep(out, rec, dt);
        }
        if (pfn) {
            MdlSnapshot m = rec.step().after();
            if (m != null && m.pfnsValid() && m.pfns().length > 0) {
                out.println("step " + rec.index() + " " + rec.step().op() + " PFNs (physical address = PFN << 12):");
                PfnView.print(out, "  ", m.pfns(), rec.pfnLockCounts());
            }
        }
        out.flush();
    }

    /** Leftovers and the outcome, once the run ended. */
    public void finished(RunResult r) {
        out.printf("leftover: %s%n", r.leftover().describeExcessOver(Counters.ZERO));
        if (r.bugCheck() != null) {
            out.printf("outcome: BUG CHECK %s%s%n", r.bugCheck().toString().replaceFirst("^bug check ", ""),
                    r.passed() ? ", as expected" : "");
        } else {
            out.printf("outcome: completed, %s%n", r.passed() ? "every step as expected" : "some steps failed");
        }
        out.flush();
    }

    /** A step that caused a bug check, or was expected to: the bug check is on the step's own line. */
    private void bugCheckStep(StepRecord rec) {
        var s = rec.step();
        String op = StepTable.label(rec);
        String mark = rec.counts() ? " " : "!";
        if (rec.causedBugCheck()) {
            BugCheck b = rec.bugCheck();
            boolean returned = s.explanation().isEmpty();
            out.printf("%s[%d] %-30s %sBUG CHECK 0x%X %s (0x%X, 0x%X, 0x%X, 0x%X)%n", mark, rec.index(), op,
                    returned ? s.status().hex() + " " + s.status().name() + ", then " : "", b.code(), b.name(), b.p1(),
                    b.p2(), b.p3(), b.p4());
            if (!returned) {
                out.printf("      %s%n", s.explanation());
            }
        } else {
            // expected a bug check, but the step returned
            out.printf("%s[%d] %-30s %s %s (no bug check)%n", mark, rec.index(), op, s.status().hex(),
                    s.status().name());
            if (!s.explanation().isEmpty()) {
                out.printf("      %s%n", s.explanation());
            }
        }
        if (rec.expectBugCheck() != null) {
            out.printf("      expected %s%n", rec.expectBugCheck());
        }
        StepTable.mismatches(out, rec);
        dev.mdlbridge.api.StepFormat.printSnapshots(out, dev.mdlbridge.api.StepFormat.INDENT, s, dt);
    }
}
