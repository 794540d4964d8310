package dev.mdlbridge.simulator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * WINDOWS-MDL-RULES.md section 14.4: {@code MmAllocatePagesForMdlEx} with a physical range, SkipBytes, the
 * Windows 7 flags, partial results and the pages' cache type; the per-profile settings of section 14.8.
 */
class PageAllocationExTest {

    private static final long PAGE = 4096;
    /** 8 GiB into the default 16 GiB machine: far above anything a fresh fixture has handed out. */
    private static final long BASE = 0x2_0000_0000L;
    private static final int FULLY_REQUIRED = 0x4;
    private static final int PREFER_CONTIGUOUS = 0x10;
    private static final int CONTIGUOUS_CHUNKS = 0x20;
    private static final int MM_NON_CACHED = 0;
    private static final int MM_CACHED = 1;
    private static final int MM_WRITE_COMBINED = 2;

    private static long[] pfns(KernelFixture m, Mdl mdl) {
        return m.pfns(mdl, (int) (Integer.toUnsignedLong(mdl.byteCount()) / PAGE));
    }

    @Test
    void everyFrameLiesInTheInclusiveRange() {
        KernelFixture m = KernelFixture.win10();
        // [BASE, BASE + 0x7FFF]: frames BASE>>12 .. (BASE>>12) + 7; High's last byte still names frame +7.
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 0x7FFF, 0, 8 * PAGE, MM_CACHED, 0);
        assertEquals(8 * PAGE, mdl.byteCount(), "the range holds exactly the 8 frames asked for");
        for (long pfn : pfns(m, mdl)) {
            assertTrue(pfn >= BASE >> 12 && pfn <= (BASE >> 12) + 7, () -> "PFN 0x" + Long.toHexString(pfn));
        }
        // Low and High in the same frame: one frame, both ends inclusive.
        Mdl one = m.k.mmAllocatePagesForMdlEx(BASE + 0x10_0000, BASE + 0x10_0000, 0, PAGE, MM_CACHED, 0);
        assertEquals((BASE + 0x10_0000) >> 12, one.pfn(0));
        assertEquals(0x2, mdl.flags(), "MDL_PAGES_LOCKED only");
        assertEquals(0, mdl.startVa());
        assertEquals(0, mdl.process());
    }

    @Test
    void highAboveRamIsClippedToItsTop() {
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withPhysicalMemory(64L << 20, 0.0));
        long top = (64L << 20) / PAGE - 1;
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(top * PAGE, -1L, 0, 4 * PAGE, MM_CACHED, 0);
        assertEquals(PAGE, mdl.byteCount(), "only the last frame of RAM is in [top, -1]");
        assertEquals(top, mdl.pfn(0));
        assertEquals(-1, mdl.pfn(1), "PFN[found] = -1");
    }

    @Test
    void skipBytesShiftsTheRangeUntilEnoughFramesAreFound() {
        KernelFixture m = KernelFixture.win10();
        long skip = 0x10_0000; // 256 frames
        // Each range holds 2 frames: [BASE, BASE + 0x1FFF], then + k * 1 MiB.
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 0x1FFF, skip, 6 * PAGE, MM_CACHED, 0);
        assertEquals(6 * PAGE, mdl.byteCount());
        int[] perRange = new int[3];
        for (long pfn : pfns(m, mdl)) {
            long k = (pfn - (BASE >> 12)) / (skip >> 12);
            long within = (pfn - (BASE >> 12)) % (skip >> 12);
            assertTrue(k < 3 && within < 2, () -> "PFN 0x" + Long.toHexString(pfn) + " is in no shifted range");
            perRange[(int) k]++;
        }
        assertEquals(2, perRange[0]);
        assertEquals(2, perRange[1]);
        assertEquals(2, perRange[2]);
        // Without a skip only the first range counts.
        Mdl noSkip = m.k.mmAllocatePagesForMdlEx(BASE + 0x4000, BASE + 0x5FFF, 0, 6 * PAGE, MM_CACHED, 0);
        assertEquals(2 * PAGE, noSkip.byteCount());
    }

    @Test
    void skipBytesThatIsNotAPageMultipleGivesNull() {
        KernelFixture m = KernelFixture.win10();
        assertNull(m.k.mmAllocatePagesForMdlEx(0, -1L, 0x800, PAGE, MM_CACHED, 0));
        assertNull(m.k.mmAllocatePagesForMdlEx(0, -1L, 0, 0, MM_CACHED, 0), "TotalBytes 0");
    }

    @Test
    void contiguousChunksWithoutSkipAreOneBlockOrNothing() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 0xF_FFFF, 0, 16 * PAGE, MM_CACHED, CONTIGUOUS_CHUNKS);
        long[] p = pfns(m, mdl);
        assertEquals(16, p.length);
        for (int i = 1; i < p.length; i++) {
            assertEquals(p[0] + i, p[i], "one physically contiguous block");
        }
        // A range of 3 frames cannot hold 4 contiguous ones: NULL, never a partial, even without FULLY_REQUIRED.
        assertNull(m.k.mmAllocatePagesForMdlEx(BASE + 0x20_0000, BASE + 0x20_2FFF, 0, 4 * PAGE, MM_CACHED,
                CONTIGUOUS_CHUNKS));
        Mdl three = m.k.mmAllocatePagesForMdlEx(BASE + 0x20_0000, BASE + 0x20_2FFF, 0, 3 * PAGE, MM_CACHED, 0);
        assertEquals(3 * PAGE, three.byteCount(), "the failed request gave every frame back");
    }

    @Test
    void contiguousChunksWithSkipAreAlignedWholeChunks() {
        KernelFixture m = KernelFixture.win10();
        long chunk = 4 * PAGE;
        // Frames BASE+1 .. BASE+8 (in pages): chunks start at multiples of 4 frames, so only BASE+4 .. BASE+7 fits.
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE + PAGE, BASE + 9 * PAGE - 1, chunk, 8 * PAGE, MM_CACHED,
                CONTIGUOUS_CHUNKS);
        assertEquals(chunk, mdl.byteCount(), "a short result is whole chunks");
        long[] p = pfns(m, mdl);
        assertEquals(0, p[0] % 4, "SkipBytes-aligned");
        for (int i = 1; i < 4; i++) {
            assertEquals(p[0] + i, p[i]);
        }
        assertEquals(-1, mdl.pfn(4));
        Mdl two = m.k.mmAllocatePagesForMdlEx(BASE + 0x40_0000, BASE + 0x40_7FFF, chunk, 8 * PAGE, MM_CACHED,
                CONTIGUOUS_CHUNKS);
        long[] q = pfns(m, two);
        assertEquals(8, q.length);
        assertEquals(0, q[0] % 4);
        assertEquals(0, q[4] % 4);
        assertNull(m.k.mmAllocatePagesForMdlEx(0, -1L, 3 * PAGE, 6 * PAGE, MM_CACHED, CONTIGUOUS_CHUNKS),
                "a chunk that is not a power of two");
        assertNull(m.k.mmAllocatePagesForMdlEx(0, -1L, 4 * PAGE, 6 * PAGE, MM_CACHED, CONTIGUOUS_CHUNKS),
                "a size that is not whole chunks");
    }

    @Test
    void preferContiguousGivesOneRunWhenThereIsOne() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 0xF_FFFF, 0, 8 * PAGE, MM_CACHED, PREFER_CONTIGUOUS);
        long[] p = pfns(m, mdl);
        for (int i = 1; i < p.length; i++) {
            assertEquals(p[0] + i, p[i]);
        }
    }

    @Test
    void aShortAllocationHasASmallerByteCountAndTheRequestsSize() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 3 * PAGE - 1, 0, 5 * PAGE, MM_CACHED, 0);
        assertEquals(3 * PAGE, mdl.byteCount(), "found << 12");
        assertEquals(48 + 8 * 5, mdl.size(), "Size is the request's: the shortfall (2) is below 2048 pages");
        assertEquals(5, mdl.pfnCapacity());
        assertEquals(-1, mdl.pfn(3));
    }

    @Test
    void aShortfallAboveTheShrinkThresholdRecreatesTheMdl() {
        KernelFixture m = KernelFixture.win10();
        // 100 frames in the range, 2200 asked for: shortfall 2100 > 2048.
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 100 * PAGE - 1, 0, 2200 * PAGE, MM_CACHED, 0);
        assertEquals(100 * PAGE, mdl.byteCount());
        assertEquals(48 + 8 * 100, mdl.size(), "re-created for the pages found");
        assertEquals(100, mdl.pfnCapacity());
        // A shortfall of exactly 2048 keeps the requested Size.
        Mdl kept = m.k.mmAllocatePagesForMdlEx(BASE + 0x100_0000, BASE + 0x100_0000 + 10 * PAGE - 1, 0,
                2058 * PAGE, MM_CACHED, 0);
        assertEquals(10 * PAGE, kept.byteCount());
        assertEquals(48 + 8 * 2058, kept.size());
    }

    @Test
    void fullyRequiredGivesNullAndKeepsNothing() {
        KernelFixture m = KernelFixture.win10();
        assertNull(m.k.mmAllocatePagesForMdlEx(BASE, BASE + 3 * PAGE - 1, 0, 5 * PAGE, MM_CACHED, FULLY_REQUIRED));
        Mdl all = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 3 * PAGE - 1, 0, 3 * PAGE, MM_CACHED, FULLY_REQUIRED);
        assertNotNull(all, "the three frames went back to the free list");
        assertEquals(3 * PAGE, all.byteCount());
    }

    @Test
    void thePagesKeepTheAllocationsCacheType() {
        KernelFixture m = KernelFixture.win10();
        assertEquals(MM_WRITE_COMBINED, m.k.pageAllocationCacheType(
                m.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_WRITE_COMBINED, 0)));
        assertEquals(MM_NON_CACHED, m.k.pageAllocationCacheType(
                m.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_NON_CACHED, 0)));
        assertEquals(MM_CACHED, m.k.pageAllocationCacheType(m.k.mmAllocatePagesForMdlEx(PAGE, 0)));
    }

    @Test
    void flagsFollowTheProfile() {
        KernelFixture nt52 = KernelFixture.of(Profiles.NT52_X64);
        assertNull(nt52.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, FULLY_REQUIRED),
                "NT 5.2 accepts only 0x1 | 0x2");
        assertNotNull(nt52.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, 0x3));
        KernelFixture win7 = KernelFixture.of(Profiles.WIN7_X64);
        assertNotNull(win7.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, 0x3F));
        assertNull(win7.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, 0x80), "0x80 is newer than Windows 7");
        KernelFixture win10 = KernelFixture.win10();
        assertNotNull(win10.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, 0x80 | 0x100));
        assertNull(win10.k.mmAllocatePagesForMdlEx(0, -1L, 0, 0x20_0000, MM_CACHED, 0x40 | CONTIGUOUS_CHUNKS),
                "FAST_LARGE_PAGES: the simulated large-page cache is empty");
        assertNull(win10.k.mmAllocatePagesForMdlEx(0, -1L, 0, PAGE, MM_CACHED, 0x200));
        assertEquals(0x1FF, PageAllocationProfile.of(Profiles.WIN10_X64).flags());
        assertEquals(0x3F, PageAllocationProfile.of(Profiles.WIN7_X64).flags());
        assertEquals(0x3, PageAllocationProfile.of(Profiles.NT52_X64).flags());
        assertEquals(false, PageAllocationProfile.of(Profiles.NT52_X64).atDispatch());
        assertEquals(true, PageAllocationProfile.of(Profiles.WIN7_X64).atDispatch());
    }

    @Test
    void freeingPagesOfAProbedMdlIsMemoryManagement0x1236() {
        KernelFixture m = KernelFixture.win10();
        long buf = m.buffer(0x2000);
        Mdl probed = m.locked(buf, 0x2000, KernelFixture.IO_READ);
        long pfn = probed.pfn(0);
        dev.mdlbridge.spi.BugCheck b = m.bugChecks(() -> m.k.mmFreePagesFromMdl(probed));
        KernelFixture.assertBugCheck(b, 0x1A, 0x1236);
        assertEquals(probed.address(), b.p2(), "the MDL");
        assertEquals(probed.address() + 48, b.p3(), "the address of its first PFN slot");
        assertEquals(pfn, b.p4(), "the PFN that is no MDL allocation");
    }

    @Test
    void aSecondFreeOnlyClearsPagesLocked() {
        KernelFixture m = KernelFixture.win10();
        assertTrue(PageAllocationProfile.of(Profiles.WIN10_X64).doubleFreeIsNoop());
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 2 * PAGE - 1, 0, 2 * PAGE, MM_CACHED, 0);
        long[] p = pfns(m, mdl);
        m.k.mmFreePagesFromMdl(mdl);
        Mdl again = m.k.mmAllocatePagesForMdlEx(BASE, BASE + 2 * PAGE - 1, 0, 2 * PAGE, MM_CACHED, 0);
        assertEquals(2 * PAGE, again.byteCount(), "the frames are free again");
        m.k.mmFreePagesFromMdl(mdl);
        assertEquals(0, mdl.flags());
        assertEquals(-1, mdl.pfn(0), "PFN[0] = -1 stopped the second free at once");
        assertEquals(0, m.k.pfnLockCount(again.pfn(0)), "still in use by the new allocation (-1 would be free)");
        assertEquals(0, m.k.pfnLockCount(again.pfn(1)));
        assertTrue(p[0] == again.pfn(0) || p[0] == again.pfn(1));
    }
}
