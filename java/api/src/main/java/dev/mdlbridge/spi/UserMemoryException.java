package dev.mdlbridge.spi;

/**
 * A user-memory call failed: {@code operation} is the Windows function, {@code win32Error} its last error and
 * {@code ntStatus} the NTSTATUS behind it when the call returns one ({@code NtReadVirtualMemory},
 * {@code NtWriteVirtualMemory}; 0 for the Win32 calls, whose status Windows does not return).
 */
public class UserMemoryException extends RuntimeException {

    /** The Windows function that failed. */
    private final String operation;
    /** Its {@code GetLastError()}. */
    private final int win32Error;
    /** The NTSTATUS behind the error, or 0. */
    private final int ntStatus;
    /** The message without the operation and the codes. */
    private final String detail;

    /**
     * A failed Win32 call, which reports no NTSTATUS.
     *
     * @param operation  the Windows function, e.g. {@code VirtualAlloc}
     * @param win32Error its {@code GetLastError()}
     * @param message    what went wrong
     */
    public UserMemoryException(String operation, int win32Error, String message) {
        this(operation, 0, win32Error, message);
    }

    /**
     * A failed call with the NTSTATUS behind it.
     *
     * @param operation  the Windows function, e.g. {@code NtReadVirtualMemory}
     * @param ntStatus   the status it returned; 0 when it returns only a Win32 error
     * @param win32Error its {@code GetLastError()} ({@code RtlNtStatusToDosError} of the status)
     * @param message    what went wrong
     */
    public UserMemoryException(String operation, int ntStatus, int win32Error, String message) {
        super(operation + " failed: " + message + (ntStatus != 0 ? String.format(" (NTSTATUS 0x%08X,", ntStatus)
                + " Win32 error " + win32Error + ")" : " (Win32 error " + win32Error + ")"));
        this.operation = operation;
        this.win32Error = win32Error;
        this.ntStatus = ntStatus;
        this.detail = message;
    }

    /**
     * The message as given, without the operation and the codes the full message adds.
     *
     * @return the caller's message
     */
    public String detail() {
        return detail;
    }

    /**
     * The NTSTATUS the call returned.
     *
     * @return the status, or 0 when the call returns only a Win32 error
     */
    public int ntStatus() {
        return ntStatus;
    }

    /**
     * The Windows function that failed.
     *
     * @return e.g. {@code VirtualProtect} or {@code NtWriteVirtualMemory}
     */
    public String operation() {
        return operation;
    }

    /**
     * What {@code GetLastError()} showed after the call.
     *
     * @return the Win32 error code
     */
    public int win32Error() {
        return win32Error;
    }
}
