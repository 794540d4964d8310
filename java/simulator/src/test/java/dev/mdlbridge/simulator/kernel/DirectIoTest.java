package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.UserMemory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Rule 15 and section 5: METHOD_IN_DIRECT / METHOD_OUT_DIRECT, and IoCompleteRequest of an MDL chain. */
class DirectIoTest {

    @ParameterizedTest(name = "inDirect {0}: flags 0x{1}")
    @CsvSource({"true, A", "false, 8A"})
    void theDriverSeesALockedMdlThatCompletionUnlocksAndFrees(boolean inDirect, String flagsHex) {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x3000) + 0x80;
        AtomicReference<Mdl> seen = new AtomicReference<>();
        long[] pfns = new long[3];
        int status = m.k.dispatchDirectIo(m.p, inDirect, va, 0x2000, irp -> {
            Mdl mdl = irp.mdlAddress();
            seen.set(mdl);
            assertEquals(Integer.parseInt(flagsHex, 16), mdl.flags(), "IN: IoReadAccess; OUT: IoWriteAccess");
            assertEquals(m.p.eprocess(), mdl.process(), "probed in the requestor's context, UserMode");
            assertEquals(va, mdl.virtualAddress());
            assertEquals(0x2000, mdl.byteCount());
            assertEquals(0, mdl.next());
            assertEquals(3, m.k.numberOfLockedPages(m.p));
            mdl.copyPfns(0, pfns, 0, 3);
            return 0x1234;
        });
        assertEquals(0x1234, status, "the driver's status");
        Mdl mdl = seen.get();
        assertEquals(Integer.parseInt(flagsHex, 16) & ~0x2, mdl.flags(), "unlocked at completion");
        assertTrue(((KernelMdl) mdl).freed, "and freed");
        assertEquals(0, m.k.numberOfLockedPages(m.p));
        for (long pfn : pfns) {
            assertEquals(0, m.k.pfnLockCount(pfn));
        }
    }

    @Test
    void aReadOnlyBufferWithOutDirectFailsBeforeTheDriverRuns() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x1000, UserMemory.PAGE_READONLY);
        AtomicBoolean called = new AtomicBoolean();
        int status = m.k.dispatchDirectIo(m.p, false, va, 0x1000, irp -> {
            called.set(true);
            return 0;
        });
        assertEquals(STATUS_ACCESS_VIOLATION, status);
        assertFalse(called.get());
        assertEquals(0, m.k.numberOfLockedPages(m.p));
        // IN_DIRECT only reads the buffer: the same buffer is fine.
        assertEquals(0, m.k.dispatchDirectIo(m.p, true, va, 0x1000, irp -> 0));
    }

    @Test
    void aKernelAddressFromUserModeFailsTheRangeGate() {
        KernelFixture m = KernelFixture.win10();
        AtomicBoolean called = new AtomicBoolean();
        int status = m.k.dispatchDirectIo(m.p, true, 0xFFFF_A000_0000_0000L, 0x1000, irp -> {
            called.set(true);
            return 0;
        });
        assertEquals(STATUS_ACCESS_VIOLATION, status);
        assertFalse(called.get());
        assertEquals(null, m.k.bugCheck());
    }

    @Test
    void zeroOutputLengthGivesNoMdl() {
        KernelFixture m = KernelFixture.win10();
        AtomicBoolean called = new AtomicBoolean();
        int status = m.k.dispatchDirectIo(m.p, true, m.buffer(0x1000), 0, irp -> {
            called.set(true);
            assertNull(irp.mdlAddress());
            return 0;
        });
        assertEquals(0, status);
        assertTrue(called.get());
    }

    @Test
    void completeIrpUnlocksAndFreesTheWholeChain() {
        KernelFixture m = KernelFixture.win10();
        Irp irp = m.k.allocateIrp(m.p);
        Mdl a = m.k.ioAllocateMdl(m.buffer(0x2000), 0x2000, false, irp);
        Mdl b = m.k.ioAllocateMdl(m.buffer(0x3000), 0x3000, true, irp);
        m.lock(a, USER_MODE, IO_READ);
        m.lock(b, USER_MODE, IO_WRITE);
        long pa = a.pfn(0);
        long pb = b.pfn(2);
        assertEquals(5, m.k.numberOfLockedPages(m.p));
        m.k.completeIrp(irp);
        assertNull(irp.mdlAddress());
        assertEquals(0x8, a.flags());
        assertEquals(0x88, b.flags());
        assertEquals(0, m.k.numberOfLockedPages(m.p));
        assertEquals(0, m.k.pfnLockCount(pa));
        assertEquals(0, m.k.pfnLockCount(pb));
        for (Mdl x : new Mdl[] {a, b}) {
            assertTrue(((KernelMdl) x).freed);
        }
        m.k.exitProcess(m.p);
        assertEquals(null, m.k.bugCheck(), "nothing leaked");
    }

    @Test
    void aNeverLockedMdlLeftOnTheChainIs0x4EAtCompletion() {
        // Rule 15: completion unlocks the whole chain, so a driver must detach an MDL whose probe failed
        // (both drivers do: chain_detach in driver/src/ops.c, the chain detach in the simulated Operations).
        KernelFixture m = KernelFixture.win10();
        Irp irp = m.k.allocateIrp(m.p);
        Mdl a = m.k.ioAllocateMdl(m.buffer(0x2000), 0x2000, false, irp);
        m.k.ioAllocateMdl(m.buffer(0x1000), 0x1000, true, irp);   // never locked
        m.lock(a, USER_MODE, IO_READ);
        BugCheck b = m.bugChecks(() -> m.k.completeIrp(irp));
        assertEquals(0x4E, b.code(), "PFN_LIST_CORRUPT");
        assertEquals(7, b.p1(), "a lock count that would underflow");
    }
}
