package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemoryException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Locale;

/** How values and thrown errors are written in a recording, and read back. */
final class RecordingCodec {

    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private RecordingCodec() {
    }

    static String hex(byte[] b) {
        return HEX.formatHex(b);
    }

    static byte[] bytes(JsonNode hex) {
        return HEX.parseHex(hex.asText());
    }

    /** The bytes from position to limit, without moving the buffer. */
    static byte[] remaining(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }

    static String address(long a) {
        return "0x" + Long.toHexString(a).toUpperCase(Locale.ROOT);
    }

    static long address(JsonNode n) {
        return Long.parseUnsignedLong(n.asText().substring(2), 16);
    }

    /** The errors a call below the seam may throw and a replay must throw again; anything else is not recorded. */
    static boolean recordable(RuntimeException e) {
        return e instanceof UserMemoryException || e instanceof SimulatedBugCheckException
                || e instanceof BackendException;
    }

    static void error(ObjectNode call, RuntimeException e) {
        ObjectNode err = call.putObject("error");
        if (e instanceof UserMemoryException u) {
            err.put("type", "UserMemoryException");
            err.put("operation", u.operation());
            err.put("win32Error", u.win32Error());
            if (u.ntStatus() != 0) {
                err.put("ntStatus", u.ntStatus());
            }
            err.put("message", u.detail());
        } else if (e instanceof SimulatedBugCheckException s) {
            BugCheck b = s.bugCheck();
            err.put("type", "BugCheck");
            err.put("code", b.code());
            err.put("name", b.name());
            ArrayNode p = err.putArray("parameters");
            b.parameters().forEach(x -> p.add(address(x)));
        } else {
            err.put("type", "BackendException");
            err.put("message", e.getMessage());
        }
    }

    static RuntimeException rethrow(JsonNode err) {
        return switch (err.path("type").asText()) {
            case "UserMemoryException" -> new UserMemoryException(err.path("operation").asText(),
                    err.path("ntStatus").asInt(0), err.path("win32Error").asInt(), err.path("message").asText());
            case "BugCheck" -> {
                JsonNode p = err.path("parameters");
                yield new SimulatedBugCheckException(new BugCheck(err.path("code").asInt(), address(p.get(0)),
                        address(p.get(1)), address(p.get(2)), address(p.get(3)), err.path("name").asText()));
            }
            default -> new BackendException(err.path("message").asText());
        };
    }
}
