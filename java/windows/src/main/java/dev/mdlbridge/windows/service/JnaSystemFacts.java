package dev.mdlbridge.windows.service;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import com.sun.jna.ptr.IntByReference;
import java.util.Optional;

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
        if (!Advapi32Util.registryValueExists(WinReg.HKEY_LOCAL_MACHINE, SECURE_BOOT, "UEFISecureBootEnabled")) {
            return Optional.empty();
        }
        return Optional.of(Advapi32Util.registryGetIntValue(WinReg.HKEY_LOCAL_MACHINE, SECURE_BOOT,
                "UEFISecureBootEnabled") != 0);
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
        // a 64-bit JVM sees the OS's own architecture here (WOW64 would set PROCESSOR_ARCHITEW6432)
        String wow = System.getenv("PROCESSOR_ARCHITEW6432");
        return wow != null ? wow : System.getenv().getOrDefault("PROCESSOR_ARCHITECTURE", "unknown");
    }
}
