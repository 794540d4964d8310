package dev.mdlbridge.protocol;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;

/**
 * The one text form of an MDL snapshot, as {@code mdl} prints it and as {@link MdlSnapshot#toString()} reads: hex
 * numbers, addresses the way WinDbg prints them, {@code MdlFlags} with their bit names, and {@code <undefined>} for
 * a field Windows leaves undefined at that point (the driver reports such a field as zero, and a zero there would
 * be a lie).
 */
public final class SnapshotFormat {

    private SnapshotFormat() {
    }

    /**
     * An address as WinDbg prints a pointer: 16 hex digits with a backtick between the halves.
     *
     * @param address the address, unsigned (kernel addresses are negative as a {@code long})
     * @return {@code 0xffffd100`1a2b3160} for a kernel address, {@code 0x00000000`001f0000} for a user one
     */
    public static String debuggerAddress(long address) {
        String h = String.format("%016x", address);
        return "0x" + h.substring(0, 8) + "`" + h.substring(8);
    }

    /**
     * A number in upper-case hex without leading zeros.
     *
     * @param value the value, unsigned
     * @return {@code 0x2710} for 10,000; {@code 0xFFFFC00124400080} for a kernel address
     */
    public static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    /**
     * {@code MdlFlags} as a hex word and the names of its bits.
     *
     * @param mdlFlags the MDL's {@code MdlFlags} (a CSHORT; only the low 16 bits count)
     * @return {@code 0x008A (MDL_PAGES_LOCKED|MDL_ALLOCATED_FIXED_SIZE|MDL_WRITE_OPERATION)}
     */
    public static String flags(int mdlFlags) {
        return MdlFlags.hex(mdlFlags) + " (" + String.join("|", MdlFlags.names(mdlFlags)) + ")";
    }

    /**
     * The MDL's header on one line: flags with their names, {@code Size}, {@code ByteCount}, {@code ByteOffset},
     * the pages spanned, {@code Process} and {@code MappedSystemVa} (each {@code <undefined>} where Windows leaves
     * it undefined). This is the {@code before:}/{@code after:} line of {@code mdl describe} and {@code mdl run}.
     *
     * @param m the snapshot
     * @return {@code MdlFlags 0x0008 (MDL_ALLOCATED_FIXED_SIZE) ... Size 0n72 ByteCount 0x2710 ByteOffset 0x123
     *         pages 3 Process <undefined> MappedSystemVa <undefined>}
     */
    public static String summary(MdlSnapshot m) {
        return String.format("MdlFlags %s %-45s Size 0n%d ByteCount %s ByteOffset %s pages %d Process %s MappedSystemVa %s",
                MdlFlags.hex(m.mdlFlags()), "(" + String.join("|", MdlFlags.names(m.mdlFlags())) + ")",
                (short) m.size(), hex(m.byteCount()), hex(m.byteOffset()), m.pfnCount(),
                m.processValid() ? hex(m.process()) : "<undefined>",
                m.mappedSystemVaValid() ? hex(m.mappedSystemVa()) : "<undefined>");
    }

    /**
     * Prints the snapshot the way {@code dt nt!_MDL} shows an MDL (WINDOWS-MDL-RULES.md section 7): offset, field,
     * value, CSHORTs in decimal with {@code 0n}; then {@code MmGetMdlVirtualAddress}, the pages spanned and whether
     * the PFN array is valid.
     *
     * @param out    where to print; each line ends with {@code %n}
     * @param indent what every line starts with
     * @param m      the snapshot
     */
    public static void printDt(PrintWriter out, String indent, MdlSnapshot m) {
        out.printf("%sdt nt!_MDL %s%n", indent, debuggerAddress(m.mdlAddress()));
        out.printf("%s   +0x000 Next             : %s%n", indent, m.next() == 0 ? "(null)" : debuggerAddress(m.next()));
        out.printf("%s   +0x008 Size             : 0n%d%n", indent, (short) m.size());
        out.printf("%s   +0x00a MdlFlags         : 0n%d  (%s %s)%n", indent, (short) m.mdlFlags(),
                MdlFlags.hex(m.mdlFlags()), String.join("|", MdlFlags.names(m.mdlFlags())));
        out.printf("%s   +0x00c AllocationProcessorNumber : %d%n", indent, m.allocationProcessorNumber());
        out.printf("%s   +0x010 Process          : %s%n", indent, m.processValid()
                ? (m.process() == 0 ? "(null)" : debuggerAddress(m.process())) : "<undefined>");
        out.printf("%s   +0x018 MappedSystemVa   : %s%n", indent, m.mappedSystemVaValid()
                ? debuggerAddress(m.mappedSystemVa()) + " Void" : "<undefined>");
        out.printf("%s   +0x020 StartVa          : %s Void%n", indent, debuggerAddress(m.startVa()));
        out.printf("%s   +0x028 ByteCount        : %s%n", indent, hex(m.byteCount()));
        out.printf("%s   +0x02c ByteOffset       : %s%n", indent, hex(m.byteOffset()));
        out.printf("%s   MmGetMdlVirtualAddress = %s, pages spanned = %d, PFNs %s%n", indent,
                debuggerAddress(m.virtualAddress()), m.pfnCount(),
                m.pfnsValid() ? "valid (" + m.pfns().length + " read)" : "<undefined>");
    }

    /**
     * What {@link MdlSnapshot#toString()} returns: the MDL's kind, id and address, its {@link #summary summary}
     * and, when valid, its first PFNs.
     *
     * @param m the snapshot
     * @return one line, e.g. {@code IoAllocateMdl MDL 3 at 0xffffc001`24400100: MdlFlags 0x008A (...) ... PFNs
     *         [0x1A2B, 0x1A2C, 0x77F0]}
     */
    public static String toString(MdlSnapshot m) {
        StringBuilder sb = new StringBuilder();
        sb.append(kindName(m.kind())).append(" MDL");
        if (m.objectId() != 0) {
            sb.append(' ').append(m.objectId());
        }
        sb.append(" at ").append(debuggerAddress(m.mdlAddress())).append(": ").append(summary(m));
        if (m.pfnsValid()) {
            sb.append(" PFNs [");
            int shown = Math.min(m.pfns().length, 8);
            for (int i = 0; i < shown; i++) {
                sb.append(i == 0 ? "" : ", ").append(hex(m.pfns()[i]));
            }
            if (m.pfnStart() != 0 || m.pfns().length > shown || m.pfns().length < m.pfnCount()) {
                sb.append(shown == 0 ? "" : ", ").append("... ").append(m.pfnCount()).append(" in all");
            }
            sb.append(']');
        }
        return sb.toString();
    }

    /**
     * The DDI an MDL of this {@code Kind} came from.
     *
     * @param kind {@link MdlSnapshot#kind()}, one of {@code Protocol.KIND_*}
     * @return {@code IoAllocateMdl}, {@code MmInitializeMdl}, {@code partial} (IoBuildPartialMdl),
     *         {@code MmAllocatePagesForMdlEx}, {@code I/O manager} (an IRP's MdlAddress) or {@code chain} (an MDL
     *         of a DescribeChain)
     */
    public static String kindName(int kind) {
        return switch (kind) {
            case Protocol.KIND_IO_ALLOCATED -> "IoAllocateMdl";
            case Protocol.KIND_INITIALIZED -> "MmInitializeMdl";
            case Protocol.KIND_PARTIAL -> "partial";
            case Protocol.KIND_PAGES -> "MmAllocatePagesForMdlEx";
            case Protocol.KIND_IO_MANAGER -> "I/O manager";
            case Protocol.KIND_CHAIN -> "chain";
            default -> "kind " + kind;
        };
    }

    /**
     * Runs {@code printer} on a string and returns what it printed, without the last line separator.
     *
     * @param printer what prints
     * @return the text
     */
    public static String capture(java.util.function.Consumer<PrintWriter> printer) {
        StringWriter w = new StringWriter();
        try (PrintWriter p = new PrintWriter(w)) {
            printer.accept(p);
        }
        String s = w.toString();
        String nl = System.lineSeparator();
        return s.endsWith(nl) ? s.substring(0, s.length() - nl.length()) : s;
    }
}
