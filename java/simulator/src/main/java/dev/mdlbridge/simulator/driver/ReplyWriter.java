package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A reply being written into the caller's output buffer: the twin of {@code mdlb_reply_*} in protocol.c.
 * Snapshots come first, then data (8-aligned). Space promised to later fixed parts ("owed") is never eaten by
 * PFN windows, so a reply always holds every snapshot header and its data.
 */
final class ReplyWriter {

    private final ByteBuffer buf;
    private final int cap;
    private final long pfnStart;
    private final long pfnMax;
    private int used;
    private int owed;

    /** Bytes [0, zeroedTo) of the reply are known to be zero or written. */
    private int zeroedTo;

    /**
     * Writes the header; {@code fixed} is {@link ProtocolRules#minReplySize}. Every byte below TotalSize is zeroed before
     * a part claims it (the C driver zeroes its whole reply region; zeroing only what the reply uses gives the
     * caller the same bytes without clearing a 192 KiB buffer on every call).
     */
    ReplyWriter(ByteBuffer out, int fixed, long pfnStart, long pfnMax) {
        this.buf = out.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.buf.clear();
        this.cap = buf.capacity();
        zeroUpTo(Math.min(REPLY_HEADER_SIZE, cap));
        this.used = REPLY_HEADER_SIZE;
        this.owed = Math.max(fixed - REPLY_HEADER_SIZE, 0);
        this.pfnStart = pfnStart;
        this.pfnMax = pfnMax;
        buf.putInt(0, MAGIC);
        buf.putShort(4, (short) PROTOCOL_VERSION);
        buf.putShort(6, (short) REPLY_HEADER_SIZE);
    }

    private void zeroUpTo(int end) {
        if (end <= zeroedTo) {
            return;
        }
        if (buf.hasArray()) {
            java.util.Arrays.fill(buf.array(), buf.arrayOffset() + zeroedTo, buf.arrayOffset() + end, (byte) 0);
        } else {
            for (int i = zeroedTo; i < end; i++) {
                buf.put(i, (byte) 0);
            }
        }
        zeroedTo = end;
    }

    void status(int status, int stage, int detail) {
        buf.putInt(12, status);
        buf.putInt(16, stage);
        buf.putInt(20, detail);
    }

    int statusValue() {
        return buf.getInt(12);
    }

    int stage() {
        return buf.getInt(16);
    }

    void object(int objectId) {
        buf.putInt(24, objectId);
    }

    void value(long value) {
        buf.putLong(32, value);
    }

    private void takeOwed(int n) {
        owed = Math.max(owed - n, 0);
    }

    /** Appends one snapshot with its PFN window; returns the PFNs copied. */
    int snapshot(MdlView v, int role, int objectId) {
        if (cap - used < SNAPSHOT_SIZE) {
            return 0;
        }
        takeOwed(SNAPSHOT_SIZE);
        long spanned = v.spanned();
        long space = cap - used - SNAPSHOT_SIZE;
        space = space > owed ? space - owed : 0;
        int n = 0;
        if ((v.valid() & VALID_PFNS) != 0 && v.pfns() != null) {
            n = ProtocolRules.pfnWindow(spanned, v.pfnCapacity(), pfnStart, pfnMax, space);
        }
        int s = used;
        zeroUpTo(s + SNAPSHOT_SIZE + n * PFN_WIDTH);
        buf.putInt(s, role);
        buf.putInt(s + 4, objectId);
        buf.putInt(s + 8, v.valid());
        buf.putInt(s + 12, v.kind());
        buf.putLong(s + 16, v.mdlAddress());
        buf.putLong(s + 24, v.next());
        buf.putLong(s + 32, (v.valid() & VALID_PROCESS) != 0 ? v.process() : 0);
        buf.putLong(s + 40, (v.valid() & VALID_MAPPED_SYSTEM_VA) != 0 ? v.mappedSystemVa() : 0);
        buf.putLong(s + 48, v.startVa());
        buf.putLong(s + 56, v.virtualAddress());
        buf.putShort(s + 64, (short) v.size());
        buf.putShort(s + 66, (short) v.flags());
        buf.putShort(s + 68, (short) v.allocationProcessorNumber());
        buf.putShort(s + 70, (short) 0);
        buf.putInt(s + 72, (int) v.byteCount());
        buf.putInt(s + 76, (int) v.byteOffset());
        buf.putInt(s + 80, (int) spanned);
        buf.putInt(s + 84, (int) v.pfnCapacity());
        buf.putInt(s + 88, (int) pfnStart);
        buf.putInt(s + 92, n);
        if (n > 0) {
            long[] copy = new long[n];
            v.pfns().copy((int) pfnStart, copy, n);
            for (int i = 0; i < n; i++) {
                buf.putLong(s + SNAPSHOT_SIZE + 8 * i, copy[i]);
            }
        }
        if (buf.getInt(28) == 0) {
            buf.putInt(40, used);
        }
        buf.putInt(28, buf.getInt(28) + 1);
        used += SNAPSHOT_SIZE + n * PFN_WIDTH;
        return n;
    }

    /** Reserves {@code len} bytes of data at an 8-aligned start; returns that offset, or -1 when they do not fit. */
    int data(int len) {
        int start = (used + 7) & ~7;
        if (start > cap || cap - start < len) {
            return -1;
        }
        takeOwed(len);
        zeroUpTo(start + len);
        if (buf.getInt(48) == 0) {
            buf.putInt(44, start);
        }
        buf.putInt(48, buf.getInt(48) + len);
        used = start + len;
        return start;
    }

    /** Where data is written (absolute offsets from {@link #data}). */
    ByteBuffer buffer() {
        return buf;
    }

    /** Writes TotalSize and returns it (IoStatus.Information). */
    int finish() {
        buf.putInt(8, used);
        return used;
    }
}
