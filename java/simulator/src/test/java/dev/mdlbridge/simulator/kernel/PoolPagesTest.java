package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** Section 3.13 same-VA invariants for kernel pool: one virtual page, one PFN, however it is reached. */
class PoolPagesTest {

    @Test
    void smallBlocksInOnePageShareItsFrame() {
        KernelFixture m = KernelFixture.win10();
        long a = m.k.exAllocatePool(0x20, 1);
        long b = m.k.exAllocatePool(0x20, 1);
        assertEquals(a & ~0xFFFL, b & ~0xFFFL, "neighbours in one page");
        Mdl ma = m.mdl(a, 0x20);
        Mdl mb = m.mdl(b, 0x20);
        m.lock(ma, KERNEL_MODE, IO_READ);
        m.lock(mb, KERNEL_MODE, IO_READ);
        assertEquals(ma.pfn(0), mb.pfn(0));
        assertEquals(2, m.k.pfnLockCount(ma.pfn(0)));
    }

    @Test
    void anMdlOverOneBlockSeesItsNeighboursBytes() {
        // A mapping of the page that holds block a shows what was written through block b.
        KernelFixture m = KernelFixture.win10();
        long a = m.k.exAllocatePool(0x20, 1);
        long b = m.k.exAllocatePool(0x20, 1);
        m.k.writeKernel(b, new byte[] {0x5A}, 0, 1);
        Mdl ma = m.mdl(a & ~0xFFFL, 0x1000);
        m.lock(ma, KERNEL_MODE, IO_READ);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(ma, NORMAL_PRIORITY);
        byte[] got = new byte[1];
        m.k.readKernel(sysVa + (b & 0xFFF), got, 0, 1);
        assertEquals(0x5A, got[0]);
    }

    @Test
    void aSharedPageStaysUntilItsLastBlockIsFreed() {
        KernelFixture m = KernelFixture.win10();
        long a = m.k.exAllocatePool(0x20, 1);
        long b = m.k.exAllocatePool(0x20, 1);
        m.k.exFreePool(a, 1);
        m.k.writeKernel(b, new byte[] {7}, 0, 1);
        byte[] got = new byte[1];
        m.k.readKernel(b, got, 0, 1);
        assertEquals(7, got[0]);
        Mdl mb = m.mdl(b, 0x20);
        m.lock(mb, KERNEL_MODE, IO_READ);
        assertNotEquals(-1, m.k.pfnLockCount(mb.pfn(0)));
    }
}
