package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.SimulatorControl;
import java.util.Optional;
import java.util.function.Supplier;

/** The simulator's controls, each call written to the recording so that a replay of a simulated run can serve them. */
final class RecordingSimulatorControl implements SimulatorControl {

    private final SimulatorControl delegate;
    private final RecordingBackend backend;

    RecordingSimulatorControl(SimulatorControl delegate, RecordingBackend backend) {
        this.delegate = delegate;
        this.backend = backend;
    }

    private ObjectNode call(String method) {
        ObjectNode n = backend.recorder().call("sim");
        n.put("method", method);
        return n;
    }

    private <T> T run(ObjectNode call, Supplier<T> op) {
        return backend.recorder().around(call, op);
    }

    @Override
    public String profile() {
        ObjectNode c = call("profile");
        String p = run(c, delegate::profile);
        c.put("ret", p);
        backend.recorder().write(c);
        return p;
    }

    @Override
    public void processExit() {
        ObjectNode c = call("processExit");
        run(c, () -> {
            delegate.processExit();
            return null;
        });
        backend.recorder().write(c);
    }

    @Override
    public void pageOut(long address, long size, boolean failPageIn) {
        ObjectNode c = call("pageOut");
        c.put("address", RecordingCodec.address(address));
        c.put("size", size);
        c.put("failPageIn", failPageIn);
        run(c, () -> {
            delegate.pageOut(address, size, failPageIn);
            return null;
        });
        backend.recorder().write(c);
    }

    @Override
    public DeviceChannel duplicateIntoOtherProcess(DeviceChannel channel) {
        return duplicate("duplicateIntoOtherProcess", channel, delegate::duplicateIntoOtherProcess);
    }

    @Override
    public DeviceChannel duplicateInSameProcess(DeviceChannel channel) {
        return duplicate("duplicateInSameProcess", channel, delegate::duplicateInSameProcess);
    }

    /** Both duplications are recorded alike: the source channel's id, then the new channel as the call's result. */
    private DeviceChannel duplicate(String name, DeviceChannel channel,
                                    java.util.function.UnaryOperator<DeviceChannel> how) {
        ObjectNode c = call(name);
        RecordingChannel source = (RecordingChannel) channel;
        c.put("channel", source.id);
        DeviceChannel dup = run(c, () -> how.apply(source.delegate));
        return backend.wrap(c, dup);
    }

    @Override
    public Optional<BugCheck> bugCheck() {
        ObjectNode c = call("bugCheck");
        Optional<BugCheck> b = delegate.bugCheck();
        b.ifPresent(x -> RecordingCodec.error(c, new dev.mdlbridge.spi.SimulatedBugCheckException(x)));
        backend.recorder().write(c);
        return b;
    }

    @Override
    public long processLockedPages() {
        ObjectNode c = call("processLockedPages");
        long n = run(c, delegate::processLockedPages);
        c.put("ret", n);
        backend.recorder().write(c);
        return n;
    }

    @Override
    public long pfnLockCount(long pfn) {
        ObjectNode c = call("pfnLockCount");
        c.put("pfn", RecordingCodec.address(pfn));
        long n = run(c, () -> delegate.pfnLockCount(pfn));
        c.put("ret", n);
        backend.recorder().write(c);
        return n;
    }
}
