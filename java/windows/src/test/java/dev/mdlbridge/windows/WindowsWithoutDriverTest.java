package dev.mdlbridge.windows;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import dev.mdlbridge.windows.service.JnaServiceManager;
import dev.mdlbridge.windows.service.JnaSystemFacts;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Windows only, and no driver needed (the Windows CI workflow runs these; skipped elsewhere): the JNA calls under
 * the Windows backend against the real system. The process's memory through the same calls the backend uses, the
 * code-integrity query the preflight reads, and the service manager's read-only query.
 */
@EnabledOnOs(OS.WINDOWS)
class WindowsWithoutDriverTest {

    private final UserMemory memory = new WindowsUserMemory(new JnaWin32());

    @Test
    void userMemoryAllocatesWritesReadsAndReleases() {
        long a = memory.allocate(2 * 4096, UserMemory.PAGE_READWRITE, false);
        assertNotEquals(0, a);
        assertEquals(0, a & 0xFFFF, "VirtualAlloc places allocations on 64 KiB boundaries");
        byte[] data = {1, 2, 3, 4};
        memory.write(a + 4090, data, 0, data.length); // across the page boundary
        byte[] back = new byte[4];
        memory.read(a + 4090, back, 0, back.length);
        assertArrayEquals(data, back);
        memory.release(a);
    }

    @Test
    void aReadOfANoAccessPageReportsTheStatusTheSimulatorReports() {
        long a = memory.allocate(4096, UserMemory.PAGE_READWRITE, false);
        try {
            memory.protect(a, 4096, UserMemory.PAGE_NOACCESS);
            UserMemoryException e = assertThrows(UserMemoryException.class,
                    () -> memory.read(a, new byte[16], 0, 16));
            // NtReadVirtualMemory of a page it cannot read: STATUS_PARTIAL_COPY, Win32 299 (first-run check 4)
            assertEquals(0x8000000D, e.ntStatus());
            assertEquals(299, e.win32Error());
        } finally {
            memory.release(a);
        }
    }

    @Test
    void theCodeIntegrityQueryAnswersAndTheArchitectureIsKnown() {
        JnaSystemFacts facts = new JnaSystemFacts();
        assertTrue(facts.codeIntegrityOptions().isPresent(), "NtQuerySystemInformation(SystemCodeIntegrityInformation)");
        assertTrue(Set.of("AMD64", "ARM64", "x86").contains(facts.osArchitecture()), facts.osArchitecture());
    }

    @Test
    void theServiceManagerQueriesWithoutChangingAnything() {
        JnaServiceManager scm = new JnaServiceManager();
        assertTrue(scm.query("EventLog").isPresent(), "the event log service exists on every Windows");
        assertEquals(java.util.Optional.empty(), scm.query("MdlBridgeNoSuchService"));
    }
}
