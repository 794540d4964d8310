package dev.mdlbridge.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The ntdll calls of the backend, direct-mapped as {@link Kernel32Direct} is (primitives and {@link Pointer}s only;
 * {@code HANDLE}, addresses and {@code SIZE_T} as {@code long}, {@code NTSTATUS} as {@code int}).
 *
 * <p>Why ntdll: kernel32's {@code DeviceIoControl} and {@code ReadProcessMemory} return only the Win32 error that
 * {@code RtlNtStatusToDosError} made of the status, and that mapping is many-to-one (STATUS_INVALID_HANDLE and
 * STATUS_OBJECT_TYPE_MISMATCH both become 6). These return the NTSTATUS itself; no last error is involved.
 * {@code WriteProcessMemory} also makes the target writable for the copy, which {@code NtWriteVirtualMemory}
 * does not.
 */
public final class NtDllDirect {

    static {
        Native.register("ntdll");
    }

    private NtDllDirect() {
    }

    /**
     * {@code NtDeviceIoControlFile(FileHandle, Event, ApcRoutine, ApcContext, IoStatusBlock, IoControlCode,
     * InputBuffer, InputBufferLength, OutputBuffer, OutputBufferLength)}. {@code ioStatusBlock}: 16 bytes on x64
     * (the status, padded to 8, then {@code Information}).
     */
    public static native int NtDeviceIoControlFile(long fileHandle, long event, Pointer apcRoutine,
                                                   Pointer apcContext, Pointer ioStatusBlock, int ioControlCode,
                                                   Pointer inputBuffer, int inputBufferLength,
                                                   Pointer outputBuffer, int outputBufferLength);

    /** {@code NtReadVirtualMemory(ProcessHandle, BaseAddress, Buffer, NumberOfBytesToRead, NumberOfBytesRead)}. */
    public static native int NtReadVirtualMemory(long process, long baseAddress, Pointer buffer, long size,
                                                 Pointer bytesRead);

    /** {@code NtWriteVirtualMemory(ProcessHandle, BaseAddress, Buffer, NumberOfBytesToWrite, NumberOfBytesWritten)}. */
    public static native int NtWriteVirtualMemory(long process, long baseAddress, Pointer buffer, long size,
                                                  Pointer bytesWritten);

    /** {@code RtlNtStatusToDosError}: the Win32 error kernel32 would have set for the status. */
    public static native int RtlNtStatusToDosError(int status);
}
