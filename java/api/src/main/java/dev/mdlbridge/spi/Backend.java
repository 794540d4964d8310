package dev.mdlbridge.spi;

import java.util.Optional;

/**
 * One machine to talk to: the real driver on this Windows machine, a simulated machine, or a recording.
 * Closing it closes every channel it opened.
 */
public interface Backend extends AutoCloseable {

    /**
     * The backend's name, as results report it under {@code backend}.
     *
     * @return {@code "driver"}, {@code "simulator"} or {@code "replay"}
     */
    String name();

    /**
     * {@code CreateFile("\\.\MdlBridge")}: a new handle to the driver's device.
     *
     * @return the open channel
     * @throws BackendException saying why it could not be opened
     */
    DeviceChannel open();

    /**
     * The memory of the process the channels belong to.
     *
     * @return that process's user memory
     */
    UserMemory userMemory();

    /**
     * Optional capabilities beyond the seam, such as {@link SimulatorControl}.
     *
     * @param type the capability's interface
     * @param <T>  the capability's type
     * @return the capability, or empty when this backend does not have it
     */
    default <T> Optional<T> capability(Class<T> type) {
        return Optional.empty();
    }

    /** Closes every channel this backend opened and releases what it holds. */
    @Override
    void close();
}
