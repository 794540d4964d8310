package dev.mdlbridge.cli;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import java.io.PrintWriter;
import java.util.HexFormat;

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
                value(s));
        if (!s.explanation().isEmpty()) {
            out.printf("      %s%n", s.explanation());
        }
        if (rec.expectSkipped()) {
            out.printf("      expected skipped%n");
        } else if (rec.expect() != null) {
            out.printf("      expected %s%n", rec.expect().name());
        }
        if (s.before() != null) {
            out.printf("      before: %s%n", summary(s.before()));
            if (dt) {
                DtView.print(out, "        ", s.before());
            }
        }
        for (MdlSnapshot m : s.chain()) {
            out.printf("      chain:  %s%n", summary(m));
            if (dt) {
                DtView.print(out, "        ", m);
            }
        }
        if (s.after() != null) {
            out.printf("      after:  %s%n", summary(s.after()));
            if (dt) {
                DtView.print(out, "        ", s.after());
            }
        }
    }

    private static String value(Step s) {
        return switch (s.valueKind()) {
            case ADDRESS -> "  -> " + Hex.debuggerAddress(s.value());
            case NUMBER -> "  -> " + s.value();
            case BYTES -> "  -> " + (s.data().length > 32
                    ? HexFormat.of().formatHex(s.data(), 0, 32) + "... (" + s.data().length + " bytes)"
                    : HexFormat.of().formatHex(s.data()));
            default -> "";
        };
    }

    /** Flags, Size, ByteCount/Offset and what is valid, on one line. */
    static String summary(MdlSnapshot m) {
        return String.format("MdlFlags %s %-45s Size 0n%d ByteCount %s ByteOffset %s pages %d Process %s MappedSystemVa %s",
                MdlFlags.hex(m.mdlFlags()), "(" + String.join("|", MdlFlags.names(m.mdlFlags())) + ")",
                (short) m.size(), Hex.of(m.byteCount()), Hex.of(m.byteOffset()), m.pfnCount(),
                m.processValid() ? Hex.of(m.process()) : "<undefined>",
                m.mappedSystemVaValid() ? Hex.of(m.mappedSystemVa()) : "<undefined>");
    }
}
