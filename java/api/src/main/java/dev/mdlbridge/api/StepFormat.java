package dev.mdlbridge.api;

import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.SnapshotFormat;
import java.io.PrintWriter;
import java.util.HexFormat;

/**
 * The one text form of a {@link Step}: what {@code mdl describe} and {@code mdl run} print for a step, and what
 * {@link Step#toString()} and {@link Describe#toString()} return. Snapshot lines come from {@link SnapshotFormat}.
 *
 * <pre>
 * MmProbeAndLockPages            0x00000000 STATUS_SUCCESS
 *       before: MdlFlags 0x0008 (MDL_ALLOCATED_FIXED_SIZE) ... Size 0n72 ByteCount 0x2710 ByteOffset 0x123 pages 3 ...
 *       after:  MdlFlags 0x008A (MDL_PAGES_LOCKED|MDL_ALLOCATED_FIXED_SIZE|MDL_WRITE_OPERATION) ...
 * </pre>
 */
public final class StepFormat {

    /** The indent of the lines under a step's headline. */
    public static final String INDENT = "      ";

    private StepFormat() {
    }

    /**
     * The step's value as the headline ends with: {@code "  -> 0xffffd100`00000123"} for an address (WinDbg
     * style), {@code "  -> 72"} for a number, the bytes in hex (the first 32 and the length when longer) for a read;
     * empty when the step has no value.
     *
     * @param s the step
     * @return the value's text, with its leading {@code "  -> "}, or {@code ""}
     */
    public static String value(Step s) {
        return switch (s.valueKind()) {
            case ADDRESS -> "  -> " + SnapshotFormat.debuggerAddress(s.value());
            case NUMBER -> "  -> " + s.value();
            case BYTES -> "  -> " + (s.data().length > 32
                    ? HexFormat.of().formatHex(s.data(), 0, 32) + "... (" + s.data().length + " bytes)"
                    : HexFormat.of().formatHex(s.data()));
            default -> "";
        };
    }

    /**
     * The headline without the CLI's mark and index: the op padded to 30 columns, the NTSTATUS in hex and by name,
     * and the {@link #value value}.
     *
     * @param s the step
     * @return {@code MmGetSystemAddressForMdlSafe   0x00000000 STATUS_SUCCESS  -> 0xffffd100`00000123}
     */
    public static String headline(Step s) {
        return String.format("%-30s %s %s%s", s.op(), s.status().hex(), s.status().name(), value(s));
    }

    /**
     * Prints the step's snapshots, one line each ({@code before:}, {@code chain:} for every MDL of a chain,
     * {@code after:}), each followed by its {@code dt nt!_MDL} view when {@code dt} is set.
     *
     * @param out    where to print
     * @param indent what every line starts with ({@link #INDENT} under a headline)
     * @param s      the step
     * @param dt     whether to add the {@code dt nt!_MDL} view under each snapshot line
     */
    public static void printSnapshots(PrintWriter out, String indent, Step s, boolean dt) {
        if (s.before() != null) {
            out.printf("%sbefore: %s%n", indent, SnapshotFormat.summary(s.before()));
            if (dt) {
                SnapshotFormat.printDt(out, indent + "  ", s.before());
            }
        }
        for (MdlSnapshot m : s.chain()) {
            out.printf("%schain:  %s%n", indent, SnapshotFormat.summary(m));
            if (dt) {
                SnapshotFormat.printDt(out, indent + "  ", m);
            }
        }
        if (s.after() != null) {
            out.printf("%safter:  %s%n", indent, SnapshotFormat.summary(s.after()));
            if (dt) {
                SnapshotFormat.printDt(out, indent + "  ", s.after());
            }
        }
    }

    /**
     * Prints a whole step: the {@link #headline headline}, the {@link Step#describeOutcome() explanation} when
     * it failed, and its {@link #printSnapshots snapshots}.
     *
     * @param out where to print
     * @param s   the step
     * @param dt  whether to add the {@code dt nt!_MDL} view under each snapshot line
     */
    public static void print(PrintWriter out, Step s, boolean dt) {
        out.printf("%s%n", headline(s));
        String why = s.describeOutcome();
        if (!why.isEmpty()) {
            out.printf("%s%s%n", INDENT, why);
        }
        printSnapshots(out, INDENT, s, dt);
    }

    /**
     * What {@link Step#toString()} returns: {@link #print print} without the {@code dt} views, as a string whose
     * lines are separated by the platform's line separator.
     *
     * @param s the step
     * @return the text, without a final line separator
     */
    public static String toString(Step s) {
        return SnapshotFormat.capture(out -> print(out, s, false));
    }

    /**
     * What {@link Describe#toString()} returns: every step as {@link #print print} shows it, numbered from 1.
     *
     * @param d the one-shot describe
     * @return the text, without a final line separator
     */
    public static String toString(Describe d) {
        return SnapshotFormat.capture(out -> {
            int i = 1;
            for (Step s : d.steps()) {
                out.printf("[%d] ", i++);
                print(out, s, false);
            }
        });
    }
}
