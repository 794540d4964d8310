package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Disabled;
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

    @Test
    void aNormalMachineShowsNoFindings() {
        Explorer.Report r = run(1, 2_000);
        assertEquals(java.util.List.of(), r.findings());
    }
}
