package dev.mdlbridge.junit;

import dev.mdlbridge.api.BackendSelection;
import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.SimulatorOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/** The one bridge of a test class, shared by the extension and the conditions through the class's store. */
final class Bridges {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("dev.mdlbridge.junit");

    /** Prefix of the configuration parameters that set simulator options: {@code mdlbridge.simulator.seed=7}. */
    static final String SIMULATOR_PREFIX = "mdlbridge.simulator.";

    /** For tests: told about every class bridge the extension closes, after it closed it. */
    static volatile Consumer<MdlBridge> closedListener;

    private Bridges() {
    }

    /** The bridge of the test class {@code context} belongs to, opened on first use. */
    static MdlBridge of(ExtensionContext context) {
        return holder(context).bridge;
    }

    /**
     * The holder of the class's bridge, opened on first use. It lives in the class-level store, so JUnit closes
     * it (ReleaseAll, CloseHandle) when the class is done, even when a test failed.
     */
    static Holder holder(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        ExtensionContext owner = classContext;
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(Holder.class, k -> open(owner), Holder.class);
    }

    /**
     * The policy: the JUnit configuration parameter (which JUnit takes from the launcher's parameters, else a
     * system property, else {@code junit-platform.properties}), else {@code MDLBRIDGE_BACKEND}, else auto.
     */
    static String policy(ExtensionContext context) {
        return context.getConfigurationParameter(BackendSelector.PROPERTY).map(String::trim).filter(s -> !s.isEmpty())
                .orElseGet(BackendSelector::configuredPolicy);
    }

    /**
     * {@code mdlbridge.record}: a file every test class's calls are recorded to, one session per class. The recorder
     * (and the {@code replay:FILE} backend) is in {@code mdlbridge-scenario}, which the harness adds; without it the
     * selector's error says so.
     */
    static final String RECORD = "mdlbridge.record";

    /**
     * The simulator options for the class: each {@code mdlbridge.simulator.KEY} configuration parameter, then
     * every attribute of the class's {@link MdlBridgeTest} that is not at its default (the annotation wins).
     */
    static Map<String, String> simulatorSettings(ExtensionContext context) {
        SimulatorOptions options = SimulatorOptions.builder();
        for (String key : SimulatorOptions.KEYS) {
            context.getConfigurationParameter(SIMULATOR_PREFIX + key).map(String::trim).filter(s -> !s.isEmpty())
                    .ifPresent(v -> options.set(key, DeclaredSettings.normalized(key, v)));
        }
        Optional<MdlBridgeTest> a = context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, MdlBridgeTest.class));
        if (a.isPresent()) {
            MdlBridgeTest t = a.get();
            if (!t.profile().isBlank()) {
                options.profile(t.profile());
            }
            if (t.seed() >= 0) {
                options.seed(t.seed());
            }
            if (t.verifier()) {
                options.verifier(true);
            }
            if (t.trackLockedPages()) {
                options.trackLockedPages(true);
            }
            if (t.unchecked()) {
                options.unchecked(true);
            }
            if (t.poolFailAfter() >= 0) {
                options.poolFailAfter(t.poolFailAfter());
            }
            if (t.systemPtesAvailable() >= 0) {
                options.systemPtesAvailable(t.systemPtesAvailable());
            }
            if (t.lockCountLimit() >= 0) {
                options.lockCountLimit(t.lockCountLimit());
            }
            if (!t.physicalMemory().isBlank()) {
                options.physicalMemory(t.physicalMemory());
            }
            DeclaredSettings.apply(t.limits(), t.settings(), options, attributesSet(t));
        }
        return options.settings();
    }

    /** The keys the typed attributes of {@code t} set, which its {@code settings} may not set again. */
    private static java.util.Set<String> attributesSet(MdlBridgeTest t) {
        java.util.Set<String> keys = new java.util.HashSet<>();
        if (!t.profile().isBlank()) {
            keys.add(SimulatorOptions.PROFILE);
        }
        if (t.seed() >= 0) {
            keys.add(SimulatorOptions.SEED);
        }
        if (t.verifier()) {
            keys.add(SimulatorOptions.VERIFIER);
        }
        if (t.trackLockedPages()) {
            keys.add(SimulatorOptions.TRACK_LOCKED_PAGES);
        }
        if (t.unchecked()) {
            keys.add(SimulatorOptions.UNCHECKED);
        }
        if (t.poolFailAfter() >= 0) {
            keys.add(SimulatorOptions.POOL_FAIL_AFTER);
        }
        if (t.systemPtesAvailable() >= 0) {
            keys.add(SimulatorOptions.SYSTEM_PTES_AVAILABLE);
        }
        if (t.lockCountLimit() >= 0) {
            keys.add(SimulatorOptions.LOCK_COUNT_LIMIT);
        }
        if (!t.physicalMemory().isBlank()) {
            keys.add(SimulatorOptions.PHYSICAL_MEMORY);
        }
        return keys;
    }

    private static Holder open(ExtensionContext context) {
        String policy = policy(context);
        Map<String, String> settings;
        try {
            settings = new HashMap<>(simulatorSettings(context));
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("mdlbridge simulator options: " + e.getMessage(), e);
        }
        // The session is labelled with the class, so a replay serves each class its own calls whatever order the
        // classes run in.
        settings.put("session", context.getRequiredTestClass().getName());
        context.getConfigurationParameter(RECORD).or(() -> java.util.Optional.ofNullable(System.getProperty(RECORD)))
                .map(String::trim).filter(s -> !s.isEmpty()).ifPresent(f -> settings.put("record", f));
        BackendSelection chosen;
        try {
            // What MdlBridge.open(policy, options) selects, recording included.
            chosen = BackendSelector.fromClassPath().select(policy, new BackendOptions(settings));
        } catch (BackendException | IllegalArgumentException e) {
            // Fail, never skip: a lab run pinned to the driver must not pass on nothing. Every provider's reason is
            // listed so the user sees why each backend could not be used.
            throw new ExtensionConfigurationException("mdlbridge backend policy '" + policy + "' cannot be satisfied: "
                    + e.getMessage() + reasons(), e);
        }
        TrackedBackend tracked = new TrackedBackend(chosen.backend());
        BackendSelection selection = new BackendSelection(chosen.policy(), tracked, chosen.reason(), chosen.notUsed());
        try {
            // MdlBridge.open(selection) owns the tracked backend: it closes it when the handle cannot be opened
            return new Holder(MdlBridge.open(selection), tracked);
        } catch (BackendException e) {
            throw new ExtensionConfigurationException("mdlbridge backend policy '" + policy + "' cannot be satisfied: "
                    + e.getMessage() + reasons(), e);
        }
    }

    private static String reasons() {
        List<String> lines = new ArrayList<>();
        for (BackendProvider p : BackendSelector.fromClassPath().providers()) {
            Availability a;
            try {
                a = p.availability();
            } catch (RuntimeException e) {
                a = Availability.no(e.toString());
            }
            lines.add("\n  " + p.name() + ": " + (a.available() ? "available (" : "not used (") + a.reason() + ")");
        }
        return lines.isEmpty() ? "\n  (no backend provider on the class path)" : String.join("", lines);
    }

    /**
     * Store value that JUnit closes when the class's context ends. It is both an {@link AutoCloseable} (what JUnit
     * 5.13 and later close) and a {@link ExtensionContext.Store.CloseableResource} (what every JUnit 5 closes,
     * and 5.13+ closes only when it is not also an AutoCloseable, or when closing AutoCloseables is turned off), so
     * every JUnit from 5.10 on closes it exactly once; the close is idempotent all the same.
     */
    @SuppressWarnings("deprecation")
    static final class Holder implements AutoCloseable, ExtensionContext.Store.CloseableResource {
        final MdlBridge bridge;
        final TrackedBackend tracked;
        private final AtomicBoolean closed = new AtomicBoolean();

        Holder(MdlBridge bridge, TrackedBackend tracked) {
            this.bridge = bridge;
            this.tracked = tracked;
        }

        /**
         * ReleaseAll, CloseHandle and the backend's close. After a simulated bug check this is quiet: the machine
         * stopped, the bug check was reported by the call that raised it, and there is nothing left to release.
         */
        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                bridge.close();
            } catch (SimulatedBugCheckException e) {
                // already reported where it happened; the bridge closed its handle and its backend on the way out
            } finally {
                Consumer<MdlBridge> listener = closedListener;
                if (listener != null) {
                    listener.accept(bridge);
                }
            }
        }
    }
}
