package dev.mdlbridge.windows;

import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/** A scripted {@link Win32}: records calls and answers from fields the test sets. */
final class FakeWin32 implements Win32 {

    long handleToReturn = 0x1234;
    int createFileError;
    String openedPath;
    int openedAccess;
    int openedFlags;
    final List<Long> closed = new ArrayList<>();

    /** Given the request bytes, returns the reply bytes, or null to fail with {@link #ioctlError}. */
    BiFunction<Integer, byte[], byte[]> device = (code, req) -> new byte[0];
    int ioctlError;
    int lastCode;
    int lastInLength;
    int lastOutLength;
    Pointer lastOut;
    int claimBytes = -1;

    int lastError;

    long allocResult = 0x10000;
    int memError;
    byte[] memoryContent = new byte[0];

    @Override
    public long createFile(String path, int access, int share, int disposition, int flags) {
        openedPath = path;
        openedAccess = access;
        openedFlags = flags;
        if (createFileError != 0) {
            lastError = createFileError;
            return INVALID_HANDLE_VALUE;
        }
        lastError = 0;
        return handleToReturn;
    }

    @Override
    public boolean deviceIoControl(long handle, int code, Pointer in, int inLength, Pointer out, int outLength,
                                   Pointer bytesReturned) {
        lastCode = code;
        lastInLength = inLength;
        lastOutLength = outLength;
        lastOut = out;
        byte[] req = in == null ? new byte[0] : in.getByteArray(0, inLength);
        byte[] rep = device.apply(code, req);
        if (rep == null) {
            lastError = ioctlError;
            return false;
        }
        if (rep.length > 0) {
            out.write(0, rep, 0, rep.length);
        }
        bytesReturned.setInt(0, claimBytes >= 0 ? claimBytes : rep.length);
        lastError = 0;
        return true;
    }

    @Override
    public boolean closeHandle(long handle) {
        closed.add(handle);
        return true;
    }

    @Override
    public long virtualAlloc(long address, long size, int type, int protect) {
        lastError = memError;
        return memError != 0 ? 0 : allocResult;
    }

    @Override
    public boolean virtualProtect(long address, long size, int protect, Pointer oldProtect) {
        lastError = memError;
        if (memError != 0) {
            return false;
        }
        oldProtect.setInt(0, 0x04);
        return true;
    }

    @Override
    public boolean virtualFree(long address, long size, int type) {
        lastError = memError;
        return memError == 0;
    }

    @Override
    public boolean readProcessMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        lastError = memError;
        if (memError != 0) {
            return false;
        }
        buffer.write(0, memoryContent, 0, (int) size);
        return true;
    }

    @Override
    public boolean writeProcessMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        lastError = memError;
        if (memError != 0) {
            return false;
        }
        memoryContent = buffer.getByteArray(0, (int) size);
        return true;
    }

    @Override
    public int lastError() {
        return lastError;
    }
}
