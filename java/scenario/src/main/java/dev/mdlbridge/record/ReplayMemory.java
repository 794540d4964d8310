package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.spi.UserMemory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The recorded process's memory: addresses, old protections and bytes read come from the recording. */
final class ReplayMemory implements UserMemory {

    private final ReplayBackend backend;

    ReplayMemory(ReplayBackend backend) {
        this.backend = backend;
    }

    @Override
    public long allocate(long size, int protect, boolean reserveOnly) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("size", size);
        f.put("protect", protect);
        f.put("reserveOnly", reserveOnly);
        return RecordingCodec.address(backend.expect("allocate", f).path("ret"));
    }

    @Override
    public int protect(long address, long size, int protect) {
        Map<String, Object> f = at(address);
        f.put("size", size);
        f.put("protect", protect);
        return backend.expect("protect", f).path("ret").asInt();
    }

    @Override
    public void decommit(long address, long size) {
        Map<String, Object> f = at(address);
        f.put("size", size);
        backend.expect("decommit", f);
    }

    @Override
    public void release(long address) {
        backend.expect("release", at(address));
    }

    @Override
    public void read(long address, byte[] target, int offset, int length) {
        Map<String, Object> f = at(address);
        f.put("length", length);
        byte[] data = RecordingCodec.bytes(backend.expect("read", f).path("data"));
        System.arraycopy(data, 0, target, offset, Math.min(length, data.length));
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        Map<String, Object> f = at(address);
        f.put("data", RecordingCodec.hex(Arrays.copyOfRange(source, offset, offset + length)));
        backend.expect("write", f);
    }

    private static Map<String, Object> at(long address) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("address", RecordingCodec.address(address));
        return f;
    }
}
