package dev.mdlbridge.windows.service;

/** A Win32 call failed: which call, and the error {@code GetLastError()} gave right after it. */
public final class Win32Failure extends RuntimeException {

    private final String call;
    private final int error;

    public Win32Failure(String call, int error) {
        super(call + " failed: " + LoadErrors.name(error));
        this.call = call;
        this.error = error;
    }

    public String call() {
        return call;
    }

    public int error() {
        return error;
    }
}
