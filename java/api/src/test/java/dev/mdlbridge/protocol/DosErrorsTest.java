package dev.mdlbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mdlbridge.spi.IoResult;
import org.junit.jupiter.api.Test;

/**
 * The shared RtlNtStatusToDosError table, checked against the documented mapping for every status the contract
 * names (values from Microsoft's NTSTATUS-to-Win32 table as Wine and ReactOS reproduce it).
 */
class DosErrorsTest {

    @Test
    void theContractsStatusesMapAsDocumented() {
        assertEquals(998, DosErrors.of(0xC0000005), "ACCESS_VIOLATION -> ERROR_NOACCESS");
        assertEquals(0x80000001, DosErrors.of(0x80000001), "GUARD_PAGE_VIOLATION passed through");
        assertEquals(1453, DosErrors.of(0xC00000A1), "WORKING_SET_QUOTA");
        assertEquals(59, DosErrors.of(0xC0000141), "INVALID_ADDRESS -> ERROR_UNEXP_NET_ERR, not 487");
        assertEquals(22, DosErrors.of(0xC0000184), "INVALID_DEVICE_STATE -> ERROR_BAD_COMMAND, not 5023");
        assertEquals(1450, DosErrors.of(0xC000009A), "INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES");
        assertEquals(6, DosErrors.of(0xC0000008), "INVALID_HANDLE");
        assertEquals(6, DosErrors.of(0xC0000024), "OBJECT_TYPE_MISMATCH -> ERROR_INVALID_HANDLE too");
        assertEquals(1168, DosErrors.of(0xC0000225), "NOT_FOUND");
        assertEquals(87, DosErrors.of(0xC000000D), "INVALID_PARAMETER");
        assertEquals(1, DosErrors.of(0xC0000010), "INVALID_DEVICE_REQUEST -> ERROR_INVALID_FUNCTION");
        assertEquals(24, DosErrors.of(0xC0000004), "INFO_LENGTH_MISMATCH -> ERROR_BAD_LENGTH");
        assertEquals(1306, DosErrors.of(0xC0000059), "REVISION_MISMATCH");
        assertEquals(122, DosErrors.of(0xC0000023), "BUFFER_TOO_SMALL -> ERROR_INSUFFICIENT_BUFFER");
        assertEquals(999, DosErrors.of(0xC0000006), "IN_PAGE_ERROR -> ERROR_SWAPERROR");
        assertEquals(299, DosErrors.of(0x8000000D), "PARTIAL_COPY");
        assertEquals(50, DosErrors.of(0xC00000BB), "NOT_SUPPORTED");
        assertEquals(31, DosErrors.of(0xC0000001), "UNSUCCESSFUL -> ERROR_GEN_FAILURE");
    }

    @Test
    void theRulesOutsideTheTable() {
        assertEquals(0, DosErrors.of(0));
        assertEquals(317, DosErrors.of(0xC0001234), "ERROR_MR_MID_NOT_FOUND for a status with no entry");
        assertEquals(0xE0000042, DosErrors.of(0xE0000042), "customer bit: passed through");
        assertEquals(0x1234, DosErrors.of(0xC0011234), "0xC001xxxx: the low word");
        assertEquals(5, DosErrors.of(0x80070005), "0x8007xxxx: the low word");
    }

    @Test
    void aFailureNeverReadsAsSuccess() {
        IoResult r = IoResult.failure(0, 1234);
        assertEquals(0xC0000001, r.ntStatus(), "a status-less failure is STATUS_UNSUCCESSFUL");
        assertNotEquals(NtStatus.SUCCESS, NtStatus.of(r.ntStatus()));
        assertEquals(0, IoResult.success(8).ntStatus());
    }

    @Test
    void theOtherDirectionGivesTheStatusACallerMeets() {
        assertEquals(0xC0000005, DosErrors.ntStatusOf(998), "ERROR_NOACCESS: an access violation");
        assertEquals(0x80000001, DosErrors.ntStatusOf(0x80000001), "the guard page, passed through");
        assertEquals(0xC0000141, DosErrors.ntStatusOf(487), "ERROR_INVALID_ADDRESS: STATUS_INVALID_ADDRESS");
        assertEquals(0x8000000D, DosErrors.ntStatusOf(299), "ERROR_PARTIAL_COPY");
        assertEquals(0xC0000001, DosErrors.ntStatusOf(12345), "unknown: STATUS_UNSUCCESSFUL, never success");
        for (int win32 : new int[] {998, 87, 8, 999, 299}) {
            assertEquals(win32, DosErrors.of(DosErrors.ntStatusOf(win32)), "round trip of " + win32);
        }
    }
}
