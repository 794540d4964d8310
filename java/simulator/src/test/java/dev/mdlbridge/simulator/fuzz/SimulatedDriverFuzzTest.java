package dev.mdlbridge.simulator.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The simulated driver fed seeded random and mutated requests ({@link RequestFuzzer}). The fast subset runs in
 * {@code ./mvnw verify}; the long run is the same test with more requests:
 * <pre>
 *   ./mvnw -pl java/simulator -am verify -Dtest=SimulatedDriverFuzzTest -Dsurefire.failIfNoSpecifiedTests=false \
 *       -Dmdlbridge.fuzz.requests=1000000 -Dmdlbridge.fuzz.seeds=1 -Dmdlbridge.fuzz.seed=20261122
 * </pre>
 * ({@code requests} per seed; {@code seeds} seeds from {@code seed} on). Each seed prints its counts and time.
 */
class SimulatedDriverFuzzTest {

    static final long REQUESTS = Long.getLong("mdlbridge.fuzz.requests", 6_000);
    static final int SEEDS = Integer.getInteger("mdlbridge.fuzz.seeds", 4);
    static final long FIRST_SEED = Long.getLong("mdlbridge.fuzz.seed", 1);

    static Stream<Arguments> seeds() {
        String[] profiles = {"win10-x64", "win7-x64", "nt52-x64"};
        return LongStream.range(FIRST_SEED, FIRST_SEED + SEEDS).mapToObj(s -> Arguments.of(s,
                profiles[(int) (s % profiles.length)], s % 2 == 0));
    }

    @ParameterizedTest(name = "seed {0}, {1}, verifier {2}")
    @MethodSource("seeds")
    void everyRequestGetsACleanAnswerAndNothingLeaks(long seed, String profile, boolean strict) {
        try (Sim sim = Sim.of("profile", profile, "seed", Long.toString(seed), "verifier", Boolean.toString(strict),
                "trackLockedPages", Boolean.toString(strict))) {
            RequestFuzzer f = new RequestFuzzer(sim, seed);
            long t0 = System.nanoTime();
            f.run(REQUESTS);
            List<String> violations = f.finish();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            System.out.println("fuzz " + f.summary() + " in " + ms + " ms");
            assertEquals(REQUESTS, f.requests());
            assertTrue(violations.isEmpty(), () -> f.summary() + "\n  " + String.join("\n  ", violations));
        }
    }

    /** The checker itself: a fuzzer that never saw an answer would pass anything. */
    @Test
    void theFuzzerReachesEveryOutcome() {
        try (Sim sim = Sim.of("seed", "99")) {
            RequestFuzzer f = new RequestFuzzer(sim, 99);
            f.run(4_000);
            assertTrue(f.finish().isEmpty(), f::summary);
            String s = f.summary();
            for (String expected : new String[] {"STATUS_INFO_LENGTH_MISMATCH", "STATUS_REVISION_MISMATCH",
                    "STATUS_INVALID_DEVICE_REQUEST", "STATUS_NOT_FOUND", "STATUS_ACCESS_DENIED", "STATUS_SUCCESS",
                    "STATUS_INVALID_DEVICE_STATE", "STATUS_INVALID_PARAMETER"}) {
                assertTrue(s.contains(expected), () -> "never saw " + expected + ": " + s);
            }
        }
    }
}
