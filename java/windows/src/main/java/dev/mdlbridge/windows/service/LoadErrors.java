package dev.mdlbridge.windows.service;

/**
 * What the Win32 errors of installing and starting a kernel driver mean on a test machine, and what to do. A user
 * should never have to look an error number up.
 */
public final class LoadErrors {

    public static final int ERROR_FILE_NOT_FOUND = 2;
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_INVALID_PARAMETER = 87;
    public static final int ERROR_INVALID_IMAGE_HASH = 577;
    public static final int ERROR_SERVICE_ALREADY_RUNNING = 1056;
    public static final int ERROR_SERVICE_DISABLED = 1058;
    public static final int ERROR_SERVICE_DOES_NOT_EXIST = 1060;
    public static final int ERROR_SERVICE_CANNOT_ACCEPT_CTRL = 1061;
    public static final int ERROR_SERVICE_NOT_ACTIVE = 1062;
    public static final int ERROR_SERVICE_EXISTS = 1073;
    public static final int ERROR_SERVICE_MARKED_FOR_DELETE = 1072;
    public static final int ERROR_DRIVER_BLOCKED = 1275;

    private LoadErrors() {
    }

    /** "ERROR_INVALID_IMAGE_HASH (577)", or the number alone for one this table does not know. */
    public static String name(int error) {
        String n = switch (error) {
            case ERROR_FILE_NOT_FOUND -> "ERROR_FILE_NOT_FOUND";
            case ERROR_ACCESS_DENIED -> "ERROR_ACCESS_DENIED";
            case ERROR_INVALID_PARAMETER -> "ERROR_INVALID_PARAMETER";
            case ERROR_INVALID_IMAGE_HASH -> "ERROR_INVALID_IMAGE_HASH";
            case ERROR_SERVICE_ALREADY_RUNNING -> "ERROR_SERVICE_ALREADY_RUNNING";
            case ERROR_SERVICE_DISABLED -> "ERROR_SERVICE_DISABLED";
            case ERROR_SERVICE_DOES_NOT_EXIST -> "ERROR_SERVICE_DOES_NOT_EXIST";
            case ERROR_SERVICE_CANNOT_ACCEPT_CTRL -> "ERROR_SERVICE_CANNOT_ACCEPT_CTRL";
            case ERROR_SERVICE_NOT_ACTIVE -> "ERROR_SERVICE_NOT_ACTIVE";
            case ERROR_SERVICE_EXISTS -> "ERROR_SERVICE_EXISTS";
            case ERROR_SERVICE_MARKED_FOR_DELETE -> "ERROR_SERVICE_MARKED_FOR_DELETE";
            case ERROR_DRIVER_BLOCKED -> "ERROR_DRIVER_BLOCKED";
            default -> null;
        };
        return n == null ? "Win32 error " + error : n + " (" + error + ")";
    }

    /** Why {@code StartService} of the driver failed with {@code error}, and what to do about it. */
    public static String whyStartFailed(int error) {
        return switch (error) {
            case ERROR_INVALID_IMAGE_HASH -> "Windows refused the driver's signature: test signing is off or the "
                    + "test certificate is not trusted. Run `bcdedit /set testsigning on` as Administrator and "
                    + "reboot, and install with `mdl driver install` (it trusts the kit's mdlbridge-test.cer), or run "
                    + "Trust-TestCertificate.ps1 from the kit";
            case ERROR_DRIVER_BLOCKED -> "Windows blocked the driver by policy: Memory Integrity (HVCI), the "
                    + "vulnerable-driver blocklist or an application-control policy. Turn off Memory Integrity in "
                    + "Windows Security > Device security > Core isolation and reboot, on a test machine only";
            case ERROR_INVALID_PARAMETER -> "the service's parameters are wrong (a bad binary path or type): run "
                    + "`mdl driver uninstall` and `mdl driver install` again";
            case ERROR_ACCESS_DENIED -> "access denied: run the command from an elevated prompt (Run as "
                    + "administrator)";
            case ERROR_FILE_NOT_FOUND -> "the driver file the service names is missing: run `mdl driver install` "
                    + "again";
            case ERROR_SERVICE_DISABLED -> "the service is disabled: run `mdl driver uninstall` and `mdl driver "
                    + "install` again";
            case ERROR_SERVICE_DOES_NOT_EXIST -> "the driver is not installed: run `mdl driver install`";
            case ERROR_SERVICE_MARKED_FOR_DELETE -> markedForDelete();
            default -> "StartService failed with " + name(error);
        };
    }

    /** ERROR_SERVICE_MARKED_FOR_DELETE, explained. */
    public static String markedForDelete() {
        return "the service is marked for deletion (ERROR_SERVICE_MARKED_FOR_DELETE, 1072): Windows deletes it when "
                + "the last handle to it closes. Close services.msc, Process Explorer and every program using "
                + "\\\\.\\MdlBridge (mdl, test JVMs), then run the command again; if it persists, reboot";
    }
}
