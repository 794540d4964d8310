package dev.mdlbridge.windows.jna;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.WString;

/**
 * The only raw kernel32 mappings of the project, direct-mapped with {@link Native#register(String)}.
 *
 * <p>Why direct mapping with primitives and {@link Pointer} only: it is the fast path of JNA (no type mapper, no
 * Structure auto-sync). Device calls and user-memory copies go through {@link NtDllDirect}, for their NTSTATUS. {@code HANDLE}, addresses and
 * {@code SIZE_T} are {@code long} because the backend refuses 32-bit JVMs before this class is touched; {@code BOOL}
 * is {@code int}. The last error is read by the caller through {@link Native#getLastError()}, which JNA saves right
 * after every call, before the JVM can clobber it.
 *
 * <p>Loading this class on anything but 64-bit Windows fails: only {@code dev.mdlbridge.windows.JnaWin32} touches
 * it, and only after the platform checks.
 */
public final class Kernel32Direct {

    static {
        Native.register("kernel32");
    }

    private Kernel32Direct() {
    }

    public static native long CreateFileW(WString fileName, int desiredAccess, int shareMode, Pointer securityAttributes,
                                          int creationDisposition, int flagsAndAttributes, Pointer templateFile);

    public static native int CloseHandle(long handle);

    public static native long VirtualAlloc(long address, long size, int allocationType, int protect);

    public static native int VirtualProtect(long address, long size, int newProtect, Pointer oldProtect);

    public static native int VirtualFree(long address, long size, int freeType);

}
