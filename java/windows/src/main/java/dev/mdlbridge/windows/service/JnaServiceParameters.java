package dev.mdlbridge.windows.service;

import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.W32Errors;
import com.sun.jna.platform.win32.WinError;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.platform.win32.WinReg;
import com.sun.jna.ptr.IntByReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A service's {@code Parameters} key through jna-platform's Advapi32. Values are written as raw
 * {@code REG_QWORD} data ({@link RegistryValues#qword}) and read back raw ({@link RegistryValues#decode}), so the
 * encoding the driver sees is the one the unit tests check. Windows only; every decision is in {@link DriverLimits}.
 */
public final class JnaServiceParameters implements ServiceParameters {

    private final WinReg.HKEY root;
    private final String rootName;
    private final String key;

    /** The MdlBridge service's key: {@code HKLM\SYSTEM\CurrentControlSet\Services\MdlBridge\Parameters}. */
    public JnaServiceParameters() {
        this(WinReg.HKEY_LOCAL_MACHINE, "HKLM", "SYSTEM\\CurrentControlSet\\Services\\" + DriverInstaller.SERVICE
                + "\\" + dev.mdlbridge.protocol.Protocol.PARAMETERS_SUBKEY);
    }

    /**
     * Another key, for a test that may not write under HKLM (an unelevated run writes under HKCU).
     *
     * @param root     the hive
     * @param rootName how messages name the hive ({@code HKCU})
     * @param key      the key's path below it
     */
    public JnaServiceParameters(WinReg.HKEY root, String rootName, String key) {
        this.root = root;
        this.rootName = rootName;
        this.key = key;
    }

    @Override
    public String location() {
        return rootName + "\\" + key;
    }

    @Override
    public Map<String, Long> read() {
        Map<String, Long> values = new LinkedHashMap<>();
        if (!JnaServiceManager.registry("RegOpenKeyEx(" + location() + ")",
                () -> Advapi32Util.registryKeyExists(root, key))) {
            return values;
        }
        WinReg.HKEY k = open(WinNT.KEY_READ);
        try {
            for (String name : JnaServiceManager.registry("RegEnumValue(" + location() + ")",
                    () -> Advapi32Util.registryGetValues(k).keySet())) {
                OptionalLong v = raw(k, name);
                v.ifPresent(n -> values.put(name, n));
            }
        } finally {
            Advapi32Util.registryCloseKey(k);
        }
        return values;
    }

    /** A value's type and data, decoded as the driver would. */
    private OptionalLong raw(WinReg.HKEY k, String name) {
        IntByReference type = new IntByReference();
        IntByReference size = new IntByReference(16);
        byte[] data = new byte[16];
        int rc = Advapi32.INSTANCE.RegQueryValueEx(k, name, 0, type, data, size);
        if (rc == WinError.ERROR_MORE_DATA) {
            return OptionalLong.empty(); // longer than any number: a type the driver ignores
        }
        if (rc != W32Errors.ERROR_SUCCESS) {
            throw new Win32Failure("RegQueryValueEx(" + location() + ", " + name + ")", rc);
        }
        return RegistryValues.decode(type.getValue(), java.util.Arrays.copyOf(data, size.getValue()));
    }

    @Override
    public void writeQword(String name, long value) {
        JnaServiceManager.registry("RegCreateKeyEx(" + location() + ")", () -> Advapi32Util.registryCreateKey(root,
                key));
        WinReg.HKEY k = open(WinNT.KEY_SET_VALUE);
        try {
            byte[] data = RegistryValues.qword(value);
            int rc = Advapi32.INSTANCE.RegSetValueEx(k, name, 0, RegistryValues.REG_QWORD, data, data.length);
            if (rc != W32Errors.ERROR_SUCCESS) {
                throw new Win32Failure("RegSetValueEx(" + location() + ", " + name + ", REG_QWORD)", rc);
            }
        } finally {
            Advapi32Util.registryCloseKey(k);
        }
    }

    @Override
    public boolean delete(String name) {
        if (!JnaServiceManager.registry("RegOpenKeyEx(" + location() + ")",
                () -> Advapi32Util.registryKeyExists(root, key))) {
            return false;
        }
        WinReg.HKEY k = open(WinNT.KEY_SET_VALUE);
        try {
            int rc = Advapi32.INSTANCE.RegDeleteValue(k, name);
            if (rc == WinError.ERROR_FILE_NOT_FOUND) {
                return false;
            }
            if (rc != W32Errors.ERROR_SUCCESS) {
                throw new Win32Failure("RegDeleteValue(" + location() + ", " + name + ")", rc);
            }
            return true;
        } finally {
            Advapi32Util.registryCloseKey(k);
        }
    }

    private WinReg.HKEY open(int access) {
        return JnaServiceManager.registry("RegOpenKeyEx(" + location() + ")",
                () -> Advapi32Util.registryGetKey(root, key, access).getValue());
    }
}
