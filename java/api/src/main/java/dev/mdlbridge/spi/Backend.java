package dev.mdlbridge.spi;

import java.util.Optional;

/**
 * One machine to talk to: the real driver on this Windows machine, a simulated machine, or a recording.
 * Closing it closes every channel it opened.
 */
public interface Backend extends AutoCloseable {

    /** {@code "driver"}, {@code "simulator"} or {@code "replay"}: what results report as {@code backend}. */
    String name();

    /** {@code CreateFile("\\.\MdlBridge")}. Throws {@link BackendException} saying why it could not. */
    DeviceChannel open();

    /** The memory of the process the channels belong to. */
    UserMemory userMemory();

    /** Optional capabilities beyond the seam, such as {@link SimulatorControl}. */
    default <T> Optional<T> capability(Class<T> type) {
        return Optional.empty();
    }

    @Override
    void close();
}
