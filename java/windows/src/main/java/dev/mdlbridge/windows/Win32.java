package dev.mdlbridge.windows;

import com.sun.jna.Pointer;

/**
 * The few Win32 calls the backend makes, as an interface so that every decision above them (error naming, buffer
 * handling, availability) is unit-tested with a fake on any OS. {@link JnaWin32} is the one real implementation.
 *
 * <p>Contract: {@link #lastError()} is the error of the immediately preceding call on this thread; callers read it
 * before making any other call.
 */
public interface Win32 {

    /** What {@code CreateFileW} returns on failure. */
    long INVALID_HANDLE_VALUE = -1L;
    /** {@code GetCurrentProcess()}: a constant pseudo-handle, so no call is needed to get it. */
    long CURRENT_PROCESS = -1L;

    int GENERIC_READ = 0x80000000;
    int GENERIC_WRITE = 0x40000000;
    int OPEN_EXISTING = 3;
    int FILE_ATTRIBUTE_NORMAL = 0x80;
    int MEM_COMMIT = 0x1000;
    int MEM_RESERVE = 0x2000;
    int MEM_DECOMMIT = 0x4000;
    int MEM_RELEASE = 0x8000;

    long createFile(String path, int access, int share, int disposition, int flags);

    boolean deviceIoControl(long handle, int code, Pointer in, int inLength, Pointer out, int outLength,
                            Pointer bytesReturned);

    boolean closeHandle(long handle);

    long virtualAlloc(long address, long size, int type, int protect);

    boolean virtualProtect(long address, long size, int protect, Pointer oldProtect);

    boolean virtualFree(long address, long size, int type);

    boolean readProcessMemory(long process, long address, Pointer buffer, long size, Pointer done);

    boolean writeProcessMemory(long process, long address, Pointer buffer, long size, Pointer done);

    int lastError();
}
