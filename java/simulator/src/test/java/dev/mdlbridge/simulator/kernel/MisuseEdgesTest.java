package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Smaller rules: unmap of a partial (rule 9), partials of nonpaged sources, P11, P15 masks, frees. */
class MisuseEdgesTest {

    @Test
    void unmapOfAMappedPartialClears0x1And0x20() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        Mdl src = m.locked(va, 0x2000, IO_READ);
        Mdl tgt = m.mdl(va, 0x1000);
        m.k.ioBuildPartialMdl(src, tgt, va, 0x1000);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(tgt, NORMAL_PRIORITY);
        assertEquals(0x39, tgt.flags());
        m.k.mmUnmapLockedPages(sysVa, tgt, m.p);
        assertEquals(0x18, tgt.flags());
        assertEquals(sysVa, tgt.mappedSystemVa(), "stale");
    }

    @Test
    void aPartialOfANonPagedPoolMdlInherits0x4AndItsVa() {
        KernelFixture m = KernelFixture.win10();
        long pool = m.k.exAllocatePool(0x3000, 0x6C644D);
        Mdl src = m.mdl(pool, 0x3000);
        m.k.mmBuildMdlForNonPagedPool(src);
        Mdl tgt = m.mdl(pool + 0x1100, 0x800);
        m.k.ioBuildPartialMdl(src, tgt, pool + 0x1100, 0x800);
        assertEquals(0x8 | 0x4 | 0x10, tgt.flags());
        assertEquals(0, tgt.process());
        assertEquals(pool + 0x1100, tgt.mappedSystemVa());
        assertEquals(pool + 0x1100, m.k.mmGetSystemAddressForMdlSafe(tgt, NORMAL_PRIORITY));
        assertEquals(src.pfn(1), tgt.pfn(0));
        assertEquals(0x1C, tgt.flags(), "0x4: no mapping made, no 0x20");
    }

    @Test
    void p11ZeroLengthKernelModeProbeIsModelledAsOnePage() {
        // P11 is undefined; the document allows "model it as 1 page", which is what this kernel does.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x1000);
        Mdl mdl = m.mdl(va, 0);
        m.lock(mdl, KERNEL_MODE, IO_READ);
        assertEquals(0xA, mdl.flags());
        assertEquals(1, m.k.numberOfLockedPages(m.p));
        assertEquals(1, m.k.pfnLockCount(mdl.pfn(0)));
        m.k.mmUnlockPages(mdl);
        assertEquals(0, m.k.numberOfLockedPages(m.p));
    }

    @Test
    void p11UnderTheVerifierIs0xC4_0xB0() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.buffer(0x1000), 0);
        assertBugCheck(m.bugChecks(() -> m.k.mmProbeAndLockPages(mdl, m.p, KERNEL_MODE, IO_READ)), 0xC4, 0xB0);
    }

    @ParameterizedTest(name = "flag 0x{0}")
    @ValueSource(ints = {0x1, 0x2, 0x4, 0x10, 0x800})
    void p15VerifierRejectsAProbeOfAnMdlWithAnyMaskFlag(int flag) {
        // Section 3.4 preconditions: PAGES_LOCKED | MAPPED_TO_SYSTEM_VA | SOURCE_IS_NONPAGED_POOL | PARTIAL |
        // IO_SPACE must be clear. MdlFlags is driver-writable, which is how a driver gets there.
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        mdl.setFlags(mdl.flags() | flag);
        assertBugCheck(m.bugChecks(() -> m.k.mmProbeAndLockPages(mdl, m.p, USER_MODE, IO_READ)), 0xC4, 0xB0);
    }

    @Test
    void doubleIoFreeMdlIsBadPoolCaller() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        m.k.ioFreeMdl(mdl);
        assertEquals(0xC2, m.bugChecks(() -> m.k.ioFreeMdl(mdl)).code());
    }

    @Test
    void decommitOfALockedPageKeepsTheFrameUntilTheUnlock() {
        // Locked PFNs are stable (section 3.13): the frame stays in use while the MDL holds it.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x1000);
        Mdl mdl = m.locked(va, 0x1000, IO_READ);
        long pfn = mdl.pfn(0);
        m.as.decommit(va, 0x1000);
        assertEquals(1, m.k.pfnLockCount(pfn));
        m.k.mmUnlockPages(mdl);
        assertEquals(-1, m.k.pfnLockCount(pfn), "freed at its last unlock");
        assertNull(m.k.bugCheck());
    }

    @Test
    void lockedPagesAreNotPagedOut() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        Mdl mdl = m.locked(va, 0x1000, IO_READ);
        long pfn = mdl.pfn(0);
        m.k.pageOut(m.p, va, 0x2000, true);
        Mdl again = m.locked(va, 0x1000, IO_READ);
        assertEquals(pfn, again.pfn(0), "the locked page stayed resident");
        assertEquals(2, m.k.pfnLockCount(pfn));
        Mdl other = m.mdl(va + 0x1000, 0x1000);
        assertEquals(STATUS_IN_PAGE_ERROR, m.probeRaises(other, USER_MODE, IO_READ), "the unlocked one went");
    }
    @Test
    void aWriteThroughANoWriteSystemMappingIs0xBE() {
        // Section 3.6: MdlMappingNoWrite gives a read-only mapping; a write through it is 0xBE [I].
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_WRITE);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY | NO_WRITE);
        m.k.readKernel(sysVa, new byte[1], 0, 1);
        var b = m.bugChecks(() -> m.k.writeKernel(sysVa, new byte[1], 0, 1));
        assertBugCheck(b, 0xBE, sysVa);
    }

    @Test
    void win7HasNoMappingModifiersSoNoExecuteMakesTheMappingFail() {
        // Section 1.4: the modifier bits are Win8+. What Win7 does with them is not documented; this asserts the
        // profile's setting (mappingModifiers = false: an invalid priority, NULL, MDL unchanged).
        KernelFixture m = KernelFixture.of(Profiles.WIN7_X64);
        assertEquals(false, m.k.profile().mappingModifiers());
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        assertEquals(0, m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY | NO_EXECUTE));
        assertEquals(0xA, mdl.flags());
        assertEquals(0xB, flagsAfterMap(m, mdl, NORMAL_PRIORITY));
    }

    private static int flagsAfterMap(KernelFixture m, Mdl mdl, int priority) {
        m.k.mmGetSystemAddressForMdlSafe(mdl, priority);
        return mdl.flags();
    }

    @Test
    void nt52RestOfTheSourceFromPastItsEndWrapsAndIsTargetTooSmall() {
        // NT 5.2 does not check the range; Length = ByteCount - Offset is a ULONG and wraps to ~4 GiB, which
        // no target holds: WRK's TARGET_MDL_TOO_SMALL (0x40).
        KernelFixture m = KernelFixture.of(Profiles.NT52_X64);
        long va = m.buffer(0x4000);
        Mdl src = m.locked(va, 0x2000, IO_READ);
        Mdl tgt = m.mdl(va, 0x4000);
        assertEquals(0x40, m.bugChecks(() -> m.k.ioBuildPartialMdl(src, tgt, va + 0x3000, 0)).code());
    }
    @Test
    void mapOfAnUnlockedMdlOnAFreeBuildIsASimulatedBugCheck() {
        // Section 3.6: Windows maps whatever the PFN slots hold (undefined); the document asks the simulator for
        // a bug check instead of success. This kernel chooses 0x50 at the first poisoned frame.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        long garbage = mdl.pfn(0);
        var b = m.bugChecks(() -> m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY));
        assertBugCheck(b, 0x50, garbage << 12);
    }

    @Test
    void userMapOfAnUnlockedMdlUnderTheVerifierIs0xC4_0x85() {
        KernelFixture m = KernelFixture.policies(true, false);
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        var b = m.bugChecks(() -> m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, 0, NORMAL_PRIORITY));
        assertBugCheck(b, 0xC4, 0x85);
        assertEquals(mdl.address(), b.p2());
    }
}
