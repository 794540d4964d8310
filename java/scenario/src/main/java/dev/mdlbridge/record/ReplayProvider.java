package dev.mdlbridge.record;

import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code replay} backend ({@code mdlbridge.backend=replay:FILE}): never chosen by {@code auto}. Each backend it
 * creates serves the first session of FILE with the label it was opened for ({@code session}: the scenario's
 * description, or empty) that this JVM has not served yet; once all of them have been served, they are served
 * again from the first, so a recording can be replayed more than once in one run.
 */
public final class ReplayProvider implements BackendProvider {

    private static final Set<String> KNOWN = Set.of("file", "session");
    /** Per recording file: which sessions this JVM has served. */
    private static final Map<Path, boolean[]> SERVED = new HashMap<>();

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        return Availability.yes("serves the recording named by replay:FILE");
    }

    @Override
    public Backend create(BackendOptions options) {
        for (String key : options.settings().keySet()) {
            if (!KNOWN.contains(key)) {
                throw new BackendException("option '" + key + "' does not apply to a replay: the recording already "
                        + "holds every answer (leave it out)");
            }
        }
        String file = options.get("file").filter(f -> !f.isBlank()).orElseThrow(() -> new BackendException(
                "replay needs a recording: use replay:FILE"));
        Path path = Path.of(file).toAbsolutePath().normalize();
        Recording recording = Recording.read(path);
        String label = options.get("session").orElse("");
        return new ReplayBackend(recording, take(recording, label));
    }

    private static synchronized Recording.Session take(Recording recording, String label) {
        boolean[] served = SERVED.computeIfAbsent(recording.file, f -> new boolean[recording.sessions.size()]);
        if (served.length != recording.sessions.size()) {
            served = new boolean[recording.sessions.size()]; // the file changed since: start over
            SERVED.put(recording.file, served);
        }
        for (int pass = 0; pass < 2; pass++) {
            for (Recording.Session s : recording.sessions) {
                if (s.label().equals(label) && !served[s.index()]) {
                    served[s.index()] = true;
                    return s;
                }
            }
            boolean any = false;
            for (Recording.Session s : recording.sessions) {
                if (s.label().equals(label)) {
                    served[s.index()] = false;
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        throw new NoRecordedSessionException("replay: " + recording.file + " has no session for "
                + (label.isEmpty() ? "an unlabelled run" : "'" + label + "'") + " (it holds "
                + recording.sessions.size() + ": " + labels(recording) + "); record this run first");
    }

    private static String labels(Recording r) {
        StringBuilder sb = new StringBuilder();
        for (Recording.Session s : r.sessions) {
            if (sb.length() > 300) {
                sb.append(", ...");
                break;
            }
            sb.append(sb.length() == 0 ? "" : ", ").append(s.label().isEmpty() ? "(unlabelled)" : "'" + s.label() + "'");
        }
        return sb.toString();
    }
}
