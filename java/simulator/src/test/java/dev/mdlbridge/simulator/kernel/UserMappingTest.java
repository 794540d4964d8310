package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import org.junit.jupiter.api.Test;

/** Section 3.6 UserMode rows: MmMapLockedPagesSpecifyCache(UserMode) into the current process. */
class UserMappingTest {

    /** An aligned user address nothing occupies (VirtualAlloc starts above it). */
    static final long FREE = 0x0000_0100_0000_0000L;

    private static Mdl lockedMdl(KernelFixture m) {
        long va = m.buffer(0x3000) + 0x123;
        return m.locked(va, 0x2000, IO_WRITE);   // 3 pages, ByteOffset 0x123
    }

    @Test
    void nullRequestedAddressMapsSomewhereAndLeavesTheMdlAlone() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        long msva = mdl.mappedSystemVa();
        long userVa = m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, 0, NORMAL_PRIORITY);
        assertEquals(0x123, userVa & 0xFFF, "start + ByteOffset");
        assertTrue(userVa > 0 && userVa < m.k.highestUserAddress());
        assertEquals(0x8A, mdl.flags(), "no 0x1 for a user mapping");
        assertEquals(msva, mdl.mappedSystemVa(), "MappedSystemVa is not set");
        // Same physical pages: a write through the view shows in the original buffer.
        m.as.write(userVa, new byte[] {77}, 0, 1);
        byte[] b = new byte[1];
        m.as.read(mdl.virtualAddress(), b, 0, 1);
        assertEquals(77, b[0]);
        assertEquals(UserMemory.PAGE_READWRITE, m.k.queryProtection(m.p, userVa));
    }

    @Test
    void alignedFreeRequestedAddressIsUsedExactly() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        assertEquals(FREE + 0x123, m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, FREE, NORMAL_PRIORITY));
        assertEquals(0x8A, mdl.flags());
    }

    @Test
    void unalignedRequestedAddressRaisesInvalidAddress() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        NtStatusException e = assertThrows(NtStatusException.class,
                () -> m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, FREE + 2048, NORMAL_PRIORITY));
        assertEquals(STATUS_INVALID_ADDRESS, e.status());
        assertEquals(0, m.k.queryProtection(m.p, FREE), "no mapping");
        assertEquals(0x8A, mdl.flags());
    }

    @Test
    void rangeBeyondTheHighestVadAddressRaisesInvalidAddress() throws Exception {
        // MM_HIGHEST_VAD_ADDRESS = MM_HIGHEST_USER_ADDRESS - 64K = 0x7FFF'FFFDFFFF on Win10.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x1000), 0x1000, IO_READ);
        long lastFit = 0x7FFF_FFFD_F000L;
        NtStatusException e = assertThrows(NtStatusException.class,
                () -> m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, lastFit + 0x1000, NORMAL_PRIORITY));
        assertEquals(STATUS_INVALID_ADDRESS, e.status());
        assertEquals(lastFit, m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, lastFit, NORMAL_PRIORITY));
    }

    @Test
    void overlappingRequestedAddressRaisesConflictingAddresses() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        long taken = m.buffer(0x1000);
        NtStatusException e = assertThrows(NtStatusException.class,
                () -> m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, taken, NORMAL_PRIORITY));
        assertEquals(STATUS_CONFLICTING_ADDRESSES, e.status());
        assertEquals(0x8A, mdl.flags());
    }

    @Test
    void noWriteGivesAReadOnlyView() throws Exception {
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        long userVa = m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, 0, NORMAL_PRIORITY | NO_WRITE);
        assertEquals(UserMemory.PAGE_READONLY, m.k.queryProtection(m.p, userVa));
        UserMemoryException e = assertThrows(UserMemoryException.class,
                () -> m.as.write(userVa, new byte[1], 0, 1));
        assertEquals(998, e.win32Error(), "ERROR_NOACCESS");
    }

    @Test
    void theViewCannotBeFreedByTheProcessAndUnmapRemovesIt() throws Exception {
        // Section 3.6 kmtest properties (free -> STATUS_UNABLE_TO_DELETE_SECTION, seen as a Win32 error).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = lockedMdl(m);
        long userVa = m.k.mmMapLockedPagesUser(mdl, m.p, MM_CACHED, FREE, NORMAL_PRIORITY);
        assertThrows(UserMemoryException.class, () -> m.as.release(FREE));
        m.k.mmUnmapLockedPages(userVa, mdl, m.p);
        assertEquals(0, m.k.queryProtection(m.p, FREE));
        assertEquals(0x8A, mdl.flags(), "flags unchanged by a user unmap");
        assertEquals(3, m.k.numberOfLockedPages(m.p), "locks untouched");
    }
}
