package dev.mdlbridge.windows.onwindows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;
import dev.mdlbridge.windows.service.DriverLimits;
import dev.mdlbridge.windows.service.JnaServiceParameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Windows only (skipped elsewhere): the registry code {@code mdl driver install --limit} uses, on a scratch key under
 * HKCU (no elevation needed, no service touched): REG_QWORD values written and read back as the driver would read
 * them, a REG_DWORD read too, other types ignored, values deleted.
 */
@EnabledOnOs(OS.WINDOWS)
class ServiceParametersOnWindowsTest {

    @Test
    void limitsRoundTripThroughTheRegistry() {
        String parent = "Software\\mdlbridge-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        String key = parent + "\\Parameters";
        JnaServiceParameters p = new JnaServiceParameters(WinReg.HKEY_CURRENT_USER, "HKCU", key);
        try {
            assertEquals(Map.of(), p.read(), "no key yet: nothing configured");
            p.writeQword("maxPageAllocationBytes", 2L << 30);
            Advapi32Util.registrySetIntValue(WinReg.HKEY_CURRENT_USER, key, "maxObjects", -1);
            Advapi32Util.registrySetStringValue(WinReg.HKEY_CURRENT_USER, key, "maxLockedBytes", "1G");
            assertEquals(Map.of("maxPageAllocationBytes", 2L << 30, "maxObjects", 0xFFFF_FFFFL), p.read(),
                    "the QWORD as written, the DWORD unsigned, the string ignored");
            assertEquals(2L << 30, Advapi32Util.registryGetLongValue(WinReg.HKEY_CURRENT_USER, key,
                    "maxPageAllocationBytes"), "what RegGetValue reads as a REG_QWORD");
            assertTrue(p.delete("maxObjects"));
            assertFalse(p.delete("maxObjects"));
            List<String> shown = new DriverLimits(p).show();
            assertEquals("maxPageAllocationBytes = 2147483648 (2 GiB)", shown.get(1), shown.toString());
        } finally {
            if (Advapi32Util.registryKeyExists(WinReg.HKEY_CURRENT_USER, key)) {
                Advapi32Util.registryDeleteKey(WinReg.HKEY_CURRENT_USER, key);
            }
            if (Advapi32Util.registryKeyExists(WinReg.HKEY_CURRENT_USER, parent)) {
                Advapi32Util.registryDeleteKey(WinReg.HKEY_CURRENT_USER, parent);
            }
        }
    }
}
