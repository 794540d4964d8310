package dev.mdlbridge.windows.onwindows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.DosErrors;
import dev.mdlbridge.windows.jna.NtDllDirect;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Windows only (skipped elsewhere): the shared table, which the simulator records as the Win32 error, against this
 * machine's own {@code RtlNtStatusToDosError}, entry by entry. A difference means the simulator records an error
 * Windows does not give: fix {@link DosErrors}.
 */
@EnabledOnOs(OS.WINDOWS)
class NtStatusMappingOnWindowsTest {

    @Test
    void everyEntryIsWhatNtdllGives() {
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<Integer, Integer> e : DosErrors.table().entrySet()) {
            int real = NtDllDirect.RtlNtStatusToDosError(e.getKey());
            if (real != e.getValue()) {
                wrong.add(String.format("0x%08X: table %d, ntdll %d", e.getKey(), e.getValue(), real));
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(DosErrors.UNMAPPED, NtDllDirect.RtlNtStatusToDosError(0xC0001234));
    }
}
