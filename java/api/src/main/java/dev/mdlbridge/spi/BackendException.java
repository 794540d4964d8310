package dev.mdlbridge.spi;

/** A backend could not be opened or used; the message says why and what to do. */
public class BackendException extends RuntimeException {

    /**
     * A failure with no underlying exception.
     *
     * @param message why, and what to do about it
     */
    public BackendException(String message) {
        super(message);
    }

    /**
     * A failure caused by another exception.
     *
     * @param message why, and what to do about it
     * @param cause   the underlying failure
     */
    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
