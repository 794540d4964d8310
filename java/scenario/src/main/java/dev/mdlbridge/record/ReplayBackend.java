package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * One recorded session served call by call. Every call must be the next recorded one, with the same arguments
 * and request bytes; anything else is a {@link ReplayDivergedException} naming the call, what was recorded and
 * what was asked — never an answer made up. Closing it with calls left over is a divergence too.
 */
final class ReplayBackend implements Backend {

    private final Recording recording;
    private final Recording.Session session;
    private final ReplayMemory memory = new ReplayMemory(this);
    private final ReplaySimulatorControl control;
    private int next;
    private boolean closed;

    ReplayBackend(Recording recording, Recording.Session session) {
        this.recording = recording;
        this.session = session;
        this.control = session.simulatorControl() ? new ReplaySimulatorControl(this) : null;
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public DeviceChannel open() {
        JsonNode call = expect("open", Map.of());
        return new ReplayChannel(this, call.path("ret").asInt());
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
        if (type == RecordedBackend.class) {
            return Optional.of(type.cast(new RecordedBackend(session.backend(), session.recorded())));
        }
        return Optional.empty();
    }

    /**
     * The next recorded call, which must be {@code op} with these fields (each compared as text); a recorded
     * error is thrown again.
     */
    JsonNode expect(String op, Map<String, Object> fields) {
        return expect(op, fields, true);
    }

    /** As {@link #expect(String, Map)}; with {@code rethrow} false a recorded error is returned, not thrown. */
    synchronized JsonNode expect(String op, Map<String, Object> fields, boolean rethrow) {
        if (closed) {
            throw new IllegalStateException("replay: the backend is closed");
        }
        String asked = describe(op, fields);
        if (next >= session.calls().size()) {
            throw diverged("the recording ends after " + session.calls().size() + " calls, but the run asked for "
                    + asked);
        }
        JsonNode call = session.calls().get(next);
        boolean same = call.path("op").asText().equals(op);
        for (Iterator<Map.Entry<String, Object>> it = fields.entrySet().iterator(); same && it.hasNext(); ) {
            Map.Entry<String, Object> f = it.next();
            same = call.path(f.getKey()).asText().equals(String.valueOf(f.getValue()));
        }
        if (!same) {
            throw diverged("call " + next + " was recorded as " + recorded(call) + ", but the run asked for " + asked);
        }
        next++;
        if (call.has("error") && rethrow) {
            throw RecordingCodec.rethrow(call.get("error"));
        }
        return call;
    }

    private ReplayDivergedException diverged(String what) {
        return new ReplayDivergedException("replay of " + recording.file + " (session " + session.index()
                + (session.label().isEmpty() ? "" : " '" + session.label() + "'") + ", recorded on the "
                + session.backend() + ") diverged: " + what + ". The run is not the one recorded: record it again.");
    }

    private static String describe(String op, Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder(op);
        fields.forEach((k, v) -> sb.append(' ').append(k).append('=').append(abbreviate(String.valueOf(v))));
        return sb.toString();
    }

    private static String recorded(JsonNode call) {
        StringBuilder sb = new StringBuilder(call.path("op").asText());
        call.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("op") && !e.getKey().equals("reply") && !e.getKey().equals("data")
                    || e.getKey().equals("data") && call.path("op").asText().equals("write")) {
                sb.append(' ').append(e.getKey()).append('=').append(abbreviate(e.getValue().isTextual()
                        ? e.getValue().asText() : e.getValue().toString()));
            }
        });
        return sb.toString();
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 76) + "...(" + s.length() / 2 + " bytes)";
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (next < session.calls().size()) {
            throw diverged("the run closed the backend after " + next + " of the " + session.calls().size()
                    + " recorded calls (the next was " + recorded(session.calls().get(next)) + ")");
        }
    }
}
