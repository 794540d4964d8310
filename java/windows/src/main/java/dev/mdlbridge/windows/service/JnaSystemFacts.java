package dev.mdlbridge.windows.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import com.sun.jna.ptr.IntByReference;
import dev.mdlbridge.windows.jna.Kernel32Optional;
import java.util.Optional;
import java.util.OptionalInt;

/** The preflight's facts on Windows: shell32, the registry and ntdll. Windows only; read-only. */
public final class JnaSystemFacts implements SystemFacts {

    /** The two calls jna-platform lacks. */
    interface Shell32Admin extends Library {
        boolean IsUserAnAdmin();
    }

    interface NtDllCi extends Library {
        int NtQuerySystemInformation(int infoClass, Pointer info, int length, IntByReference returned);
    }

    /** SystemCodeIntegrityInformation. */
    private static final int SYSTEM_CODE_INTEGRITY_INFORMATION = 103;
    private static final String SECURE_BOOT = "SYSTEM\\CurrentControlSet\\Control\\SecureBoot\\State";

    @Override
    public boolean elevated() {
        return Native.load("shell32", Shell32Admin.class).IsUserAnAdmin();
    }

    @Override
    public Optional<Boolean> secureBoot() {
        try {
            if (!Advapi32Util.registryValueExists(WinReg.HKEY_LOCAL_MACHINE, SECURE_BOOT, "UEFISecureBootEnabled")) {
                return Optional.empty();
            }
            return Optional.of(Advapi32Util.registryGetIntValue(WinReg.HKEY_LOCAL_MACHINE, SECURE_BOOT,
                    "UEFISecureBootEnabled") != 0);
        } catch (LastErrorException e) {
            return Optional.empty(); // unreadable: the preflight says "not reported" rather than a stack trace
        }
    }

    @Override
    public Optional<Integer> codeIntegrityOptions() {
        // SYSTEM_CODEINTEGRITY_INFORMATION { ULONG Length; ULONG CodeIntegrityOptions; }
        Memory info = new Memory(8);
        info.setInt(0, 8);
        info.setInt(4, 0);
        int status = Native.load("ntdll", NtDllCi.class).NtQuerySystemInformation(SYSTEM_CODE_INTEGRITY_INFORMATION,
                info, 8, new IntByReference());
        return status == 0 ? Optional.of(info.getInt(4)) : Optional.empty();
    }

    @Override
    public String osArchitecture() {
        return Architecture.decide(nativeMachine(), System.getenv());
    }

    private static OptionalInt nativeMachine() {
        try (Memory process = new Memory(2); Memory nativeMachine = new Memory(2)) {
            Kernel32Optional k = Kernel32Optional.INSTANCE;
            if (k.IsWow64Process2(k.GetCurrentProcess(), process, nativeMachine) == 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(nativeMachine.getShort(0) & 0xFFFF);
        } catch (UnsatisfiedLinkError e) {
            return OptionalInt.empty(); // before Windows 10 1709: the environment decides
        }
    }
}
