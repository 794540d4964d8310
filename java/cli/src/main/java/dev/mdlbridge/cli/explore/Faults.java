package dev.mdlbridge.cli.explore;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** The simulator faults one sequence runs under (a scenario's {@code faults}); empty for most sequences. */
record Faults(Map<String, Long> values) {

    static final Faults NONE = new Faults(Map.of());

    Faults {
        values = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    /** One sequence in five runs short of pool, system PTEs or lock counts. */
    static Faults pick(SplittableRandom random) {
        Map<String, Long> m = new LinkedHashMap<>();
        switch (random.nextInt(15)) {
            case 0 -> m.put("poolFailAfter", (long) random.nextInt(40));
            case 1 -> m.put("systemPtesAvailable", (long) random.nextInt(8));
            case 2 -> m.put("lockCountLimit", 1L + random.nextInt(2));
            default -> {
            }
        }
        return new Faults(m);
    }
}
