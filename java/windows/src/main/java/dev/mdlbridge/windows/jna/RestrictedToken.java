package dev.mdlbridge.windows.jna;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The calling thread as a basic user, in-process: a restricted copy of the process token with the Administrators
 * group deny-only and the privileges stripped ({@code CreateRestrictedToken}), impersonated on this thread. For the
 * Windows-only test that the device refuses a non-administrator; it replaces {@code runas /trustlevel:0x20000},
 * which opens a console and depends on the shell. Windows only; has not run on Windows yet.
 */
public final class RestrictedToken implements AutoCloseable {

    interface Advapi32Token extends Library {
        int OpenProcessToken(Pointer process, int desiredAccess, PointerByReference token);

        int CreateWellKnownSid(int wellKnownSidType, Pointer domainSid, Pointer sid, IntByReference sidSize);

        int CreateRestrictedToken(Pointer existingToken, int flags, int disableSidCount, Pointer sidsToDisable,
                                  int deletePrivilegeCount, Pointer privilegesToDelete, int restrictedSidCount,
                                  Pointer sidsToRestrict, PointerByReference newToken);

        int ImpersonateLoggedOnUser(Pointer token);

        int RevertToSelf();
    }

    private static final int TOKEN_ASSIGN_PRIMARY = 0x1;
    private static final int TOKEN_DUPLICATE = 0x2;
    private static final int TOKEN_IMPERSONATE = 0x4;
    private static final int TOKEN_QUERY = 0x8;
    private static final int WIN_BUILTIN_ADMINISTRATORS_SID = 26;
    private static final int SECURITY_MAX_SID_SIZE = 68;
    private static final int DISABLE_MAX_PRIVILEGE = 0x1;

    private final Advapi32Token advapi;
    private final Pointer token;
    private boolean reverted;

    private RestrictedToken(Advapi32Token advapi, Pointer token) {
        this.advapi = advapi;
        this.token = token;
    }

    /** Impersonates, on the calling thread, this process's token with Administrators deny-only; close reverts. */
    public static RestrictedToken impersonateWithoutAdministrators() {
        Advapi32Token advapi = Native.load("advapi32", Advapi32Token.class);
        Kernel32Optional k = Kernel32Optional.INSTANCE;
        PointerByReference processToken = new PointerByReference();
        if (advapi.OpenProcessToken(k.GetCurrentProcess(), TOKEN_ASSIGN_PRIMARY | TOKEN_DUPLICATE
                | TOKEN_IMPERSONATE | TOKEN_QUERY, processToken) == 0) {
            throw new IllegalStateException("OpenProcessToken failed with Win32 error " + Native.getLastError());
        }
        try (Memory sid = new Memory(SECURITY_MAX_SID_SIZE); Memory disable = new Memory(16)) {
            if (advapi.CreateWellKnownSid(WIN_BUILTIN_ADMINISTRATORS_SID, null, sid,
                    new IntByReference(SECURITY_MAX_SID_SIZE)) == 0) {
                throw new IllegalStateException("CreateWellKnownSid failed with Win32 error " + Native.getLastError());
            }
            // one SID_AND_ATTRIBUTES { PSID Sid; DWORD Attributes; } (16 bytes on x64): attributes are ignored here
            disable.setPointer(0, sid);
            disable.setLong(8, 0);
            PointerByReference restricted = new PointerByReference();
            if (advapi.CreateRestrictedToken(processToken.getValue(), DISABLE_MAX_PRIVILEGE, 1, disable, 0, null, 0,
                    null, restricted) == 0) {
                throw new IllegalStateException("CreateRestrictedToken failed with Win32 error "
                        + Native.getLastError());
            }
            if (advapi.ImpersonateLoggedOnUser(restricted.getValue()) == 0) {
                int error = Native.getLastError();
                Kernel32Direct.CloseHandle(Pointer.nativeValue(restricted.getValue()));
                throw new IllegalStateException("ImpersonateLoggedOnUser failed with Win32 error " + error);
            }
            return new RestrictedToken(advapi, restricted.getValue());
        } finally {
            Kernel32Direct.CloseHandle(Pointer.nativeValue(processToken.getValue()));
        }
    }

    /** Reverts the thread to the process token and closes the restricted token. */
    @Override
    public void close() {
        if (!reverted) {
            reverted = true;
            advapi.RevertToSelf();
            Kernel32Direct.CloseHandle(Pointer.nativeValue(token));
        }
    }
}
