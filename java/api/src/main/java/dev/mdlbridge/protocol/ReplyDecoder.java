package dev.mdlbridge.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Decodes MDLB_REPLY_HEADER, MDLB_SNAPSHOT, MDLB_COUNTERS, MDLB_LIMITS, MDLB_USE and MDLB_INFO at the offsets of
 * mdlbridge.h. Every length and offset is checked against the bytes actually returned before use.
 */
public final class ReplyDecoder {

    private ReplyDecoder() {
    }

    /**
     * Decodes a whole reply: header, snapshots with their PFNs, and data.
     *
     * @param buffer the output buffer, the reply starting at index 0
     * @param length bytes the call returned ({@code IoStatus.Information})
     * @return the reply
     * @throws ProtocolException when the bytes do not follow mdlbridge.h (magic, version, sizes, offsets)
     */
    public static Reply decode(ByteBuffer buffer, int length) {
        ByteBuffer b = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (length < Protocol.REPLY_HEADER_SIZE) {
            throw new ProtocolException("reply of " + length + " bytes is shorter than MDLB_REPLY_HEADER ("
                    + Protocol.REPLY_HEADER_SIZE + ")");
        }
        int magic = b.getInt(0);
        int version = Short.toUnsignedInt(b.getShort(4));
        int headerSize = Short.toUnsignedInt(b.getShort(6));
        if (magic != Protocol.MAGIC) {
            throw new ProtocolException(String.format("reply magic 0x%08X is not MDLB (0x%08X)", magic, Protocol.MAGIC));
        }
        if (version != Protocol.PROTOCOL_VERSION) {
            throw new ProtocolException("reply has protocol version " + version + ", this library speaks "
                    + Protocol.PROTOCOL_VERSION + ": install the driver that matches the library");
        }
        if (headerSize != Protocol.REPLY_HEADER_SIZE) {
            throw new ProtocolException("reply header size " + headerSize + ", expected " + Protocol.REPLY_HEADER_SIZE);
        }
        long total = Integer.toUnsignedLong(b.getInt(8));
        if (total > length) {
            throw new ProtocolException("reply says " + total + " bytes but " + length + " were returned");
        }
        NtStatus status = NtStatus.of(b.getInt(12));
        int stage = b.getInt(16);
        int detail = b.getInt(20);
        int objectId = b.getInt(24);
        int snapshotCount = b.getInt(28);
        long value = b.getLong(32);
        long snapshotOffset = Integer.toUnsignedLong(b.getInt(40));
        long dataOffset = Integer.toUnsignedLong(b.getInt(44));
        long dataLength = Integer.toUnsignedLong(b.getInt(48));
        if (snapshotCount < 0 || snapshotCount > Protocol.MAX_SNAPSHOTS) {
            throw new ProtocolException("reply carries " + Integer.toUnsignedString(snapshotCount) + " snapshots, at most "
                    + Protocol.MAX_SNAPSHOTS + " are possible");
        }
        List<MdlSnapshot> snapshots = new ArrayList<>(snapshotCount);
        long at = snapshotOffset;
        for (int i = 0; i < snapshotCount; i++) {
            MdlSnapshot s = snapshot(b, at, total);
            snapshots.add(s);
            at += Protocol.SNAPSHOT_SIZE + 8L * s.pfns().length;
        }
        if (dataOffset + dataLength > total) {
            throw new ProtocolException("reply data [" + dataOffset + ", +" + dataLength + ") lies outside its "
                    + total + " bytes");
        }
        byte[] data = new byte[(int) dataLength];
        b.get((int) dataOffset, data);
        return new Reply(status, stage, detail, objectId, value, List.copyOf(snapshots), data);
    }

    static MdlSnapshot snapshot(ByteBuffer b, long at, long total) {
        if (at + Protocol.SNAPSHOT_SIZE > total) {
            throw new ProtocolException("snapshot at " + at + " runs past the reply's " + total + " bytes");
        }
        int o = (int) at;
        int returned = b.getInt(o + 92);
        if (returned < 0 || at + Protocol.SNAPSHOT_SIZE + 8L * returned > total) {
            throw new ProtocolException("snapshot at " + at + " claims " + Integer.toUnsignedString(returned)
                    + " PFNs, more than the reply holds");
        }
        long[] pfns = new long[returned];
        for (int i = 0; i < returned; i++) {
            pfns[i] = b.getLong(o + Protocol.SNAPSHOT_SIZE + 8 * i);
        }
        return new MdlSnapshot(b.getInt(o), b.getInt(o + 4), b.getInt(o + 8), b.getInt(o + 12),
                b.getLong(o + 16), b.getLong(o + 24), b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48),
                b.getLong(o + 56), Short.toUnsignedInt(b.getShort(o + 64)), Short.toUnsignedInt(b.getShort(o + 66)),
                Short.toUnsignedInt(b.getShort(o + 68)), Integer.toUnsignedLong(b.getInt(o + 72)),
                Integer.toUnsignedLong(b.getInt(o + 76)), b.getInt(o + 80), b.getInt(o + 84), b.getInt(o + 88), pfns);
    }

    /**
     * MDLB_COUNTERS at {@code at}.
     *
     * @param b  the bytes (read little-endian whatever the buffer's order)
     * @param at the structure's offset
     * @return the counters
     */
    public static Counters counters(ByteBuffer b, int at) {
        ByteBuffer l = b.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new Counters(Integer.toUnsignedLong(l.getInt(at)), Integer.toUnsignedLong(l.getInt(at + 4)),
                Integer.toUnsignedLong(l.getInt(at + 8)), l.getLong(at + 16));
    }

    /**
     * MDLB_COUNTERS at the start of a reply's data (RELEASE_ALL: what it released).
     *
     * @param data the reply's data
     * @return the counters
     * @throws ProtocolException when the data is shorter than the structure
     */
    public static Counters counters(byte[] data) {
        require(data, Protocol.COUNTERS_SIZE, "MDLB_COUNTERS");
        return counters(ByteBuffer.wrap(data), 0);
    }

    static Limits limits(ByteBuffer b, int at) {
        return new Limits(Integer.toUnsignedLong(b.getInt(at)), b.getLong(at + 8), b.getLong(at + 16),
                b.getLong(at + 24), b.getLong(at + 32));
    }

    static Use use(ByteBuffer b, int at) {
        return new Use(counters(b, at), Integer.toUnsignedLong(b.getInt(at + 24)), b.getLong(at + 32),
                b.getLong(at + 40), b.getLong(at + 48), b.getLong(at + 56));
    }

    /**
     * MDLB_INFO, INFO's data.
     *
     * @param data the reply's data
     * @return the driver's information
     * @throws ProtocolException when the data is shorter than the structure
     */
    public static Info info(byte[] data) {
        require(data, Protocol.INFO_SIZE, "MDLB_INFO");
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        return new Info(b.getInt(0), b.getInt(4), b.getInt(8), b.getInt(12), b.getInt(16), b.getInt(20),
                b.getInt(24), b.getInt(28), b.getInt(32), b.getInt(36), b.getInt(40), b.getInt(44), b.getLong(48),
                b.getLong(56), b.getInt(64), b.getInt(68) != 0, limits(b, 72), limits(b, 112), use(b, 152),
                use(b, 216), use(b, 280), b.getLong(344), b.getInt(352) != 0, b.getInt(356), b.getInt(360),
                b.getLong(368), b.getLong(376), b.getLong(384), b.getLong(392), b.getLong(400), b.getInt(364),
                b.getInt(408));
    }

    private static void require(byte[] data, int size, String what) {
        if (data.length < size) {
            throw new ProtocolException(what + " needs " + size + " bytes, the reply carried " + data.length);
        }
    }
}
