package dev.mdlbridge.record;

import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendDecorator;
import java.nio.file.Path;

/**
 * The {@code record} option ({@code mdlbridge.record}, {@code --record FILE}): wraps whichever backend was selected
 * in a {@link RecordingBackend} that appends one session, labelled with the {@code session} option, to FILE.
 */
public final class RecordingDecorator implements BackendDecorator {

    @Override
    public String option() {
        return "record";
    }

    @Override
    public Backend decorate(Backend backend, String value, String session) {
        return new RecordingBackend(backend, Path.of(value), session);
    }
}
