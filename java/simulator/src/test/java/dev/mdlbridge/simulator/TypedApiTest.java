package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.AccessMode;
import dev.mdlbridge.api.BackendSelection;
import dev.mdlbridge.api.BackendSelector;
import dev.mdlbridge.api.ChainCleanup;
import dev.mdlbridge.api.ChainRange;
import dev.mdlbridge.api.ChainResult;
import dev.mdlbridge.api.DdiException;
import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.Mdl;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.UserMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The library explains itself: readable toString, explained failures, typed partials and chains. */
class TypedApiTest {

    @Test
    void stepsSnapshotsAndDescribesPrintAsTheCliDoes() {
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none());
             UserBuffer buf = bridge.allocateUserBuffer(3 * 4096, UserMemory.PAGE_READWRITE);
             Mdl mdl = bridge.allocateMdl(buf.address() + 0x123, 10_000)) {
            Step lock = mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.WRITE).orThrow();
            String text = lock.toString();
            assertTrue(text.startsWith("MmProbeAndLockPages            0x00000000 STATUS_SUCCESS"), text);
            assertTrue(text.contains("after:  MdlFlags 0x008A (MDL_PAGES_LOCKED|MDL_ALLOCATED_FIXED_SIZE|"
                    + "MDL_WRITE_OPERATION) Size 0n72 ByteCount 0x2710 ByteOffset 0x123 pages 3"), text);
            assertFalse(text.contains("[J@") || text.contains("mdlFlags="), text);
            String snap = lock.after().toString();
            assertTrue(snap.startsWith("IoAllocateMdl MDL " + mdl.id() + " at 0xffff"), snap);
            assertTrue(snap.contains(" PFNs [0x"), snap);
            assertTrue(mdl.systemAddress().toString().contains("  -> 0xffffd100`00000123"));
        }
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none());
             UserBuffer buf = bridge.allocateUserBuffer(2 * 4096, UserMemory.PAGE_READWRITE)) {
            Describe d = bridge.describe(buf.address(), 2 * 4096, LockOperation.READ);
            String text = d.toString();
            assertTrue(text.startsWith("[1] IoAllocateMdl"), text);
            assertTrue(text.contains("[5] IoFreeMdl"), text);
        }
    }

    @Test
    void aRaisedStatusSaysWhatItMeans() {
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none());
             UserBuffer buf = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READONLY);
             Mdl mdl = bridge.allocateMdl(buf.address(), 4096)) {
            Step probe = mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.WRITE);
            assertEquals(NtStatus.ACCESS_VIOLATION, probe.status());
            assertEquals("MmProbeAndLockPages failed", probe.explanation(), "result documents keep this text");
            assertTrue(probe.describeOutcome().startsWith("MmProbeAndLockPages raised STATUS_ACCESS_VIOLATION "
                    + "(0xC0000005): a page of the range is not accessible for this access"), probe.describeOutcome());
            DdiException e = assertThrows(DdiException.class, probe::orThrow);
            assertTrue(e.getMessage().startsWith(probe.describeOutcome()), e.getMessage());
            assertTrue(e.getMessage().contains("after:  MdlFlags 0x0008 (MDL_ALLOCATED_FIXED_SIZE)"), e.getMessage());
            Step unlock = mdl.unlock();
            assertTrue(unlock.describeOutcome().startsWith("refused: the MDL is not locked"), unlock.describeOutcome());
        }
    }

    @Test
    void aPartialKnowsItsSourceAndClosesFirst() {
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none());
             UserBuffer buf = bridge.allocateUserBuffer(4 * 4096, UserMemory.PAGE_READWRITE)) {
            Mdl source = bridge.allocateMdl(buf.address(), 4 * 4096);
            source.probeAndLock(AccessMode.USER_MODE, LockOperation.READ).orThrow();
            Mdl partial = source.buildPartial(0x1000, 0x2000);
            assertSame(source, partial.source().orElseThrow());
            assertTrue(partial.isPartial());
            assertFalse(source.isPartial());
            assertEquals(List.of(partial), source.partials());
            assertTrue((partial.snapshot().mdlFlags() & MdlFlags.PARTIAL) != 0, partial.toString());
            assertEquals(2, partial.snapshot().pfnCount());
            assertEquals(source.snapshot().pfns()[1], partial.snapshot().pfns()[0], "the partial shares the PFNs");
            partial.systemAddress().orThrow();
            assertTrue(partial.toString().endsWith("(partial of MDL " + source.id() + ")"), partial.toString());

            DdiException refused = assertThrows(DdiException.class, () -> source.buildPartial(0x5000, 0x1000));
            assertTrue(refused.getMessage().contains("refused: the partial range lies outside the source MDL"),
                    refused.getMessage());

            source.close(); // frees the mapped partial, then unlocks and frees the source
            assertTrue(source.partials().isEmpty());
            assertTrue(bridge.counters().isZero(), bridge.counters().toString());
        }
    }

    @Test
    void aChainPairsEveryRangeWithItsStatusAndMdl() {
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none());
             UserBuffer good = bridge.allocateUserBuffer(2 * 4096, UserMemory.PAGE_READWRITE);
             UserBuffer bad = bridge.allocateUserBuffer(4096, UserMemory.PAGE_NOACCESS)) {
            List<ChainRange> ranges = List.of(new ChainRange(good.address(), 4096, LockOperation.READ),
                    new ChainRange(bad.address(), 4096, LockOperation.READ),
                    new ChainRange(good.address() + 4096 + 0x10, 0x100, LockOperation.WRITE));
            ChainResult chain = bridge.describeChain(ranges, ChainCleanup.DRIVER);
            assertEquals(3, chain.ranges().size(), chain.toString());
            assertEquals(List.of(NtStatus.SUCCESS, NtStatus.ACCESS_VIOLATION, NtStatus.SUCCESS), chain.statuses());
            assertFalse(chain.allSucceeded());
            assertEquals(2, chain.mdls().size());
            assertNull(chain.ranges().get(1).mdl());
            assertNotNull(chain.ranges().get(2).mdl());
            assertEquals(0x10, chain.ranges().get(2).mdl().byteOffset(), chain.toString());
            assertEquals(chain.statuses(), chain.step().chainStatuses());
            assertTrue(chain.toString().contains("range 1: "), chain.toString());
            assertTrue(bridge.counters().isZero());
        }
    }

    @Test
    void aSelectionMadeElsewhereIsKept() {
        BackendSelection chosen = BackendSelector.fromClassPath().select("simulator", BackendOptions.none());
        try (MdlBridge bridge = MdlBridge.open(chosen)) {
            assertSame(chosen, bridge.selection());
            assertSame(chosen.backend(), bridge.backend());
        }
    }
}
