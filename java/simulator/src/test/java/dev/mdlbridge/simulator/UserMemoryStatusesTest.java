package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import org.junit.jupiter.api.Test;

/**
 * The user-memory SPI answers what {@code NtReadVirtualMemory} / {@code NtWriteVirtualMemory} on the own process
 * return on Windows (the Windows backend calls exactly these): a read that faults is STATUS_PARTIAL_COPY
 * (0x8000000D, Win32 299); a write is probed first, changes no protection, and fails with the probe's own status.
 */
class UserMemoryStatusesTest {

    private static UserMemoryException readFails(Dev d, long va) {
        return assertThrows(UserMemoryException.class, () -> d.mem.read(va, new byte[8], 0, 8));
    }

    @Test
    void readsOfNoAccessGuardAndDecommittedPagesArePartialCopies() {
        try (Dev d = new Dev()) {
            long noAccess = d.mem.allocate(0x1000, UserMemory.PAGE_NOACCESS, false);
            long guard = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE | UserMemory.PAGE_GUARD, false);
            long decommitted = d.buffer(0x1000);
            d.mem.decommit(decommitted, 0x1000);
            long reserved = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE, true);
            for (long va : new long[] {noAccess, guard, decommitted, reserved}) {
                UserMemoryException e = readFails(d, va);
                assertEquals(0x8000000D, e.ntStatus(), e.getMessage());
                assertEquals(299, e.win32Error(), "ERROR_PARTIAL_COPY");
                assertEquals("NtReadVirtualMemory", e.operation());
            }
            // the guard was consumed by the failed read, as by any access: the next read succeeds
            d.mem.read(guard, new byte[8], 0, 8);
        }
    }

    @Test
    void aWriteToAnExecuteOnlyOrReadOnlyPageFailsWithAccessViolationAndWritesNothing() {
        try (Dev d = new Dev()) {
            long exec = d.mem.allocate(0x1000, UserMemory.PAGE_EXECUTE, false);
            UserMemoryException e = assertThrows(UserMemoryException.class,
                    () -> d.mem.write(exec, new byte[] {1}, 0, 1));
            assertEquals(0xC0000005, e.ntStatus());
            assertEquals(998, e.win32Error(), "ERROR_NOACCESS");
            assertEquals("NtWriteVirtualMemory", e.operation());

            // two pages, the second read-only: the probe fails before the first byte is written
            long two = d.buffer(0x2000);
            d.mem.write(two + 0xFF0, new byte[16], 0, 16);
            d.mem.protect(two + 0x1000, 0x1000, UserMemory.PAGE_READONLY);
            byte[] ones = new byte[32];
            java.util.Arrays.fill(ones, (byte) 1);
            e = assertThrows(UserMemoryException.class, () -> d.mem.write(two + 0xFF0, ones, 0, 32));
            assertEquals(0xC0000005, e.ntStatus());
            byte[] back = new byte[16];
            d.mem.read(two + 0xFF0, back, 0, 16);
            assertArrayEquals(new byte[16], back, "nothing was written");
        }
    }

    @Test
    void aWriteToAGuardPageFailsWithTheGuardStatusPassedThroughAsTheWin32Error() {
        try (Dev d = new Dev()) {
            long guard = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE | UserMemory.PAGE_GUARD, false);
            UserMemoryException e = assertThrows(UserMemoryException.class,
                    () -> d.mem.write(guard, new byte[] {1}, 0, 1));
            assertEquals(0x80000001, e.ntStatus());
            assertEquals(0x80000001, e.win32Error(), "RtlNtStatusToDosError passes the guard status through");
            d.mem.write(guard, new byte[] {1}, 0, 1); // consumed
        }
    }
}
