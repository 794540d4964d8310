package dev.mdlbridge.spi;

/** Whether a backend can be used here; {@code reason} says why not (or how it was found). */
public record Availability(boolean available, String reason) {

    public static Availability yes(String how) {
        return new Availability(true, how);
    }

    public static Availability no(String why) {
        return new Availability(false, why);
    }
}
