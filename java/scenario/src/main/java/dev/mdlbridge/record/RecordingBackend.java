package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Any backend, with every call below the seam written to a recording (one session per instance). It reports the
 * wrapped backend's name, so results are unchanged by recording; it offers {@link SimulatorControl} only when the
 * wrapped backend does, and records those calls too, so that a replay can serve them.
 */
public final class RecordingBackend implements Backend {

    private final Backend delegate;
    private final Recorder recorder;
    private final AtomicInteger channels = new AtomicInteger();
    private final RecordingMemory memory;
    private final RecordingSimulatorControl control;

    /** Appends a session labelled {@code label} to {@code file} (created when absent). */
    public RecordingBackend(Backend delegate, Path file, String label) {
        this.delegate = delegate;
        Optional<SimulatorControl> sim = delegate.capability(SimulatorControl.class);
        this.recorder = new Recorder(file, label, delegate.name(), sim.isPresent());
        this.memory = new RecordingMemory(delegate.userMemory(), recorder);
        this.control = sim.map(s -> new RecordingSimulatorControl(s, this)).orElse(null);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public DeviceChannel open() {
        ObjectNode call = recorder.call("open");
        return wrap(call, recorder.around(call, delegate::open));
    }

    /** Numbers a new channel, writes the call that made it, and wraps it. */
    RecordingChannel wrap(ObjectNode call, DeviceChannel opened) {
        int id = channels.incrementAndGet();
        call.put("ret", id);
        recorder.write(call);
        return new RecordingChannel(opened, id, recorder);
    }

    Recorder recorder() {
        return recorder;
    }

    @Override
    public UserMemory userMemory() {
        return memory;
    }

    @Override
    public <T> Optional<T> capability(Class<T> type) {
        if (type == SimulatorControl.class && control != null) {
            return Optional.of(type.cast(control));
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        try {
            delegate.close();
        } finally {
            recorder.close();
        }
    }
}
