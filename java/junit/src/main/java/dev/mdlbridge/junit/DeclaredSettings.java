package dev.mdlbridge.junit;

import dev.mdlbridge.api.LimitSetting;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.SimulatorOptions;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code NAME=VALUE} attributes of {@link MdlBridgeTest} ({@code limits}, {@code settings}) as simulator options.
 * Limits are parsed here, so that a wrong name or value fails naming the attribute, and sizes reach the simulator
 * in bytes whichever way they were written.
 */
final class DeclaredSettings {

    private DeclaredSettings() {
    }

    /**
     * Adds the attributes' settings to {@code options}.
     *
     * @param limits   {@code NAME=VALUE} administrator limits
     * @param settings {@code KEY=VALUE} simulator settings
     * @param options  where they go
     * @param taken    keys an attribute already set, which these may not set again
     * @throws IllegalArgumentException naming the attribute and the entry that is wrong
     */
    static void apply(String[] limits, String[] settings, SimulatorOptions options, Set<String> taken) {
        Set<String> seen = new HashSet<>(taken);
        for (String entry : limits) {
            LimitSetting l;
            try {
                l = LimitSetting.parse(entry);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@MdlBridgeTest(limits): " + e.getMessage(), e);
            }
            once(seen, l.name(), "limits", entry);
            options.limit(l.name(), l.value());
        }
        for (String entry : settings) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("@MdlBridgeTest(settings): '" + entry + "' is not KEY=VALUE (for "
                        + "example physicalMemory=2G)");
            }
            String key = entry.substring(0, eq).trim();
            String value = entry.substring(eq + 1).trim();
            once(seen, key, "settings", entry);
            try {
                options.set(key, normalized(key, value));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("@MdlBridgeTest(settings): " + e.getMessage(), e);
            }
        }
    }

    /**
     * A setting's value as the simulator takes it: a limit's size in bytes ({@code 2G} becomes 2147483648),
     * anything else unchanged.
     *
     * @param key   a key of {@code SimulatorOptions.KEYS}
     * @param value its value as written
     * @return the value to pass on
     */
    static String normalized(String key, String value) {
        return Protocol.LIMIT_NAMES.contains(key) ? Long.toString(LimitSetting.parseValue(key, value)) : value;
    }

    private static void once(Set<String> seen, String key, String attribute, String entry) {
        if (!seen.add(key)) {
            throw new IllegalArgumentException("@MdlBridgeTest(" + attribute + "): '" + entry + "' sets " + key
                    + ", which another attribute or entry already sets");
        }
    }
}
