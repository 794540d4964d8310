package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.UserMemory;
import java.util.Arrays;

/** The process's user memory, with every call, its arguments and its result (or error) written to the recording. */
final class RecordingMemory implements UserMemory {

    private final UserMemory delegate;
    private final Recorder recorder;

    RecordingMemory(UserMemory delegate, Recorder recorder) {
        this.delegate = delegate;
        this.recorder = recorder;
    }

    @Override
    public long allocate(long size, int protect, boolean reserveOnly) {
        ObjectNode call = recorder.call("allocate");
        call.put("size", size);
        call.put("protect", protect);
        call.put("reserveOnly", reserveOnly);
        long a = run(call, () -> delegate.allocate(size, protect, reserveOnly));
        call.put("ret", RecordingCodec.address(a));
        recorder.write(call);
        return a;
    }

    @Override
    public int protect(long address, long size, int protect) {
        ObjectNode call = at("protect", address);
        call.put("size", size);
        call.put("protect", protect);
        int old = (int) run(call, () -> delegate.protect(address, size, protect));
        call.put("ret", old);
        recorder.write(call);
        return old;
    }

    @Override
    public void decommit(long address, long size) {
        ObjectNode call = at("decommit", address);
        call.put("size", size);
        run(call, () -> {
            delegate.decommit(address, size);
            return 0;
        });
        recorder.write(call);
    }

    @Override
    public void release(long address) {
        ObjectNode call = at("release", address);
        run(call, () -> {
            delegate.release(address);
            return 0;
        });
        recorder.write(call);
    }

    @Override
    public void read(long address, byte[] target, int offset, int length) {
        ObjectNode call = at("read", address);
        call.put("length", length);
        run(call, () -> {
            delegate.read(address, target, offset, length);
            return 0;
        });
        call.put("data", RecordingCodec.hex(Arrays.copyOfRange(target, offset, offset + length)));
        recorder.write(call);
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        ObjectNode call = at("write", address);
        call.put("data", RecordingCodec.hex(Arrays.copyOfRange(source, offset, offset + length)));
        run(call, () -> {
            delegate.write(address, source, offset, length);
            return 0;
        });
        recorder.write(call);
    }

    private ObjectNode at(String op, long address) {
        ObjectNode call = recorder.call(op);
        call.put("address", RecordingCodec.address(address));
        return call;
    }

    private long run(ObjectNode call, java.util.function.LongSupplier op) {
        return recorder.around(call, op::getAsLong);
    }
}
