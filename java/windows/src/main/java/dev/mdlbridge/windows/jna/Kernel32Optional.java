package dev.mdlbridge.windows.jna;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * kernel32 calls that not every supported Windows exports, interface-mapped so that a missing one fails only when
 * called ({@link UnsatisfiedLinkError}), never when the class loads as a direct mapping would.
 */
public interface Kernel32Optional extends Library {

    Kernel32Optional INSTANCE = Native.load("kernel32", Kernel32Optional.class);

    /** {@code IsWow64Process2(hProcess, USHORT *pProcessMachine, USHORT *pNativeMachine)}: Windows 10 1709 on. */
    int IsWow64Process2(Pointer process, Pointer processMachine, Pointer nativeMachine);

    /** {@code GetOEMCP()}: the OEM code page console tools such as certutil write in. */
    int GetOEMCP();

    /** {@code GetCurrentProcess()}: the pseudo-handle -1. */
    Pointer GetCurrentProcess();
}
