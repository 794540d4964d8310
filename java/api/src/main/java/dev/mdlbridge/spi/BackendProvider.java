package dev.mdlbridge.spi;

/**
 * Found through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.mdlbridge.spi.BackendProvider}).
 * {@code auto} picks the available provider with the highest priority and reports why the others were not used.
 */
public interface BackendProvider {

    /** The name users select it by: {@code driver}, {@code simulator}, {@code replay}. */
    String name();

    /** Higher wins under {@code auto}: the driver is 100, the simulator 10; {@code replay} is never chosen by auto. */
    int priority();

    /** Whether {@link #create} can succeed here, and if not, why (one sentence a user can act on). */
    Availability availability();

    /** Creates the backend; {@code options} carry backend-specific settings (profile, seed, recording file). */
    Backend create(BackendOptions options);
}
