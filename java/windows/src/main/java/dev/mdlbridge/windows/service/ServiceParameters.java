package dev.mdlbridge.windows.service;

import java.util.Map;

/**
 * The driver's {@code Parameters} key ({@code HKLM\SYSTEM\CurrentControlSet\Services\MdlBridge\Parameters}), where
 * an administrator's limits live; the driver reads it once, in {@code DriverEntry}. Behind an interface so that
 * {@link DriverLimits} is tested with a fake on any OS; {@link JnaServiceParameters} is the real one.
 */
public interface ServiceParameters {

    /**
     * The key, as a user would find it in regedit.
     *
     * @return {@code HKLM\SYSTEM\CurrentControlSet\Services\MdlBridge\Parameters}
     */
    String location();

    /**
     * The values the driver would read: {@code REG_DWORD} and {@code REG_QWORD} values by name; values of another
     * type are left out, as the driver ignores them.
     *
     * @return the values; empty when the key does not exist
     */
    Map<String, Long> read();

    /**
     * Writes one {@code REG_QWORD} value, creating the key when it does not exist.
     *
     * @param name  the value's name
     * @param value the value
     */
    void writeQword(String name, long value);

    /**
     * Deletes one value.
     *
     * @param name the value's name
     * @return whether there was one
     */
    boolean delete(String name);
}
