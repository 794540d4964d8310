package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The bytes the driver's registry read sees: REG_QWORD and REG_DWORD, little-endian. */
class RegistryValuesTest {

    @Test
    void aQwordIsEightBytesLeastSignificantFirst() {
        assertArrayEquals(new byte[] {0, 0, 0, (byte) 0x80, 0, 0, 0, 0}, RegistryValues.qword(2L << 30), "2 GiB");
        assertArrayEquals(new byte[] {0x10, 0, 0, 0, 0x40, 0, 0, 0}, RegistryValues.qword(0x40_0000_0010L));
        assertEquals(11, RegistryValues.REG_QWORD);
        assertEquals(4, RegistryValues.REG_DWORD);
    }

    @Test
    void theDriverReadsDwordsUnsignedQwordsWholeAndIgnoresTheRest() {
        assertEquals(OptionalLong.of(64L << 30), RegistryValues.decode(RegistryValues.REG_QWORD,
                RegistryValues.qword(64L << 30)));
        assertEquals(OptionalLong.of(0xFFFF_FFFFL), RegistryValues.decode(RegistryValues.REG_DWORD,
                new byte[] {-1, -1, -1, -1}), "a DWORD is unsigned");
        assertEquals(OptionalLong.of(4096), RegistryValues.decode(RegistryValues.REG_DWORD, new byte[] {0, 0x10, 0, 0}));
        assertEquals(OptionalLong.empty(), RegistryValues.decode(1, "4096".getBytes()), "REG_SZ is ignored");
        assertEquals(OptionalLong.empty(), RegistryValues.decode(RegistryValues.REG_QWORD, new byte[4]),
                "a QWORD of the wrong length is ignored");
    }
}
