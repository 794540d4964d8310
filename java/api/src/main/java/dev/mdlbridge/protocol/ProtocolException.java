package dev.mdlbridge.protocol;

/** Reply bytes that do not follow mdlbridge.h: a driver/library mismatch or a broken backend. */
public class ProtocolException extends RuntimeException {

    /**
     * A mismatch between the reply and the header.
     *
     * @param message what was wrong, with the offending numbers
     */
    public ProtocolException(String message) {
        super(message);
    }
}
