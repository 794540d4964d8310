package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Section 3.12 MmAllocatePagesForMdlEx / MmFreePagesFromMdl. */
class PageAllocationTest {

    @Test
    void allocatedPagesAreLockedUnmappedAndZeroed() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(0x1800, 0);
        assertEquals(0, mdl.startVa());
        assertEquals(0, mdl.byteOffset());
        assertEquals(0, mdl.virtualAddress(), "MmGetMdlVirtualAddress is NULL");
        assertEquals(0x2000, mdl.byteCount(), "found << 12: whole pages");
        assertEquals(0x2, mdl.flags(), "PAGES_LOCKED, no 0x8 (MmCreateMdl storage)");
        assertEquals(0, mdl.process());
        assertEquals(48 + 16, mdl.size());
        long[] pfns = m.pfns(mdl, 2);
        assertTrue(pfns[0] != pfns[1]);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        assertEquals(0x3, mdl.flags());
        assertEquals(0, mdl.virtualAddress(), "still NULL after mapping");
        byte[] contents = new byte[0x2000];
        Arrays.fill(contents, (byte) 0x5A);
        m.k.readKernel(sysVa, contents, 0, contents.length);
        for (byte b : contents) {
            assertEquals(0, b);
        }
        m.k.mmUnmapLockedPages(sysVa, mdl, m.p);
        m.k.mmFreePagesFromMdl(mdl);
        assertEquals(0, mdl.flags(), "PAGES_LOCKED cleared");
        assertEquals(-1, mdl.pfn(0));
        assertEquals(-1, mdl.pfn(1));
        assertEquals(-1, m.k.pfnLockCount(pfns[0]), "the frame is free again");
        assertEquals(-1, m.k.pfnLockCount(pfns[1]));
        m.k.exFreePoolMdl(mdl);
    }

    @Test
    void fewerPagesThanRequestedEndWithTheSentinel() {
        // 8 free frames above the reserved low 0x1000: a 16-page request gets 8, PFN[8] = -1.
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withPhysicalMemory((0x1000 + 8) * 4096L, 0.0));
        Mdl mdl = m.k.mmAllocatePagesForMdlEx(16 * 4096, 0);
        assertEquals(8 * 4096, mdl.byteCount(), "the caller must check MmGetMdlByteCount");
        assertEquals(-1, mdl.pfn(8));
        assertEquals(0x2, mdl.flags());
        assertNull(m.k.mmAllocatePagesForMdlEx(4096, 0), "no page at all: NULL");
    }

    @Test
    void invalidFlagsGiveNull() {
        KernelFixture m = KernelFixture.win10();
        assertNull(m.k.mmAllocatePagesForMdlEx(4096, 0x40000000));
        assertEquals(0x2, m.k.mmAllocatePagesForMdlEx(4096, 0x1 | 0x4).flags(), "MM_DONT_ZERO | FULLY_REQUIRED");
    }
}
