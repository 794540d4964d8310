package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.UserMemory;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The section 3.4 outcome matrix of MmProbeAndLockPages, row by row (rules 4-6). */
class ProbeOutcomeTest {

    @ParameterizedTest(name = "mode {0} operation {1}: flags 0x{2}")
    @CsvSource({"1, 0, A", "1, 1, 8A", "1, 2, 8A", "0, 0, A", "0, 1, 8A", "0, 2, 8A"})
    void p1CommittedUserPagesLock(int mode, int operation, String flagsHex) {
        // P1: flags |= 0x2, 0x80 iff Write/Modify; Process = current; PFNs valid; lock +1; NumberOfLockedPages += n.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x3000) + 0x10;
        Mdl mdl = m.mdl(va, 0x2000);   // spans 3 pages
        m.lock(mdl, mode, operation);
        assertEquals(Integer.parseInt(flagsHex, 16), mdl.flags());
        assertEquals(m.p.eprocess(), mdl.process());
        assertEquals(3, m.k.numberOfLockedPages(m.p));
        Set<Long> distinct = new HashSet<>();
        for (long pfn : m.pfns(mdl, 3)) {
            assertEquals(1, m.k.pfnLockCount(pfn), KernelFixture.hex(pfn));
            distinct.add(pfn);
        }
        assertEquals(3, distinct.size());
    }

    @Test
    void p1PagedOutPagesAreFaultedInAndLocked() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        m.as.write(va, new byte[] {42}, 0, 1);
        m.k.pageOut(m.p, va, 0x2000, false);
        Mdl mdl = m.locked(va, 0x2000, IO_READ);
        assertEquals(0xA, mdl.flags());
        byte[] b = new byte[1];
        m.k.readKernel(m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY), b, 0, 1);
        assertEquals(42, b[0], "contents come back from the page file");
    }

    @Test
    void writeOperationIsClearedByAReadProbe() {
        // Rule 4: 0x80 is cleared for IoRead (a reused MDL whose flags carry 0x80 loses it).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        mdl.setFlags(mdl.flags() | 0x80);
        m.lock(mdl, USER_MODE, IO_READ);
        assertEquals(0xA, mdl.flags());
    }

    @ParameterizedTest(name = "protect 0x{0}")
    @ValueSource(ints = {UserMemory.PAGE_READONLY, UserMemory.PAGE_EXECUTE_READ})
    void p2ReadOnlyPagesLockForRead(int protect) {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000, protect), 0x1000, IO_READ);
        assertEquals(0xA, mdl.flags());
        assertEquals(m.p.eprocess(), mdl.process());
        assertEquals(1, m.k.numberOfLockedPages(m.p));
    }

    @ParameterizedTest(name = "mode {0} operation {1}")
    @CsvSource({"1, 1", "1, 2", "0, 1", "0, 2"})
    void p3ReadOnlyPagesRaiseAccessViolationForWrite(int mode, int operation) {
        // P3: probe-for-write of a user address, whatever the AccessMode (step 3 checks the address).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000, UserMemory.PAGE_READONLY), 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, mode, operation));
        assertFailedProbe(m, mdl, 1);
    }

    /** As P3 (section 3.14 "Failed probe"): flags unchanged, Process NULL, PFN[0..k] = -1, nothing charged. */
    static void assertFailedProbe(KernelFixture m, Mdl mdl, int slotsEmpty) {
        assertEquals(0x8, mdl.flags());
        assertEquals(0, mdl.process());
        for (int i = 0; i < slotsEmpty; i++) {
            assertEquals(-1, mdl.pfn(i), "PFN[" + i + "]");
        }
        assertEquals(0, m.k.numberOfLockedPages(m.p));
    }

    @Test
    void p5NoAccessPageRaisesAccessViolation() {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000, UserMemory.PAGE_NOACCESS), 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertFailedProbe(m, mdl, 1);
    }

    @Test
    void p5ReserveOnlyRaisesAccessViolation() {
        KernelFixture m = KernelFixture.win10();
        long va = m.as.allocate(0x1000, UserMemory.PAGE_READWRITE, true);
        Mdl mdl = m.mdl(va, 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertFailedProbe(m, mdl, 1);
    }

    @Test
    void p5DecommittedPageRaisesAccessViolation() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        m.as.decommit(va + 0x1000, 0x1000);
        Mdl mdl = m.mdl(va, 0x2000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_MODIFY));
        assertFailedProbe(m, mdl, 2);
    }

    @Test
    void p5ReleasedRangeRaisesAccessViolation() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x1000);
        m.as.release(va);
        Mdl mdl = m.mdl(va, 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, KERNEL_MODE, IO_READ));
        assertFailedProbe(m, mdl, 1);
    }

    @Test
    void p6GuardPageRaisesOnceThenLocks() {
        // P6 [I]: the profile's guardPageStatus (0x80000001); the guard bit is one-shot.
        KernelFixture m = KernelFixture.win10();
        assertEquals(STATUS_GUARD_PAGE_VIOLATION, m.k.profile().guardPageStatus());
        long va = m.buffer(0x2000);
        m.as.protect(va + 0x1000, 0x1000, UserMemory.PAGE_READWRITE | UserMemory.PAGE_GUARD);
        Mdl mdl = m.mdl(va, 0x2000);
        assertEquals(STATUS_GUARD_PAGE_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertFailedProbe(m, mdl, 2);
        assertEquals(UserMemory.PAGE_READWRITE, m.k.queryProtection(m.p, va + 0x1000), "guard cleared");
        m.lock(mdl, USER_MODE, IO_READ);
        assertEquals(0xA, mdl.flags());
        assertEquals(2, m.k.numberOfLockedPages(m.p));
    }

    @Test
    void p7ValidThenInvalidLeavesNothingLocked() {
        // P7: AV on the first bad page; earlier pages are not left locked; PFN[0..1] = -1, later slots stale.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x3000);
        m.as.protect(va + 0x1000, 0x1000, UserMemory.PAGE_NOACCESS);
        Mdl mdl = m.mdl(va, 0x3000);
        long stale = mdl.pfn(2);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertFailedProbe(m, mdl, 2);
        assertEquals(stale, mdl.pfn(2), "slots after the failing page are not written");
        Mdl first = m.locked(va, 0x1000, IO_READ);
        assertEquals(1, m.k.pfnLockCount(first.pfn(0)), "page 0 was touched but never locked");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "kernel VA, 0xFFFFA00000001000, 0x1000",
            "over the top, 0x7FFFFFFEF000, 0x2000",
            "zero length, 0x10000000, 0",
            // On x64 a 32-bit length cannot wrap a user VA; a VA in the last page of the address space can.
            "wrap, 0xFFFFFFFFFFFFF000, 0x2000"})
    void p8UserModeRangeGateRaisesBeforeTouchingMemory(String what, String va, String length) {
        // P8 / rule 6 exception: PFN[0] = -1 only; flags and Process untouched (still the stale values).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(Long.parseUnsignedLong(va.substring(2), 16), Long.decode(length));
        long process = mdl.process();
        long pfn1 = mdl.pfn(1);
        int flags = mdl.flags();
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertEquals(-1, mdl.pfn(0));
        assertEquals(pfn1, mdl.pfn(1));
        assertEquals(flags, mdl.flags());
        assertEquals(process, mdl.process());
        assertNotEquals(0, mdl.process());
        assertEquals(0, m.k.numberOfLockedPages(m.p));
    }

    @Test
    void p8TheGateIsMmUserProbeAddress() {
        // The last page below MM_USER_PROBE_ADDRESS (0x7FFF'FFFF0000 on 8.1+) passes the gate: it is not
        // allocated, so it fails later as P5 with Process = NULL instead of untouched.
        KernelFixture m = KernelFixture.win10();
        assertEquals(0x7FFF_FFFF_0000L, m.k.userProbeAddress());
        Mdl mdl = m.mdl(0x7FFF_FFFE_F000L, 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertEquals(0, mdl.process(), "probe loop failure, not the gate");
    }

    @ParameterizedTest(name = "operation {0}")
    @ValueSource(ints = {IO_READ, IO_WRITE})
    void p9KernelBufferWithKernelModeHasNoProcess(int operation) {
        KernelFixture m = KernelFixture.win10();
        long pool = m.k.exAllocatePool(0x2000, 0x6C644D);
        Mdl mdl = m.mdl(pool + 0x100, 0x1000);
        m.lock(mdl, KERNEL_MODE, operation);
        assertEquals(operation == IO_READ ? 0xA : 0x8A, mdl.flags());
        assertEquals(0, mdl.process());
        assertEquals(0, m.k.numberOfLockedPages(m.p), "no process accounting");
        assertEquals(1, m.k.pfnLockCount(mdl.pfn(0)));
        assertEquals(1, m.k.pfnLockCount(mdl.pfn(1)));
        m.k.mmUnlockPages(mdl);
        assertEquals(0x8 | (operation == IO_READ ? 0 : 0x80), mdl.flags());
    }

    @Test
    void p9ReadOnlyKernelPageLocksForWrite() {
        // Rule 5: no write-protection check for kernel pages. A NoWrite system mapping is a read-only kernel VA.
        KernelFixture m = KernelFixture.win10();
        Mdl user = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        long ro = m.k.mmGetSystemAddressForMdlSafe(user, NORMAL_PRIORITY | NO_WRITE);
        Mdl mdl = m.mdl(ro, 0x1000);
        m.lock(mdl, KERNEL_MODE, IO_WRITE);
        assertEquals(0x8A, mdl.flags());
        assertEquals(user.pfn(0), mdl.pfn(0));
        assertEquals(2, m.k.pfnLockCount(user.pfn(0)));
    }

    @Test
    void p10UnmappedKernelVaWithKernelModeIsBugCheck0x50() {
        KernelFixture m = KernelFixture.win10();
        long va = 0xFFFF_8000_1234_5678L;
        Mdl mdl = m.mdl(va, 0x100);
        BugCheck b = m.bugChecks(() -> m.k.mmProbeAndLockPages(mdl, m.p, KERNEL_MODE, IO_READ));
        // p1 is the referenced address: the probe's first read is at StartVa + ByteOffset.
        assertBugCheck(b, 0x50, va);
        assertEquals(0, b.p2(), "a read");
    }

    @Test
    void p13LockCountLimitRaisesWorkingSetQuotaAndUndoesEverything() {
        // P13 and step 7: lock the second page to the limit, then a 2-page write lock fails on it.
        KernelFixture m = new KernelFixture(KernelConfig.defaults().withFaults(-1, -1, 2));
        long va = m.buffer(0x2000);
        Mdl a = m.locked(va + 0x1000, 0x1000, IO_READ);
        m.locked(va + 0x1000, 0x1000, IO_READ);
        long hot = a.pfn(0);
        assertEquals(2, m.k.pfnLockCount(hot));
        Mdl mdl = m.mdl(va, 0x2000);
        assertEquals(STATUS_WORKING_SET_QUOTA, m.probeRaises(mdl, USER_MODE, IO_WRITE));
        // PAGES_LOCKED cleared; Process and WRITE_OPERATION left as the lock loop set them.
        assertEquals(0x88, mdl.flags());
        assertEquals(m.p.eprocess(), mdl.process());
        assertEquals(2, m.k.numberOfLockedPages(m.p), "only the two 1-page MDLs");
        assertEquals(2, m.k.pfnLockCount(hot));
        long first = mdl.pfn(0);
        assertEquals(-1, mdl.pfn(1), "the sentinel at the failing slot");
        // The page already locked was unlocked by the internal MmUnlockPages: its slot is a PMMPFN now.
        assertEquals(0, (first - Poison.PFN_DATABASE) % 0x30);
        long frame0 = (first - Poison.PFN_DATABASE) / 0x30;
        assertEquals(0, m.k.pfnLockCount(frame0));
    }

    @Test
    void p14PageInErrorRaisesInPageError() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        m.k.pageOut(m.p, va, 0x2000, true);
        Mdl mdl = m.mdl(va, 0x2000);
        assertEquals(STATUS_IN_PAGE_ERROR, m.probeRaises(mdl, USER_MODE, IO_READ));
        assertFailedProbe(m, mdl, 1);
    }

    @Test
    void p16TwoMdlsOnOnePageShareTheFrame() {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x1000);
        Mdl a = m.locked(va, 0x800, IO_READ);
        Mdl b = m.locked(va + 0x800, 0x800, IO_WRITE);
        assertEquals(a.pfn(0), b.pfn(0));
        assertEquals(2, m.k.pfnLockCount(a.pfn(0)));
        assertEquals(2, m.k.numberOfLockedPages(m.p));
        long pfn = a.pfn(0);
        m.k.mmUnlockPages(a);
        assertEquals(1, m.k.pfnLockCount(pfn));
        m.k.mmUnlockPages(b);
        assertEquals(0, m.k.pfnLockCount(pfn));
        assertEquals(0, m.k.numberOfLockedPages(m.p));
    }

    @Test
    void kernelModeProbeOfAUserVaSkipsTheGateButChargesTheProcess() {
        // Section 3.4 last paragraph: the METHOD_NEITHER mistake still probes user pages and sets Process.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000), 0x1000);
        m.lock(mdl, KERNEL_MODE, IO_READ);
        assertEquals(m.p.eprocess(), mdl.process());
        assertEquals(1, m.k.numberOfLockedPages(m.p));
        assertTrue(m.k.pfnLockCount(mdl.pfn(0)) == 1);
    }
}
