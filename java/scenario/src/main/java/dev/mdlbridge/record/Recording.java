package dev.mdlbridge.record;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.spi.BackendException;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A recording file read back: its sessions, in the order they were recorded. */
final class Recording {

    /** The format version a header line carries ({@code "recording": 1}). */
    static final int FORMAT = 1;

    /** One backend's worth of calls. */
    record Session(int index, String label, String backend, boolean simulatorControl, String recorded,
                   List<JsonNode> calls) {
    }

    final Path file;
    final List<Session> sessions;

    private Recording(Path file, List<Session> sessions) {
        this.file = file;
        this.sessions = List.copyOf(sessions);
    }

    static Recording read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BackendException("replay: " + file + " does not exist or is not a file (record one with "
                    + "`mdl selftest --record FILE` or `mdl run SCENARIO --record FILE`)");
        }
        List<Session> sessions = new ArrayList<>();
        List<JsonNode> calls = null;
        JsonNode header = null;
        int lineNo = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = Recorder.JSON.readTree(line);
                if (n.has("recording")) {
                    if (n.path("recording").asInt() != FORMAT) {
                        throw new BackendException("replay: " + file + " line " + lineNo + " is a recording of format "
                                + n.path("recording") + "; this library reads format " + FORMAT);
                    }
                    if (header != null) {
                        sessions.add(session(sessions.size(), header, calls));
                    }
                    header = n;
                    calls = new ArrayList<>();
                } else if (header == null || !n.has("op")) {
                    throw new BackendException("replay: " + file + " line " + lineNo + " is not part of a recording "
                            + "(each session starts with a {\"recording\": 1, ...} line, each call has an \"op\")");
                } else {
                    calls.add(n);
                }
            }
        } catch (IOException e) {
            throw new BackendException("replay: cannot read " + file + ": " + e.getMessage(), e);
        }
        if (header != null) {
            sessions.add(session(sessions.size(), header, calls));
        }
        if (sessions.isEmpty()) {
            throw new BackendException("replay: " + file + " holds no recorded session");
        }
        return new Recording(file, sessions);
    }

    private static Session session(int index, JsonNode h, List<JsonNode> calls) {
        return new Session(index, h.path("session").asText(""), h.path("backend").asText("?"),
                h.path("simulatorControl").asBoolean(false), h.path("recorded").asText(""), List.copyOf(calls));
    }
}
