package dev.mdlbridge.simulator;

import dev.mdlbridge.simulator.kernel.KernelConfig;
import dev.mdlbridge.simulator.kernel.Profile;
import dev.mdlbridge.simulator.kernel.Profiles;
import dev.mdlbridge.spi.BackendOptions;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The backend options the simulator understands, turned into a kernel configuration and driver flags. */
record SimulatorSettings(KernelConfig kernel, boolean unchecked, java.util.Set<dev.mdlbridge.simulator.driver.SafetyRefusal> removed,
                         Map<String, Long> limits) {

    SimulatorSettings(KernelConfig kernel, boolean unchecked) {
        this(kernel, unchecked, java.util.Set.of(), Map.of());
    }

    SimulatorSettings withRemoved(java.util.Set<dev.mdlbridge.simulator.driver.SafetyRefusal> r) {
        return new SimulatorSettings(kernel, unchecked, java.util.Set.copyOf(r), limits);
    }

    /** The simulator's own settings, then the administrator limits (Protocol.LIMIT_NAMES), as SimulatorOptions.KEYS. */
    static final List<String> KEYS = java.util.stream.Stream.concat(java.util.stream.Stream.of("profile", "seed",
            "verifier", "trackLockedPages", "unchecked", "poolFailAfter", "systemPtesAvailable", "lockCountLimit",
            "physicalMemory"), dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.stream()).toList();

    static SimulatorSettings parse(BackendOptions options) {
        KernelConfig c = KernelConfig.defaults();
        boolean unchecked = false;
        Map<String, Long> limits = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> e : options.settings().entrySet()) {
            String key = e.getKey();
            String v = e.getValue().trim();
            if (dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.contains(key)) {
                // As the registry holds it: any value is taken, the driver clamps it (AdminLimits).
                limits.put(key, limit(key, v));
                continue;
            }
            switch (key) {
                case "profile" -> c = c.withProfile(profile(v));
                case "seed" -> c = c.withSeed(number(key, v));
                case "verifier" -> c = c.withPolicies(bool(key, v), c.trackLockedPages());
                case "trackLockedPages" -> c = c.withPolicies(c.verifier(), bool(key, v));
                case "unchecked" -> unchecked = bool(key, v);
                case "poolFailAfter" -> c = c.withFaults(number(key, v), c.systemPtesAvailable(), c.lockCountLimit());
                case "systemPtesAvailable" -> c = c.withFaults(c.poolFailAfter(), number(key, v), c.lockCountLimit());
                case "lockCountLimit" -> c = c.withFaults(c.poolFailAfter(), c.systemPtesAvailable(), number(key, v));
                case "physicalMemory" -> c = c.withPhysicalMemory(bytes(key, v), c.fragmentation());
                default -> throw new IllegalArgumentException("the simulator has no option '" + key
                        + "'; it knows " + String.join(", ", KEYS));
            }
        }
        return new SimulatorSettings(c, unchecked, java.util.Set.of(), Map.copyOf(limits));
    }

    /**
     * An administrator limit: a count or a byte size (K, M, G, T suffixes), read as the unsigned REG_QWORD the
     * registry would hold (0 and values past the range are taken and clamped by the driver, as at load).
     */
    private static long limit(String key, String v) {
        String t = v.toLowerCase(Locale.ROOT).replace("_", "");
        try {
            if (t.matches("[0-9]+")) {
                return Long.parseUnsignedLong(t);
            }
            if (t.matches("0x[0-9a-f]+")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("option '" + key + "' does not fit 64 bits: '" + v + "'");
        }
        return bytes(key, v);
    }

    static Profile profile(String name) {
        return Profiles.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown profile '" + name
                + "': use one of " + Profiles.ALL.stream().map(Profile::name).toList()));
    }

    private static boolean bool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("option '" + key + "' takes true or false, not '" + v + "'");
        };
    }

    private static long number(String key, String v) {
        try {
            String t = v.toLowerCase(Locale.ROOT).replace("_", "");
            if (t.startsWith("0x")) {
                return Long.parseUnsignedLong(t.substring(2), 16);
            }
            return Long.parseLong(t);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("option '" + key + "' takes a number (decimal or 0x hex), not '"
                    + v + "'");
        }
    }

    /** A byte count with an optional K, M, G or T suffix (binary units: 16G = 16 GiB). */
    private static long bytes(String key, String v) {
        String t = v.trim().toUpperCase(Locale.ROOT);
        int shift = 0;
        if (!t.startsWith("0X")) {
            if (t.endsWith("IB")) {
                t = t.substring(0, t.length() - 2);
            } else if (t.endsWith("B")) {
                t = t.substring(0, t.length() - 1);
            }
            t = t.trim();
            if (!t.isEmpty() && "KMGT".indexOf(t.charAt(t.length() - 1)) >= 0) {
                shift = 10 * ("KMGT".indexOf(t.charAt(t.length() - 1)) + 1);
                t = t.substring(0, t.length() - 1).trim();
            }
        }
        long n = number(key, t);
        if (n <= 0 || (shift > 0 && n > (Long.MAX_VALUE >> shift))) {
            throw new IllegalArgumentException("option '" + key + "' must be a positive size, not '" + v + "'");
        }
        return n << shift;
    }
}
