package dev.mdlbridge.simulator.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.ProtocolException;
import dev.mdlbridge.protocol.ReplyDecoder;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The client side of the boundary: reply bytes from a broken or hostile driver. ReplyDecoder may refuse them
 * only with a {@link ProtocolException} (never an index, size or arithmetic exception), and must not allocate
 * more than the reply holds. Replies are built well-formed, then mutated (header fields, counts, offsets, PFN
 * counts set to edge values, bytes flipped, truncated).
 */
class ReplyDecoderFuzzTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3})
    void malformedRepliesFailOnlyWithProtocolException(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        ByteBuffer b = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        int[] edges = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 64, 96, 8192, 8193, 0x10000, 0xFFFF};
        for (int i = 0; i < 30_000; i++) {
            java.util.Arrays.fill(b.array(), (byte) 0);
            int snapshots = r.nextInt(4);
            int pfns = r.nextInt(16);
            int at = 64;
            b.putInt(0, Protocol.MAGIC);
            b.putShort(4, (short) Protocol.PROTOCOL_VERSION);
            b.putShort(6, (short) 64);
            b.putInt(28, snapshots);
            b.putInt(40, snapshots == 0 ? 0 : 64);
            for (int s = 0; s < snapshots; s++) {
                b.putInt(at + 92, pfns);
                at += 96 + 8 * pfns;
            }
            int data = r.nextInt(64);
            b.putInt(44, at);
            b.putInt(48, data);
            int total = at + data;
            b.putInt(8, total);
            int length = total;
            for (int m = 1 + r.nextInt(3); m > 0; m--) {
                switch (r.nextInt(6)) {
                    case 0 -> b.putInt(4 * r.nextInt(16), edges[r.nextInt(edges.length)]);
                    case 1 -> b.putInt(64 + 96 * r.nextInt(3) + 92, edges[r.nextInt(edges.length)]);
                    case 2 -> b.put(r.nextInt(Math.max(1, total)), (byte) r.nextInt());
                    case 3 -> length = r.nextInt(total + 1);
                    case 4 -> b.putInt(8, edges[r.nextInt(edges.length)]);
                    default -> b.putShort(4 + 2 * r.nextInt(2), (short) r.nextInt());
                }
            }
            try {
                ReplyDecoder.decode(b, length);
            } catch (ProtocolException expected) {
                // refused in words
            } catch (RuntimeException e) {
                fail("seed " + seed + ", case " + i + ": " + e + " escaped ReplyDecoder for a " + length
                        + "-byte reply", e);
            }
        }
    }
}
