package dev.mdlbridge.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.IntUnaryOperator;

/**
 * One synchronous handle to {@code \\.\MdlBridge}, driven with {@code NtDeviceIoControlFile} for the exact NTSTATUS.
 *
 * <p>The request and reply buffers are native {@link Memory} owned by the channel and reused for every call:
 * allocating per call would cost a malloc and a Cleaner registration per IOCTL, and a heap {@code ByteBuffer} would
 * have to be copied by JNA anyway. Calls are serialised on the channel because the buffers are shared.
 */
public final class WindowsDeviceChannel implements DeviceChannel {

    private final Win32 win32;
    private final long handle;
    private Memory requestBuffer;
    private final Memory replyBuffer;
    private final Memory ioStatusBlock = new Memory(Win32.IO_STATUS_BLOCK_SIZE);
    private final Consumer<WindowsDeviceChannel> onClose;
    private boolean closed;

    private WindowsDeviceChannel(Win32 win32, long handle, Consumer<WindowsDeviceChannel> onClose) {
        this.win32 = win32;
        this.handle = handle;
        this.onClose = onClose;
        this.requestBuffer = new Memory(Protocol.REPLY_BUFFER_SIZE);
        this.replyBuffer = new Memory(Protocol.REPLY_BUFFER_SIZE);
    }

    /**
     * {@code CreateFileW(\\.\MdlBridge, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL)}.
     * Not overlapped on purpose: a synchronous handle needs no OVERLAPPED on each call and cannot hang on one.
     */
    public static WindowsDeviceChannel open(Win32 win32, String path) {
        return open(win32, path, c -> { });
    }

    /** As {@link #open(Win32, String)}; {@code onClose} runs once, when the channel closes (the backend's list). */
    static WindowsDeviceChannel open(Win32 win32, String path, Consumer<WindowsDeviceChannel> onClose) {
        long h = win32.createFile(path, Win32.GENERIC_READ | Win32.GENERIC_WRITE, 0, Win32.OPEN_EXISTING,
                Win32.FILE_ATTRIBUTE_NORMAL);
        if (h == Win32.INVALID_HANDLE_VALUE || h == 0) {
            int error = win32.lastError();
            throw new BackendException("cannot open " + path + ": " + Win32Errors.describe(error));
        }
        return new WindowsDeviceChannel(win32, h, onClose);
    }

    @Override
    public synchronized IoResult control(int code, ByteBuffer request, ByteBuffer reply) {
        ensureOpen();
        int inLength = copyRequest(request);
        int outLength = (int) Math.min(reply.capacity(), replyBuffer.size());
        IoResult r = call(code, inLength, replyBuffer, outLength);
        if (r.ok()) {
            ByteBuffer target = reply.duplicate();
            target.clear();
            target.put(replyBuffer.getByteBuffer(0, r.bytesReturned()));
        }
        return r;
    }

    @Override
    public synchronized IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength) {
        ensureOpen();
        int inLength = copyRequest(request);
        // The user range itself is the output buffer: the I/O manager probes and locks it into the IRP's MDL.
        Pointer out = outputAddress == 0 ? null : new Pointer(outputAddress);
        return call(code, inLength, out, outputLength);
    }

    /**
     * One {@code NtDeviceIoControlFile}: its return value is the request's own NTSTATUS, also when the I/O manager
     * fails the request before the driver runs (a probe of the output buffer), so nothing is mapped back from a
     * Win32 error. The Win32 error recorded beside it is {@code RtlNtStatusToDosError} of that status, which is
     * what {@code DeviceIoControl} would have left in {@code GetLastError()}.
     */
    private IoResult call(int code, int inLength, Pointer out, int outLength) {
        ioStatusBlock.clear();
        int status = win32.ntDeviceIoControlFile(handle, ioStatusBlock, code, requestBuffer, inLength, out,
                outLength);
        return result(code, status, status >= 0 ? ioStatusBlock.getLong(8) : 0, outLength,
                win32::rtlNtStatusToDosError);
    }

    /**
     * What a completed request means. Success is {@code NT_SUCCESS} (as {@code DeviceIoControl} decides; a warning
     * such as the guard-page status 0x80000001 is a failure), never the absence of a known error.
     */
    static IoResult result(int code, int status, long information, int outLength, IntUnaryOperator toWin32) {
        if (status == Win32.STATUS_PENDING) {
            // a synchronous handle never returns STATUS_PENDING: the handle was opened overlapped by mistake
            throw new BackendException("NtDeviceIoControlFile(0x" + Integer.toHexString(code) + ") returned "
                    + "STATUS_PENDING on a handle opened for synchronous I/O; reopen the device without "
                    + "FILE_FLAG_OVERLAPPED");
        }
        if (status < 0) {
            return IoResult.failure(status, toWin32.applyAsInt(status));
        }
        if (information < 0 || information > outLength) {
            // A driver that claims more than the buffer holds is broken; never read past our buffer.
            throw new BackendException("NtDeviceIoControlFile(0x" + Integer.toHexString(code) + ") returned "
                    + information + " bytes for a " + outLength + "-byte buffer");
        }
        return IoResult.success((int) information);
    }

    private int copyRequest(ByteBuffer request) {
        int length = request.remaining();
        if (length > requestBuffer.size()) {
            // Rare (a large WriteMapped): grow once and keep the larger buffer for later calls.
            Memory old = requestBuffer;
            requestBuffer = new Memory(length);
            old.close();
        }
        if (length > 0) {
            requestBuffer.getByteBuffer(0, length).put(request.duplicate());
        }
        return length;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the device channel is closed");
        }
    }

    /** The buffer capacity in bytes, for tests: the reply buffer is sized for the largest protocol reply. */
    long replyBufferSize() {
        return replyBuffer.size();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        win32.closeHandle(handle);
        requestBuffer.close();
        replyBuffer.close();
        ioStatusBlock.close();
        Reference.reachabilityFence(this);
        onClose.accept(this);
    }
}
