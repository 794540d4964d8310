package dev.mdlbridge.cli.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.scenario.Scenario;
import dev.mdlbridge.scenario.ScenarioParser;
import dev.mdlbridge.scenario.ScenarioRunner;
import dev.mdlbridge.scenario.ScenarioUsageException;
import dev.mdlbridge.spi.BackendOptions;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenario language's {@code DuplicateHandle} (CONTRACT sections 1 and 3.12): a duplicate in the same process
 * makes the handle shared, one in another process is denied every request, and closing a duplicate closes only it.
 */
class SharedHandlesTest {

    private static final String LOCKED = "{\"op\": \"VirtualAlloc\", \"as\": \"buf\", \"size\": 8192}, "       // 0
            + "{\"op\": \"IoAllocateMdl\", \"as\": \"m\", \"buffer\": \"buf\", \"length\": 4096}, "              // 1
            + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m\"}, ";                                             // 2

    private static RunResult run(String steps) {
        return ScenarioRunner.run(ScenarioParser.parse("{\"steps\": [" + steps + "]}", "t.json"), "simulator",
                new BackendOptions(Map.of("seed", "1")), "t.json");
    }

    private static Step step(RunResult r, int i) {
        return r.steps().get(i).step();
    }

    @Test
    void aDuplicateInTheSameProcessMakesAUserMappingRefusedAsSharedHandle() {
        RunResult r = run(LOCKED
                + "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"before\", \"mdl\": \"m\"}, "            // 3
                + "{\"op\": \"MmUnmapLockedPages\", \"mapping\": \"before\"}, "                                  // 4
                + "{\"op\": \"DuplicateHandle\", \"as\": \"dup\", \"into\": \"sameProcess\"}, "                  // 5
                + "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"after\", \"mdl\": \"m\"}, "              // 6
                + "{\"op\": \"Query\", \"handle\": \"dup\", \"mdl\": \"m\"}");                                   // 7
        assertEquals("STATUS_SUCCESS", step(r, 3).status().name(), "one handle: the user mapping is made");
        assertEquals("STATUS_SUCCESS", step(r, 5).status().name());
        assertEquals(0xC0000184, step(r, 6).status().value());
        assertEquals(Protocol.STAGE_REFUSED, step(r, 6).stage());
        assertEquals(Protocol.REFUSE_SHARED_HANDLE, step(r, 6).detail());
        assertEquals("STATUS_SUCCESS", step(r, 7).status().name(), "the duplicate names the same file object");
        assertEquals(1, r.leftover().lockedPages(), "m is still locked when the scenario ends");
    }

    @Test
    void aHandleHoldingAUserMappingThenDuplicatedRefusesItsNextProbe() {
        RunResult r = run(LOCKED
                + "{\"op\": \"MmMapLockedPagesSpecifyCache\", \"as\": \"u\", \"mdl\": \"m\"}, "                 // 3
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m2\", \"buffer\": \"buf\", \"offset\": 4096, \"length\": 4096}, "
                + "{\"op\": \"DuplicateHandle\", \"as\": \"dup\", \"into\": \"sameProcess\"}, "                  // 5
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m2\"}, "                                         // 6
                + "{\"op\": \"MmAllocatePagesForMdlEx\", \"as\": \"pages\", \"size\": 4096}, "                   // 7
                + "{\"op\": \"MmUnmapLockedPages\", \"mapping\": \"u\"}, "                                       // 8
                + "{\"op\": \"MmUnlockPages\", \"mdl\": \"m\"}");                                                // 9
        assertEquals("STATUS_SUCCESS", step(r, 3).status().name());
        for (int i : new int[] {6, 7}) {
            assertEquals(0xC0000184, step(r, i).status().value(), "step " + i);
            assertEquals(Protocol.REFUSE_SHARED_HANDLE, step(r, i).detail(), "step " + i);
        }
        assertEquals("STATUS_SUCCESS", step(r, 8).status().name(), "unmapping still works");
        assertEquals("STATUS_SUCCESS", step(r, 9).status().name(), "unlocking still works");
        assertEquals("completed", r.outcome());
    }

    @Test
    void aDuplicateInAnotherProcessIsDeniedAndMakesTheOriginalShared() {
        RunResult r = run(LOCKED
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m2\", \"buffer\": \"buf\", \"offset\": 4096, \"length\": 4096}, "
                + "{\"op\": \"IoAllocateMdl\", \"as\": \"m3\", \"buffer\": \"buf\", \"offset\": 4096, \"length\": 4096}, "
                + "{\"op\": \"DuplicateHandle\", \"as\": \"far\", \"into\": \"otherProcess\"}, "                 // 5
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m2\"}, "                                         // 6
                + "{\"op\": \"Query\", \"handle\": \"far\", \"mdl\": \"m\"}, "                                   // 7
                + "{\"op\": \"MmProbeAndLockPages\", \"mdl\": \"m3\"}, "                                         // 8
                + "{\"op\": \"CloseHandle\", \"handle\": \"far\"}, "                                             // 9
                + "{\"op\": \"Info\", \"handle\": \"far\"}, "                                                    // 10
                + "{\"op\": \"Query\", \"mdl\": \"m\"}");                                                        // 11
        assertEquals("STATUS_SUCCESS", step(r, 6).status().name(), "a duplicate that sent nothing is not counted");
        assertEquals("STATUS_ACCESS_DENIED", step(r, 7).status().name());
        assertEquals(Protocol.REFUSE_SHARED_HANDLE, step(r, 8).detail(), "another process used the handle");
        assertEquals("STATUS_SUCCESS", step(r, 9).status().name());
        assertEquals("STATUS_INVALID_HANDLE", step(r, 10).status().name(), "the duplicate is closed");
        assertEquals("STATUS_SUCCESS", step(r, 11).status().name(), "closing the duplicate released nothing");
        assertEquals(2, r.leftover().lockedPages(), "m and m2 are still locked");
    }

    @Test
    void closingADuplicateClosesOnlyItAndClosingTheLastHandleReleases() {
        RunResult r = run(LOCKED
                + "{\"op\": \"DuplicateHandle\", \"as\": \"dup\", \"into\": \"sameProcess\"}, "                  // 3
                + "{\"op\": \"CloseHandle\", \"handle\": \"dup\"}, "                                             // 4
                + "{\"op\": \"Info\"}, "                                                                         // 5
                + "{\"op\": \"DuplicateHandle\", \"as\": \"dup2\", \"into\": \"sameProcess\"}, "                 // 6
                + "{\"op\": \"CloseHandle\"}, "                                                                  // 7
                + "{\"op\": \"Query\", \"handle\": \"dup2\", \"mdl\": \"m\"}");                                  // 8
        assertEquals(1, ((dev.mdlbridge.protocol.Info) step(r, 5).extra()).processUse().counters().lockedPages());
        // CloseHandle of main is ReleaseAll on the file object both handles name, then a new main
        assertEquals(1, ((dev.mdlbridge.protocol.Counters) step(r, 7).extra()).lockedPages());
        assertEquals("STATUS_NOT_FOUND", step(r, 8).status().name(), "released through the other handle");
        assertTrue(r.leftover().isZero(), r.leftover().toString());
    }

    @Test
    void badDuplicateHandleStepsAreUsageErrorsNamingStepAndField() {
        String into = UsageErrorsTest.error("{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\", "
                + "\"into\": \"child\"}]}");
        assertTrue(into.contains("step 0 (DuplicateHandle)") && into.contains("field \"into\"")
                && into.contains("sameProcess") && into.contains("otherProcess"), into);
        String missing = UsageErrorsTest.error("{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\"}]}");
        assertTrue(missing.contains("step 0 (DuplicateHandle)") && missing.contains("missing required field \"into\""),
                missing);
        String taken = UsageErrorsTest.error("{\"steps\": [{\"op\": \"OpenHandle\", \"as\": \"h2\"}, "
                + "{\"op\": \"DuplicateHandle\", \"as\": \"h2\", \"into\": \"sameProcess\"}]}");
        assertTrue(taken.contains("step 1 (DuplicateHandle)") && taken.contains("field \"as\"")
                && taken.contains("already a handle"), taken);
        String asObject = UsageErrorsTest.error("{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\", "
                + "\"into\": \"sameProcess\"}, {\"op\": \"Query\", \"mdl\": \"d\"}]}");
        assertTrue(asObject.contains("step 1 (Query)") && asObject.contains("names a handle"), asObject);
    }

    @Test
    void onTheDriverDuplicateHandleIsAUsageError() {
        Scenario s = ScenarioParser.parse("{\"steps\": [{\"op\": \"DuplicateHandle\", \"as\": \"d\", "
                + "\"into\": \"otherProcess\"}]}", "t.json");
        assertTrue(s.simulatorOnly());
        String m = assertThrows(ScenarioUsageException.class, () -> ScenarioParser.checkForDriver(s, "t.json"))
                .getMessage();
        assertTrue(m.contains("step 0 (DuplicateHandle)") && m.contains("simulator only"), m);
        assertFalse(m.contains("\n"), m);
    }
}
