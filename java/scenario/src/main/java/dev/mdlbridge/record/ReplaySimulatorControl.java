package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A recorded simulator's controls: offered only when the session was recorded on the simulator. */
final class ReplaySimulatorControl implements SimulatorControl {

    private final ReplayBackend backend;

    ReplaySimulatorControl(ReplayBackend backend) {
        this.backend = backend;
    }

    private JsonNode sim(String method, Map<String, Object> args) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("method", method);
        f.putAll(args);
        return backend.expect("sim", f, !method.equals("bugCheck"));
    }

    @Override
    public String profile() {
        return sim("profile", Map.of()).path("ret").asText();
    }

    @Override
    public void processExit() {
        sim("processExit", Map.of());
    }

    @Override
    public void pageOut(long address, long size, boolean failPageIn) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("address", RecordingCodec.address(address));
        a.put("size", size);
        a.put("failPageIn", failPageIn);
        sim("pageOut", a);
    }

    @Override
    public DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel) {
        return duplicate("duplicateIntoOtherProcess", channel);
    }

    @Override
    public DeviceChannel duplicateInSameProcess(DeviceChannel channel) {
        return duplicate("duplicateInSameProcess", channel);
    }

    /** Serves a recorded duplication: the channel the recording names as its result. */
    private DeviceChannel duplicate(String name, DeviceChannel channel) {
        JsonNode c = sim(name, Map.of("channel", ((ReplayChannel) channel).id));
        return new ReplayChannel(backend, c.path("ret").asInt());
    }

    @Override
    public Optional<BugCheck> bugCheck() {
        JsonNode c = sim("bugCheck", Map.of());
        return c.has("error") ? Optional.of(((SimulatedBugCheckException) RecordingCodec.rethrow(c.get("error"))).bugCheck())
                : Optional.empty();
    }

    @Override
    public long processLockedPages() {
        return sim("processLockedPages", Map.of()).path("ret").asLong();
    }

    @Override
    public long pfnLockCount(long pfn) {
        return sim("pfnLockCount", Map.of("pfn", RecordingCodec.address(pfn))).path("ret").asLong();
    }
}
