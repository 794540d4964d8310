package dev.mdlbridge.spi;

/**
 * Wraps whichever backend was selected, when the option it claims is set. Found through
 * {@link java.util.ServiceLoader} ({@code META-INF/services/dev.mdlbridge.spi.BackendDecorator}), as providers are;
 * the selector takes the claimed option out of the settings, so no provider sees it. The recording decorator of
 * {@code mdlbridge-scenario} claims {@code record} (a file: every call below the seam is appended to it as a
 * session).
 */
public interface BackendDecorator {

    /**
     * The option that turns this decorator on.
     *
     * @return the option's key, e.g. {@code record}
     */
    String option();

    /**
     * Wraps {@code backend}. {@code value} is the claimed option's value (never blank); {@code session} the label
     * the caller gave this backend ({@code session} option: a scenario's description), or empty. On failure the
     * decorator throws and the selector closes {@code backend}.
     *
     * @param backend the selected backend
     * @param value   the claimed option's value, never blank
     * @param session the caller's label for this backend, or empty
     * @return the wrapping backend
     */
    Backend decorate(Backend backend, String value, String session);
}
