package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import org.junit.jupiter.api.Test;

class WindowsUserMemoryTest {

    private final FakeWin32 fake = new FakeWin32();
    private final WindowsUserMemory memory = new WindowsUserMemory(fake);

    @Test
    void readAndWriteGoThroughTheNtVirtualMemoryCalls() {
        memory.write(0x10000, new byte[] {0, 5, 6, 7}, 1, 3);
        assertArrayEquals(new byte[] {5, 6, 7}, fake.memoryContent);
        byte[] target = new byte[5];
        memory.read(0x10000, target, 2, 3);
        assertArrayEquals(new byte[] {0, 0, 5, 6, 7}, target);
    }

    @Test
    void aReadFaultCarriesTheExactStatusAndItsWin32Error() {
        fake.memStatus = 0x8000000D;
        UserMemoryException e = assertThrows(UserMemoryException.class, () -> memory.read(0x10000, new byte[4], 0, 4));
        assertEquals("NtReadVirtualMemory", e.operation());
        assertEquals(0x8000000D, e.ntStatus(), "STATUS_PARTIAL_COPY: a warning, still a failure");
        assertEquals(299, e.win32Error());
        assertTrue(e.getMessage().contains("STATUS_PARTIAL_COPY, ERROR_PARTIAL_COPY (299)"), e.getMessage());
    }

    @Test
    void aWriteFaultIsTheProbesStatus() {
        fake.memStatus = 0xC0000005;
        UserMemoryException e = assertThrows(UserMemoryException.class,
                () -> memory.write(0x10000, new byte[4], 0, 4));
        assertEquals("NtWriteVirtualMemory", e.operation());
        assertEquals(0xC0000005, e.ntStatus());
        assertEquals(998, e.win32Error());
    }

    @Test
    void allocateAndProtectReportResultsAndFailures() {
        assertEquals(0x10000, memory.allocate(4096, UserMemory.PAGE_READWRITE, false));
        assertEquals(UserMemory.PAGE_READWRITE, memory.protect(0x10000, 4096, UserMemory.PAGE_NOACCESS));
        fake.memError = 8;
        UserMemoryException e = assertThrows(UserMemoryException.class,
                () -> memory.allocate(1L << 40, UserMemory.PAGE_READWRITE, false));
        assertEquals("VirtualAlloc", e.operation());
        assertThrows(UserMemoryException.class, () -> memory.release(0x10000));
    }
}
