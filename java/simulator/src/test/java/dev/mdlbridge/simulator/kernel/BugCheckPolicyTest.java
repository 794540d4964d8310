package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Section 4: misuse and its consequence under each policy (free build, TrackLockedPages, Verifier). */
class BugCheckPolicyTest {

    @Test
    void freeOfALockedMdlThenExitIs0x76WithP1Zero() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x3000), 0x3000, IO_READ);
        m.k.ioFreeMdl(mdl);   // does not unlock (rule 13): nothing happens yet
        assertNull(m.k.bugCheck());
        assertEquals(3, m.k.numberOfLockedPages(m.p));
        BugCheck b = m.bugChecks(() -> m.k.exitProcess(m.p));
        assertEquals(0x76, b.code());
        assertEquals(0, b.p1());
        assertEquals(m.p.eprocess(), b.p2());
        assertEquals(3, b.p3(), "locked pages");
        assertEquals(0, b.p4());
    }

    @Test
    void freeOfALockedMdlThenExitIs0xCBWithTrackLockedPages() {
        KernelFixture m = KernelFixture.policies(false, true);
        Mdl mdl = m.locked(m.buffer(0x2000), 0x2000, IO_WRITE);
        m.k.ioFreeMdl(mdl);
        BugCheck b = m.bugChecks(() -> m.k.exitProcess(m.p));
        // 0xCB (tracker, 0, MDL, pages).
        assertEquals(0xCB, b.code());
        assertEquals(0, b.p2());
        assertEquals(mdl.address(), b.p3());
        assertEquals(2, b.p4());
    }

    @Test
    void forgottenUnlockUnderTheVerifierIs0xCBAtExit() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        BugCheck b = m.bugChecks(() -> m.k.exitProcess(m.p));
        assertEquals(0xCB, b.code());
        assertEquals(mdl.address(), b.p3());
        assertEquals(1, b.p4());
    }

    @Test
    void doubleUnlockOnAFreeBuildIs0x4EWithP1Seven() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        m.k.mmUnlockPages(mdl);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0x4E, 7);
    }

    @Test
    void unlockOfANeverLockedMdlOnAFreeBuildIs0x4E() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0x4E, 7);
    }

    @Test
    void doubleUnlockWithTrackLockedPagesIs0x76WithP1One() {
        KernelFixture m = KernelFixture.policies(false, true);
        m.locked(m.buffer(0x2000), 0x2000, IO_READ);   // another MDL keeps 2 pages locked in the process
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        m.k.mmUnlockPages(mdl);
        BugCheck b = m.bugChecks(() -> m.k.mmUnlockPages(mdl));
        // 0x76 (1, MDL, the process's current locked-page count, 0): Mdl->Process still names the process.
        assertBugCheck(b, 0x76, 1);
        assertEquals(mdl.address(), b.p2());
        assertEquals(2, b.p3());
    }

    @Test
    void doubleUnlockUnderTheVerifierIs0xC4_0x7C() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        m.k.mmUnlockPages(mdl);
        int flags = mdl.flags();
        BugCheck b = m.bugChecks(() -> m.k.mmUnlockPages(mdl));
        assertBugCheck(b, 0xC4, 0x7C);
        // p2..p4 = (MDL, MdlFlags, extra): the recommendation of section 4 for subcode parameters.
        assertEquals(mdl.address(), b.p2());
        assertEquals(flags, b.p3());
    }

    @Test
    void unlockOfAPartialUnderTheVerifierIs0xC4_0xB4() {
        KernelFixture m = KernelFixture.policies(true, false);
        long va = m.buffer(0x2000);
        Mdl src = m.locked(va, 0x2000, IO_READ);
        Mdl tgt = m.mdl(va, 0x1000);
        m.k.ioBuildPartialMdl(src, tgt, va, 0x1000);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(tgt)), 0xC4, 0xB4);
    }

    @Test
    void unlockOfANonPagedPoolMdlUnderTheVerifierIs0xC4_0x7D() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.k.exAllocatePool(0x1000, 0x6C644D), 0x1000);
        m.k.mmBuildMdlForNonPagedPool(mdl);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0xC4, 0x7D);
    }

    @Test
    void unlockOfANonPagedPoolMdlOnAFreeBuildIs0x4E() {
        // Section 4: no references were taken, so the counts underflow.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.k.exAllocatePool(0x1000, 0x6C644D), 0x1000);
        m.k.mmBuildMdlForNonPagedPool(mdl);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0x4E, 7);
    }

    @Test
    void probeOfALockedMdlUnderTheVerifierIs0xC4_0xB0() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        assertBugCheck(m.bugChecks(() -> m.k.mmProbeAndLockPages(mdl, m.p, USER_MODE, IO_READ)), 0xC4, 0xB0);
    }

    @Test
    void probeOfALockedMdlOnAFreeBuildChargesTwiceAndLeaks() {
        // P15 free build: re-lock, counts charged twice; one unlock later leaves a leak -> 0x76 at exit.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        long pfn = mdl.pfn(0);
        m.lock(mdl, USER_MODE, IO_READ);
        assertEquals(2, m.k.pfnLockCount(pfn));
        assertEquals(2, m.k.numberOfLockedPages(m.p));
        m.k.mmUnlockPages(mdl);
        assertEquals(1, m.k.numberOfLockedPages(m.p));
        assertBugCheck(m.bugChecks(() -> m.k.exitProcess(m.p)), 0x76, 0);
    }

    @Test
    void freeOfAMappedNonPartialUnderTheVerifierIs0xC4_0xB8() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        assertBugCheck(m.bugChecks(() -> m.k.ioFreeMdl(mdl)), 0xC4, 0xB8);
    }

    @Test
    void freeOfAMappedNonPartialOnAFreeBuildLeaksItsPtes() {
        // Section 3.2: the system PTEs leak; the mapping stays readable.
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withFaults(-1, 4, -1));
        Mdl mdl = m.locked(m.buffer(0x3000), 0x3000, IO_READ);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        m.k.mmUnlockPages(mdl);   // unmaps: the 3 PTEs come back
        Mdl again = m.locked(m.buffer(0x3000), 0x3000, IO_READ);
        long leaked = m.k.mmGetSystemAddressForMdlSafe(again, NORMAL_PRIORITY);
        assertEquals(0x3, again.flags() & 0x3);
        m.k.ioFreeMdl(again);
        assertNull(m.k.bugCheck());
        m.k.readKernel(leaked, new byte[1], 0, 1);
        Mdl third = m.locked(m.buffer(0x2000), 0x2000, IO_READ);
        assertEquals(0, m.k.mmGetSystemAddressForMdlSafe(third, NORMAL_PRIORITY), "1 PTE left of 4");
        assertEquals(0xA, third.flags());
        assertEquals(sysVa & 0xFFF, leaked & 0xFFF);
    }

    @Test
    void mapOfAnUnlockedMdlUnderTheVerifierIs0xC4_0x85() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        assertBugCheck(m.bugChecks(() -> m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY)), 0xC4, 0x85);
    }

    @Test
    void afterABugCheckEveryCallThrowsTheSameBugCheck() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        long va = m.buffer(0x1000);
        m.k.mmUnlockPages(mdl);
        BugCheck first = m.bugChecks(() -> m.k.mmUnlockPages(mdl));
        Executable[] calls = {
                () -> m.k.ioAllocateMdl(va, 0x1000, false, null),
                () -> m.k.ioFreeMdl(mdl),
                () -> m.k.mmProbeAndLockPages(mdl, m.p, USER_MODE, IO_READ),
                () -> m.k.mmUnlockPages(mdl),
                () -> m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY),
                () -> m.k.mmAllocatePagesForMdlEx(4096, 0),
                () -> m.k.exAllocatePool(64, 1),
                () -> m.k.createProcess("other.exe"),
                () -> m.k.exitProcess(m.p),
                () -> m.k.dispatchDirectIo(m.p, true, va, 0x1000, irp -> 0),
                () -> m.as.allocate(0x1000, UserMemory.PAGE_READWRITE, false),
                () -> m.k.readUser(m.p, va, new byte[1], 0, 1)};
        for (Executable call : calls) {
            assertSame(first, assertThrows(SimulatedBugCheckException.class, call).bugCheck());
        }
        assertSame(first, m.k.bugCheck());
    }
    @Test
    void doubleUnlockOfAKernelVaMdlWithTrackLockedPagesIs0x4E() {
        // The tracker follows Mdl->Process; a kernel-VA lock has Process = NULL and is never on it, so its double
        // unlock underflows the PFN count as on a free build (section 3.13).
        KernelFixture m = KernelFixture.policies(false, true);
        Mdl mdl = m.mdl(m.k.exAllocatePool(0x1000, 0x6C644D), 0x1000);
        m.lock(mdl, KERNEL_MODE, IO_READ);
        m.k.mmUnlockPages(mdl);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0x4E, 7);
    }

    @Test
    void doubleUnlockOfAKernelVaMdlUnderTheVerifierIs0xC4_0x7C() {
        KernelFixture m = KernelFixture.policies(true, true);
        Mdl mdl = m.mdl(m.k.exAllocatePool(0x1000, 0x6C644D), 0x1000);
        m.lock(mdl, KERNEL_MODE, IO_READ);
        m.k.mmUnlockPages(mdl);
        assertBugCheck(m.bugChecks(() -> m.k.mmUnlockPages(mdl)), 0xC4, 0x7C);
    }
}
