package dev.mdlbridge.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import dev.mdlbridge.windows.jna.Kernel32Direct;
import dev.mdlbridge.windows.jna.NtDllDirect;

/** {@link Win32} on the real kernel32. Only constructed on 64-bit Windows (see {@link Host}). */
final class JnaWin32 implements Win32 {

    @Override
    public long createFile(String path, int access, int share, int disposition, int flags) {
        return Kernel32Direct.CreateFileW(new WString(path), access, share, null, disposition, flags, null);
    }

    @Override
    public int ntDeviceIoControlFile(long handle, Pointer ioStatusBlock, int code, Pointer in, int inLength,
                                     Pointer out, int outLength) {
        // No event and no APC: the handle is opened without FILE_FLAG_OVERLAPPED, so the I/O manager waits for the
        // request and returns its final status.
        return NtDllDirect.NtDeviceIoControlFile(handle, 0, null, null, ioStatusBlock, code, in, inLength, out,
                outLength);
    }

    @Override
    public int rtlNtStatusToDosError(int ntStatus) {
        return NtDllDirect.RtlNtStatusToDosError(ntStatus);
    }

    @Override
    public boolean closeHandle(long handle) {
        return Kernel32Direct.CloseHandle(handle) != 0;
    }

    @Override
    public long virtualAlloc(long address, long size, int type, int protect) {
        return Kernel32Direct.VirtualAlloc(address, size, type, protect);
    }

    @Override
    public boolean virtualProtect(long address, long size, int protect, Pointer oldProtect) {
        return Kernel32Direct.VirtualProtect(address, size, protect, oldProtect) != 0;
    }

    @Override
    public boolean virtualFree(long address, long size, int type) {
        return Kernel32Direct.VirtualFree(address, size, type) != 0;
    }

    @Override
    public int ntReadVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        return NtDllDirect.NtReadVirtualMemory(process, address, buffer, size, done);
    }

    @Override
    public int ntWriteVirtualMemory(long process, long address, Pointer buffer, long size, Pointer done) {
        return NtDllDirect.NtWriteVirtualMemory(process, address, buffer, size, done);
    }

    @Override
    public int lastError() {
        return Native.getLastError();
    }
}
