package dev.mdlbridge.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Settings for a backend. Known keys: {@code profile} (simulator: win10-x64, win7-x64, nt52-x64), {@code seed},
 * {@code verifier}, {@code trackLockedPages}, {@code unchecked}, {@code poolFailAfter},
 * {@code systemPtesAvailable}, {@code lockCountLimit}, {@code physicalMemory}, {@code file} (replay); and those the
 * selector keeps for itself: {@code record} (a file to record to: claimed by the record decorator of
 * {@code mdlbridge-scenario}, see {@link BackendDecorator}) and {@code session} (the recording's label).
 * A backend rejects keys that make no sense for it with an exception naming the key (the driver a
 * {@code BackendException}, so that {@code auto} moves on to the simulator).
 *
 * @param settings the options by key, values as text
 */
public record BackendOptions(Map<String, String> settings) {

    /**
     * Takes an unmodifiable copy of the settings.
     *
     * @param settings the options by key, values as text
     */
    public BackendOptions {
        settings = Map.copyOf(settings);
    }

    /**
     * No settings: every backend's defaults.
     *
     * @return empty options
     */
    public static BackendOptions none() {
        return new BackendOptions(Map.of());
    }

    /**
     * One setting.
     *
     * @param key the option's key, e.g. {@code profile}
     * @return its value, or empty when it was not set
     */
    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }
}
