package dev.mdlbridge.record;

import dev.mdlbridge.spi.BackendException;

/** A replayed run asked for something other than what was recorded: the recording cannot answer it. */
public final class ReplayDivergedException extends BackendException {

    public ReplayDivergedException(String message) {
        super(message);
    }
}
