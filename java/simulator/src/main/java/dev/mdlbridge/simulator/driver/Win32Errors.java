package dev.mdlbridge.simulator.driver;

import java.util.Map;

/**
 * What {@code GetLastError()} shows after a failed {@code DeviceIoControl}: RtlNtStatusToDosError for the statuses
 * the simulated machine completes IRPs with.
 */
public final class Win32Errors {

    /** ERROR_MR_MID_NOT_FOUND: what RtlNtStatusToDosError returns for a status it has no entry for. */
    static final int UNMAPPED = 317;

    private static final Map<Integer, Integer> TABLE = Map.ofEntries(
            Map.entry(0xC0000004, 24),    // INFO_LENGTH_MISMATCH -> ERROR_BAD_LENGTH
            Map.entry(0xC0000005, 998),   // ACCESS_VIOLATION -> ERROR_NOACCESS
            Map.entry(0xC0000006, 999),   // IN_PAGE_ERROR -> ERROR_SWAPERROR
            Map.entry(0xC0000008, 6),     // INVALID_HANDLE -> ERROR_INVALID_HANDLE
            Map.entry(0xC000000D, 87),    // INVALID_PARAMETER
            Map.entry(0xC0000010, 1),     // INVALID_DEVICE_REQUEST -> ERROR_INVALID_FUNCTION
            Map.entry(0xC0000017, 8),     // NO_MEMORY -> ERROR_NOT_ENOUGH_MEMORY
            Map.entry(0xC0000018, 487),   // CONFLICTING_ADDRESSES -> ERROR_INVALID_ADDRESS
            Map.entry(0xC0000022, 5),     // ACCESS_DENIED
            Map.entry(0xC0000023, 122),   // BUFFER_TOO_SMALL -> ERROR_INSUFFICIENT_BUFFER
            Map.entry(0xC0000024, 6),     // OBJECT_TYPE_MISMATCH -> ERROR_INVALID_HANDLE (unverified)
            Map.entry(0xC0000044, 1816),  // QUOTA_EXCEEDED -> ERROR_NOT_ENOUGH_QUOTA
            Map.entry(0xC0000059, 1306),  // REVISION_MISMATCH
            Map.entry(0xC000009A, 1450),  // INSUFFICIENT_RESOURCES -> ERROR_NO_SYSTEM_RESOURCES
            Map.entry(0xC00000A1, 1453),  // WORKING_SET_QUOTA
            Map.entry(0xC00000E5, 1359),  // INTERNAL_ERROR
            Map.entry(0xC000010A, 5),     // PROCESS_IS_TERMINATING -> ERROR_ACCESS_DENIED
            Map.entry(0xC0000141, 487),   // INVALID_ADDRESS
            Map.entry(0xC0000184, 5023),  // INVALID_DEVICE_STATE
            Map.entry(0xC0000225, 1168),  // NOT_FOUND
            Map.entry(0x80000001, 0x80000001)); // GUARD_PAGE_VIOLATION: a warning status passed through (unverified)

    private Win32Errors() {
    }

    public static int of(int ntStatus) {
        return ntStatus == 0 ? 0 : TABLE.getOrDefault(ntStatus, UNMAPPED);
    }
}
