package dev.mdlbridge.spi;

/**
 * A user-memory call failed: {@code operation} is the Windows function, {@code win32Error} its last error and
 * {@code ntStatus} the NTSTATUS behind it when the call returns one ({@code NtReadVirtualMemory},
 * {@code NtWriteVirtualMemory}; 0 for the Win32 calls, whose status Windows does not return).
 */
public class UserMemoryException extends RuntimeException {

    private final String operation;
    private final int win32Error;
    private final int ntStatus;
    private final String detail;

    public UserMemoryException(String operation, int win32Error, String message) {
        this(operation, 0, win32Error, message);
    }

    public UserMemoryException(String operation, int ntStatus, int win32Error, String message) {
        super(operation + " failed: " + message + (ntStatus != 0 ? String.format(" (NTSTATUS 0x%08X,", ntStatus)
                + " Win32 error " + win32Error + ")" : " (Win32 error " + win32Error + ")"));
        this.operation = operation;
        this.win32Error = win32Error;
        this.ntStatus = ntStatus;
        this.detail = message;
    }

    /** The message as given, without the operation and the codes the full message adds. */
    public String detail() {
        return detail;
    }

    /** The NTSTATUS the call returned, or 0 when it returns only a Win32 error. */
    public int ntStatus() {
        return ntStatus;
    }

    public String operation() {
        return operation;
    }

    public int win32Error() {
        return win32Error;
    }
}
