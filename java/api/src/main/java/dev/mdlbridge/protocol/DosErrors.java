package dev.mdlbridge.protocol;

import java.util.Map;

/**
 * {@code RtlNtStatusToDosError} for every status this project meets: what {@code GetLastError()} shows after a call
 * that failed with that NTSTATUS. One table for both backends: the simulator records it as the failed call's Win32
 * error, and the Windows backend's fakes derive it the same way (on Windows the backend calls ntdll's own
 * {@code RtlNtStatusToDosError}, and a Windows-only test compares it with this table entry by entry).
 *
 * <p>The entries follow the documented mapping (Microsoft's "Mapping NT Status Error Codes to Win32 Error Codes"
 * table, and the same table as Wine and ReactOS reproduce it). Some are not what the names suggest:
 * {@code STATUS_INVALID_ADDRESS} (0xC0000141) is a transport-address status and gives ERROR_UNEXP_NET_ERR (59), not
 * ERROR_INVALID_ADDRESS (487); {@code STATUS_INVALID_DEVICE_STATE} gives ERROR_BAD_COMMAND (22); a guard-page
 * violation is passed through as the Win32 "error" 0x80000001.
 */
public final class DosErrors {

    /** ERROR_MR_MID_NOT_FOUND: what RtlNtStatusToDosError returns for a status it has no entry for. */
    public static final int UNMAPPED = 317;

    private static final Map<Integer, Integer> TABLE = Map.ofEntries(
            Map.entry(0x00000103, 997),   // PENDING -> ERROR_IO_PENDING
            Map.entry(0x80000001, 0x80000001), // GUARD_PAGE_VIOLATION: the table maps it to itself
            Map.entry(0x80000005, 234),   // BUFFER_OVERFLOW -> ERROR_MORE_DATA
            Map.entry(0x8000000D, 299),   // PARTIAL_COPY -> ERROR_PARTIAL_COPY
            Map.entry(0xC0000001, 31),    // UNSUCCESSFUL -> ERROR_GEN_FAILURE
            Map.entry(0xC0000002, 1),     // NOT_IMPLEMENTED -> ERROR_INVALID_FUNCTION
            Map.entry(0xC0000004, 24),    // INFO_LENGTH_MISMATCH -> ERROR_BAD_LENGTH
            Map.entry(0xC0000005, 998),   // ACCESS_VIOLATION -> ERROR_NOACCESS
            Map.entry(0xC0000006, 999),   // IN_PAGE_ERROR -> ERROR_SWAPERROR
            Map.entry(0xC0000008, 6),     // INVALID_HANDLE -> ERROR_INVALID_HANDLE
            Map.entry(0xC000000D, 87),    // INVALID_PARAMETER -> ERROR_INVALID_PARAMETER
            Map.entry(0xC0000010, 1),     // INVALID_DEVICE_REQUEST -> ERROR_INVALID_FUNCTION
            Map.entry(0xC0000017, 8),     // NO_MEMORY -> ERROR_NOT_ENOUGH_MEMORY
            Map.entry(0xC0000018, 487),   // CONFLICTING_ADDRESSES -> ERROR_INVALID_ADDRESS
            Map.entry(0xC0000019, 487),   // NOT_MAPPED_VIEW -> ERROR_INVALID_ADDRESS
            Map.entry(0xC000001B, 87),    // UNABLE_TO_DELETE_SECTION -> ERROR_INVALID_PARAMETER
            Map.entry(0xC0000022, 5),     // ACCESS_DENIED -> ERROR_ACCESS_DENIED
            Map.entry(0xC0000023, 122),   // BUFFER_TOO_SMALL -> ERROR_INSUFFICIENT_BUFFER
            Map.entry(0xC0000024, 6),     // OBJECT_TYPE_MISMATCH -> ERROR_INVALID_HANDLE
            Map.entry(0xC000002D, 487),   // NOT_COMMITTED -> ERROR_INVALID_ADDRESS
            Map.entry(0xC0000044, 1816),  // QUOTA_EXCEEDED -> ERROR_NOT_ENOUGH_QUOTA
            Map.entry(0xC0000045, 87),    // INVALID_PAGE_PROTECTION -> ERROR_INVALID_PARAMETER
            Map.entry(0xC0000059, 1306),  // REVISION_MISMATCH -> ERROR_REVISION_MISMATCH
            Map.entry(0xC000009A, 1450),  // INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES
            Map.entry(0xC00000A0, 487),   // MEMORY_NOT_ALLOCATED -> ERROR_INVALID_ADDRESS
            Map.entry(0xC00000A1, 1453),  // WORKING_SET_QUOTA -> ERROR_WORKING_SET_QUOTA
            Map.entry(0xC00000BB, 50),    // NOT_SUPPORTED -> ERROR_NOT_SUPPORTED
            Map.entry(0xC00000E5, 1359),  // INTERNAL_ERROR -> ERROR_INTERNAL_ERROR
            Map.entry(0xC000010A, 5),     // PROCESS_IS_TERMINATING -> ERROR_ACCESS_DENIED
            Map.entry(0xC0000141, 59),    // INVALID_ADDRESS -> ERROR_UNEXP_NET_ERR
            Map.entry(0xC0000184, 22),    // INVALID_DEVICE_STATE -> ERROR_BAD_COMMAND
            Map.entry(0xC0000225, 1168)); // NOT_FOUND -> ERROR_NOT_FOUND

    private DosErrors() {
    }

    /**
     * The Win32 error for {@code ntStatus}: 0 for 0; the status itself when the customer bit (0x20000000) is set;
     * the low word of a 0xC001xxxx or 0x8007xxxx status; {@link #UNMAPPED} for any other status not in the table.
     *
     * @param ntStatus an NTSTATUS
     * @return what {@code GetLastError()} shows after a call that failed with it
     */
    public static int of(int ntStatus) {
        if (ntStatus == 0 || (ntStatus & 0x20000000) != 0) {
            return ntStatus;
        }
        Integer e = TABLE.get(ntStatus);
        if (e != null) {
            return e;
        }
        int high = ntStatus >>> 16;
        return high == 0xC001 || high == 0x8007 ? ntStatus & 0xFFFF : UNMAPPED;
    }

    /**
     * The other direction, for the calls that report only a Win32 error (VirtualAlloc and the like): the NTSTATUS
     * such an error stands for. The table above is many-to-one, so this picks the status a caller of that call meets:
     * 487 ERROR_INVALID_ADDRESS is reported as STATUS_INVALID_ADDRESS (0xC0000141; what NtFreeVirtualMemory returns
     * for an address outside any allocation, although the forward table sends that status to 59), 998 as an access
     * violation, the guard-page "error" 0x80000001 (and 1, ERROR_INVALID_FUNCTION, which some paths give for it) as
     * the guard-page status; STATUS_UNSUCCESSFUL when no closer status is known.
     *
     * @param win32Error what {@code GetLastError()} returned
     * @return the NTSTATUS that error stands for
     */
    public static int ntStatusOf(int win32Error) {
        return switch (win32Error) {
            case 998 -> 0xC0000005;             // ERROR_NOACCESS -> STATUS_ACCESS_VIOLATION
            case 0x80000001, 1 -> 0x80000001;   // a guard page touched
            case 487 -> 0xC0000141;             // ERROR_INVALID_ADDRESS -> STATUS_INVALID_ADDRESS
            case 87 -> 0xC000000D;              // ERROR_INVALID_PARAMETER
            case 8, 14 -> 0xC0000017;           // ERROR_NOT_ENOUGH_MEMORY, ERROR_OUTOFMEMORY -> STATUS_NO_MEMORY
            case 1455 -> 0xC000012D;            // ERROR_COMMITMENT_LIMIT
            case 999 -> 0xC0000006;             // ERROR_SWAPERROR -> STATUS_IN_PAGE_ERROR
            case 299 -> 0x8000000D;             // ERROR_PARTIAL_COPY
            default -> 0xC0000001;              // STATUS_UNSUCCESSFUL
        };
    }

    /**
     * Every entry, status to error, for tests that compare this table with another.
     *
     * @return the table, unmodifiable
     */
    public static Map<Integer, Integer> table() {
        return TABLE;
    }
}
