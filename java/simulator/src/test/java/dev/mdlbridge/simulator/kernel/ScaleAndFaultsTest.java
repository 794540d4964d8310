package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.BitSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Large buffers, injected faults (KernelConfig) and determinism. */
class ScaleAndFaultsTest {

    @Test
    void oneGiBLocksAndUnlocksFast() {
        int pages = 262_144;
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            KernelFixture m = KernelFixture.win10();
            long va = m.buffer(1L << 30);
            Mdl mdl = m.locked(va, 1L << 30, IO_WRITE);
            assertEquals(0x82, mdl.flags(), "a pool MDL: no 0x8");
            assertEquals((48 + 8 * pages) & 0xFFFF, mdl.size(), "0x200030 truncated to 16 bits");
            assertEquals(pages, m.k.numberOfLockedPages(m.p));
            long[] pfns = m.pfns(mdl, pages);
            BitSet seen = new BitSet();
            int breaks = 0;
            for (int i = 0; i < pages; i++) {
                long pfn = pfns[i];
                assertFalse(seen.get((int) pfn), "distinct frames");
                seen.set((int) pfn);
                assertTrue(pfn >= PhysicalMemory.FIRST_FRAME && pfn < (16L << 30) >>> 12);
                assertTrue(pfn != (va >>> 12) + i, "never VA >> 12");
                if (i > 0 && pfn != pfns[i - 1] + 1) {
                    breaks++;
                }
            }
            assertEquals(pages, seen.cardinality());
            // Fragmentation 0.5: about half of the frames start a new run; a machine with no scattering has 0.
            assertTrue(breaks > pages / 4, "scattered: " + breaks + " discontinuities");
            assertEquals(1, m.k.pfnLockCount(pfns[pages / 2]));
            m.k.mmUnlockPages(mdl);
            assertEquals(0x80, mdl.flags());
            assertEquals(0, m.k.numberOfLockedPages(m.p));
            for (long pfn : pfns) {
                assertEquals(0, m.k.pfnLockCount(pfn));
            }
        });
    }

    @ParameterizedTest(name = "poolFailAfter {0}")
    @ValueSource(ints = {0, 1, 5})
    void poolFailAfterMakesIoAllocateMdlReturnNull(int n) {
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withFaults(n, -1, -1));
        long va = m.buffer(0x1000);
        for (int i = 0; i < n; i++) {
            assertNotNull(m.k.ioAllocateMdl(va, 0x1000, false, null), "allocation " + i);
        }
        assertNull(m.k.ioAllocateMdl(va, 0x1000, false, null));
        assertNull(m.k.ioAllocateMdl(va, 0x100000, false, null), "pool MDLs too");
        assertEquals(0, m.k.exAllocatePool(0x1000, 1));
        assertNull(m.k.bugCheck(), "a NULL return, never a raise or a bug check");
    }

    @Test
    void directIoWhoseMdlCannotBeAllocatedNeverReachesTheDriver() {
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withFaults(0, -1, -1));
        AtomicBoolean called = new AtomicBoolean();
        int status = m.k.dispatchDirectIo(m.p, true, m.buffer(0x1000), 0x1000, irp -> {
            called.set(true);
            return 0;
        });
        assertEquals(0xC000009A, status, "STATUS_INSUFFICIENT_RESOURCES");
        assertFalse(called.get());
    }

    @Test
    void systemPteExhaustionGivesNullAndLeavesTheMdlUnmapped() {
        // Section 3.7: NULL on PTE exhaustion, never a bug check; the MDL is unchanged.
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withFaults(-1, 3, -1));
        Mdl big = m.locked(m.buffer(0x4000), 0x4000, IO_READ);
        long msva = big.mappedSystemVa();
        assertEquals(0, m.k.mmGetSystemAddressForMdlSafe(big, NORMAL_PRIORITY));
        assertEquals(0xA, big.flags());
        assertEquals(msva, big.mappedSystemVa());
        Mdl fits = m.locked(m.buffer(0x3000), 0x3000, IO_READ);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(fits, NORMAL_PRIORITY);
        assertTrue(sysVa != 0);
        Mdl one = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        assertEquals(0, m.k.mmGetSystemAddressForMdlSafe(one, NORMAL_PRIORITY), "all 3 in use");
        m.k.mmUnmapLockedPages(sysVa, fits, m.p);
        assertTrue(m.k.mmGetSystemAddressForMdlSafe(one, NORMAL_PRIORITY) != 0, "given back by the unmap");
        assertNull(m.k.bugCheck());
    }

    private static long[] lockSomePfns(long seed) {
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withSeed(seed));
        long[] all = new long[0];
        for (int size : new int[] {0x3000, 0x11000, 0x1000}) {
            Mdl mdl = m.locked(m.buffer(size), size, IO_READ);
            long[] p = m.pfns(mdl, size >>> 12);
            long[] joined = Arrays.copyOf(all, all.length + p.length);
            System.arraycopy(p, 0, joined, all.length, p.length);
            all = joined;
        }
        return all;
    }

    @Test
    void theSameSeedGivesTheSamePfns() {
        assertArrayEquals(lockSomePfns(42), lockSomePfns(42));
        assertFalse(Arrays.equals(lockSomePfns(42), lockSomePfns(43)), "the seed matters");
    }

    @Test
    void theSameSeedGivesTheSamePoison() {
        KernelFixture a = new KernelFixture(KernelConfig.defaults().withSeed(7));
        KernelFixture b = new KernelFixture(KernelConfig.defaults().withSeed(7));
        Mdl x = a.mdl(0x10000, 0x1000);
        Mdl y = b.mdl(0x10000, 0x1000);
        assertEquals(x.process(), y.process());
        assertEquals(x.pfn(5), y.pfn(5));
    }
}
