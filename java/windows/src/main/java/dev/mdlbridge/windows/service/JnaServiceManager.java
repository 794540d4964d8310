package dev.mdlbridge.windows.service;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinReg;
import com.sun.jna.platform.win32.Winsvc;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The Service Control Manager through jna-platform's Advapi32, and the service's registry key for what the SCM
 * does not return in one call (the binary path) and for the installer's own values. Windows only; thin on purpose:
 * every decision is in {@link DriverInstaller}, tested with a fake.
 */
public final class JnaServiceManager implements ServiceManager {

    private static final String KEY = "SYSTEM\\CurrentControlSet\\Services\\";
    static final String CREATED_BY_VALUE = "MdlbridgeCreatedBy";
    static final String TRUSTED_VALUE = "MdlbridgeTrustedCertificate";

    @Override
    public Optional<Service> query(String name) {
        Winsvc.SC_HANDLE scm = openScm(Winsvc.SC_MANAGER_CONNECT);
        try {
            Winsvc.SC_HANDLE s = Advapi32.INSTANCE.OpenService(scm, name, Winsvc.SERVICE_QUERY_STATUS);
            if (s == null) {
                int e = Native.getLastError();
                if (e == LoadErrors.ERROR_SERVICE_DOES_NOT_EXIST) {
                    return Optional.empty();
                }
                throw new Win32Failure("OpenService(" + name + ")", e);
            }
            try {
                Winsvc.SERVICE_STATUS status = new Winsvc.SERVICE_STATUS();
                if (!Advapi32.INSTANCE.QueryServiceStatus(s, status)) {
                    throw new Win32Failure("QueryServiceStatus(" + name + ")", Native.getLastError());
                }
                String key = KEY + name;
                return Optional.of(new Service(name, status.dwCurrentState, imagePath(key), value(key,
                        CREATED_BY_VALUE), value(key, TRUSTED_VALUE)));
            } finally {
                Advapi32.INSTANCE.CloseServiceHandle(s);
            }
        } finally {
            Advapi32.INSTANCE.CloseServiceHandle(scm);
        }
    }

    @Override
    public void createKernelDriver(String name, String displayName, String binaryPath) {
        Winsvc.SC_HANDLE scm = openScm(Winsvc.SC_MANAGER_CREATE_SERVICE);
        try {
            Winsvc.SC_HANDLE s = Advapi32.INSTANCE.CreateService(scm, name, displayName, Winsvc.SERVICE_ALL_ACCESS,
                    WinNT.SERVICE_KERNEL_DRIVER, WinNT.SERVICE_DEMAND_START, WinNT.SERVICE_ERROR_NORMAL, binaryPath,
                    null, null, null, null, null);
            if (s == null) {
                throw new Win32Failure("CreateService(" + name + ")", Native.getLastError());
            }
            Advapi32.INSTANCE.CloseServiceHandle(s);
        } finally {
            Advapi32.INSTANCE.CloseServiceHandle(scm);
        }
    }

    @Override
    public void mark(String name, String createdBy, String trustedCertificate) {
        String key = KEY + name;
        registry("RegSetValueEx(HKLM\\" + key + ", " + CREATED_BY_VALUE + ")", () -> {
            Advapi32Util.registrySetStringValue(WinReg.HKEY_LOCAL_MACHINE, key, CREATED_BY_VALUE, createdBy);
            return null;
        });
        if (trustedCertificate != null) {
            registry("RegSetValueEx(HKLM\\" + key + ", " + TRUSTED_VALUE + ")", () -> {
                Advapi32Util.registrySetStringValue(WinReg.HKEY_LOCAL_MACHINE, key, TRUSTED_VALUE,
                        trustedCertificate);
                return null;
            });
        }
    }

    /**
     * Runs a jna-platform registry helper. They throw {@code Win32Exception} (a {@link LastErrorException}), which
     * the command does not expect and would print as a stack trace; it becomes the {@link Win32Failure} every
     * other call here throws, which {@code mdl driver} prints as one line.
     */
    static <T> T registry(String call, Supplier<T> helper) {
        try {
            return helper.get();
        } catch (LastErrorException e) {
            throw new Win32Failure(call, e.getErrorCode());
        }
    }

    @Override
    public void start(String name) {
        withService(name, Winsvc.SERVICE_START, s -> {
            if (!Advapi32.INSTANCE.StartService(s, 0, null)) {
                throw new Win32Failure("StartService(" + name + ")", Native.getLastError());
            }
        });
    }

    @Override
    public void stop(String name) {
        withService(name, Winsvc.SERVICE_STOP, s -> {
            if (!Advapi32.INSTANCE.ControlService(s, Winsvc.SERVICE_CONTROL_STOP, new Winsvc.SERVICE_STATUS())) {
                throw new Win32Failure("ControlService(" + name + ", STOP)", Native.getLastError());
            }
        });
    }

    @Override
    public void delete(String name) {
        withService(name, WinNT.DELETE, s -> {
            if (!Advapi32.INSTANCE.DeleteService(s)) {
                throw new Win32Failure("DeleteService(" + name + ")", Native.getLastError());
            }
        });
    }

    private interface ServiceCall {
        void run(Winsvc.SC_HANDLE service);
    }

    private static void withService(String name, int access, ServiceCall call) {
        Winsvc.SC_HANDLE scm = openScm(Winsvc.SC_MANAGER_CONNECT);
        try {
            Winsvc.SC_HANDLE s = Advapi32.INSTANCE.OpenService(scm, name, access);
            if (s == null) {
                throw new Win32Failure("OpenService(" + name + ")", Native.getLastError());
            }
            try {
                call.run(s);
            } finally {
                Advapi32.INSTANCE.CloseServiceHandle(s);
            }
        } finally {
            Advapi32.INSTANCE.CloseServiceHandle(scm);
        }
    }

    private static Winsvc.SC_HANDLE openScm(int access) {
        Winsvc.SC_HANDLE scm = Advapi32.INSTANCE.OpenSCManager(null, null, access);
        if (scm == null) {
            throw new Win32Failure("OpenSCManager", Native.getLastError());
        }
        return scm;
    }

    /** ImagePath as a plain path: the SCM stores {@code \??\C:\...} or {@code System32\drivers\...}. */
    private static String imagePath(String key) {
        String p = value(key, "ImagePath");
        if (p == null) {
            return "(none)";
        }
        if (p.startsWith("\\??\\")) {
            return p.substring(4);
        }
        if (p.regionMatches(true, 0, "System32\\", 0, 9) || p.regionMatches(true, 0, "\\SystemRoot\\", 0, 12)) {
            String root = System.getenv().getOrDefault("SystemRoot", "C:\\Windows");
            return root + "\\" + p.replaceFirst("(?i)^\\\\SystemRoot\\\\", "");
        }
        return p;
    }

    private static String value(String key, String name) {
        return registry("RegQueryValueEx(HKLM\\" + key + ", " + name + ")", () -> {
            if (!Advapi32Util.registryValueExists(WinReg.HKEY_LOCAL_MACHINE, key, name)) {
                return null;
            }
            Object v = Advapi32Util.registryGetValue(WinReg.HKEY_LOCAL_MACHINE, key, name);
            return v == null ? null : v.toString();
        });
    }
}
