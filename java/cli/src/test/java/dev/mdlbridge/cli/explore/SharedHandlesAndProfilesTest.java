package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.spi.BackendOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The explorer's duplicated handles and older profiles: the executor gives a step the meaning the scenario runner
 * gives it (a written finding replays the same statuses on the same profile), closing a duplicate releases nothing
 * while another handle names its file object, and the end of a sequence releases everything.
 */
class SharedHandlesAndProfilesTest {

    private static final MachineFactory MACHINES = MachineFactory.simulated(b -> b);

    private static SequenceRunner.Outcome run(MachineSetup setup, List<Action> steps) {
        return new SequenceRunner(MACHINES, null).run(setup, Shrinker.fixed(steps));
    }

    /** A read-locked buffer, a duplicate in the same process, and what the driver then refuses or allows. */
    private static List<Action> steps() {
        String main = Action.MAIN;
        return List.of(
                Action.of("VirtualAlloc", main, "as", "u1", "size", 0x2000L),                            // 0
                Action.of("IoAllocateMdl", main, "as", "m1", "buffer", "u1", "length", 0x1000L),         // 1
                Action.of("MmProbeAndLockPages", main, "mdl", "m1", "operation", "IoReadAccess"),        // 2
                Action.of("MmMapLockedPagesSpecifyCache", main, "as", "v1", "mdl", "m1",
                        "priority", "NormalPagePriority"),                                               // 3
                Action.of("DuplicateHandle", main, "as", "h1", "into", "sameProcess"),                  // 4
                Action.of("MmMapLockedPagesSpecifyCache", "h1", "as", "v2", "mdl", "m1",
                        "priority", "NormalPagePriority"),                                               // 5
                Action.of("CloseHandle", "h1"),                                                          // 6
                Action.of("Query", main, "mdl", "m1"),                                                   // 7
                Action.of("DuplicateHandle", main, "as", "h2", "into", "otherProcess"),                 // 8
                Action.of("Info", "h2"));                                                                // 9
    }

    @Test
    void onWindows10TheDuplicateMakesTheMappingRefusedAsSharedAndClosingItKeepsTheObjects() {
        SequenceRunner.Outcome o = run(MachineSetup.NONE, steps());
        assertNull(o.violation(), () -> String.valueOf(o.violation()));
        assertEquals(10, o.results().size());
        assertEquals(0, o.results().get(3).status(), "one handle: a read-only user mapping is made");
        assertEquals(0xC0000184, o.results().get(5).status());
        assertEquals(Protocol.REFUSE_SHARED_HANDLE, o.results().get(5).detail());
        assertEquals(0, o.results().get(7).status(), "closing the duplicate kept m1");
        assertEquals(0xC0000022, o.results().get(9).status(), "the other process is denied");
    }

    @Test
    void onWindows7TheReadOnlyUserMappingIsRefusedAsUnverifiable() {
        SequenceRunner.Outcome o = run(new MachineSetup("win7-x64", Map.of()), steps());
        assertNull(o.violation(), () -> String.valueOf(o.violation()));
        assertEquals(0xC0000184, o.results().get(3).status());
        assertEquals(Protocol.REFUSE_USER_MAPPING_WRITABLE, o.results().get(3).detail());
    }

    @Test
    void aWrittenFindingNamesItsProfileAndReplaysTheSameStatuses() {
        MachineSetup win7 = new MachineSetup("win7-x64", Map.of());
        SequenceRunner.Outcome o = run(win7, steps());
        Finding f = new Finding(new Violation("bugcheck", 0x50, "(a test finding)"), steps(), win7, 1, null);
        ObjectNode written = f.scenario();
        assertEquals("win7-x64", written.get("profile").asText());
        assertEquals(MachineSetup.DEFAULT_PROFILE, ScenarioParser.parse(new Finding(f.violation(), steps(),
                MachineSetup.NONE, 1, null).scenario(), "default").profile(), "the default is left out");
        Scenario s = ScenarioParser.parse(written, "finding");
        RunResult r = ScenarioRunner.run(s, "simulator", new BackendOptions(Map.of()), "finding");
        assertEquals("win7-x64", r.profile());
        List<Integer> replayed = new ArrayList<>();
        List<Integer> explored = new ArrayList<>();
        for (int i = 0; i < o.results().size(); i++) {
            replayed.add(r.steps().get(i).step().status().value());
            explored.add(o.results().get(i).status());
        }
        assertEquals(explored, replayed);
        // the writer closes the handles still open at the end, main first, as the explorer does
        int n = written.get("steps").size();
        assertEquals("CloseHandle", written.get("steps").get(n - 1).get("op").asText());
        assertEquals("h2", written.get("steps").get(n - 1).get("handle").asText());
        assertTrue(r.leftover().isZero(), "the closes written at the end release everything: " + r.leftover());
    }
}
