package dev.mdlbridge.spi;

/**
 * Found through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.mdlbridge.spi.BackendProvider}).
 * {@code auto} picks the available provider with the highest priority and reports why the others were not used.
 */
public interface BackendProvider {

    /**
     * The name users select it by.
     *
     * @return {@code driver}, {@code simulator} or {@code replay}
     */
    String name();

    /**
     * Rank under {@code auto}: higher wins.
     *
     * @return the driver 100, the simulator 10; {@code replay} is never chosen by auto
     */
    int priority();

    /**
     * Whether {@link #create} can succeed here, and if not, why (one sentence a user can act on).
     *
     * @return the availability and its reason
     */
    Availability availability();

    /**
     * Creates the backend.
     *
     * @param options backend-specific settings (profile, seed, recording file)
     * @return the new backend
     * @throws BackendException when it cannot be created or an option makes no sense for it
     */
    Backend create(BackendOptions options);
}
