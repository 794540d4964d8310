package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import dev.mdlbridge.simulator.driver.TableActions.Action;
import dev.mdlbridge.simulator.driver.TableActions.Divergence;
import dev.mdlbridge.simulator.driver.TwinRules.Check;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The C rules (driver/src/table.c, protocol.c) against their Java twins (ObjectTable, Limits/ResourceUse, ProtocolRules,
 * ReplyWriter), mechanically: the same generated inputs go to both, every decision must match. See
 * driver/test/diff/README.md. Seeds are fixed so a failure reproduces; each failure message prints its inputs.
 */
class DifferentialTest {

    private static NativeRules.Lib lib;

    @BeforeAll
    static void load() {
        lib = NativeRules.lib();
    }

    static final int[] CODES = {IOCTL_INFO, IOCTL_RELEASE_ALL, IOCTL_SIZE_OF_MDL, IOCTL_ALLOCATE_MDL,
        IOCTL_INITIALIZE_MDL, IOCTL_PROBE_AND_LOCK, IOCTL_MAP_SYSTEM, IOCTL_MAP_USER, IOCTL_UNMAP, IOCTL_READ_MAPPED,
        IOCTL_WRITE_MAPPED, IOCTL_BUILD_PARTIAL, IOCTL_BUILD_NONPAGED, IOCTL_UNLOCK, IOCTL_FREE_MDL,
        IOCTL_POOL_ALLOCATE, IOCTL_POOL_FREE, IOCTL_QUERY, IOCTL_DESCRIBE_CHAIN, IOCTL_ALLOCATE_PAGES,
        IOCTL_FREE_PAGES, IOCTL_DIRECT_IN, IOCTL_DIRECT_OUT, IOCTL_DIRECT_FETCH, IOCTL_MAP_KERNEL, IOCTL_RESERVE,
        IOCTL_MAP_RESERVED, IOCTL_UNMAP_RESERVED, IOCTL_FREE_RESERVATION};

    /** Codes no request may use: neighbours of the real ones, other methods / access / device types. */
    static final int[] UNKNOWN_CODES = {0, -1, ctlCode(0x7FF, METHOD_BUFFERED, ACCESS_READ),
        ctlCode(0x81D, METHOD_BUFFERED, ACCESS_READ_WRITE), ctlCode(0x800, METHOD_IN_DIRECT, ACCESS_READ),
        ctlCode(0x818, METHOD_BUFFERED, ACCESS_READ),
        ctlCode(0x805, METHOD_BUFFERED, ACCESS_READ), ctlCode(0x815, METHOD_BUFFERED, ACCESS_READ_WRITE),
        IOCTL_INFO + (1 << 16), IOCTL_INFO | 3, 0x00220000};

    // ------------------------------------------------------------------------------------------- protocol

    /** One request buffer shared by both twins: C reads the Memory, Java a ByteBuffer over the same bytes. */
    static final class Req {
        static final int MAX = REQ_TRANSFER_SIZE + MAX_TRANSFER + 64;
        final byte[] bytes = new byte[MAX];
        final Memory mem = new Memory(MAX);
        long compared;
        String firstDiff;

        void put(int at, int width, long v) {
            for (int k = 0; k < width; k++) {
                bytes[at + k] = (byte) (v >>> (8 * k));
            }
        }

        /** Copies the prefix that changed to native memory: the C checks read nothing past the fixed part and ranges. */
        void sync(int prefix) {
            mem.write(0, bytes, 0, Math.min(prefix, MAX));
        }

        ByteBuffer java(int len) {
            return ByteBuffer.wrap(bytes, 0, len).order(ByteOrder.LITTLE_ENDIAN);
        }

        /** Compares min reply size, malformed checks over several output sizes, then parameter checks. */
        void compare(int code, int len, String what) {
            int cMin = lib.mdlb_min_reply_size(code, mem, len);
            int jMin = ProtocolRules.minReplySize(code, java(len));
            diff(cMin, jMin, "min_reply_size", code, len, -1, what);
            long[] outs = {0, cMin - 1L, cMin, cMin + 1L, REPLY_BUFFER_SIZE};
            int cMal = 0;
            for (long out : outs) {
                if (out < 0) {
                    continue;
                }
                cMal = lib.mdlb_check_malformed(code, mem, len, out);
                int jMal = ProtocolRules.checkMalformed(code, java(len), out);
                diff(cMal, jMal, "check_malformed", code, len, out, what);
            }
            if (cMal == 0 && ProtocolRules.checkMalformed(code, java(len), REPLY_BUFFER_SIZE) == 0) {
                int cPar = cParameters(code, len);
                int jPar = ProtocolRules.checkParameters(code, java(len), true);
                diff(cPar, jPar, "check_parameters", code, len, REPLY_BUFFER_SIZE, what);
            }
        }

        /**
         * mdlb_check_parameters followed by ops.c extra_parameters (UNMAP names a user mapping or an MDL, never
         * both): the driver applies both before any operation, ProtocolRules.checkParameters has the two in one function.
         * {@link #unmapBothIdsPureFunctions} compares the pure functions alone.
         */
        int cParameters(int code, int len) {
            int p = lib.mdlb_check_parameters(code, mem, len);
            if (p == 0 && code == IOCTL_UNMAP && java(len).getInt(16) != 0 && java(len).getInt(20) != 0) {
                p = PARAM_RESERVED;
            }
            return p;
        }

        void diff(long c, long j, String fn, int code, int len, long out, String what) {
            compared++;
            if (c != j && firstDiff == null) {
                firstDiff = fn + " differs for code 0x" + Integer.toHexString(code) + " (" + what + "), in_len "
                        + len + ", out_len " + out + ": C 0x" + Long.toHexString(c) + ", Java 0x"
                        + Long.toHexString(j) + "; request " + hexBytes(Math.min(len, 64));
            }
        }

        String hexBytes(int n) {
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < n; k++) {
                b.append(String.format("%02x", bytes[k]));
            }
            return b.toString();
        }

        void clear(int n) {
            Arrays.fill(bytes, 0, Math.min(n, MAX), (byte) 0);
        }

        void header(long magic, long version, long reserved, long pfnStart, long pfnMax) {
            put(0, 4, magic);
            put(4, 2, version);
            put(6, 2, reserved);
            put(8, 4, pfnStart);
            put(12, 4, pfnMax);
        }
    }

    /** A valid request body of each code (fields that matter set to accepted values). */
    static void validBody(Req q, int code, int ranges) {
        if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL) {
            q.put(20, 4, MM_CACHED);
        } else if (code == IOCTL_POOL_ALLOCATE || code == IOCTL_ALLOCATE_PAGES || code == IOCTL_RESERVE) {
            q.put(16, 8, PAGE_SIZE);
            if (code == IOCTL_ALLOCATE_PAGES) {
                q.put(40, 8, -1L); // HighAddress: anywhere
            }
        } else if (code == IOCTL_MAP_RESERVED) {
            q.put(24, 4, MM_CACHED);
        } else if (code == IOCTL_DESCRIBE_CHAIN) {
            q.put(16, 4, ranges);
            for (int i = 0; i < ranges; i++) {
                q.put(REQ_CHAIN_SIZE + 16 * i, 8, 0x10000L + PAGE_SIZE * i);
                q.put(REQ_CHAIN_SIZE + 16 * i + 8, 4, PAGE_SIZE);
            }
        } else if (code == IOCTL_READ_MAPPED || code == IOCTL_WRITE_MAPPED) {
            q.put(28, 4, 0);
        }
    }

    static int maxLength(int code) {
        if (code == IOCTL_WRITE_MAPPED) {
            return REQ_TRANSFER_SIZE + MAX_TRANSFER + 8;
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            return REQ_CHAIN_SIZE + CHAIN_RANGE_SIZE * (MAX_CHAIN_RANGES + 1) + 16;
        }
        return Math.max(ProtocolRules.fixedRequestSize(code), REQUEST_HEADER_SIZE) + 48;
    }

    /** Every input length of every code (up to the largest accepted, and past it), headers good and bad. */
    @Test
    void everyLengthOfEveryCode() {
        Req q = new Req();
        long[][] headers = {
            {MAGIC, PROTOCOL_VERSION, 0, 0, 16}, // good
            {MAGIC ^ 1, PROTOCOL_VERSION, 0, 0, 16}, {MAGIC, 0, 0, 0, 16}, {MAGIC, PROTOCOL_VERSION + 1, 0, 0, 16},
            {MAGIC, 0xFFFF, 0, 0, 16}, {MAGIC, PROTOCOL_VERSION, 1, 0, 16}, // Reserved: a parameter error
            {MAGIC, PROTOCOL_VERSION, 0, ProtocolRules.MAX_PFN_INDEX, 0xFFFF_FFFFL},
            {MAGIC, PROTOCOL_VERSION, 0, ProtocolRules.MAX_PFN_INDEX + 1L, 0}};
        int[] all = Arrays.copyOf(CODES, CODES.length + UNKNOWN_CODES.length);
        System.arraycopy(UNKNOWN_CODES, 0, all, CODES.length, UNKNOWN_CODES.length);
        for (int code : all) {
            int max = ProtocolRules.fixedRequestSize(code) == 0 ? 64 : maxLength(code);
            for (int len = 0; len <= max; len++) {
                // Past a few hundred bytes only WRITE_MAPPED lengths remain: the good header is enough there.
                int nh = len > 400 ? 1 : headers.length;
                for (int h = 0; h < nh; h++) {
                    for (int variant = 0; variant < 2; variant++) {
                        q.clear(600);
                        long[] hd = headers[h];
                        q.header(hd[0], hd[1], hd[2], hd[3], hd[4]);
                        int ranges = Math.max(0, Math.min((len - REQ_CHAIN_SIZE) / CHAIN_RANGE_SIZE, 17));
                        validBody(q, code, Math.min(ranges, 16));
                        if (code == IOCTL_WRITE_MAPPED && len >= REQ_TRANSFER_SIZE) {
                            q.put(28, 4, len - REQ_TRANSFER_SIZE + variant); // variant 1: one byte short
                        }
                        if (code == IOCTL_DESCRIBE_CHAIN && len >= REQ_CHAIN_SIZE) {
                            q.put(16, 4, ranges + variant); // 17 ranges: sized right, a parameter error
                        }
                        q.sync(600);
                        q.compare(code, len, "header " + h + " variant " + variant);
                        if (len > 400 && variant == 0) {
                            break;
                        }
                    }
                }
            }
        }
        // Counts that make the expected size wrap a 32-bit computation.
        for (long count : new long[] {0x1000_0000L, 0xFFFF_FFFFL, 0x8000_0001L}) {
            q.clear(600);
            q.header(MAGIC, PROTOCOL_VERSION, 0, 0, 0);
            q.put(16, 4, count);
            q.put(28, 4, count);
            q.sync(600);
            q.compare(IOCTL_DESCRIBE_CHAIN, REQ_CHAIN_SIZE, "huge RangeCount");
            q.compare(IOCTL_WRITE_MAPPED, REQ_TRANSFER_SIZE, "huge Length");
        }
        assertNull(q.firstDiff, q.firstDiff);
        System.out.println("[diff] protocol, every length: " + q.compared + " decisions compared");
        assertTrue(q.compared > 500_000, "expected over 500,000 comparisons, got " + q.compared);
    }

    /** Fields of each request body: offset and width (beyond the 16-byte header). */
    static int[][] fields(int code) {
        if (code == IOCTL_SIZE_OF_MDL) {
            return new int[][] {{16, 8}, {24, 8}};
        }
        if (code == IOCTL_ALLOCATE_MDL || code == IOCTL_INITIALIZE_MDL || code == IOCTL_READ_MAPPED) {
            return new int[][] {{16, 8}, {24, 4}, {28, 4}};
        }
        if (code == IOCTL_PROBE_AND_LOCK) {
            return new int[][] {{16, 4}, {20, 1}, {21, 1}, {22, 2}};
        }
        if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL) {
            return new int[][] {{16, 4}, {20, 4}, {24, 8}, {32, 4}, {36, 4}};
        }
        if (code == IOCTL_RESERVE) {
            return new int[][] {{16, 8}};
        }
        if (code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED) {
            return new int[][] {{16, 4}, {20, 4}, {24, 4}, {28, 4}};
        }
        if (code == IOCTL_BUILD_PARTIAL) {
            return new int[][] {{16, 4}, {20, 4}, {24, 8}};
        }
        if (code == IOCTL_POOL_ALLOCATE) {
            return new int[][] {{16, 8}, {24, 4}, {28, 4}};
        }
        if (code == IOCTL_ALLOCATE_PAGES) {
            return new int[][] {{16, 8}, {24, 4}, {28, 4}, {32, 8}, {40, 8}, {48, 8}, {56, 8}};
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            return new int[][] {{20, 4}, {24, 8}, {32, 4}, {36, 1}, {37, 1}, {38, 1}, {39, 1}, {52, 1}, {53, 1},
                {55, 1}};
        }
        if (ProtocolRules.fixedRequestSize(code) >= 24) {
            return new int[][] {{16, 4}, {20, 4}}; // object, free, map system, unmap: id + a 32-bit field
        }
        return new int[][] {};
    }

    static long valueOf(Random r, int width) {
        long[] v = switch (width) {
            case 1 -> new long[] {0, 1, 2, 3, 4, 0x7F, 0x80, 0xFF};
            case 2 -> new long[] {0, 1, 2, 0x7FFF, 0x8000, 0xFFFF};
            case 4 -> new long[] {0, 1, 2, 3, 16, 17, 32, 33, 0x3E, 0x3F, 0x40, 0x8000_0000L, 0x4000_0000L,
                0x8000_0010L, 0xC000_0020L, 0x4000_0010L, 0x8000_0001L, 65536, 65537, 0x10_0000, 0x10_0001,
                0x7FFF_FFFF, 0xFFFF_FFFFL, r.nextInt()};
            default -> new long[] {0, 1, PAGE_SIZE, 0xFFFF_FFFFL, 0x1_0000_0000L, 0x1_0000_0001L, Long.MAX_VALUE,
                Long.MIN_VALUE, -1, r.nextLong()};
        };
        return v[r.nextInt(v.length)];
    }

    /** Well-formed requests of every code with fields set to every value class: unknown enums, reserved bits. */
    @Test
    void parameterChecksOnGeneratedRequests() {
        Req q = new Req();
        Random r = new Random(20240611L);
        for (int code : CODES) {
            int[][] f = fields(code);
            int n = f.length == 0 ? 200 : 6000;
            for (int k = 0; k < n; k++) {
                int ranges = code == IOCTL_DESCRIBE_CHAIN ? 1 + r.nextInt(16) : 0;
                int len = code == IOCTL_DESCRIBE_CHAIN ? REQ_CHAIN_SIZE + CHAIN_RANGE_SIZE * ranges
                        : ProtocolRules.fixedRequestSize(code);
                q.clear(600);
                q.header(MAGIC, PROTOCOL_VERSION, r.nextInt(8) == 0 ? valueOf(r, 2) : 0,
                        r.nextInt(4) == 0 ? valueOf(r, 4) : r.nextInt(64), valueOf(r, 4));
                validBody(q, code, ranges);
                int changes = f.length == 0 ? 0 : 1 + r.nextInt(3);
                for (int c = 0; c < changes; c++) {
                    int[] fl = f[r.nextInt(f.length)];
                    if (fl[0] + fl[1] <= len) {
                        q.put(fl[0], fl[1], valueOf(r, fl[1]));
                    }
                }
                if (code == IOCTL_DESCRIBE_CHAIN && r.nextInt(3) == 0) { // a bad operation or reserved byte anywhere
                    int at = REQ_CHAIN_SIZE + CHAIN_RANGE_SIZE * r.nextInt(ranges) + 12 + r.nextInt(4);
                    q.put(at, 1, valueOf(r, 1));
                }
                q.sync(600);
                q.compare(code, len, "generated #" + k);
            }
        }
        // Every AccessMode x Operation of PROBE_AND_LOCK, every priority base x modifier of the two MAP codes.
        for (int mode = 0; mode < 256; mode++) {
            for (int op = 0; op < 256; op++) {
                q.clear(64);
                q.header(MAGIC, PROTOCOL_VERSION, 0, 0, 0);
                q.put(20, 1, mode);
                q.put(21, 1, op);
                q.sync(64);
                q.compare(IOCTL_PROBE_AND_LOCK, REQ_PROBE_SIZE, "mode x operation");
            }
        }
        for (long base = 0; base <= 64; base++) {
            for (long mod : new long[] {0, 0x8000_0000L, 0x4000_0000L, 0xC000_0000L, 0x2000_0000L, 0x100}) {
                q.clear(64);
                q.header(MAGIC, PROTOCOL_VERSION, 0, 0, 0);
                q.put(20, 4, base | mod);
                q.sync(64);
                q.compare(IOCTL_MAP_SYSTEM, REQ_MAP_SYSTEM_SIZE, "priority");
                q.clear(64);
                q.header(MAGIC, PROTOCOL_VERSION, 0, 0, 0);
                q.put(20, 4, MM_CACHED);
                q.put(32, 4, base | mod);
                q.sync(64);
                q.compare(IOCTL_MAP_USER, REQ_MAP_USER_SIZE, "priority");
            }
        }
        assertNull(q.firstDiff, q.firstDiff);
        System.out.println("[diff] protocol, generated fields: " + q.compared + " decisions compared");
    }

    /**
     * protocol.c's mdlb_check_parameters alone against ProtocolRules.checkParameters for UNMAP naming both a mapping and
     * an MDL (the rule once lived in ops.c, outside the pure rules, and the pure functions differed).
     */
    @Test
    void unmapBothIdsPureFunctions() {
        Req q = new Req();
        q.header(MAGIC, PROTOCOL_VERSION, 0, 0, 0);
        q.put(16, 4, 1);
        q.put(20, 4, 2);
        q.sync(64);
        assertEquals(ProtocolRules.checkParameters(IOCTL_UNMAP, q.java(REQ_MAPPING_SIZE), true),
                lib.mdlb_check_parameters(IOCTL_UNMAP, q.mem, REQ_MAPPING_SIZE));
    }

    // ---------------------------------------------------------------------------------------------- replies

    static final int SNAP_FIELDS = 16;

    /** Replies with generated snapshots (PFN windows included), status, value and data: byte for byte. */
    @Test
    void replyWriterBytes() {
        Random r = new Random(77L);
        int maxPfns = 20_000;
        long[] pfns = new long[maxPfns];
        for (int k = 0; k < maxPfns; k++) {
            pfns[k] = 0x1_0000L + k * 0x1_0001L;
        }
        Memory cPfns = new Memory(8L * maxPfns);
        cPfns.write(0, pfns, 0, maxPfns);
        Memory cBuf = new Memory(REPLY_BUFFER_SIZE);
        int cases = 3000;
        long bytesCompared = 0;
        for (int k = 0; k < cases; k++) {
            int nsnaps = r.nextInt(10) == 0 ? r.nextInt(17) : r.nextInt(3);
            int dataLen = r.nextInt(3) == 0 ? 0 : (r.nextBoolean() ? r.nextInt(64) : r.nextInt(MAX_TRANSFER + 1));
            int fixed = REPLY_HEADER_SIZE + (r.nextBoolean() ? nsnaps * SNAPSHOT_SIZE + ((dataLen + 7) & ~7)
                    : r.nextInt(400));
            int cap = fixed + switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> r.nextInt(64);
                case 2 -> r.nextInt(20_000);
                default -> r.nextInt(Math.max(REPLY_BUFFER_SIZE - fixed, 1));
            };
            cap = Math.min(cap, REPLY_BUFFER_SIZE);
            fixed = Math.min(fixed, cap);
            long pfnStart = pick(r, 0, 1, r.nextInt(50), r.nextInt(maxPfns), ProtocolRules.MAX_PFN_INDEX, 0xFFFF_FFFFL);
            long pfnMax = pick(r, 0, 1, r.nextInt(100), MAX_INLINE_PFNS, MAX_INLINE_PFNS + 1, 0xFFFF_FFFFL);
            long[] snaps = new long[SNAP_FIELDS * Math.max(nsnaps, 1)];
            MdlView[] views = new MdlView[nsnaps];
            int[] roles = new int[nsnaps];
            int[] ids = new int[nsnaps];
            for (int s = 0; s < nsnaps; s++) {
                long startVa = r.nextBoolean() ? 0x7FF0_0000_0000L + PAGE_SIZE * r.nextInt(1 << 20) : r.nextLong();
                long byteCount = pick(r, 0, 1, r.nextInt(64 * PAGE_SIZE), r.nextInt(12_000) * (long) PAGE_SIZE,
                        0xFFFF_FFFFL, 0xFFFF_F000L);
                long byteOffset = r.nextInt(8) == 0 ? r.nextInt() & 0xFFFF_FFFFL : r.nextInt(PAGE_SIZE);
                long spanned = ProtocolRules.spanPages(startVa + byteOffset, byteCount);
                long capacity = Math.min(pick(r, 0, spanned, Math.max(spanned - 1, 0), spanned + 1,
                        r.nextInt(maxPfns)), maxPfns);
                int valid = r.nextInt(8);
                boolean hasPfns = r.nextInt(6) != 0;
                long[] f = {r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong(), startVa, r.nextInt(0x10000),
                    r.nextInt(0x10000), r.nextInt(0x10000), byteCount, byteOffset, valid, 1 + r.nextInt(6), capacity,
                    1 + r.nextInt(3), r.nextInt(5) == 0 ? -1 & 0xFFFF_FFFFL : r.nextInt(100), hasPfns ? 1 : 0};
                System.arraycopy(f, 0, snaps, s * SNAP_FIELDS, SNAP_FIELDS);
                views[s] = new MdlView(f[0], f[1], f[2], f[3], f[4], (int) f[5], (int) f[6], (int) f[7], f[8], f[9],
                        valid, (int) f[11], capacity, hasPfns ? MdlView.PfnSource.of(pfns) : null);
                roles[s] = (int) f[13];
                ids[s] = (int) f[14];
            }
            int status = r.nextInt();
            int stage = r.nextInt(5);
            int detail = r.nextInt(0x1000);
            int objectId = r.nextInt();
            long value = r.nextLong();

            cBuf.setMemory(0, cap, (byte) 0xA5); // garbage left by an earlier reply
            int[] cCopied = new int[Math.max(nsnaps, 1)];
            int[] cDataAt = new int[1];
            int cTotal = lib.dt_reply(cBuf, cap, fixed, (int) pfnStart, (int) pfnMax, status, stage, detail, objectId,
                    value, nsnaps, snaps, cPfns, dataLen, cCopied, cDataAt);

            byte[] jArr = new byte[cap];
            Arrays.fill(jArr, (byte) 0xA5);
            ReplyWriter w = new ReplyWriter(ByteBuffer.wrap(jArr), fixed, pfnStart, pfnMax);
            w.status(status, stage, detail);
            w.object(objectId);
            w.value(value);
            int[] jCopied = new int[Math.max(nsnaps, 1)];
            for (int s = 0; s < nsnaps; s++) {
                jCopied[s] = w.snapshot(views[s], roles[s], ids[s]);
            }
            int jDataAt = -1;
            if (dataLen > 0) {
                jDataAt = w.data(dataLen);
                for (int i = 0; jDataAt >= 0 && i < dataLen; i++) {
                    jArr[jDataAt + i] = (byte) (i * 7 + 3);
                }
            }
            int jTotal = w.finish();

            String where = "case " + k + ": cap " + cap + ", fixed " + fixed + ", PfnStart " + pfnStart + ", PfnMax "
                    + pfnMax + ", " + nsnaps + " snapshots " + Arrays.toString(snaps) + ", data " + dataLen;
            assertEquals(cTotal, jTotal, "TotalSize, " + where);
            assertArrayEquals(cCopied, jCopied, "PFNs copied per snapshot, " + where);
            assertEquals(cDataAt[0], jDataAt, "data offset, " + where);
            // The caller sees TotalSize bytes (IoStatus.Information); C also zeroes the rest of its buffer, by design.
            byte[] cBytes = cBuf.getByteArray(0, cTotal);
            byte[] jBytes = Arrays.copyOf(jArr, jTotal);
            if (!Arrays.equals(cBytes, jBytes)) {
                int at = Arrays.mismatch(cBytes, jBytes);
                throw new AssertionError("reply bytes differ at offset " + at + ": C " + cBytes[at] + ", Java "
                        + jBytes[at] + "; " + where);
            }
            bytesCompared += cTotal;
        }
        System.out.println("[diff] reply writer: " + cases + " replies, " + bytesCompared + " bytes compared");
    }

    static long pick(Random r, long... v) {
        return v[r.nextInt(v.length)];
    }

    // ------------------------------------------------------------------------------------------------ rules

    static final int SEQUENCES = 400;
    static final int LENGTH = 120;

    /** Seeded sequences of table actions on both twins; the first divergence fails with a shrunk replay. */
    @Test
    void generatedTableSequences() {
        long actions = 0;
        long t0 = System.nanoTime();
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            List<Action> done = new ArrayList<>();
            Divergence d = TableActions.run(lib, done, new TableActions.Generator(seed), LENGTH, 1);
            if (d != null) {
                throw new AssertionError(TableActions.describe(seed, done, d, lib, 1));
            }
            actions += done.size();
        }
        System.out.printf("[diff] table rules: %d sequences, %d actions, %d ms%n", SEQUENCES, actions,
                (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * The twins walk the table in different orders (C in slot order, a freed slot reused by the next insert;
     * ObjectTable in insertion order), so where several objects qualify both must pick by a rule that does not
     * depend on it: next_release takes the lowest id of the earliest phase. (The review found them choosing
     * differently; kernel_overlap, the other case, is gone with the buffer links.)
     */
    @Test
    void releaseOrderWithinAPhase() {
        for (long seed = 1; seed <= SEQUENCES; seed++) {
            List<Action> done = new ArrayList<>();
            Divergence d = TableActions.run(lib, done, new TableActions.Generator(seed, true), LENGTH, 1);
            if (d != null) {
                throw new AssertionError(TableActions.describe(seed, done, d, lib, 1));
            }
        }
    }

    /** Every registered check reached a live subject and both answers at least once (the generator is not blind). */
    @Test
    void everyCheckIsExercised() {
        java.util.Map<String, java.util.Set<String>> answers = new java.util.TreeMap<>();
        for (long seed = 1; seed <= 60; seed++) {
            // Counts the Java answers; the C ones are the same (generatedTableSequences).
            List<Action> done = new ArrayList<>();
            TableActions.run(lib, done, new TableActions.Generator(seed), LENGTH, 1, s -> new TwinRules.J() {
                @Override
                public long call(Check k, long[] a) {
                    long v = super.call(k, a);
                    answers.computeIfAbsent(k.name(), x -> new java.util.TreeSet<>()).add(Long.toHexString(v));
                    return v;
                }
            });
        }
        for (Check k : TwinRules.ALL) {
            assertNotNull(answers.get(k.name()), k.name() + " never ran on a live subject");
            assertTrue(answers.get(k.name()).size() >= 2, k.name() + " always answered " + answers.get(k.name()));
        }
    }

    /** A Java twin that accepts every unlock must be caught: the comparison can fail. */
    @Test
    void anInjectedDivergenceIsCaught() {
        Divergence found = null;
        for (long seed = 1; seed <= 50 && found == null; seed++) {
            found = TableActions.run(lib, new ArrayList<>(), new TableActions.Generator(seed), LENGTH, 1,
                    s -> new TwinRules.J() {
                        @Override
                        public long call(Check k, long[] a) {
                            return k == TwinRules.UNLOCK ? 0 : super.call(k, a);
                        }
                    });
        }
        assertNotNull(found, "an unlock check that never refuses went unnoticed");
    }

    /** Limit checks and use arithmetic on every value class, field by field. */
    @Test
    void limitsOnValueClasses() {
        long[] classes = {0, 1, 4095, 4096, 4097, 0xFFFF_FFFFL, 0x1_0000_0000L, 0x7FFF_FFFF_FFFF_FFFFL};
        long[] hDefaults = new long[6];
        long[] dDefaults = new long[6];
        lib.dt_default_limits(hDefaults, dDefaults);
        Limits h = Limits.HANDLE;
        Limits d = Limits.DRIVER;
        assertArrayEquals(hDefaults, new long[] {h.objects(), h.lockedBytes(), h.kernelBufferBytes(), h.pageBytes(),
            h.poolBytes(), h.systemMappingBytes()}, "handle default limits");
        assertArrayEquals(dDefaults, new long[] {d.objects(), d.lockedBytes(), d.kernelBufferBytes(), d.pageBytes(),
            d.poolBytes(), d.systemMappingBytes()}, "driver default limits");
        TwinRules.J j = new TwinRules.J();
        int compared = 0;
        try (TwinRules.C c = new TwinRules.C(lib)) {
            int[] limitOf = {0, 0, 0, 0, 1, 2, 3, 4, 5};
            for (int field = 0; field < 9; field++) {
                for (long have : classes) {
                    for (long add : classes) {
                        for (long limit : classes) {
                            if (field < 4 && (have > 0xFFFF_FFFFL || add > 0xFFFF_FFFFL)) {
                                continue; // mdlb_use counts objects in 32 bits
                            }
                            if (field >= 1 && field <= 3 && (add > 1 || have >= 0xFFFF_FFFFL)) {
                                continue; // mdls, mappings, buffers: no limit, one per operation (useCountsBelowZero)
                            }
                            if (limitOf[field] == 0 && limit > 0xFFFF_FFFFL) {
                                continue; // mdlb_limits.objects is 32 bits
                            }
                            long[] hu = new long[9];
                            long[] a = new long[9];
                            long[] hl = hDefaults.clone();
                            hu[field] = have;
                            a[field] = add;
                            hl[limitOf[field]] = limit;
                            TableActions.Limit act = new TableActions.Limit(hu, hl, new long[9], dDefaults, a);
                            String cd = act.apply(c, null);
                            String jd = act.apply(j, null);
                            assertEquals(cd, jd, act.toString());
                            compared++;
                        }
                    }
                }
            }
        }
        System.out.println("[diff] limits: " + compared + " value combinations compared");
    }

    /**
     * CONTRACT section 4, the administrator limits: C's mdlb_limits_configure (through dt_limits_configure) against
     * AdminLimits, on generated configurations (each of the 13 names absent or set to a value class: 0, below, at
     * and above its range, inside it, 2^63, 2^64 - 1) and RAM sizes (unknown, tiny, around the three driver-wide
     * RAM-share limits' sums, large). Compared: the 12 limits in force, driverMaxHandles, ConfiguredLimits and
     * ClampedLimits.
     */
    @Test
    void limitComputationMatchesC() {
        Random r = new Random(20261205L);
        long[] rams = {0, 1, PAGE_SIZE, 1L << 20, 256L << 20, 512L << 20, 1L << 30, 3L << 30, 4L << 30, 8L << 30,
            16L << 30, (16L << 30) + (1L << 29), 17L << 30, 64L << 30, 1L << 40, 1L << 46, -1L};
        int compared = 0;
        for (int k = 0; k < 40_000; k++) {
            int present = 0;
            long[] values = new long[LIMIT_NAME_COUNT];
            Map<String, Long> configured = new java.util.LinkedHashMap<>();
            // Mostly the RAM-share names (7, 8, 9) and a few others; now and then every name.
            double p = k % 10 == 0 ? 0.9 : 0.25;
            for (int n = 0; n < LIMIT_NAME_COUNT; n++) {
                boolean ramShare = n == LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES || n == LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES
                        || n == LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES;
                if (r.nextDouble() >= (ramShare ? 0.6 : p)) {
                    continue;
                }
                long min = LIMIT_RANGES[n][0];
                long max = LIMIT_RANGES[n][1];
                long v = switch (r.nextInt(10)) {
                    case 0 -> 0;
                    case 1 -> min - 1;
                    case 2 -> min;
                    case 3 -> max;
                    case 4 -> max + 1;
                    case 5 -> pickOf(r, Long.MIN_VALUE, -1L, 1L << 32, 0xFFFF_FFFFL);
                    default -> min + (long) (r.nextDouble() * (max - min));
                };
                present |= 1 << n;
                values[n] = v;
                configured.put(LIMIT_NAMES.get(n), v);
            }
            long ram = r.nextInt(3) == 0 ? (long) (r.nextDouble() * (64L << 30)) : rams[r.nextInt(rams.length)];
            long[] c = new long[15];
            lib.dt_limits_configure(present, values, ram, c);
            AdminLimits j = new AdminLimits(configured, ram);
            Limits h = j.handle();
            Limits d = j.driver();
            long[] jv = {h.objects(), h.lockedBytes(), h.kernelBufferBytes(), h.pageBytes(), h.poolBytes(),
                h.systemMappingBytes(), d.objects(), d.lockedBytes(), d.kernelBufferBytes(), d.pageBytes(),
                d.poolBytes(), d.systemMappingBytes(), Integer.toUnsignedLong(j.maxHandles()),
                Integer.toUnsignedLong(j.configuredMask()), Integer.toUnsignedLong(j.clampedMask())};
            assertArrayEquals(c, jv, "limits in force (handle 6, driver 6, maxHandles, configured, clamped) for "
                    + configured + " and RAM " + Long.toUnsignedString(ram));
            compared++;
        }
        System.out.println("[diff] administrator limits: " + compared + " configurations compared");
    }

    private static long pickOf(Random r, long... v) {
        return v[r.nextInt(v.length)];
    }

    /**
     * mdlb_use keeps its four counts in 32 bits, ResourceUse in 64: a count taken below 0 (or past 2^32) wraps in C only,
     * and the next objects check then differs. The drivers pair every unreserve with a reserve, so this needs an
     * accounting defect first.
     */
    @Test
    @Disabled("diverges: mdlb_use u32 counts wrap (0 - 1 = 0xFFFFFFFF, then LIMIT_OBJECTS), ResourceUse's long go to -1")
    void useCountsBelowZero() {
        TwinRules.J j = new TwinRules.J();
        try (TwinRules.C c = new TwinRules.C(lib)) {
            long[] one = {1, 1, 1, 1, 0, 0, 0, 0, 0};
            long[] cUse = c.useApply(new long[9], one, -1);
            long[] jUse = j.useApply(new long[9], one, -1);
            assertArrayEquals(cUse, jUse, "0 - 1");
            long[] hl = {4096, 1L << 32, 64L << 20, 64L << 20, 16L << 20, 1L << 32};
            long[] dl = {65536, 8L << 30, 256L << 20, 256L << 20, 64L << 20, 8L << 30};
            assertEquals(c.limitCheck(cUse, hl, new long[9], dl, one), j.limitCheck(jUse, hl, new long[9], dl, one));
        }
    }

    // -------------------------------------------------------------------------------------------------- ids

    /** What C assigns across the wrap: ids stay u32, 0 ("none") is skipped. */
    @Test
    void cIdsAcrossTheWrap() {
        try (TwinRules.C c = new TwinRules.C(lib)) {
            c.setNextId(0xFFFF_FFFEL);
            long[] got = new long[4];
            for (int k = 0; k < 4; k++) {
                got[k] = Integer.toUnsignedLong(c.insert(TwinRules.KERNEL_BUFFER, 0, 0, 0x1000L * k, 0x1000, false));
            }
            assertArrayEquals(new long[] {0xFFFF_FFFEL, 0xFFFF_FFFFL, 1, 2}, got);
        }
    }

    /** Both twins driven to the id wrap, with objects live across it. */
    @Test
    void idsAcrossTheWrapMatch() {
        for (long seed = 1; seed <= 50; seed++) {
            List<Action> done = new ArrayList<>();
            Divergence d = TableActions.run(lib, done, new TableActions.Generator(seed), 60, 0xFFFF_FFF0L);
            if (d != null) {
                throw new AssertionError(TableActions.describe(seed, done, d, lib, 0xFFFF_FFF0L));
            }
        }
    }
}
