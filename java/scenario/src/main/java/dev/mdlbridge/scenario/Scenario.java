package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * A parsed and validated scenario (CONTRACT.md section 9). Steps stay JSON objects: the runner reads each field
 * with the same helpers the validator used, so a field that validated is a field that runs.
 *
 * @param description the free text of {@code scenario}
 * @param profile     the profile the scenario asked for (default win10-x64)
 * @param policy      simulator policy (verifier, trackLockedPages), empty when not given
 * @param faults      simulator faults (poolFailAfter, systemPtesAvailable, lockCountLimit), empty when not given
 * @param unchecked   whether the simulated driver skips its refusals
 * @param limits      administrator limits by their {@code Protocol.LIMIT_NAMES} name (simulator only), empty when not
 *                    given
 * @param simulatorOnly whether the scenario uses anything only the simulator can do (policy, faults, unchecked,
 *                    limits, ProcessExit, PageOut, DuplicateHandle)
 * @param steps       the steps, in order
 */
public record Scenario(String description, String profile, Map<String, Long> policy, Map<String, Long> faults,
                       boolean unchecked, Map<String, Long> limits, boolean simulatorOnly, List<JsonNode> steps) {

    public Scenario {
        policy = Map.copyOf(policy);
        faults = Map.copyOf(faults);
        limits = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(limits));
        steps = List.copyOf(steps);
    }

    /** A scenario without administrator limits. */
    public Scenario(String description, String profile, Map<String, Long> policy, Map<String, Long> faults,
                    boolean unchecked, boolean simulatorOnly, List<JsonNode> steps) {
        this(description, profile, policy, faults, unchecked, Map.of(), simulatorOnly, steps);
    }
}
