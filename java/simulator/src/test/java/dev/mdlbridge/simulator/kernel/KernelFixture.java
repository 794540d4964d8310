package dev.mdlbridge.simulator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.UserMemory;

/** A simulated machine with one user process, and the DDI constants of WINDOWS-MDL-RULES.md section 1.4. */
final class KernelFixture {

    static final int KERNEL_MODE = 0;
    static final int USER_MODE = 1;
    static final int IO_READ = 0;
    static final int IO_WRITE = 1;
    static final int IO_MODIFY = 2;
    static final int NORMAL_PRIORITY = 16;
    static final int NO_EXECUTE = 0x40000000;
    static final int NO_WRITE = 0x80000000;
    static final int MM_CACHED = 1;

    static final int STATUS_ACCESS_VIOLATION = 0xC0000005;
    static final int STATUS_IN_PAGE_ERROR = 0xC0000006;
    static final int STATUS_GUARD_PAGE_VIOLATION = 0x80000001;
    static final int STATUS_WORKING_SET_QUOTA = 0xC00000A1;
    static final int STATUS_CONFLICTING_ADDRESSES = 0xC0000018;
    static final int STATUS_INVALID_ADDRESS = 0xC0000141;

    final SimKernel k;
    final SimProcess p;
    final AddressSpace as;

    KernelFixture(KernelConfig config) {
        k = SimKernel.create(config);
        p = k.createProcess("app.exe");
        as = k.addressSpace(p);
    }

    static KernelFixture win10() {
        return new KernelFixture(KernelConfig.defaults());
    }

    static KernelFixture of(Profile profile) {
        return new KernelFixture(KernelConfig.defaults().withProfile(profile));
    }

    static KernelFixture policies(boolean verifier, boolean trackLockedPages) {
        return new KernelFixture(KernelConfig.defaults().withPolicies(verifier, trackLockedPages));
    }

    /** A committed read-write user buffer (VirtualAlloc: 64 KiB aligned). */
    long buffer(long size) {
        return as.allocate(size, UserMemory.PAGE_READWRITE, false);
    }

    long buffer(long size, int protect) {
        return as.allocate(size, protect, false);
    }

    Mdl mdl(long va, long length) {
        Mdl m = k.ioAllocateMdl(va, (int) length, false, null);
        assertNotNull(m, "IoAllocateMdl returned NULL");
        return m;
    }

    /** A locked user MDL (UserMode probe in the process's context). */
    Mdl locked(long va, long length, int operation) {
        Mdl m = mdl(va, length);
        lock(m, USER_MODE, operation);
        return m;
    }

    void lock(Mdl m, int mode, int operation) {
        try {
            k.mmProbeAndLockPages(m, p, mode, operation);
        } catch (NtStatusException e) {
            throw new AssertionError("probe raised 0x" + Integer.toHexString(e.status()), e);
        }
    }

    int probeRaises(Mdl m, int mode, int operation) {
        return assertThrows(NtStatusException.class, () -> k.mmProbeAndLockPages(m, p, mode, operation)).status();
    }

    long[] pfns(Mdl m, int count) {
        long[] out = new long[count];
        m.copyPfns(0, out, 0, count);
        return out;
    }

    /** Runs {@code action}, which must bug-check; checks the machine then stays stopped on that bug check. */
    BugCheck bugChecks(org.junit.jupiter.api.function.Executable action) {
        BugCheck b = assertThrows(SimulatedBugCheckException.class, action).bugCheck();
        assertEquals(b, k.bugCheck(), "the machine records the bug check that stopped it");
        return b;
    }

    static void assertBugCheck(BugCheck b, int code, long p1) {
        assertEquals(code, b.code(), () -> "bug check " + b);
        assertEquals(p1, b.p1(), () -> "p1 of " + b);
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
