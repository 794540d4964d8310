package dev.mdlbridge.spi;

import java.util.Map;
import java.util.Optional;

/**
 * Settings for a backend. Known keys: {@code profile} (simulator: win10-x64, win7-x64, nt52-x64), {@code seed},
 * {@code verifier}, {@code trackLockedPages}, {@code unchecked}, {@code poolFailAfter},
 * {@code systemPtesAvailable}, {@code lockCountLimit}, {@code physicalMemory}, {@code file} (replay).
 * A backend rejects keys that make no sense for it with an {@link IllegalArgumentException} naming the key.
 */
public record BackendOptions(Map<String, String> settings) {

    public BackendOptions {
        settings = Map.copyOf(settings);
    }

    public static BackendOptions none() {
        return new BackendOptions(Map.of());
    }

    public Optional<String> get(String key) {
        return Optional.ofNullable(settings.get(key));
    }
}
