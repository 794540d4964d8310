package dev.mdlbridge.api;

import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendDecorator;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Chooses a backend from a policy: {@code auto} (the available provider with the highest priority: the driver on
 * Windows when the device opens, else the simulator), {@code driver}, {@code simulator}, or {@code replay:FILE}.
 * A named backend that is unavailable is an error that says why, never a silent fallback. Decorators
 * ({@link BackendDecorator}) wrap the chosen backend when the option they claim is set ({@code record}).
 */
public final class BackendSelector {

    /**
     * The system property that names the policy.
     */
    public static final String PROPERTY = "mdlbridge.backend";
    /**
     * The environment variable that names the policy when the property is not set.
     */
    public static final String ENVIRONMENT = "MDLBRIDGE_BACKEND";
    /**
     * The artifact that holds the {@code replay} backend and the {@code record} decorator (and scenarios).
     */
    public static final String SCENARIO_ARTIFACT = "dev.mdlbridge:mdlbridge-scenario";

    private final List<BackendProvider> providers;
    private final List<BackendDecorator> decorators;

    /**
     * A selector over these providers, without decorators.
     *
     * @param providers the backends to choose from
     */
    public BackendSelector(List<BackendProvider> providers) {
        this(providers, List.of());
    }

    /**
     * A selector over these providers and decorators.
     *
     * @param providers  the backends to choose from
     * @param decorators what may wrap the chosen backend
     */
    public BackendSelector(List<BackendProvider> providers, List<BackendDecorator> decorators) {
        this.providers = List.copyOf(providers);
        this.decorators = List.copyOf(decorators);
    }

    /**
     * The providers and decorators on the class path ({@code META-INF/services/dev.mdlbridge.spi.BackendProvider}
     * and {@code ...BackendDecorator}).
     *
     * @return the selector
     */
    public static BackendSelector fromClassPath() {
        ClassLoader loader = BackendSelector.class.getClassLoader();
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, loader).forEach(found::add);
        List<BackendDecorator> wrappers = new ArrayList<>();
        ServiceLoader.load(BackendDecorator.class, loader).forEach(wrappers::add);
        return new BackendSelector(found, wrappers);
    }

    /**
     * The providers this selector chooses from.
     *
     * @return the providers
     */
    public List<BackendProvider> providers() {
        return providers;
    }

    /**
     * The policy from the system property, else the environment, else {@code auto}.
     *
     * @return the policy
     */
    public static String configuredPolicy() {
        String p = System.getProperty(PROPERTY);
        if (p == null || p.isBlank()) {
            p = System.getenv(ENVIRONMENT);
        }
        return p == null || p.isBlank() ? "auto" : p.trim();
    }

    /**
     * The decorators that may wrap the chosen backend.
     *
     * @return the decorators
     */
    public List<BackendDecorator> decorators() {
        return decorators;
    }

    /**
     * The backend for {@code policy}. Some settings are the selector's own: {@code record} and any other option a
     * {@link BackendDecorator} claims (the chosen backend is wrapped by that decorator: {@code record=FILE}
     * appends a session to FILE) and {@code session} (the label of that session, and under {@code replay:} the
     * session to serve); no provider sees them. {@code record} or {@code replay:} without
     * {@value #SCENARIO_ARTIFACT} on the class path is an error naming that artifact.
     *
     * @param policy  {@code auto}, {@code driver}, {@code simulator} or {@code replay:FILE}
     * @param options backend settings, with the selector's own ({@code record}, {@code session})
     * @return the chosen backend, decorated, and why
     * @throws BackendException when the policy cannot be satisfied (the message says why)
     */
    public BackendSelection select(String policy, BackendOptions options) {
        Map<String, String> settings = new HashMap<>(options.settings());
        String session = settings.remove("session");
        Map<BackendDecorator, String> wanted = new LinkedHashMap<>();
        for (BackendDecorator d : decorators) {
            String value = settings.remove(d.option());
            if (value != null && !value.isBlank()) {
                wanted.put(d, value);
            }
        }
        String record = settings.remove("record"); // still here: no decorator claimed it
        if (record != null && !record.isBlank()) {
            throw new BackendException("record=" + record + " needs the recorder, which is not on the class path: "
                    + "add " + SCENARIO_ARTIFACT);
        }
        BackendSelection chosen = choose(policy, settings, session);
        Backend backend = chosen.backend();
        for (Map.Entry<BackendDecorator, String> e : wanted.entrySet()) {
            try {
                backend = e.getKey().decorate(backend, e.getValue(), session == null ? "" : session);
            } catch (RuntimeException x) {
                backend.close();
                throw x;
            }
        }
        return backend == chosen.backend() ? chosen
                : new BackendSelection(chosen.policy(), backend, chosen.reason(), chosen.notUsed());
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
        Optional<BackendProvider> found = providers.stream().filter(p -> p.name().equals(wanted)).findFirst();
        if (found.isEmpty() && wanted.equals("replay")) {
            throw new BackendException("replay:FILE needs the replay backend, which is not on the class path: add "
                    + SCENARIO_ARTIFACT);
        }
        BackendProvider provider = found.orElseThrow(() -> new BackendException("unknown backend '" + wanted
                + "' in " + PROPERTY + "/" + ENVIRONMENT + ": use auto, " + String.join(", ", names())
                + " or replay:FILE"));
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
