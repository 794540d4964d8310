package dev.mdlbridge.windows.service;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * The registry's encoding of the two value types the driver reads limits from: {@code REG_DWORD} (4 bytes) and
 * {@code REG_QWORD} (8 bytes), both little-endian whatever the machine (the registry format fixes it).
 */
public final class RegistryValues {

    /** {@code REG_DWORD}: a 32-bit number. */
    public static final int REG_DWORD = 4;
    /** {@code REG_QWORD}: a 64-bit number. */
    public static final int REG_QWORD = 11;

    private RegistryValues() {
    }

    /**
     * The data of a {@code REG_QWORD} value.
     *
     * @param value the number
     * @return 8 bytes, least significant first
     */
    public static byte[] qword(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    /**
     * A value as the driver reads it: a {@code REG_DWORD} as an unsigned 32-bit number, a {@code REG_QWORD} as 64
     * bits; anything else (another type, or data of the wrong length) is ignored.
     *
     * @param type the value's type
     * @param data its data
     * @return the number, or empty when the driver would ignore the value
     */
    public static OptionalLong decode(int type, byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        if (type == REG_DWORD && data.length == 4) {
            return OptionalLong.of(Integer.toUnsignedLong(b.getInt()));
        }
        if (type == REG_QWORD && data.length == 8) {
            return OptionalLong.of(b.getLong());
        }
        return OptionalLong.empty();
    }
}
