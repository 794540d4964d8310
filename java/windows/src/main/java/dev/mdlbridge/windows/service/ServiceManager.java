package dev.mdlbridge.windows.service;

import java.util.Optional;

/**
 * The few Service Control Manager calls the installer makes, behind an interface so that every decision above them
 * is unit-tested with a fake on any OS ({@link JnaServiceManager} is the real one). Failures are
 * {@link Win32Failure}s carrying the call's error.
 */
public interface ServiceManager {

    int SERVICE_STOPPED = 1;
    int SERVICE_START_PENDING = 2;
    int SERVICE_STOP_PENDING = 3;
    int SERVICE_RUNNING = 4;

    /** What the SCM and the service's registry key say about a service. */
    record Service(String name, int state, String binaryPath, String createdBy, String trustedCertificate) {
        public String stateName() {
            return switch (state) {
                case SERVICE_STOPPED -> "stopped";
                case SERVICE_START_PENDING -> "starting";
                case SERVICE_STOP_PENDING -> "stopping";
                case SERVICE_RUNNING -> "running";
                default -> "state " + state;
            };
        }
    }

    /** The service, or empty when there is none of that name. */
    Optional<Service> query(String name);

    /** {@code CreateService}: SERVICE_KERNEL_DRIVER, SERVICE_DEMAND_START, SERVICE_ERROR_NORMAL. */
    void createKernelDriver(String name, String displayName, String binaryPath);

    /** Writes the installer's own values into the service's key: who created it, which certificate it trusted. */
    void mark(String name, String createdBy, String trustedCertificate);

    void start(String name);

    /** {@code ControlService(SERVICE_CONTROL_STOP)}: asks; {@link #query} tells when it has stopped. */
    void stop(String name);

    /** {@code DeleteService}: the service goes when its last handle closes. */
    void delete(String name);
}
