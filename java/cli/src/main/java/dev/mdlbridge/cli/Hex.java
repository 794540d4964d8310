package dev.mdlbridge.cli;

/** Hex text the way a debugger user reads it. */
final class Hex {

    private Hex() {
    }

    /** 0xffffd100`1a2b3160 for kernel addresses, 0x00000000`001f0000 for user ones, as WinDbg prints them. */
    static String debuggerAddress(long v) {
        String h = String.format("%016x", v);
        return "0x" + h.substring(0, 8) + "`" + h.substring(8);
    }

    static String of(long v) {
        return "0x" + Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
    }
}
