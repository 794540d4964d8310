package dev.mdlbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Decoding at the header's offsets, and refusing replies that break its rules. */
class ReplyDecoderTest {

    /** A reply with one AFTER snapshot of a 2-page MDL (flags 0x000A) and 2 PFNs, written field by field. */
    static ByteBuffer sampleReply() {
        int total = 64 + 96 + 16;
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Protocol.MAGIC).putShort(4, (short) 1).putShort(6, (short) 64).putInt(8, total);
        b.putInt(12, 0).putInt(16, Protocol.STAGE_DONE).putInt(20, 0).putInt(24, 7).putInt(28, 1);
        b.putLong(32, 0).putInt(40, 64).putInt(44, total).putInt(48, 0);
        int s = 64;
        b.putInt(s, Protocol.ROLE_AFTER).putInt(s + 4, 7).putInt(s + 8, Protocol.VALID_PROCESS | Protocol.VALID_PFNS)
                .putInt(s + 12, Protocol.KIND_IO_ALLOCATED);
        b.putLong(s + 16, 0xFFFFA08F12345000L).putLong(s + 24, 0).putLong(s + 32, 0xFFFFC00112340080L)
                .putLong(s + 40, 0).putLong(s + 48, 0x1F0000L).putLong(s + 56, 0x1F0123L);
        b.putShort(s + 64, (short) 64).putShort(s + 66, (short) 0x000A).putShort(s + 68, (short) 0)
                .putShort(s + 70, (short) 0);
        b.putInt(s + 72, 0x1000).putInt(s + 76, 0x123).putInt(s + 80, 2).putInt(s + 84, 2).putInt(s + 88, 0)
                .putInt(s + 92, 2);
        b.putLong(s + 96, 0x1A2B3L).putLong(s + 104, 0x5C0DEL);
        return b;
    }

    @Test
    void decodesEveryFieldAtItsOffset() {
        Reply r = ReplyDecoder.decode(sampleReply(), 176);
        assertEquals(NtStatus.SUCCESS, r.status());
        assertEquals(7, r.objectId());
        MdlSnapshot m = r.after().orElseThrow();
        assertEquals(0xFFFFA08F12345000L, m.mdlAddress());
        assertEquals(0xFFFFC00112340080L, m.process());
        assertEquals(0x1F0000L, m.startVa());
        assertEquals(0x1F0123L, m.virtualAddress());
        assertEquals(64, m.size());
        assertEquals(0x000A, m.mdlFlags());
        assertEquals(0x1000, m.byteCount());
        assertEquals(0x123, m.byteOffset());
        assertEquals(2, m.pfnCount());
        assertTrue(m.processValid());
        assertTrue(!m.mappedSystemVaValid());
        assertArrayEquals(new long[] {0x1A2B3L, 0x5C0DEL}, m.pfns());
        assertTrue(m.pfnsComplete());
        assertEquals(java.util.List.of("MDL_PAGES_LOCKED", "MDL_ALLOCATED_FIXED_SIZE"), MdlFlags.names(m.mdlFlags()));
    }

    @Test
    void refusesAWrongMagicVersionOrTruncation() {
        ByteBuffer b = sampleReply();
        b.putInt(0, 0x12345678);
        assertTrue(assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(b, 176)).getMessage().contains("magic"));
        ByteBuffer v = sampleReply();
        v.putShort(4, (short) 2);
        assertTrue(assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(v, 176)).getMessage()
                .contains("protocol version 2"));
        assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(sampleReply(), 170));
        assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(sampleReply(), 40));
    }

    @Test
    void refusesASnapshotClaimingMorePfnsThanTheReplyHolds() {
        ByteBuffer b = sampleReply();
        b.putInt(64 + 92, 3);
        assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(b, 176));
        ByteBuffer c = sampleReply();
        c.putInt(28, 17);
        assertThrows(ProtocolException.class, () -> ReplyDecoder.decode(c, 176));
    }

    @Test
    void requestHeaderCarriesMagicVersionAndWindow() {
        ByteBuffer r = Requests.probe(new PfnWindow(5, 9), 3, Protocol.USER_MODE, Protocol.IO_WRITE_ACCESS);
        assertEquals(24, r.limit());
        assertEquals(0x424C444D, r.getInt(0));
        assertEquals(1, r.getShort(4));
        assertEquals(5, r.getInt(8));
        assertEquals(9, r.getInt(12));
        assertEquals(3, r.getInt(16));
        assertEquals(1, r.get(20));
        assertEquals(1, r.get(21));
        assertEquals(0x4D, r.get(0), "little-endian: 'M' first");
    }

    @Test
    void ntStatusParsesNamesAndValues() {
        assertEquals(NtStatus.ACCESS_VIOLATION, NtStatus.parse("STATUS_ACCESS_VIOLATION").orElseThrow());
        assertEquals(NtStatus.ACCESS_VIOLATION, NtStatus.parse("0xC0000005").orElseThrow());
        assertEquals("NTSTATUS_0xC0001234", NtStatus.of(0xC0001234).name());
        assertEquals("0x80000001", NtStatus.GUARD_PAGE_VIOLATION.hex());
    }
}
