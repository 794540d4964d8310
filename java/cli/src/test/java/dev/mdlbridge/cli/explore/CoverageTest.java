package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** On a normal machine a fixed-seed run reaches every op and reports every refusal rule; and the run is a
 *  function of its seed. */
class CoverageTest {

    private static Explorer.Report run(long seed, long sequences) {
        Explorer.Config c = new Explorer.Config(seed, 30_000_000_000L, sequences, 20, 60, false, null);
        return new Explorer(MachineFactory.simulated(b -> b), c).run(line -> { });
    }

    @Test
    void everyOpRunsAndTheCoverageMapNamesEveryRule() {
        Explorer.Report r = run(7, 300);
        r.ops().forEach((op, n) -> assertTrue(n > 0, op + " never ran: " + r.ops()));
        assertTrue(r.refusals().containsKey("MDLB_REFUSE_POOL_IN_USE"));
        assertTrue(r.refusals().values().stream().filter(n -> n > 0).count() >= 20, r.refusals().toString());
    }

    @Test
    void aSeedGivesTheSameSequences() {
        Explorer.Report a = run(11, 40);
        Explorer.Report b = run(11, 40);
        assertEquals(a.steps(), b.steps());
        assertEquals(a.ops(), b.ops());
        assertEquals(a.refusals(), b.refusals());
    }

    /**
     * The CI-length run (2,000 sequences of seed 1, about 80,000 steps): no findings, and every refusal rule of
     * mdlbridge.h is reached or listed unreachable with a reason, never both. A rule added to the driver that no
     * sequence reaches fails here until the generator reaches it or Coverage.UNREACHABLE says why it cannot.
     */
    @Test
    void aNormalMachineShowsNoFindingsAndReachesEveryRuleNotListedUnreachable() {
        Explorer.Report r = run(1, 2_000);
        assertEquals(java.util.List.of(), r.findings());
        assertEquals(java.util.Set.copyOf(Coverage.rules()), r.refusals().keySet());
        java.util.List<String> problems = new java.util.ArrayList<>();
        r.refusals().forEach((rule, n) -> {
            boolean listed = Coverage.UNREACHABLE.containsKey(rule);
            if (n == 0 && !listed) {
                problems.add(rule + " was never reached and is not listed unreachable");
            } else if (n > 0 && listed) {
                problems.add(rule + " is listed unreachable yet answered " + n + " times");
            }
        });
        Coverage.UNREACHABLE.forEach((rule, why) -> {
            if (!r.refusals().containsKey(rule) || why.isBlank()) {
                problems.add(rule + ": not a rule of Protocol, or no reason given");
            }
        });
        assertEquals(java.util.List.of(), problems, r.refusals().toString());
        assertTrue(r.refusals().get("MDLB_REFUSE_SHARED_HANDLE") > 0 && r.ops().get("DuplicateHandle") > 0);
        assertTrue(r.refusals().get("MDLB_REFUSE_USER_MAPPING_WRITABLE") > 0, "older profiles run too");
    }
}
