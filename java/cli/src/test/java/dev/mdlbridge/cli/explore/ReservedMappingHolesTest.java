package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.simulator.driver.SafetyRefusal;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The explorer has teeth for the DDI-coverage refusals too: on a machine lacking one of them it finds the hole within
 * a fixed-seed run, shrinks it to a short scenario, that scenario replays on a fresh machine lacking the refusal with
 * the same finding, and on a normal machine the same steps are refused and find nothing. A removed refusal may show
 * as the simulated kernel's bug check or as the explorer's own invariant, whichever the step hits first; both are
 * accepted, the test names which it expects.
 */
class ReservedMappingHolesTest {

    private static Finding first(SafetyRefusal removed, Set<String> keys) {
        Explorer.Config c = new Explorer.Config(1, 20_000_000_000L, 5_000, 20, 60, false, null);
        Explorer.Report r = new Explorer(MachineFactory.simulated(b -> b.withoutRefusalForTest(removed)), c)
                .run(line -> { }, keys::contains);
        List<Finding> hits = r.findings().stream().filter(f -> keys.contains(f.violation().key())).toList();
        assertFalse(hits.isEmpty(), () -> "nothing of " + keys + " without " + removed + " in " + r.sequences()
                + " sequences; found " + r.repeats());
        Finding f = hits.get(0);
        assertTrue(f.steps().size() <= 8, () -> "shrunk to " + f.steps().size() + " steps: " + f.steps());
        // replayable: the shrunk steps alone, on a fresh machine lacking the refusal, show the same finding ...
        SequenceRunner.Outcome again = new SequenceRunner(MachineFactory.simulated(
                b -> b.withoutRefusalForTest(removed)), null).run(f.setup(), Shrinker.fixed(f.steps()));
        assertEquals(f.violation().key(), again.violation() == null ? null : again.violation().key(), f.steps()
                .toString());
        // ... and a normal machine refuses them: it is the removed refusal that closes the hole
        SequenceRunner.Outcome normal = new SequenceRunner(MachineFactory.simulated(b -> b), null)
                .run(f.setup(), Shrinker.fixed(f.steps()));
        assertNull(normal.violation(), () -> "a normal machine: " + normal.violation());
        return f;
    }

    private static Action last(Finding f) {
        return f.steps().get(f.steps().size() - 1);
    }

    @Test
    void aSecondKernelModeMappingIsFoundByTheOneSystemMappingInvariant() {
        Finding f = first(SafetyRefusal.ALREADY_MAPPED, Set.of("second-system-mapping"));
        Action map = last(f);
        assertEquals("MmMapLockedPagesSpecifyCache", map.op());
        assertEquals("KernelMode", map.symbol("accessMode", ""));
    }

    @Test
    void unlockingAnMdlMappedThroughAReservationIsFoundAsBugCheck0xDA() {
        Finding f = first(SafetyRefusal.RESERVED_MAPPING_LIVES_ON_UNLOCK,
                Set.of("bugcheck:0xDA", "reserved-mapping-released"));
        assertEquals(0xDA, f.bugCheckCode(), "SYSTEM_PTE_MISUSE: " + f.violation());
        assertEquals("MmUnlockPages", last(f).op());
        assertTrue(f.steps().stream().anyMatch(a -> a.op().equals("MmMapLockedPagesWithReservedMapping")),
                f.steps().toString());
    }

    @Test
    void freeingAMappedReservationIsFoundAsBugCheck0xDA() {
        Finding f = first(SafetyRefusal.RESERVATION_MAPPED,
                Set.of("bugcheck:0xDA", "reservation-freed-while-mapped"));
        assertEquals(0xDA, f.bugCheckCode(), "SYSTEM_PTE_MISUSE: " + f.violation());
        assertEquals("MmFreeMappingAddress", last(f).op());
        assertTrue(f.steps().stream().anyMatch(a -> a.op().equals("MmAllocateMappingAddress")));
    }
}
