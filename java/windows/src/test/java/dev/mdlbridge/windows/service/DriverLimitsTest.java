package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.LimitSetting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Parameters key's limits, over a fake key: checked before written, shown, cleared, with when they apply. */
class DriverLimitsTest {

    static final String KEY = "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MdlBridge\\Parameters";

    /** The key as a map; types other than the two numbers never reach {@link ServiceParameters#read}. */
    static final class FakeKey implements ServiceParameters {
        final Map<String, Long> values = new LinkedHashMap<>();

        @Override
        public String location() {
            return KEY;
        }

        @Override
        public Map<String, Long> read() {
            return new LinkedHashMap<>(values);
        }

        @Override
        public void writeQword(String name, long value) {
            values.put(name, value);
        }

        @Override
        public boolean delete(String name) {
            return values.remove(name) != null;
        }
    }

    @Test
    void limitsAreWrittenAsQwordsAndApplyAtTheNextLoad() {
        FakeKey key = new FakeKey();
        List<String> done = new DriverLimits(key).configure(List.of(LimitSetting.parse("maxPageAllocationBytes=2G"),
                LimitSetting.parse("driverMaxHandles=64")), true);
        assertEquals(Map.of("maxPageAllocationBytes", 2L << 30, "driverMaxHandles", 64L), key.values);
        assertEquals(List.of("set maxPageAllocationBytes = 2147483648 (2 GiB) (REG_QWORD in " + KEY + ")",
                "set driverMaxHandles = 64 (REG_QWORD in " + KEY + ")",
                "the driver reads its limits only when it loads: restart it (`mdl driver stop`, then `mdl driver "
                        + "start`) for this to take effect"), done);
        assertTrue(new DriverLimits(key).configure(List.of(), false).get(0).contains("at its next start"));
    }

    @Test
    void oneSettingOutOfRangeWritesNothing() {
        FakeKey key = new FakeKey();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DriverLimits(key)
                .configure(List.of(LimitSetting.parse("maxObjects=100"), LimitSetting.parse("maxObjects=1")), false));
        assertTrue(e.getMessage().startsWith("maxObjects=1 is outside its range 16..65536"), e.getMessage());
        assertEquals(Map.of(), key.values, "the valid first setting was not written either");
    }

    @Test
    void showListsWhatIsSetAndWhatTheDriverMakesOfIt() {
        FakeKey key = new FakeKey();
        assertEquals(List.of("no limit is configured in " + KEY + ": the driver uses its defaults (`mdl info` shows "
                + "the values in force)"), new DriverLimits(key).show());
        key.values.put("maxObjects", 8L);
        key.values.put("maxLockedBytes", 1L << 30);
        key.values.put("maxPages", 5L);
        assertEquals(List.of("configured in " + KEY + " (`mdl info` shows the values in force):",
                "maxObjects = 8  (outside 16..65536: the driver clamps it)",
                "maxLockedBytes = 1073741824 (1 GiB)",
                "maxPages = 5  (not a limit name: the driver ignores it; `mdl driver limits --clear maxPages` removes "
                        + "it)"), new DriverLimits(key).show());
    }

    @Test
    void clearRemovesNamedValuesOrEveryLimit() {
        FakeKey key = new FakeKey();
        key.values.put("maxObjects", 64L);
        key.values.put("maxLockedBytes", 1L << 30);
        key.values.put("stray", 1L);
        assertEquals(List.of("removed maxObjects from " + KEY, "maxKernelBufferBytes was not set",
                "the driver reads its limits when it loads: this takes effect at its next start (`mdl driver start`)"),
                new DriverLimits(key).clear(List.of("maxObjects", "maxKernelBufferBytes"), false));
        List<String> all = new DriverLimits(key).clear(List.of(), true);
        assertEquals("removed maxLockedBytes from " + KEY, all.get(0));
        assertEquals(Map.of("stray", 1L), key.values, "clearing every limit leaves other names alone");
        assertEquals(List.of("no limit was configured: nothing to clear"), new DriverLimits(key).clear(List.of(),
                false));
    }
}
