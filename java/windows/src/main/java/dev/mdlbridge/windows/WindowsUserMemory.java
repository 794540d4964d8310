package dev.mdlbridge.windows;

import com.sun.jna.Memory;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;

/**
 * The JVM's own memory through {@code VirtualAlloc} and friends.
 *
 * <p>Reads and writes go through {@code NtReadVirtualMemory}/{@code NtWriteVirtualMemory} on the current process
 * rather than through a {@code Pointer}: a no-access or guard page then fails the call instead of raising an access
 * violation that kills the JVM. Not kernel32's ReadProcessMemory/WriteProcessMemory: they return only the Win32
 * error (299 for every read fault), and WriteProcessMemory makes the target writable for the copy, so a write to
 * an execute-only page would succeed here and fail in the simulator. The NTSTATUS is kept in the exception.
 */
public final class WindowsUserMemory implements UserMemory {

    private final Win32 win32;

    public WindowsUserMemory(Win32 win32) {
        this.win32 = win32;
    }

    @Override
    public long allocate(long size, int protect, boolean reserveOnly) {
        int type = reserveOnly ? Win32.MEM_RESERVE : Win32.MEM_RESERVE | Win32.MEM_COMMIT;
        long address = win32.virtualAlloc(0, size, type, protect);
        if (address == 0) {
            throw failure("VirtualAlloc", win32.lastError());
        }
        return address;
    }

    @Override
    public int protect(long address, long size, int protect) {
        try (Memory old = new Memory(4)) {
            if (!win32.virtualProtect(address, size, protect, old)) {
                throw failure("VirtualProtect", win32.lastError());
            }
            return old.getInt(0);
        }
    }

    @Override
    public void decommit(long address, long size) {
        if (!win32.virtualFree(address, size, Win32.MEM_DECOMMIT)) {
            throw failure("VirtualFree", win32.lastError());
        }
    }

    @Override
    public void release(long address) {
        if (!win32.virtualFree(address, 0, Win32.MEM_RELEASE)) {
            throw failure("VirtualFree", win32.lastError());
        }
    }

    @Override
    public void read(long address, byte[] target, int offset, int length) {
        if (length == 0) {
            return;
        }
        try (Memory buffer = new Memory(length); Memory done = new Memory(8)) {
            int status = win32.ntReadVirtualMemory(Win32.CURRENT_PROCESS, address, buffer, length, done);
            if (status != 0) {
                throw ntFailure("NtReadVirtualMemory", status);
            }
            buffer.read(0, target, offset, length);
        }
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        if (length == 0) {
            return;
        }
        try (Memory buffer = new Memory(length); Memory done = new Memory(8)) {
            buffer.write(0, source, offset, length);
            int status = win32.ntWriteVirtualMemory(Win32.CURRENT_PROCESS, address, buffer, length, done);
            if (status != 0) {
                throw ntFailure("NtWriteVirtualMemory", status);
            }
        }
    }

    /** Any status but 0 fails: STATUS_PARTIAL_COPY (0x8000000D) is a warning, not a success. */
    private UserMemoryException ntFailure(String operation, int status) {
        int error = win32.rtlNtStatusToDosError(status);
        return new UserMemoryException(operation, status, error, NtStatus.of(status).name() + ", "
                + Win32Errors.describe(error));
    }

    private static UserMemoryException failure(String operation, int error) {
        return new UserMemoryException(operation, error, Win32Errors.describe(error));
    }
}
