package dev.mdlbridge.record;

import dev.mdlbridge.spi.BackendException;

/** The recording has no (unused) session with the label a backend was opened for. */
public final class NoRecordedSessionException extends BackendException {

    public NoRecordedSessionException(String message) {
        super(message);
    }
}
