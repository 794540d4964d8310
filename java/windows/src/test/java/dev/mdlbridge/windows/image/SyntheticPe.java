package dev.mdlbridge.windows.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds a small, valid driver-like PE32+ image for the tests: a non-leaf DriverEntry with .pdata and an
 * exception handler reached through an import thunk, a leaf function without .pdata, imports from one DLL,
 * base relocations, a correct checksum and a certificate table. Tests then break one property at a time.
 */
final class SyntheticPe {
    static final int TEXT_RVA = 0x1000;
    static final int RDATA_RVA = 0x2000;
    static final int PDATA_RVA = 0x3000;
    static final int RELOC_RVA = 0x4000;
    static final int TEXT_RAW = 0x200;
    static final int RDATA_RAW = 0x400;
    static final int PDATA_RAW = 0x800;
    static final int RELOC_RAW = 0xA00;
    static final int CERT_RAW = 0xC00;
    static final int OPT = 0x58;
    static final int SECTIONS = OPT + 0xF0;
    static final int LEAF_RVA = 0x1020;
    static final int THUNK_RVA = 0x1030;
    static final int IAT_RVA = 0x2100;
    static final int UNWIND_RVA = 0x2380;

    final byte[] bytes;
    final List<String> imports;

    SyntheticPe(String dll, List<String> imports) {
        this.imports = imports;
        bytes = new byte[CERT_RAW + 16];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(0, (short) 0x5A4D);
        b.putInt(0x3C, 0x40);
        b.putInt(0x40, 0x00004550);
        b.putShort(0x44, (short) 0x8664);
        b.putShort(0x46, (short) 4);
        b.putShort(0x54, (short) 0xF0);
        b.putShort(0x56, (short) 0x22);
        b.putShort(OPT, (short) 0x20B);
        b.putInt(OPT + 16, TEXT_RVA);
        b.putLong(OPT + 24, 0x140000000L);
        b.putInt(OPT + 32, 0x1000);
        b.putInt(OPT + 36, 0x200);
        b.putInt(OPT + 56, 0x5000);
        b.putInt(OPT + 60, 0x200);
        b.putShort(OPT + 68, (short) 1);
        b.putInt(OPT + 108, 16);
        section(b, 0, ".text", TEXT_RVA, TEXT_RAW, 0x200, 0x60000020);
        section(b, 1, ".rdata", RDATA_RVA, RDATA_RAW, 0x400, 0x40000040);
        section(b, 2, ".pdata", PDATA_RVA, PDATA_RAW, 0x200, 0x40000040);
        section(b, 3, ".reloc", RELOC_RVA, RELOC_RAW, 0x200, 0x42000040);
        code(b);
        importTable(b, dll);
        unwind(b);
        directory(b, 3, PDATA_RVA, 12);
        b.putInt(PDATA_RAW, TEXT_RVA);
        b.putInt(PDATA_RAW + 4, TEXT_RVA + 14);
        b.putInt(PDATA_RAW + 8, UNWIND_RVA);
        directory(b, 5, RELOC_RVA, 12);
        b.putInt(RELOC_RAW, RDATA_RVA);
        b.putInt(RELOC_RAW + 4, 12);
        b.putShort(RELOC_RAW + 8, (short) 0xA000);
        directory(b, 4, CERT_RAW, 16);
        b.putInt(CERT_RAW, 16);
        b.putShort(CERT_RAW + 4, (short) 0x0200);
        b.putShort(CERT_RAW + 6, (short) 0x0002);
        fixChecksum();
    }

    static SyntheticPe good() {
        return new SyntheticPe("ntoskrnl.exe", List.copyOf(ImageCheck.REQUIRED_WITH_HANDLER));
    }

    private static void section(ByteBuffer b, int i, String name, int rva, int raw, int size, int flags) {
        int s = SECTIONS + 40 * i;
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        b.put(s, n);
        b.putInt(s + 8, size);
        b.putInt(s + 12, rva);
        b.putInt(s + 16, size);
        b.putInt(s + 20, raw);
        b.putInt(s + 36, flags);
    }

    private static void directory(ByteBuffer b, int i, int rva, int size) {
        b.putInt(OPT + 112 + 8 * i, rva);
        b.putInt(OPT + 116 + 8 * i, size);
    }

    /** DriverEntry: sub rsp,28h; call leaf; add rsp,28h; ret. Leaf: xor eax,eax; ret. Then a jmp [rip] thunk. */
    private void code(ByteBuffer b) {
        int t = TEXT_RAW;
        for (int i = 0; i < 0x200; i++) {
            b.put(t + i, (byte) 0xCC);
        }
        put(b, t, 0x48, 0x83, 0xEC, 0x28, 0xE8);
        b.putInt(t + 5, LEAF_RVA - (TEXT_RVA + 9));
        put(b, t + 9, 0x48, 0x83, 0xC4, 0x28, 0xC3);
        put(b, t + (LEAF_RVA - TEXT_RVA), 0x31, 0xC0, 0xC3);
        thunkTo(imports.indexOf("__C_specific_handler"));
    }

    /** Points the handler thunk at import slot i. */
    void thunkTo(int i) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int t = TEXT_RAW + (THUNK_RVA - TEXT_RVA);
        put(b, t, 0xFF, 0x25);
        b.putInt(t + 2, IAT_RVA + 8 * i - (THUNK_RVA + 6));
    }

    private void importTable(ByteBuffer b, String dll) {
        int base = RDATA_RAW - RDATA_RVA;
        directory(b, 1, RDATA_RVA, 40);
        b.putInt(base + RDATA_RVA, 0x2040);
        b.putInt(base + RDATA_RVA + 12, 0x2180);
        b.putInt(base + RDATA_RVA + 16, IAT_RVA);
        b.put(base + 0x2180, dll.getBytes(StandardCharsets.US_ASCII));
        int name = 0x21A0;
        for (int i = 0; i < imports.size(); i++) {
            b.putLong(base + 0x2040 + 8 * i, name);
            b.putLong(base + IAT_RVA + 8 * i, name);
            byte[] n = imports.get(i).getBytes(StandardCharsets.US_ASCII);
            b.put(base + name + 2, n);
            name += (2 + n.length + 2) & ~1;
        }
    }

    private static void unwind(ByteBuffer b) {
        int u = RDATA_RAW + (UNWIND_RVA - RDATA_RVA);
        put(b, u, 0x09, 0x04, 0x01, 0x00, 0x04, 0x42, 0x00, 0x00);
        b.putInt(u + 8, THUNK_RVA);
    }

    private static void put(ByteBuffer b, int off, int... v) {
        for (int i = 0; i < v.length; i++) {
            b.put(off + i, (byte) v[i]);
        }
    }

    void u16(int off, int v) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putShort(off, (short) v);
    }

    void u32(int off, int v) {
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(off, v);
    }

    int u32(int off) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(off);
    }

    void fixChecksum() {
        u32(OPT + 64, 0);
        u32(OPT + 64, (int) PeImage.checksum(ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN), OPT + 64));
    }
}
