package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Section 1.1 address limits per profile, and process exit (section 3.13: the check after the notify). */
class ProfileAndExitTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "win10-x64, 0x7FFFFFFEFFFF, 0x7FFFFFFF0000",
            "win7-x64, 0x7FFFFFEFFFF, 0x7FFFFFF0000",
            "nt52-x64, 0x7FFFFFEFFFF, 0x7FFFFFF0000"})
    void userAddressLimitsFollowTheProfile(String name, String highest, String probe) {
        KernelFixture m = KernelFixture.of(Profiles.byName(name).orElseThrow());
        assertEquals(Long.decode(highest), m.k.highestUserAddress());
        assertEquals(Long.decode(probe), m.k.userProbeAddress());
    }

    @Test
    void before81AUserModeProbeAbove8TBFailsTheGate() {
        // 0x800'0000'0000 is user space on 8.1+ but above MM_USER_PROBE_ADDRESS on Win7: gate, Process untouched.
        long va = 0x0000_0800_0000_0000L;
        KernelFixture win7 = KernelFixture.of(Profiles.WIN7_X64);
        Mdl mdl = win7.mdl(va, 0x1000);
        long stale = mdl.process();
        assertEquals(STATUS_ACCESS_VIOLATION, win7.probeRaises(mdl, USER_MODE, IO_READ));
        assertEquals(stale, mdl.process(), "the range gate");
        KernelFixture win10 = KernelFixture.win10();
        Mdl other = win10.mdl(va, 0x1000);
        assertEquals(STATUS_ACCESS_VIOLATION, win10.probeRaises(other, USER_MODE, IO_READ));
        assertEquals(0, other.process(), "passed the gate, failed the probe loop (nothing allocated there)");
    }

    @Test
    void aProcessNotifyThatUnlocksAvoidsTheBugCheck() {
        // exitProcess runs the notify routines (the driver's cleanup) before it checks NumberOfLockedPages.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x2000), 0x2000, IO_READ);
        List<Long> seen = new ArrayList<>();
        m.k.registerProcessNotify(p -> {
            seen.add(m.k.numberOfLockedPages(p));
            m.k.mmUnlockPages(mdl);
            m.k.ioFreeMdl(mdl);
        });
        m.k.exitProcess(m.p);
        assertEquals(List.of(2L), seen);
        assertTrue(m.p.exited());
        assertNull(m.k.bugCheck());
    }

    @Test
    void anotherProcessExitingDoesNotSeeThisOnesLocks() {
        KernelFixture m = KernelFixture.win10();
        m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        SimProcess other = m.k.createProcess("other.exe");
        assertEquals(m.p.id() + 4, other.id(), "ids are multiples of 4");
        m.k.exitProcess(other);
        assertNull(m.k.bugCheck());
        assertEquals(1, m.k.numberOfLockedPages(m.p));
    }
}
