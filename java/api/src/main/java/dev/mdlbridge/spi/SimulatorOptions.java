package dev.mdlbridge.spi;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The simulator's options, typed: a small builder that produces the {@link BackendOptions} the simulator backend
 * reads, so callers need not know the string keys. Only what was set is in the result; everything else keeps the
 * simulator's default (a Windows 10 x64 free build, 16 GiB, no Driver Verifier, no injected faults).
 *
 * <pre>{@code
 * MdlBridge bridge = MdlBridge.open("simulator", SimulatorOptions.builder().profile("win7-x64").verifier(true).build());
 * }</pre>
 *
 * <p>The driver backend takes none of these keys: it rejects them with a {@link BackendException} (so under
 * {@code auto} a bridge opened with simulator options uses the simulator).
 */
public final class SimulatorOptions {

    /** Version profile: {@code win10-x64} (default), {@code win7-x64} or {@code nt52-x64}. */
    public static final String PROFILE = "profile";
    /** Seed of the physical frame assignment (a number). */
    public static final String SEED = "seed";
    /** Driver Verifier with I/O verification and DDI compliance checks (0xC4 bug checks); true or false. */
    public static final String VERIFIER = "verifier";
    /** TrackLockedPages (0xCB / 0x76 bug checks at process exit); true or false. */
    public static final String TRACK_LOCKED_PAGES = "trackLockedPages";
    /** The simulated driver without its safety refusals, to show what Windows does; true or false. */
    public static final String UNCHECKED = "unchecked";
    /** Nonpaged-pool allocations that succeed before every later one fails (a number). */
    public static final String POOL_FAIL_AFTER = "poolFailAfter";
    /** System PTEs available for kernel-mode mappings (a number). */
    public static final String SYSTEM_PTES_AVAILABLE = "systemPtesAvailable";
    /** The highest lock count a physical page may reach (a number). */
    public static final String LOCK_COUNT_LIMIT = "lockCountLimit";
    /** Simulated RAM: bytes, or a size with a K, M, G or T suffix (binary units). */
    public static final String PHYSICAL_MEMORY = "physicalMemory";

    /** Every key the simulator accepts, in this order: the settings above, then the administrator limits
     *  ({@link dev.mdlbridge.protocol.Protocol#LIMIT_NAMES}, the names the driver reads from its Parameters key). */
    public static final List<String> KEYS = concat(List.of(PROFILE, SEED, VERIFIER, TRACK_LOCKED_PAGES, UNCHECKED,
            POOL_FAIL_AFTER, SYSTEM_PTES_AVAILABLE, LOCK_COUNT_LIMIT, PHYSICAL_MEMORY),
            dev.mdlbridge.protocol.Protocol.LIMIT_NAMES);

    private static List<String> concat(List<String> a, List<String> b) {
        java.util.ArrayList<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    private final Map<String, String> settings = new LinkedHashMap<>();

    private SimulatorOptions() {
    }

    /**
     * An empty set of options: the simulator's defaults.
     *
     * @return a new builder
     */
    public static SimulatorOptions builder() {
        return new SimulatorOptions();
    }

    /**
     * Sets the Windows version the machine simulates.
     *
     * @param name {@code win10-x64}, {@code win7-x64} or {@code nt52-x64}; surrounding blanks are dropped
     * @return this builder
     * @throws IllegalArgumentException when {@code name} is blank
     */
    public SimulatorOptions profile(String name) {
        Objects.requireNonNull(name, "profile");
        if (name.isBlank()) {
            throw new IllegalArgumentException("profile must not be blank");
        }
        return set(PROFILE, name.trim());
    }

    /**
     * Sets the seed of the physical frame assignment, so PFNs repeat from run to run.
     *
     * @param seed any number
     * @return this builder
     */
    public SimulatorOptions seed(long seed) {
        return set(SEED, Long.toString(seed));
    }

    /**
     * Turns Driver Verifier (I/O verification, DDI compliance checking, 0xC4 bug checks) on or off.
     *
     * @param on true to verify
     * @return this builder
     */
    public SimulatorOptions verifier(boolean on) {
        return set(VERIFIER, Boolean.toString(on));
    }

    /**
     * Turns TrackLockedPages (0xCB / 0x76 bug checks when a process exits with pages locked) on or off.
     *
     * @param on true to track
     * @return this builder
     */
    public SimulatorOptions trackLockedPages(boolean on) {
        return set(TRACK_LOCKED_PAGES, Boolean.toString(on));
    }

    /**
     * Removes or keeps the simulated driver's safety refusals, to show what Windows itself does.
     *
     * @param on true to remove the refusals
     * @return this builder
     */
    public SimulatorOptions unchecked(boolean on) {
        return set(UNCHECKED, Boolean.toString(on));
    }

    /**
     * Lets {@code count} nonpaged-pool allocations succeed, then fails every later one (the DDI returns NULL).
     *
     * @param count allocations that still succeed, 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is negative
     */
    public SimulatorOptions poolFailAfter(long count) {
        return set(POOL_FAIL_AFTER, Long.toString(nonNegative(POOL_FAIL_AFTER, count)));
    }

    /**
     * Limits the system PTEs available for kernel-mode mappings (a mapping past them returns NULL).
     *
     * @param count PTEs, 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code count} is negative
     */
    public SimulatorOptions systemPtesAvailable(long count) {
        return set(SYSTEM_PTES_AVAILABLE, Long.toString(nonNegative(SYSTEM_PTES_AVAILABLE, count)));
    }

    /**
     * Limits the lock count of a physical page (further locks of it fail).
     *
     * @param limit the highest count, 0 or more
     * @return this builder
     * @throws IllegalArgumentException when {@code limit} is negative
     */
    public SimulatorOptions lockCountLimit(long limit) {
        return set(LOCK_COUNT_LIMIT, Long.toString(nonNegative(LOCK_COUNT_LIMIT, limit)));
    }

    /**
     * Sets the simulated RAM in bytes.
     *
     * @param bytes physical memory, more than 0
     * @return this builder
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public SimulatorOptions physicalMemory(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("physicalMemory must be positive, not " + bytes);
        }
        return set(PHYSICAL_MEMORY, Long.toString(bytes));
    }

    /**
     * Sets the simulated RAM as a size with an optional K, M, G or T suffix ({@code "4G"}).
     *
     * @param size the size in binary units; the simulator checks it when the backend is created
     * @return this builder
     */
    public SimulatorOptions physicalMemory(String size) {
        Objects.requireNonNull(size, "physicalMemory");
        return set(PHYSICAL_MEMORY, size.trim());
    }

    /**
     * Sets an administrator limit, as the driver's {@code Parameters} key would (CONTRACT.md section 4): the
     * simulated driver clamps it to the same range and reports it in {@code Info}.
     *
     * @param name  one of {@link dev.mdlbridge.protocol.Protocol#LIMIT_NAMES}, e.g. {@code maxPageAllocationBytes}
     * @param value the limit (bytes, objects or handles), 0 or more
     * @return this builder
     * @throws IllegalArgumentException for an unknown name or a negative value
     */
    public SimulatorOptions limit(String name, long value) {
        if (!dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.contains(name)) {
            throw new IllegalArgumentException("there is no limit '" + name + "'; the limits are "
                    + String.join(", ", dev.mdlbridge.protocol.Protocol.LIMIT_NAMES));
        }
        return set(name, Long.toString(nonNegative(name, value)));
    }

    /**
     * Sets one option by its key (one of {@link #KEYS}), as a configuration file would; the simulator checks the
     * value when the backend is created.
     *
     * @param key   one of {@link #KEYS}
     * @param value the value as text
     * @return this builder
     * @throws IllegalArgumentException for a key the simulator does not know
     */
    public SimulatorOptions set(String key, String value) {
        if (!KEYS.contains(key)) {
            throw new IllegalArgumentException("the simulator has no option '" + key + "'; it knows "
                    + String.join(", ", KEYS));
        }
        settings.put(key, Objects.requireNonNull(value, key));
        return this;
    }

    /**
     * The options set so far.
     *
     * @return an unmodifiable copy, by key
     */
    public Map<String, String> settings() {
        return Map.copyOf(settings);
    }

    /**
     * The options as {@link BackendOptions}.
     *
     * @return the options to open the simulator with
     */
    public BackendOptions build() {
        return new BackendOptions(settings);
    }

    /**
     * {@code base} with these options added (these win where both set a key).
     *
     * @param base options set elsewhere, e.g. a recording file
     * @return the combined options
     */
    public BackendOptions addTo(BackendOptions base) {
        Map<String, String> all = new LinkedHashMap<>(base.settings());
        all.putAll(settings);
        return new BackendOptions(all);
    }

    private static long nonNegative(String key, long n) {
        if (n < 0) {
            throw new IllegalArgumentException(key + " must not be negative, not " + n);
        }
        return n;
    }
}
