package dev.mdlbridge.cli.explore;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * How one sequence's simulated machine is set up: its profile (a scenario's {@code profile}) and the simulator faults
 * it runs under (a scenario's {@code faults}). Most sequences run on the default profile without faults.
 */
record MachineSetup(String profile, Map<String, Long> faults) {

    /** The scenario language's default profile. */
    static final String DEFAULT_PROFILE = "win10-x64";

    static final MachineSetup NONE = new MachineSetup(DEFAULT_PROFILE, Map.of());

    /**
     * Profiles before Windows 8 have no MdlMappingNoWrite, so the driver cannot verify that a read-only user mapping
     * is read-only and refuses those (MDLB_REFUSE_USER_MAPPING_WRITABLE): only reachable there.
     */
    static final List<String> OLDER_PROFILES = List.of("win7-x64", "nt52-x64");

    MachineSetup {
        faults = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(faults));
    }

    /** One sequence in eight runs on an older profile; one in five runs short of pool, system PTEs or lock counts. */
    static MachineSetup pick(SplittableRandom random) {
        String profile = random.nextInt(8) == 0 ? OLDER_PROFILES.get(random.nextInt(OLDER_PROFILES.size()))
                : DEFAULT_PROFILE;
        Map<String, Long> m = new LinkedHashMap<>();
        switch (random.nextInt(15)) {
            case 0 -> m.put("poolFailAfter", (long) random.nextInt(40));
            case 1 -> m.put("systemPtesAvailable", (long) random.nextInt(8));
            case 2 -> m.put("lockCountLimit", 1L + random.nextInt(2));
            default -> {
            }
        }
        return new MachineSetup(profile, m);
    }

    MachineSetup withoutFaults() {
        return new MachineSetup(profile, Map.of());
    }

    /** Whether the profile knows MdlMappingNoExecute / MdlMappingNoWrite (Windows 8 and later). */
    boolean mappingModifiers() {
        return !OLDER_PROFILES.contains(profile);
    }

    boolean defaultProfile() {
        return profile.equals(DEFAULT_PROFILE);
    }
}
