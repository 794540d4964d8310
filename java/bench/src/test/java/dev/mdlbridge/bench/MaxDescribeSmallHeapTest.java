package dev.mdlbridge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.spi.UserMemory;
import org.junit.jupiter.api.Test;

/**
 * The largest MDL Windows builds (4 GiB - 4 KiB, 1,048,575 pages from an aligned start) described through the
 * whole stack on the simulator inside the 512 MiB heap surefire gives the tests: the size sweep of the
 * benchmarks relies on it. Functional, not timed.
 */
class MaxDescribeSmallHeapTest {

    @Test
    void fourGibMinusOnePageFitsA512MibHeap() {
        assertTrue(Runtime.getRuntime().maxMemory() <= (544L << 20),
                "this test must run with -Xmx512m (surefire's argLine), has " + (Runtime.getRuntime().maxMemory() >> 20));
        long size = (4L << 30) - 4096;
        try (SimStack s = new SimStack(); MdlBridge bridge = s.bridge()) {
            long base = s.memory.allocate(size, UserMemory.PAGE_READWRITE, false);
            Describe d = bridge.describe(base, (int) size, LockOperation.READ);
            assertTrue(d.succeeded(), () -> d.steps().get(d.steps().size() - 1).toString());
            long[] pfns = d.lockedPfns().orElseThrow();
            assertEquals(1_048_575, pfns.length);
            assertEquals(Counters.ZERO, bridge.counters());
        }
    }
}
