package dev.mdlbridge.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * driver/include/mdlbridge.h is the single source of truth: every numeric #define, every control code and every
 * structure size it asserts must have the same value in {@link Protocol}.
 */
class ProtocolHeaderTest {

    static final Path HEADER = Path.of("../../driver/include/mdlbridge.h");
    static String header;
    static final Map<String, Long> DEFINES = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        header = Files.readString(HEADER);
        Matcher m = Pattern.compile("(?m)^#define\\s+(MDLB_\\w+)\\s+(0x[0-9A-Fa-f]+|\\d+)(?:u|ull)?\\b").matcher(header);
        while (m.find()) {
            String v = m.group(2);
            DEFINES.put(m.group(1), v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v));
        }
        assertTrue(DEFINES.size() > 100, "parsed only " + DEFINES.size() + " defines from " + HEADER);
    }

    private static long javaValue(String name) throws IllegalAccessException {
        try {
            Field f = Protocol.class.getField(name);
            Object v = f.get(null);
            return v instanceof Integer i ? Integer.toUnsignedLong(i) : (Long) v;
        } catch (NoSuchFieldException e) {
            return Long.MIN_VALUE;
        }
    }

    @Test
    void everyNumericDefineHasTheSameValueInJava() throws IllegalAccessException {
        int compared = 0;
        StringBuilder missing = new StringBuilder();
        for (var e : DEFINES.entrySet()) {
            String javaName = e.getKey().substring("MDLB_".length());
            if (javaName.startsWith("STATUS_")) {
                NtStatus s = NtStatus.of((int) (long) e.getValue());
                assertEquals(javaName, s.name(), "NtStatus knows " + e.getKey() + " under another name");
                compared++;
                continue;
            }
            long v = javaValue(javaName);
            if (v == Long.MIN_VALUE) {
                missing.append(' ').append(javaName);
                continue;
            }
            assertEquals(e.getValue().longValue(), v, e.getKey() + " differs between mdlbridge.h and Protocol.java");
            compared++;
        }
        assertEquals("", missing.toString().trim(), "defines of mdlbridge.h missing from Protocol.java");
        assertTrue(compared > 100);
    }

    @Test
    void controlCodesMatchTheHeader() throws IllegalAccessException {
        Matcher m = Pattern.compile("#define\\s+IOCTL_MDLB_(\\w+)\\s+MDLB_CTL\\((0x[0-9A-F]+),\\s*MDLB_(METHOD_\\w+),\\s*MDLB_(ACCESS_\\w+)\\)")
                .matcher(header);
        int n = 0;
        while (m.find()) {
            int function = Integer.parseInt(m.group(2).substring(2), 16);
            int method = DEFINES.get("MDLB_" + m.group(3)).intValue();
            int access = DEFINES.get("MDLB_" + m.group(4)).intValue();
            int expected = (0x8D1B << 16) | (access << 14) | (function << 2) | method;
            assertEquals(Integer.toUnsignedLong(expected), javaValue("IOCTL_" + m.group(1)), "IOCTL_MDLB_" + m.group(1));
            n++;
        }
        assertEquals(29, n, "control codes found in the header");
        assertEquals(0x8D1BE014, Protocol.IOCTL_PROBE_AND_LOCK, "CTL_CODE(0x8D1B, 0x805, METHOD_BUFFERED, 3)");
        assertEquals(0x8D1BE055, Protocol.IOCTL_DIRECT_IN, "CTL_CODE(0x8D1B, 0x815, METHOD_IN_DIRECT, 3)");
    }

    @Test
    void structureSizesMatchTheStaticAsserts() throws IllegalAccessException {
        Matcher m = Pattern.compile("MDLB_STATIC_ASSERT\\(sizeof\\(MDLB_(\\w+)\\) == (\\d+)\\)").matcher(header);
        int n = 0;
        while (m.find()) {
            String javaName = m.group(1) + "_SIZE";
            long v = javaValue(javaName);
            if (v == Long.MIN_VALUE) {
                fail("Protocol." + javaName + " is missing (sizeof(MDLB_" + m.group(1) + ") = " + m.group(2) + ")");
            }
            assertEquals(Long.parseLong(m.group(2)), v, "sizeof(MDLB_" + m.group(1) + ")");
            n++;
        }
        assertEquals(23, n);
    }

    @Test
    void replyBufferHoldsTwoFullSnapshotsAndAMaximalTransfer() {
        assertEquals(64 + 2 * (96 + 8 * 8192) + 65536, Protocol.REPLY_BUFFER_SIZE);
    }
}
