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

    /** A failed call never reads as success: a failure whose status is 0 becomes STATUS_UNSUCCESSFUL. */
    public IoResult {
        if (!ok && ntStatus == 0) {
            ntStatus = UNSUCCESSFUL;
        }
    }

    public static IoResult success(int bytesReturned) {
        return new IoResult(true, bytesReturned, 0, 0);
    }

    public static IoResult failure(int ntStatus, int win32Error) {
        return new IoResult(false, 0, ntStatus, win32Error);
    }
}
