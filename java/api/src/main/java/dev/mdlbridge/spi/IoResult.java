package dev.mdlbridge.spi;

/**
 * What one {@code DeviceIoControl} returned.
 *
 * @param ok            the call succeeded (the IRP completed with a success status)
 * @param bytesReturned bytes of the reply written ({@code IoStatus.Information})
 * @param ntStatus      the IRP's NTSTATUS when the backend knows it (the simulator always does; on Windows it is
 *                      mapped back from the Win32 error, 0 when no mapping is known)
 * @param win32Error    {@code GetLastError()} after a failed call, 0 on success
 */
public record IoResult(boolean ok, int bytesReturned, int ntStatus, int win32Error) {

    public static IoResult success(int bytesReturned) {
        return new IoResult(true, bytesReturned, 0, 0);
    }

    public static IoResult failure(int ntStatus, int win32Error) {
        return new IoResult(false, 0, ntStatus, win32Error);
    }
}
