package dev.mdlbridge.simulator;

import dev.mdlbridge.spi.BackendOptions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A simulated Windows machine with mdlbridge loaded, built in code (the jimfs style):
 * {@code SimulatedMachine.builder().profile("win7-x64").seed(42).verifier(true).build()}.
 * Every setting is the same as the {@code simulator} backend's options.
 */
public final class SimulatedMachine {

    private SimulatedMachine() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The default machine: Windows 10 x64, free build, no Driver Verifier. */
    public static SimulatorBackend create() {
        return builder().build();
    }

    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private final java.util.Set<dev.mdlbridge.simulator.driver.SafetyRefusal> removed =
                java.util.EnumSet.noneOf(dev.mdlbridge.simulator.driver.SafetyRefusal.class);

        private Builder set(String key, Object value) {
            settings.put(key, String.valueOf(value));
            return this;
        }

        /** win10-x64 (default), win7-x64 or nt52-x64. */
        public Builder profile(String name) {
            return set("profile", name);
        }

        public Builder seed(long seed) {
            return set("seed", seed);
        }

        public Builder verifier(boolean on) {
            return set("verifier", on);
        }

        public Builder trackLockedPages(boolean on) {
            return set("trackLockedPages", on);
        }

        /** The simulated driver does not refuse misuse (CONTRACT section 3): the kernel shows what Windows does. */
        public Builder unchecked(boolean on) {
            return set("unchecked", on);
        }

        public Builder poolFailAfter(long n) {
            return set("poolFailAfter", n);
        }

        public Builder systemPtesAvailable(long n) {
            return set("systemPtesAvailable", n);
        }

        public Builder lockCountLimit(long n) {
            return set("lockCountLimit", n);
        }

        public Builder physicalMemory(long bytes) {
            return set("physicalMemory", bytes);
        }

        /** An administrator limit ({@code Protocol.LIMIT_NAMES}), as the driver's Parameters key would set it:
         *  clamped to its range and to the RAM rule, as the C driver clamps it at load. */
        public Builder limit(String name, long value) {
            if (!dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.contains(name)) {
                throw new IllegalArgumentException("there is no limit '" + name + "'; the limits are "
                        + String.join(", ", dev.mdlbridge.protocol.Protocol.LIMIT_NAMES));
            }
            return set(name, Long.toUnsignedString(value));
        }

        public BackendOptions options() {
            return new BackendOptions(settings);
        }

        /**
         * For the explorer's mutation tests only: a machine whose simulated driver lacks one refusal, so a test can
         * show that {@code mdl explore} finds the hole it closes. Not reachable from backend options or the CLI.
         */
        public Builder withoutRefusalForTest(dev.mdlbridge.simulator.driver.SafetyRefusal refusal) {
            removed.add(refusal);
            return this;
        }

        public SimulatorBackend build() {
            return new SimulatorBackend(SimulatorSettings.parse(options()).withRemoved(removed));
        }
    }
}
