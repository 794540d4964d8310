package dev.mdlbridge.spi;

import java.nio.ByteBuffer;

/**
 * One open handle to {@code \\.\MdlBridge}: the lower half of the one seam (java/api/README.md). Everything above it
 * (codec, typed API, scenario runner, CLI, JUnit extension) is the same code on every backend.
 *
 * <p>Implementations never interpret the bytes: the driver (or the simulated driver) does. A channel belongs to
 * the process that opened it; a call from another process (a duplicated handle) is the driver's business.
 */
public interface DeviceChannel extends AutoCloseable {

    /**
     * {@code DeviceIoControl} with a METHOD_BUFFERED code.
     *
     * @param code    the control code ({@code IOCTL_MDLB_*})
     * @param request the request bytes, from its position to its limit (little-endian)
     * @param reply   where the reply is written, from index 0; its capacity is the output buffer length
     * @return what the call returned; on success {@code bytesReturned} bytes of {@code reply} are valid
     */
    IoResult control(int code, ByteBuffer request, ByteBuffer reply);

    /**
     * {@code DeviceIoControl} with a METHOD_IN_DIRECT or METHOD_OUT_DIRECT code whose output buffer is a range of
     * the calling process's own memory: the I/O manager builds and locks the MDL for it before the driver runs.
     *
     * @param code          the control code ({@code IOCTL_MDLB_DIRECT_IN} or {@code IOCTL_MDLB_DIRECT_OUT})
     * @param request       the request bytes, from its position to its limit (little-endian)
     * @param outputAddress the output buffer's address in the calling process: the range the MDL describes
     * @param outputLength  the output buffer's length in bytes
     * @return what the call returned; a failure before the driver ran carries the I/O manager's status
     */
    IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength);

    /** {@code CloseHandle}: the driver releases everything the handle holds (IRP_MJ_CLEANUP). Idempotent. */
    @Override
    void close();
}
