package dev.mdlbridge.api;

import dev.mdlbridge.protocol.NtStatus;

/**
 * DeviceIoControl itself failed (the IRP failed): a malformed request, an unknown object id, a call from a process
 * that does not own the handle, or the I/O manager's own failure of a DIRECT call.
 */
public class DeviceCallException extends RuntimeException {

    /** The operation whose request failed. */
    private final String op;
    /** The IRP's status. */
    private final NtStatus status;
    /** {@code GetLastError()} after the call, or 0. */
    private final int win32Error;

    /**
     * The exception for a failed DeviceIoControl.
     *
     * @param op         the operation whose request failed
     * @param status     the IRP's status
     * @param win32Error what {@code GetLastError()} showed ({@code RtlNtStatusToDosError} of the status), or 0
     */
    public DeviceCallException(String op, NtStatus status, int win32Error) {
        super(op + ": DeviceIoControl failed with " + status + (win32Error != 0 ? ", Win32 error " + win32Error : "")
                + hint(status));
        this.op = op;
        this.status = status;
        this.win32Error = win32Error;
    }

    private static String hint(NtStatus s) {
        return switch (s.value()) {
            case 0xC0000225 -> " (the object id is unknown or was already released)";
            case 0xC0000024 -> " (the id names another kind of object)";
            case 0xC0000022 -> " (the handle belongs to another process)";
            case 0xC0000059 -> " (the driver speaks another protocol version: install the matching driver)";
            default -> "";
        };
    }

    /**
     * The operation whose request failed.
     *
     * @return the op ({@code MmUnlockPages}, ...)
     */
    public String op() {
        return op;
    }

    /**
     * The status the IRP completed with.
     *
     * @return the status
     */
    public NtStatus status() {
        return status;
    }

    /**
     * The Win32 error of the failed call.
     *
     * @return {@code GetLastError()}, or 0 when not known
     */
    public int win32Error() {
        return win32Error;
    }
}
