package dev.mdlbridge.spi;

/**
 * Whether a backend can be used here; {@code reason} says why not (or how it was found).
 *
 * @param available the backend can be created on this machine
 * @param reason    how it was found, or why it cannot be used (one sentence a user can act on)
 */
public record Availability(boolean available, String reason) {

    /**
     * The backend can be used.
     *
     * @param how how it was found, e.g. the device that answered
     * @return an available result
     */
    public static Availability yes(String how) {
        return new Availability(true, how);
    }

    /**
     * The backend cannot be used.
     *
     * @param why the reason, one sentence a user can act on
     * @return an unavailable result
     */
    public static Availability no(String why) {
        return new Availability(false, why);
    }
}
