package dev.mdlbridge.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * One synchronous handle to {@code \\.\MdlBridge}.
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
    private final Memory bytesReturned = new Memory(4);
    private boolean closed;

    private WindowsDeviceChannel(Win32 win32, long handle) {
        this.win32 = win32;
        this.handle = handle;
        this.requestBuffer = new Memory(Protocol.REPLY_BUFFER_SIZE);
        this.replyBuffer = new Memory(Protocol.REPLY_BUFFER_SIZE);
    }

    /**
     * {@code CreateFileW(\\.\MdlBridge, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL)}.
     * Not overlapped on purpose: a synchronous handle needs no OVERLAPPED on each call and cannot hang on one.
     */
    public static WindowsDeviceChannel open(Win32 win32, String path) {
        long h = win32.createFile(path, Win32.GENERIC_READ | Win32.GENERIC_WRITE, 0, Win32.OPEN_EXISTING,
                Win32.FILE_ATTRIBUTE_NORMAL);
        if (h == Win32.INVALID_HANDLE_VALUE || h == 0) {
            int error = win32.lastError();
            throw new BackendException("cannot open " + path + ": " + Win32Errors.describe(error));
        }
        return new WindowsDeviceChannel(win32, h);
    }

    @Override
    public synchronized IoResult control(int code, ByteBuffer request, ByteBuffer reply) {
        ensureOpen();
        int inLength = copyRequest(request);
        int outLength = (int) Math.min(reply.capacity(), replyBuffer.size());
        bytesReturned.setInt(0, 0);
        boolean ok = win32.deviceIoControl(handle, code, requestBuffer, inLength, replyBuffer, outLength,
                bytesReturned);
        int error = ok ? 0 : win32.lastError();
        if (!ok) {
            return IoResult.failure(Win32Errors.ntStatusOf(error), error);
        }
        int n = bytesReturned.getInt(0);
        if (n < 0 || n > outLength) {
            // A driver that claims more than the buffer holds is broken; never read past our buffer.
            throw new BackendException("DeviceIoControl(0x" + Integer.toHexString(code) + ") returned " + n
                    + " bytes for a " + outLength + "-byte buffer");
        }
        ByteBuffer target = reply.duplicate();
        target.clear();
        target.put(replyBuffer.getByteBuffer(0, n));
        return IoResult.success(n);
    }

    @Override
    public synchronized IoResult controlDirect(int code, ByteBuffer request, long outputAddress, int outputLength) {
        ensureOpen();
        int inLength = copyRequest(request);
        bytesReturned.setInt(0, 0);
        // The user range itself is the output buffer: the I/O manager probes and locks it into the IRP's MDL.
        Pointer out = outputAddress == 0 ? null : new Pointer(outputAddress);
        boolean ok = win32.deviceIoControl(handle, code, requestBuffer, inLength, out, outputLength, bytesReturned);
        int error = ok ? 0 : win32.lastError();
        return ok ? IoResult.success(bytesReturned.getInt(0)) : IoResult.failure(Win32Errors.ntStatusOf(error), error);
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
        bytesReturned.close();
        Reference.reachabilityFence(this);
    }
}
