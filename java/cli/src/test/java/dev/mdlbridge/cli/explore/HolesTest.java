package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.simulator.driver.SafetyRefusal;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The explorer has teeth: on a machine lacking one safety refusal it finds the hole that refusal closes, within a
 * few seconds for a fixed seed, and shrinks it to at most 8 steps. Written against
 * {@code withoutRefusalForTest(X)} so they stay right after the safety fixes land (today the normal machine has
 * the holes too).
 */
class HolesTest {

    private static Finding first(SafetyRefusal removed, String key, long seed) {
        Explorer.Config c = new Explorer.Config(seed, 20_000_000_000L, 5_000, 20, 60, false, null);
        Explorer.Report r = new Explorer(MachineFactory.simulated(b -> b.withoutRefusalForTest(removed)), c)
                .run(line -> { }, key);
        List<Finding> hits = r.findings().stream().filter(f -> f.violation().key().equals(key)).toList();
        assertFalse(hits.isEmpty(), () -> "no " + key + " without " + removed + " in " + r.sequences()
                + " sequences; found " + r.repeats());
        Finding f = hits.get(0);
        assertTrue(f.steps().size() <= 8, () -> "shrunk to " + f.steps().size() + " steps: " + f.steps());
        return f;
    }

    @Test
    void freedPoolStillDescribedIsFoundAsBugCheck0x50() {
        Finding f = first(SafetyRefusal.KERNEL_BUFFER_OUTLIVES_MDLS, "bugcheck:0x50", 5);
        assertEquals("bugcheck", f.kind());
        assertEquals(0x50, f.bugCheckCode());
        assertTrue(f.steps().stream().anyMatch(a -> a.op().equals("ExFreePool")), f.steps().toString());
    }

    @Test
    void writeThroughANoWriteMappingViaAPartialIsFoundAsBugCheck0xBE() {
        Finding f = first(SafetyRefusal.PARTIAL_CARRIES_NOWRITE, "bugcheck:0xBE", 1);
        assertEquals(0xBE, f.bugCheckCode());
        assertTrue(f.steps().stream().anyMatch(a -> a.op().equals("IoBuildPartialMdl")), f.steps().toString());
        assertEquals("WriteMapped", f.steps().get(f.steps().size() - 1).op());
    }

    @Test
    void pagesFreedWhileAnotherHandleHoldsThemLockedIsFoundAsBugCheck0x4E() {
        Finding f = first(SafetyRefusal.PROCESS_WIDE_USER_RANGES, "bugcheck:0x4E", 1);
        assertEquals(0x4E, f.bugCheckCode());
        assertTrue(f.multiHandle(), "two handles of one process: " + f.steps());
        assertTrue(f.steps().stream().anyMatch(a -> a.op().equals("MmMapLockedPagesSpecifyCache")));
    }
}
