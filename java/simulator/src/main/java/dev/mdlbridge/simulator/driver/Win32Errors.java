package dev.mdlbridge.simulator.driver;

import dev.mdlbridge.protocol.DosErrors;

/**
 * What {@code GetLastError()} shows after a failed {@code DeviceIoControl}: {@code RtlNtStatusToDosError} of the
 * status the simulated machine completed the IRP with. The table is {@link DosErrors}, shared with the Windows
 * backend, so both backends record the same Win32 error for the same status.
 */
public final class Win32Errors {

    /** ERROR_MR_MID_NOT_FOUND: what RtlNtStatusToDosError returns for a status it has no entry for. */
    static final int UNMAPPED = DosErrors.UNMAPPED;

    private Win32Errors() {
    }

    public static int of(int ntStatus) {
        return DosErrors.of(ntStatus);
    }
}
