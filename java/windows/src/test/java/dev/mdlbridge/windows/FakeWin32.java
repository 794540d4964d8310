package dev.mdlbridge.windows;

import com.sun.jna.Pointer;
import dev.mdlbridge.protocol.DosErrors;
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

    /** Given the request bytes, returns the reply bytes, or null to fail with {@link #ioctlStatus}. */
    BiFunction<Integer, byte[], byte[]> device = (code, req) -> new byte[0];
    int ioctlStatus;
    int calls;
    int lastCode;
    int lastInLength;
    int lastOutLength;
    Pointer lastOut;
    int claimBytes = -1;

    int lastError;

    long allocResult = 0x10000;
    int memError;
    /** The NTSTATUS NtRead/NtWriteVirtualMemory return. */
    int memStatus;
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
    public int ntDeviceIoControlFile(long handle, Pointer ioStatusBlock, int code, Pointer in, int inLength,
                                     Pointer out, int outLength) {
        calls++;
        lastCode = code;
        lastInLength = inLength;
        lastOutLength = outLength;
        lastOut = out;
        byte[] req = in == null ? new byte[0] : in.getByteArray(0, inLength);
        byte[] rep = device.apply(code, req);
        if (rep == null) {
            // as the I/O manager: a failed request leaves the IO_STATUS_BLOCK unwritten
            return ioctlStatus;
        }
        if (rep.length > 0) {
            out.write(0, rep, 0, rep.length);
        }
        ioStatusBlock.setInt(0, 0);
        ioStatusBlock.setLong(8, claimBytes >= 0 ? claimBytes : rep.length);
        return 0;
    }

    /** ntdll's table for the statuses the project meets; a Windows-only test compares it with the real one. */
    @Override
    public int rtlNtStatusToDosError(int ntStatus) {
        return DosErrors.of(ntStatus);
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
    public int ntReadVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        if (memStatus != 0) {
            return memStatus;
        }
        buffer.write(0, memoryContent, 0, (int) size);
        return 0;
    }

    @Override
    public int ntWriteVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        if (memStatus != 0) {
            return memStatus;
        }
        memoryContent = buffer.getByteArray(0, (int) size);
        return 0;
    }

    @Override
    public int lastError() {
        return lastError;
    }
}
