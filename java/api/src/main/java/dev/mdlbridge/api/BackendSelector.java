package dev.mdlbridge.api;

import dev.mdlbridge.record.RecordingBackend;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Chooses a backend from a policy: {@code auto} (the available provider with the highest priority: the driver on
 * Windows when the device opens, else the simulator), {@code driver}, {@code simulator}, or {@code replay:FILE}.
 * A named backend that is unavailable is an error that says why, never a silent fallback.
 */
public final class BackendSelector {

    public static final String PROPERTY = "mdlbridge.backend";
    public static final String ENVIRONMENT = "MDLBRIDGE_BACKEND";

    private final List<BackendProvider> providers;

    public BackendSelector(List<BackendProvider> providers) {
        this.providers = List.copyOf(providers);
    }

    /** The providers on the class path (META-INF/services/dev.mdlbridge.spi.BackendProvider). */
    public static BackendSelector fromClassPath() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, BackendSelector.class.getClassLoader()).forEach(found::add);
        return new BackendSelector(found);
    }

    public List<BackendProvider> providers() {
        return providers;
    }

    /** The policy from the system property, else the environment, else {@code auto}. */
    public static String configuredPolicy() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENVIRONMENT);
        }
        return p == null || p.isBlank() ? "auto" : p.trim();
    }

    /**
     * The backend for {@code policy}. Two settings are the selector's own: {@code record} (a file: the chosen
     * backend is wrapped in a {@link RecordingBackend} that appends a session to it) and {@code session} (the
     * label of that session, and under {@code replay:} the session to serve); no other provider sees them.
     */
    public BackendSelection select(String policy, BackendOptions options) {
        Map<String, String> settings = new HashMap<>(options.settings());
        String record = settings.remove("record");
        String session = settings.remove("session");
        BackendSelection chosen = choose(policy, settings, session);
        if (record == null || record.isBlank()) {
            return chosen;
        }
        try {
            return new BackendSelection(chosen.policy(), new RecordingBackend(chosen.backend(), Path.of(record),
                    session == null ? "" : session), chosen.reason(), chosen.notUsed());
        } catch (RuntimeException e) {
            chosen.backend().close();
            throw e;
        }
    }

    private BackendSelection choose(String policy, Map<String, String> settings, String session) {
        String name = policy;
        if (policy.startsWith("replay:")) {
            name = "replay";
            settings.put("file", policy.substring("replay:".length()));
            if (session != null) {
                settings.put("session", session);
            }
        }
        BackendOptions effective = new BackendOptions(settings);
        if (name.equals("auto")) {
            return auto(effective);
        }
        String wanted = name;
        BackendProvider provider = providers.stream().filter(p -> p.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new BackendException("unknown backend '" + wanted + "' in " + PROPERTY + "/"
                        + ENVIRONMENT + ": use auto, " + String.join(", ", names()) + " or replay:FILE"));
        Availability a = provider.availability();
        if (!a.available()) {
            throw new BackendException("backend '" + wanted + "' was requested but is not available: " + a.reason());
        }
        return new BackendSelection(policy, provider.create(effective), a.reason(), List.of());
    }

    private BackendSelection auto(BackendOptions options) {
        List<String> notUsed = new ArrayList<>();
        List<BackendProvider> ordered = providers.stream().filter(p -> !p.name().equals("replay"))
                .sorted(Comparator.comparingInt(BackendProvider::priority).reversed()).toList();
        for (BackendProvider p : ordered) {
            Availability a = p.availability();
            if (!a.available()) {
                notUsed.add(p.name() + ": " + a.reason());
                continue;
            }
            try {
                return new BackendSelection("auto", p.create(options), a.reason(), List.copyOf(notUsed));
            } catch (BackendException e) {
                notUsed.add(p.name() + ": " + e.getMessage());
            }
        }
        throw new BackendException("no backend is available: " + (notUsed.isEmpty()
                ? "no provider on the class path (add mdlbridge-simulator or mdlbridge-windows)"
                : String.join("; ", notUsed)));
    }

    private List<String> names() {
        return providers.stream().map(BackendProvider::name).filter(n -> !n.equals("replay")).toList();
    }
}
