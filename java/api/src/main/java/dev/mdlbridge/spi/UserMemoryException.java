package dev.mdlbridge.spi;

/** A user-memory call failed: {@code operation} is the Win32 function, {@code win32Error} its last error. */
public class UserMemoryException extends RuntimeException {

    private final String operation;
    private final int win32Error;

    public UserMemoryException(String operation, int win32Error, String message) {
        super(operation + " failed: " + message + " (Win32 error " + win32Error + ")");
        this.operation = operation;
        this.win32Error = win32Error;
    }

    public String operation() {
        return operation;
    }

    public int win32Error() {
        return win32Error;
    }
}
