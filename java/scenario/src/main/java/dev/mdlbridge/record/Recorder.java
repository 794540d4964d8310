package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.spi.BackendException;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Appends one session to a recording: a header line, then one line per call, flushed as it goes so a run that
 * dies (a real bug check, a killed JVM) still leaves every call it made on disk.
 */
final class Recorder implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Writer out;
    private final Path file;

    Recorder(Path file, String label, String backend, boolean simulatorControl) {
        this.file = file;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new BackendException("cannot record to " + file + ": " + e.getMessage()
                    + " (give --record a writable file)", e);
        }
        ObjectNode h = JSON.createObjectNode();
        h.put("recording", Recording.FORMAT);
        h.put("session", label);
        h.put("backend", backend);
        h.put("simulatorControl", simulatorControl);
        h.put("recorded", Instant.now().toString());
        write(h);
    }

    ObjectNode call(String op) {
        ObjectNode n = JSON.createObjectNode();
        n.put("op", op);
        return n;
    }

    /**
     * Runs the call {@code op} describes; an error a replay must throw again is written with the call before it
     * propagates (a successful call is written by the caller, once it has added the result).
     */
    <T> T around(ObjectNode call, java.util.function.Supplier<T> op) {
        try {
            return op.get();
        } catch (RuntimeException e) {
            if (RecordingCodec.recordable(e)) {
                RecordingCodec.error(call, e);
                write(call);
            }
            throw e;
        }
    }

    synchronized void write(ObjectNode line) {
        try {
            out.write(JSON.writeValueAsString(line));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new BackendException("cannot write the recording " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new BackendException("cannot close the recording " + file + ": " + e.getMessage(), e);
        }
    }
}
