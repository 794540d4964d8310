package dev.mdlbridge.spi;

/** A backend could not be opened or used; the message says why and what to do. */
public class BackendException extends RuntimeException {

    public BackendException(String message) {
        super(message);
    }

    public BackendException(String message, Throwable cause) {
        super(message, cause);
    }
}
