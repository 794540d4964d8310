package dev.mdlbridge.api;

import dev.mdlbridge.protocol.NtStatus;

/**
 * DeviceIoControl itself failed (the IRP failed): a malformed request, an unknown object id, a call from a process
 * that does not own the handle, or the I/O manager's own failure of a DIRECT call.
 */
public class DeviceCallException extends RuntimeException {

    private final String op;
    private final NtStatus status;
    private final int win32Error;

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

    public String op() {
        return op;
    }

    public NtStatus status() {
        return status;
    }

    public int win32Error() {
        return win32Error;
    }
}
