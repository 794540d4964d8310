package dev.mdlbridge.junit;

import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.spi.Availability;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BackendProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/** The one bridge of a test class, shared by the extension and the conditions through the class's store. */
final class Bridges {

    static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create("dev.mdlbridge.junit");

    private Bridges() {
    }

    /**
     * The bridge of the test class {@code context} belongs to, opened on first use. It lives in the class-level
     * store as an {@link AutoCloseable}, so JUnit closes it (ReleaseAll, CloseHandle) when the class is done, even
     * when a test failed.
     */
    static MdlBridge of(ExtensionContext context) {
        ExtensionContext classContext = context;
        while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
            classContext = classContext.getParent().get();
        }
        ExtensionContext owner = classContext;
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(Holder.class, k -> new Holder(open(owner)), Holder.class)
                .bridge;
    }

    /** The policy: the JUnit configuration parameter first, so a build can pin it per test task. */
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

    private static MdlBridge open(ExtensionContext context) {
        String policy = policy(context);
        // The session is labelled with the class, so a replay serves each class its own calls whatever order the
        // classes run in.
        java.util.Map<String, String> settings = new java.util.HashMap<>();
        settings.put("session", context.getRequiredTestClass().getName());
        context.getConfigurationParameter(RECORD).or(() -> java.util.Optional.ofNullable(System.getProperty(RECORD)))
                .map(String::trim).filter(s -> !s.isEmpty()).ifPresent(f -> settings.put("record", f));
        try {
            return MdlBridge.open(policy, new BackendOptions(settings));
        } catch (BackendException e) {
            // Fail, never skip: a lab run pinned to the driver must not pass on nothing. Every provider's reason is
            // listed so the user sees why each backend could not be used.
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

    /** Store value: JUnit closes AutoCloseable store values when their context ends. */
    static final class Holder implements AutoCloseable {
        final MdlBridge bridge;

        Holder(MdlBridge bridge) {
            this.bridge = bridge;
        }

        @Override
        public void close() {
            bridge.close();
        }
    }
}
