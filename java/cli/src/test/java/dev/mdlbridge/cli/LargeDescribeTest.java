package dev.mdlbridge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.UserMemory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A 1 GiB describe through the whole stack on the simulator, in the 512 MiB heap surefire gives the tests:
 * all 262,144 PFNs come back, although one reply carries at most 8,192.
 */
class LargeDescribeTest {

    @Test
    void oneGibibyteReturnsEveryPfn() {
        long size = 1L << 30;
        try (MdlBridge bridge = MdlBridge.open("simulator", BackendOptions.none())) {
            long base = bridge.memory().allocate(size, UserMemory.PAGE_READWRITE, false);
            Describe d = bridge.describe(base, (int) size, LockOperation.READ);
            assertTrue(d.succeeded(), () -> d.steps().toString());

            Step alloc = d.steps().get(0);
            // 48 + 8 * 262144 = 2,097,200 does not fit the CSHORT: Size keeps the low 16 bits, 48.
            assertEquals(48, alloc.after().size(), "Size wraps above 8185 pages");
            assertEquals(0x0000, alloc.after().mdlFlags(), "far above the lookaside threshold");
            assertEquals(262_144, alloc.after().pfnCount());

            long[] locked = d.lockedPfns().orElseThrow();
            assertEquals(262_144, locked.length);
            assertEquals(262_144, Arrays.stream(locked).distinct().count(), "every page has its own frame");
            assertTrue(PfnRuns.countRuns(locked) > 1, "frames are scattered, not VA >> 12");
            assertEquals(262_144, d.steps().get(1).after().pfns().length, "the probe's snapshot is complete too");
            assertTrue(Arrays.equals(locked, d.steps().get(1).after().pfns()), "locked pages do not move");

            bridge.memory().release(base);
            assertEquals(Counters.ZERO, bridge.counters());
        }
    }
}
