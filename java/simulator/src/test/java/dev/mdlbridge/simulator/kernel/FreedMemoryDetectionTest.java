package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.KernelCensus;
import org.junit.jupiter.api.Test;

/**
 * The explorer's "nothing touches freed memory" invariant relies on the simulated kernel seeing every such access as
 * a bug check, including the ones Windows would let through silently (a mapping or view that still names frames
 * freed under it): the simulator stops with 0x50, as special pool would. Freeing a page allocation whose pages
 * another MDL still has locked is 0x4E with subcode 0x9A.
 */
class FreedMemoryDetectionTest {

    @Test
    void aSystemMappingOfLockedPoolThatWasFreedFaultsOnTouch() {
        KernelFixture m = KernelFixture.win10();
        long pool = m.k.exAllocatePool(0x1000, 0x42);
        Mdl mdl = m.mdl(pool, 0x1000);
        m.lock(mdl, KERNEL_MODE, IO_WRITE);
        long va = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        m.k.readKernel(va, new byte[16], 0, 16); // fine while the pool block lives
        m.k.exFreePool(pool, 0x42);
        BugCheck b = m.bugChecks(() -> m.k.readKernel(va, new byte[16], 0, 16));
        assertBugCheck(b, 0x50, va);
    }

    @Test
    void aUserViewOfFreedPoolFaultsOnTouch() throws Exception {
        KernelFixture m = KernelFixture.win10();
        long pool = m.k.exAllocatePool(0x1000, 0x42);
        Mdl mdl = m.mdl(pool, 0x1000);
        m.k.mmBuildMdlForNonPagedPool(mdl);
        m.k.exFreePool(pool, 0x42);
        long user = m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, 0, NORMAL_PRIORITY);
        BugCheck b = m.bugChecks(() -> m.k.readUser(m.p, user, new byte[8], 0, 8));
        assertBugCheck(b, 0x50, user);
    }

    @Test
    void freeingPagesAnotherMdlHoldsLockedIsPfnListCorrupt() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl pages = m.k.mmAllocatePagesForMdlEx(0x2000, 0);
        long user = m.k.mmMapLockedPagesUser(pages, m.p, MM_CACHED, 0, NORMAL_PRIORITY);
        Mdl other = m.locked(user, 0x1000, IO_READ);
        long pfn = m.pfns(pages, 1)[0];
        assertEquals(pfn, m.pfns(other, 1)[0]);
        m.k.mmUnmapLockedPages(user, pages, m.p);
        BugCheck b = m.bugChecks(() -> m.k.mmFreePagesFromMdl(pages));
        assertBugCheck(b, 0x4E, 0x9A);
        assertEquals(pfn, b.p2());
    }

    @Test
    void freeingUnlockedPagesIsFineAndTheCensusCountsLocks() throws Exception {
        KernelFixture m = KernelFixture.win10();
        long buf = m.buffer(0x3000);
        KernelCensus empty = m.k.census(m.p);
        Mdl mdl = m.locked(buf, 0x3000, IO_READ);
        KernelCensus locked = m.k.census(m.p);
        assertEquals(empty.pageLocks() + 3, locked.pageLocks());
        assertEquals(3, locked.processLockedPages());
        m.k.mmUnlockPages(mdl);
        assertEquals(empty.pageLocks(), m.k.census(m.p).pageLocks());
        Mdl pages = m.k.mmAllocatePagesForMdlEx(0x2000, 0);
        m.k.mmFreePagesFromMdl(pages);
        assertEquals(null, m.k.bugCheck());
    }
}
