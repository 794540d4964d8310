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

    /** {@code IO_STATUS_BLOCK} on x64: the status (padded to 8 bytes), then {@code Information}. */
    int IO_STATUS_BLOCK_SIZE = 16;
    /** Returned by an I/O call that has not completed: never on a synchronous handle. */
    int STATUS_PENDING = 0x103;

    long createFile(String path, int access, int share, int disposition, int flags);

    /**
     * {@code NtDeviceIoControlFile} on a synchronous handle (no event, no APC): returns the request's NTSTATUS
     * and, on success, leaves the bytes written in {@code ioStatusBlock}'s {@code Information} (offset 8).
     */
    int ntDeviceIoControlFile(long handle, Pointer ioStatusBlock, int code, Pointer in, int inLength, Pointer out,
                              int outLength);

    /** {@code RtlNtStatusToDosError}: what {@code GetLastError()} would show had kernel32 made the call. */
    int rtlNtStatusToDosError(int ntStatus);

    boolean closeHandle(long handle);

    long virtualAlloc(long address, long size, int type, int protect);

    boolean virtualProtect(long address, long size, int protect, Pointer oldProtect);

    boolean virtualFree(long address, long size, int type);

    /** {@code NtReadVirtualMemory}: returns the NTSTATUS. */
    int ntReadVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done);

    /** {@code NtWriteVirtualMemory}: returns the NTSTATUS; changes no protection (unlike WriteProcessMemory). */
    int ntWriteVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done);

    /** The last error of the preceding kernel32 call (createFile, virtual*, closeHandle). */
    int lastError();
}
