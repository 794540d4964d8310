package dev.mdlbridge.cli;

import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import java.io.PrintWriter;

/**
 * Prints a snapshot the way {@code dt nt!_MDL} shows an MDL (WINDOWS-MDL-RULES.md section 7): offset, field, value,
 * CSHORTs in decimal with 0n. Fields Windows leaves undefined at that point are shown as {@code <undefined>}
 * instead of a value, because the driver reports them as zero and a zero there would be a lie.
 */
public final class DtView {

    private DtView() {
    }

    public static void print(PrintWriter out, String indent, MdlSnapshot m) {
        out.printf("%sdt nt!_MDL %s%n", indent, Hex.debuggerAddress(m.mdlAddress()));
        out.printf("%s   +0x000 Next             : %s%n", indent, m.next() == 0 ? "(null)" : Hex.debuggerAddress(m.next()));
        out.printf("%s   +0x008 Size             : 0n%d%n", indent, (short) m.size());
        out.printf("%s   +0x00a MdlFlags         : 0n%d  (%s %s)%n", indent, (short) m.mdlFlags(),
                MdlFlags.hex(m.mdlFlags()), String.join("|", MdlFlags.names(m.mdlFlags())));
        out.printf("%s   +0x00c AllocationProcessorNumber : %d%n", indent, m.allocationProcessorNumber());
        out.printf("%s   +0x010 Process          : %s%n", indent, m.processValid()
                ? (m.process() == 0 ? "(null)" : Hex.debuggerAddress(m.process())) : "<undefined>");
        out.printf("%s   +0x018 MappedSystemVa   : %s%n", indent, m.mappedSystemVaValid()
                ? Hex.debuggerAddress(m.mappedSystemVa()) + " Void" : "<undefined>");
        out.printf("%s   +0x020 StartVa          : %s Void%n", indent, Hex.debuggerAddress(m.startVa()));
        out.printf("%s   +0x028 ByteCount        : %s%n", indent, Hex.of(m.byteCount()));
        out.printf("%s   +0x02c ByteOffset       : %s%n", indent, Hex.of(m.byteOffset()));
        out.printf("%s   MmGetMdlVirtualAddress = %s, pages spanned = %d, PFNs %s%n", indent,
                Hex.debuggerAddress(m.virtualAddress()), m.pfnCount(),
                m.pfnsValid() ? "valid (" + m.pfns().length + " read)" : "<undefined>");
    }
}
