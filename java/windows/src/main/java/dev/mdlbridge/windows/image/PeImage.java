package dev.mdlbridge.windows.image;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A read-only view of a PE32+ image file: headers, sections, imports, the exception directory with its unwind
 * information, base relocations and the certificate table. Only what {@link ImageCheck} needs; every offset is
 * bounds-checked, so a truncated or hostile file gives a {@link PeFormatException}, never a wrong answer.
 */
public final class PeImage {

    /** Thrown for a file that is not a well-formed PE32+ image. */
    public static final class PeFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        public PeFormatException(String message) {
            super(message);
        }
    }

    public static final int MACHINE_AMD64 = 0x8664;
    public static final int SUBSYSTEM_NATIVE = 1;
    public static final int SCN_MEM_EXECUTE = 0x20000000;
    public static final int SCN_MEM_WRITE = 0x80000000;
    static final int DIR_IMPORT = 1;
    static final int DIR_EXCEPTION = 3;
    static final int DIR_SECURITY = 4;
    static final int DIR_BASERELOC = 5;
    static final int UNW_FLAG_EHANDLER = 1;
    static final int UNW_FLAG_UHANDLER = 2;
    static final int UNW_FLAG_CHAININFO = 4;

    /** One section header. */
    public record Section(String name, long virtualAddress, long virtualSize, long rawOffset, long rawSize,
                          int characteristics) {
        public boolean executable() {
            return (characteristics & SCN_MEM_EXECUTE) != 0;
        }

        public boolean writable() {
            return (characteristics & SCN_MEM_WRITE) != 0;
        }

        boolean containsRva(long rva) {
            return rva >= virtualAddress && rva < virtualAddress + Math.max(virtualSize, rawSize);
        }
    }

    /** One imported name with the IAT slot the loader fills for it. */
    public record Import(String dll, String name, long iatRva) {
    }

    /** One RUNTIME_FUNCTION with what its UNWIND_INFO says about an exception handler. */
    public record RuntimeFunction(long begin, long end, long unwindRva, int flags, long handlerRva) {
        public boolean hasHandler() {
            return (flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) != 0;
        }
    }

    private final ByteBuffer buf;
    private final int optOffset;
    private final int machine;
    private final List<Section> sections;

    private PeImage(byte[] bytes) throws PeFormatException {
        this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 0x40 || u16(0) != 0x5A4D) {
            throw new PeFormatException("no MZ header");
        }
        int peOffset = (int) u32(0x3C);
        if (peOffset < 0 || u32(peOffset) != 0x00004550L) {
            throw new PeFormatException("no PE signature at 0x" + Integer.toHexString(peOffset));
        }
        machine = u16(peOffset + 4);
        int sectionCount = u16(peOffset + 6);
        int optSize = u16(peOffset + 20);
        optOffset = peOffset + 24;
        if (u16(optOffset) != 0x20B) {
            throw new PeFormatException("not a PE32+ optional header");
        }
        List<Section> list = new ArrayList<>();
        int s = optOffset + optSize;
        for (int i = 0; i < sectionCount; i++, s += 40) {
            byte[] name = new byte[8];
            check(s, 40);
            buf.get(s, name);
            int len = 0;
            while (len < 8 && name[len] != 0) {
                len++;
            }
            list.add(new Section(new String(name, 0, len, StandardCharsets.US_ASCII), u32(s + 12), u32(s + 8),
                    u32(s + 20), u32(s + 16), (int) u32(s + 36)));
        }
        sections = Collections.unmodifiableList(list);
    }

    public static PeImage parse(byte[] bytes) throws PeFormatException {
        return new PeImage(bytes.clone());
    }

    public int length() {
        return buf.capacity();
    }

    public int machine() {
        return machine;
    }

    public int subsystem() throws PeFormatException {
        return u16(optOffset + 68);
    }

    public long entryPointRva() throws PeFormatException {
        return u32(optOffset + 16);
    }

    public long imageBase() throws PeFormatException {
        return u64(optOffset + 24);
    }

    public long sectionAlignment() throws PeFormatException {
        return u32(optOffset + 32);
    }

    public long storedChecksum() throws PeFormatException {
        return u32(checksumOffset());
    }

    int checksumOffset() {
        return optOffset + 64;
    }

    public List<Section> sections() {
        return sections;
    }

    /** Data directory i as {rva (a file offset for the certificate table), size}; {0, 0} when absent. */
    public long[] directory(int i) throws PeFormatException {
        long count = u32(optOffset + 108);
        if (i >= count) {
            return new long[] {0, 0};
        }
        int d = optOffset + 112 + 8 * i;
        return new long[] {u32(d), u32(d + 4)};
    }

    /** The CheckSumMappedFile algorithm: 16-bit one's-complement sum with the field as zero, plus the length. */
    public long computeChecksum() {
        return checksum(buf, checksumOffset());
    }

    static long checksum(ByteBuffer b, int field) {
        long sum = 0;
        int n = b.capacity();
        for (int i = 0; i + 1 < n; i += 2) {
            if (i == field || i == field + 2) {
                continue;
            }
            sum += (b.get(i) & 0xFF) | ((b.get(i + 1) & 0xFF) << 8);
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        if ((n & 1) != 0) {
            sum += b.get(n - 1) & 0xFF;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return (sum + n) & 0xFFFFFFFFL;
    }

    public Section sectionOf(long rva) {
        for (Section s : sections) {
            if (s.containsRva(rva)) {
                return s;
            }
        }
        return null;
    }

    /** File offset of an RVA that is backed by file bytes. */
    public int offsetOf(long rva) throws PeFormatException {
        Section s = sectionOf(rva);
        if (s == null || rva - s.virtualAddress() >= s.rawSize()) {
            throw new PeFormatException("RVA 0x" + Long.toHexString(rva) + " is not backed by the file");
        }
        long off = s.rawOffset() + (rva - s.virtualAddress());
        check(off, 1);
        return (int) off;
    }

    public int byteAt(long rva) throws PeFormatException {
        return buf.get(offsetOf(rva)) & 0xFF;
    }

    public long u32AtRva(long rva) throws PeFormatException {
        return u32(offsetOf(rva));
    }

    public List<Import> imports() throws PeFormatException {
        long[] dir = directory(DIR_IMPORT);
        List<Import> list = new ArrayList<>();
        if (dir[1] == 0) {
            return list;
        }
        for (long d = dir[0]; ; d += 20) {
            int o = offsetOf(d);
            long lookup = u32(o);
            long nameRva = u32(o + 12);
            long iat = u32(o + 16);
            if (lookup == 0 && nameRva == 0 && iat == 0) {
                break;
            }
            String dll = cString(nameRva);
            long thunks = lookup != 0 ? lookup : iat;
            for (int i = 0; i < 100_000; i++) {
                long t = u64(offsetOf(thunks + 8L * i));
                if (t == 0) {
                    break;
                }
                String name = t < 0 ? "#" + (t & 0xFFFF) : cString((t & 0x7FFFFFFFL) + 2);
                list.add(new Import(dll, name, iat + 8L * i));
            }
        }
        return list;
    }

    public List<RuntimeFunction> runtimeFunctions() throws PeFormatException {
        long[] dir = directory(DIR_EXCEPTION);
        List<RuntimeFunction> list = new ArrayList<>();
        for (long e = dir[0]; e + 12 <= dir[0] + dir[1]; e += 12) {
            int o = offsetOf(e);
            long begin = u32(o);
            long end = u32(o + 4);
            long unwind = u32(o + 8);
            int u = offsetOf(unwind);
            int flags = (buf.get(u) & 0xFF) >>> 3;
            int codes = buf.get(u + 2) & 0xFF;
            long handler = 0;
            if ((flags & (UNW_FLAG_EHANDLER | UNW_FLAG_UHANDLER)) != 0) {
                handler = u32(u + 4 + 2 * ((codes + 1) & ~1));
            }
            list.add(new RuntimeFunction(begin, end, unwind, flags, handler));
        }
        return list;
    }

    /** The certificate table (first WIN_CERTIFICATE) as {file offset, size, revision, type}; null when absent. */
    public long[] certificate() throws PeFormatException {
        long[] dir = directory(DIR_SECURITY);
        if (dir[1] == 0) {
            return null;
        }
        check(dir[0], dir[1]);
        int o = (int) dir[0];
        return new long[] {dir[0], dir[1], u16(o + 4), u16(o + 6)};
    }

    String cString(long rva) throws PeFormatException {
        int o = offsetOf(rva);
        StringBuilder sb = new StringBuilder();
        for (int i = o; i < buf.capacity() && buf.get(i) != 0; i++) {
            sb.append((char) (buf.get(i) & 0xFF));
            if (sb.length() > 512) {
                throw new PeFormatException("unterminated name at RVA 0x" + Long.toHexString(rva));
            }
        }
        return sb.toString();
    }

    private void check(long off, long len) throws PeFormatException {
        if (off < 0 || len < 0 || off + len > buf.capacity()) {
            throw new PeFormatException("offset 0x" + Long.toHexString(off) + "+" + len + " outside the file");
        }
    }

    int u16(int off) throws PeFormatException {
        check(off, 2);
        return buf.getShort(off) & 0xFFFF;
    }

    long u32(int off) throws PeFormatException {
        check(off, 4);
        return buf.getInt(off) & 0xFFFFFFFFL;
    }

    long u64(int off) throws PeFormatException {
        check(off, 8);
        return buf.getLong(off);
    }
}
