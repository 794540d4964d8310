package dev.mdlbridge.spi;

/**
 * What one {@code DeviceIoControl} returned.
 *
 * @param ok            the call succeeded (the IRP completed with a success status)
 * @param bytesReturned bytes of the reply written ({@code IoStatus.Information})
 * @param ntStatus      the request's NTSTATUS (the simulator's IRP status; on Windows what
 *                      {@code NtDeviceIoControlFile} returned); 0 on success only
 * @param win32Error    what {@code GetLastError()} shows after the failed call ({@code RtlNtStatusToDosError} of
 *                      the status), 0 on success
 */
public record IoResult(boolean ok, int bytesReturned, int ntStatus, int win32Error) {

    /** STATUS_UNSUCCESSFUL: what a failure that carries no status (an old recording, a broken backend) reports. */
    static final int UNSUCCESSFUL = 0xC0000001;

    /**
     * A failed call never reads as success: a failure whose status is 0 becomes STATUS_UNSUCCESSFUL.
     *
     * @param ok            the call succeeded (the IRP completed with a success status)
     * @param bytesReturned bytes of the reply written ({@code IoStatus.Information})
     * @param ntStatus      the request's NTSTATUS; 0 on success only
     * @param win32Error    what {@code GetLastError()} shows after the failed call, 0 on success
     */
    public IoResult {
        if (!ok && ntStatus == 0) {
            ntStatus = UNSUCCESSFUL;
        }
    }

    /**
     * A call whose IRP completed with STATUS_SUCCESS.
     *
     * @param bytesReturned bytes of the reply written ({@code IoStatus.Information})
     * @return the result, with status and Win32 error 0
     */
    public static IoResult success(int bytesReturned) {
        return new IoResult(true, bytesReturned, 0, 0);
    }

    /**
     * A call whose IRP failed (a malformed request, or the I/O manager refused it); no reply was written.
     *
     * @param ntStatus   the IRP's NTSTATUS; 0 is recorded as STATUS_UNSUCCESSFUL
     * @param win32Error what {@code GetLastError()} shows ({@code RtlNtStatusToDosError} of the status)
     * @return the result, with 0 bytes returned
     */
    public static IoResult failure(int ntStatus, int win32Error) {
        return new IoResult(false, 0, ntStatus, win32Error);
    }
}
