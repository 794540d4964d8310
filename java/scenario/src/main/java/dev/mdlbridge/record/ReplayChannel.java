package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/** A recorded channel: each call's request must match the recording; the reply bytes are the recorded ones. */
final class ReplayChannel implements DeviceChannel {

    private final ReplayBackend backend;
    final int id;
    private boolean closed;

    ReplayChannel(ReplayBackend backend, int id) {
        this.backend = backend;
        this.id = id;
    }

    @Override
    public IoResult control(int code, ByteBuffer request, ByteBuffer reply) {
        JsonNode call = backend.expect("control", fields(code, request));
        byte[] bytes = RecordingCodec.bytes(call.path("reply"));
        if (bytes.length > reply.capacity()) {
            throw new ReplayDivergedException("replay: the recorded reply is " + bytes.length + " bytes but the "
                    + "reply buffer holds " + reply.capacity());
        }
        ByteBuffer d = reply.duplicate();
        d.clear();
        d.put(bytes);
        return result(call);
    }

    @Override
    public IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength) {
        Map<String, Object> f = fields(code, request);
        f.put("address", RecordingCodec.address(outputAddress));
        f.put("length", outputLength);
        JsonNode call = backend.expect("controlDirect", f);
        return result(call);
    }

    private Map<String, Object> fields(int code, ByteBuffer request) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("channel", id);
        f.put("code", String.format("0x%08X", code));
        f.put("request", RecordingCodec.hex(RecordingCodec.remaining(request)));
        return f;
    }

    private static IoResult result(JsonNode call) {
        return new IoResult(call.path("ok").asBoolean(), call.path("bytesReturned").asInt(),
                Integer.parseUnsignedInt(call.path("ntStatus").asText("0x0").substring(2), 16),
                call.path("win32Error").asInt());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        backend.expect("close", Map.of("channel", id));
    }
}
