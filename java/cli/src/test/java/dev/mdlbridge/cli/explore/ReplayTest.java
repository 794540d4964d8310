package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.simulator.SimulatedMachine;
import dev.mdlbridge.simulator.SimulatorBackend;
import dev.mdlbridge.simulator.driver.SafetyRefusal;
import org.junit.jupiter.api.Test;

/** A shrunk finding replays through the scenario runner ({@code mdl run}) with the same bug check. */
class ReplayTest {

    private static RunResult replay(Finding f, SafetyRefusal removed) {
        Scenario s = ScenarioParser.parse(f.scenario(), "finding");
        SimulatorBackend machine = SimulatedMachine.builder().withoutRefusalForTest(removed).build();
        try (machine) {
            return ScenarioRunner.runOn(MdlBridge.on(machine), s);
        }
    }

    private static Finding find(SafetyRefusal removed, String key, long seed) {
        Explorer.Config c = new Explorer.Config(seed, 20_000_000_000L, 5_000, 20, 60, false, null);
        Explorer.Report r = new Explorer(MachineFactory.simulated(b -> b.withoutRefusalForTest(removed)), c)
                .run(line -> { }, key);
        return r.findings().stream().filter(f -> f.violation().key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void aSingleHandleFindingReplaysWithTheSameBugCheck() {
        // seed 2: the first 0xBE finding runs on main only (seed 1's now runs on a second handle)
        Finding f = find(SafetyRefusal.PARTIAL_CARRIES_NOWRITE, "bugcheck:0xBE", 2);
        assertEquals(false, f.multiHandle(), f.steps().toString());
        RunResult r = replay(f, SafetyRefusal.PARTIAL_CARRIES_NOWRITE);
        assertNotNull(r.bugCheck(), "the replay stopped the machine");
        assertEquals(0xBE, r.bugCheck().code());
    }

    @Test
    void aMultiHandleFindingReplaysWithTheSameBugCheck() {
        Finding f = find(SafetyRefusal.PROCESS_WIDE_USER_RANGES, "bugcheck:0x4E", 1);
        RunResult r = replay(f, SafetyRefusal.PROCESS_WIDE_USER_RANGES);
        assertNotNull(r.bugCheck(), () -> "no bug check replaying " + f.scenario());
        assertEquals(0x4E, r.bugCheck().code());
    }

    @Test
    void aReservationFindingReplaysThroughTheScenarioLanguage() {
        // The shrunk steps use MmAllocateMappingAddress, MmMapLockedPagesWithReservedMapping and MmFreeMappingAddress
        // in CONTRACT.md section 9's words: the scenario parser must take them as the explorer writes them.
        Finding f = find(SafetyRefusal.RESERVATION_MAPPED, "bugcheck:0xDA", 1);
        RunResult r = replay(f, SafetyRefusal.RESERVATION_MAPPED);
        assertNotNull(r.bugCheck(), () -> "no bug check replaying " + f.scenario());
        assertEquals(0xDA, r.bugCheck().code());
        assertEquals(0x103L, r.bugCheck().p1(), "MmFreeMappingAddress while mapped (WINDOWS-MDL-RULES 14.3.4 #3)");
    }
}
