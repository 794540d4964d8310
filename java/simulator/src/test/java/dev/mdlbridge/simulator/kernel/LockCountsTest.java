package dev.mdlbridge.simulator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The per-frame lock counts behind rule P1 (+1 per lock) and MmReferenceCountCheck (no lock beyond the limit): the
 * two-bit layout must count exactly like one integer per frame, past the bits into the map and back.
 */
class LockCountsTest {

    private static final long FRAMES = 4L << 20; // 16 GiB of RAM

    @Test
    void countsUpPastTwoAndBackDownExactly() {
        LockCounts c = new LockCounts(FRAMES);
        long f = 0x2C1275;
        for (int n = 1; n <= 5; n++) {
            assertTrue(c.tryLock(f, 0x7FFF));
            assertEquals(n, c.get(f));
        }
        assertEquals(0, c.get(f + 1), "a neighbour in the same 64-bit word is not touched");
        for (int n = 4; n >= 0; n--) {
            assertEquals(n, c.unlock(f));
            assertEquals(n, c.get(f));
        }
        assertEquals(-1, c.unlock(f), "an unlock with no lock changes nothing and says so");
        assertEquals(0, c.get(f));
    }

    @Test
    void theLimitStopsTheLockThatWouldExceedIt() {
        LockCounts c = new LockCounts(FRAMES);
        long f = 0x1000;
        assertTrue(c.tryLock(f, 2));
        assertTrue(c.tryLock(f, 2));
        assertFalse(c.tryLock(f, 2), "a page locked twice may not be locked again under a limit of 2");
        assertEquals(2, c.get(f));
        assertFalse(new LockCounts(FRAMES).tryLock(f, 0), "limit 0: no page may be locked at all");
    }

    @Test
    void framesOutsideMemoryHaveNoLocks() {
        LockCounts c = new LockCounts(FRAMES);
        // what MmUnlockPages meets in a poisoned slot: a PMMPFN-like pointer or -1
        assertEquals(0, c.get(0xFFFFFA8000123450L));
        assertEquals(-1, c.unlock(0xFFFFFA8000123450L));
        assertEquals(-1, c.unlock(-1));
        assertEquals(0, c.get(FRAMES));
    }

    @Test
    void framesLockedTwiceElsewhereDoNotDisturbOthers() {
        LockCounts c = new LockCounts(FRAMES);
        c.tryLock(7, 100);
        c.tryLock(7, 100);
        c.tryLock(8, 100);
        assertEquals(0, c.unlock(8), "a frame locked once unlocks to 0 while another frame is locked twice");
        assertEquals(2, c.get(7));
    }
}
