package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;

/** A device channel whose every call (code, request bytes, result, reply bytes) is written to the recording. */
final class RecordingChannel implements DeviceChannel {

    final DeviceChannel delegate;
    final int id;
    private final Recorder recorder;

    RecordingChannel(DeviceChannel delegate, int id, Recorder recorder) {
        this.delegate = delegate;
        this.id = id;
        this.recorder = recorder;
    }

    @Override
    public IoResult control(int code, ByteBuffer request, ByteBuffer reply) {
        ObjectNode call = start("control", code, request);
        IoResult r = run(call, () -> delegate.control(code, request, reply));
        ByteBuffer d = reply.duplicate();
        d.clear();
        byte[] bytes = new byte[Math.min(r.bytesReturned(), d.capacity())];
        d.get(bytes);
        call.put("reply", RecordingCodec.hex(bytes));
        recorder.write(call);
        return r;
    }

    @Override
    public IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength) {
        ObjectNode call = start("controlDirect", code, request);
        call.put("address", RecordingCodec.address(outputAddress));
        call.put("length", outputLength);
        IoResult r = run(call, () -> delegate.controlDirect(code, request, outputAddress, outputLength));
        recorder.write(call);
        return r;
    }

    private ObjectNode start(String op, int code, ByteBuffer request) {
        ObjectNode call = recorder.call(op);
        call.put("channel", id);
        call.put("code", String.format("0x%08X", code));
        call.put("request", RecordingCodec.hex(RecordingCodec.remaining(request)));
        return call;
    }

    private IoResult run(ObjectNode call, java.util.function.Supplier<IoResult> io) {
        IoResult r = recorder.around(call, io);
        call.put("ok", r.ok());
        call.put("bytesReturned", r.bytesReturned());
        call.put("ntStatus", String.format("0x%08X", r.ntStatus()));
        call.put("win32Error", r.win32Error());
        return r;
    }

    private boolean closed;

    @Override
    public synchronized void close() {
        if (closed) {
            return; // close is idempotent; the recording holds the one close that did something
        }
        closed = true;
        ObjectNode call = recorder.call("close");
        call.put("channel", id);
        recorder.write(call);
        delegate.close();
    }
}
