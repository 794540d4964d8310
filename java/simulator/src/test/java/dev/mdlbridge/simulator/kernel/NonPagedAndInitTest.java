package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Section 3.9 MmBuildMdlForNonPagedPool (rule 11) and MmInitializeMdl in driver storage (section 2, 3.3). */
class NonPagedAndInitTest {

    @Test
    void buildForNonPagedPoolUsesTheOriginalVaAndTakesNoReferences() {
        KernelFixture m = KernelFixture.win10();
        long pool = m.k.exAllocatePool(0x3000, 0x6C644D);
        long va = pool + 0x234;
        Mdl mdl = m.mdl(va, 0x2000);   // spans 3 pages
        m.k.mmBuildMdlForNonPagedPool(mdl);
        assertEquals(0x8 | 0x4, mdl.flags(), "0x4 added, no 0x2");
        assertEquals(0, mdl.process());
        assertEquals(va, mdl.mappedSystemVa(), "StartVa + ByteOffset, no new mapping");
        assertEquals(va, m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY), "0x4: MappedSystemVa as is");
        assertEquals(0xC, mdl.flags(), "MmGetSystemAddressForMdlSafe changed nothing");
        // The PFNs are the pool's frames: a KernelMode lock of the same range finds the same ones.
        Mdl probe = m.mdl(va, 0x2000);
        m.lock(probe, KERNEL_MODE, IO_READ);
        for (int i = 0; i < 3; i++) {
            assertEquals(probe.pfn(i), mdl.pfn(i));
            assertEquals(1, m.k.pfnLockCount(mdl.pfn(i)), "only the probe's reference");
        }
    }

    @Test
    void buildForNonPagedPoolOfAnUnmappedKernelVaIsBugCheck0x50() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(0xFFFF_8000_0000_0000L, 0x1000);
        assertEquals(0x50, m.bugChecks(() -> m.k.mmBuildMdlForNonPagedPool(mdl)).code());
    }

    @Test
    void verifierRejectsBuildingForPagedMemoryWith0x7F() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        var b = m.bugChecks(() -> m.k.mmBuildMdlForNonPagedPool(mdl));
        assertBugCheck(b, 0xC4, 0x7F);
        assertEquals(mdl.address(), b.p2());
    }

    @Test
    void allocateAndInitializeMdlHasNoFixedSizeFlag() {
        // Section 3.3 / MmCreateMdl: pool storage of MmSizeOfMdl bytes + MmInitializeMdl: flags 0.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x3000) + 0x10;
        Mdl mdl = m.k.allocateAndInitializeMdl(va, 0x2000, 0x6C644D);
        assertEquals(0, mdl.flags());
        assertEquals(48 + 8 * 3, mdl.size());
        assertEquals(3, mdl.pfnCapacity(), "exactly MmSizeOfMdl");
        assertEquals(0x10, mdl.byteOffset());
        assertEquals(0, mdl.next());
        // MmInitializeMdl does not touch Process or MappedSystemVa: stale pool contents.
        assertNotEquals(0, mdl.process());
        assertNotEquals(0, mdl.mappedSystemVa());
        m.lock(mdl, USER_MODE, IO_WRITE);
        assertEquals(0x82, mdl.flags(), "no 0x8 anywhere in its life");
        m.k.mmUnlockPages(mdl);
        assertEquals(0x80, mdl.flags());
        m.k.exFreePoolMdl(mdl);
        assertEquals(0x80, mdl.flags());
    }

    @Test
    void doubleExFreePoolOfMdlStorageIsBadPoolCaller() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.k.allocateAndInitializeMdl(0x10000, 0x1000, 0x6C644D);
        m.k.exFreePoolMdl(mdl);
        assertEquals(0xC2, m.bugChecks(() -> m.k.exFreePoolMdl(mdl)).code());
    }
}
