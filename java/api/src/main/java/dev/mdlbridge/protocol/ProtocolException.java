package dev.mdlbridge.protocol;

/** Reply bytes that do not follow mdlbridge.h: a driver/library mismatch or a broken backend. */
public class ProtocolException extends RuntimeException {

    public ProtocolException(String message) {
        super(message);
    }
}
