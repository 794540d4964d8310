package dev.mdlbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.mdlbridge.api.AdministratorLimit;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.spi.SimulatorOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/** {@code @MdlBridgeTest(limits = ..., settings = ...)}: declared limits and settings reach the simulated machine. */
class DeclaredLimitsTest {

    static final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    private static Events run(Class<?> fixture, Map<String, String> parameters) {
        notes.clear();
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameter("mdlbridge.backend", "simulator");
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            kit = kit.configurationParameter(e.getKey(), e.getValue());
        }
        return kit.execute().testEvents();
    }

    private static String failures(Events events) {
        StringBuilder sb = new StringBuilder();
        events.failed().stream().map(Event::getPayload).forEach(p -> sb.append(p).append('\n'));
        return sb.toString();
    }

    @Test
    void limitsAreParsedToBytesAndSettingsPassedOn() {
        SimulatorOptions options = SimulatorOptions.builder();
        DeclaredSettings.apply(new String[] {"maxPageAllocationBytes=2G", "driverMaxHandles=8"},
                new String[] {"physicalMemory=4G", "driverMaxObjects=0x100"}, options, Set.of());
        assertEquals(Map.of("maxPageAllocationBytes", "2147483648", "driverMaxHandles", "8", "physicalMemory", "4G",
                "driverMaxObjects", "256"), options.settings());
    }

    @Test
    void aWrongEntryNamesTheAttributeAndTheEntry() {
        IllegalArgumentException name = assertThrows(IllegalArgumentException.class, () -> DeclaredSettings.apply(
                new String[] {"maxPages=2G"}, new String[0], SimulatorOptions.builder(), Set.of()));
        assertTrue(name.getMessage().startsWith("@MdlBridgeTest(limits): there is no limit 'maxPages'; the limits are "
                + "maxObjects, "), name.getMessage());
        IllegalArgumentException value = assertThrows(IllegalArgumentException.class, () -> DeclaredSettings.apply(
                new String[] {"maxObjects=many"}, new String[0], SimulatorOptions.builder(), Set.of()));
        assertTrue(value.getMessage().startsWith("@MdlBridgeTest(limits): maxObjects=many is not a number"),
                value.getMessage());
        IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> DeclaredSettings.apply(
                new String[0], new String[] {"ram=4G"}, SimulatorOptions.builder(), Set.of()));
        assertTrue(key.getMessage().startsWith("@MdlBridgeTest(settings): the simulator has no option 'ram'"),
                key.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> DeclaredSettings.apply(
                new String[] {"maxObjects=64"}, new String[] {"maxObjects=128"}, SimulatorOptions.builder(),
                Set.of()));
        assertEquals("@MdlBridgeTest(settings): 'maxObjects=128' sets maxObjects, which another attribute or entry "
                + "already sets", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeclaredSettings.apply(new String[0],
                new String[] {"physicalMemory=1G"}, SimulatorOptions.builder(), Set.of("physicalMemory")));
    }

    @MdlBridgeTest(limits = {"maxPageAllocationBytes=256M", "maxObjects=8"})
    static class LimitsFixture {
        @Test
        void limits(MdlBridge bridge) {
            for (AdministratorLimit l : bridge.limits().configured()) {
                notes.add(l.toString());
            }
        }
    }

    @Test
    void declaredLimitsAreInForceAndClampedAsTheDriverWould() {
        Events tests = run(LimitsFixture.class, Map.of());
        assertEquals(0, tests.failed().count(), failures(tests));
        assertEquals(List.of("maxObjects 16 configured clamped",
                "maxPageAllocationBytes 268435456 (256 MiB) configured"), notes,
                "8 objects is below the range 16..65536");
    }

    @MdlBridgeTest
    static class PlainLimitsFixture {
        @Test
        void limits(MdlBridge bridge) {
            notes.add(bridge.limits().get("driverMaxPageAllocationBytes").toString());
        }
    }

    @Test
    void aLimitAsAConfigurationParameterTakesASize() {
        // the RAM rule counts the driver-wide locked, page-allocation and kernel-buffer limits in force: on the
        // default 16 GiB the 8 GiB of locked bytes leave no room, so the locked limit is lowered with it
        Events tests = run(PlainLimitsFixture.class, Map.of("mdlbridge.simulator.driverMaxPageAllocationBytes", "1G",
                "mdlbridge.simulator.driverMaxLockedBytes", "0x40000000"));
        assertEquals(0, tests.failed().count(), failures(tests));
        assertEquals(List.of("driverMaxPageAllocationBytes 1073741824 (1 GiB) configured"), notes);
    }

    @Test
    void aDriverWideRaiseOverHalfTheRamIsReportedClamped() {
        // 8 GiB locked (a default, never lowered) + 1 GiB + 256 MiB of kernel buffers > 16 GiB / 2: the configured
        // page-allocation limit goes down to its minimum, 64 KiB, and says so
        Events tests = run(PlainLimitsFixture.class, Map.of("mdlbridge.simulator.driverMaxPageAllocationBytes", "1G"));
        assertEquals(0, tests.failed().count(), failures(tests));
        assertEquals(List.of("driverMaxPageAllocationBytes 65536 (64 KiB) configured clamped"), notes);
    }

    @MdlBridgeTest(limits = "maxPages=2G")
    static class BadLimitFixture {
        @Test
        void never(MdlBridge bridge) {
            notes.add("ran");
        }
    }

    @Test
    void anUnknownLimitFailsEveryTestNamingIt() {
        Events tests = run(BadLimitFixture.class, Map.of());
        tests.assertStatistics(s -> s.failed(1).succeeded(0));
        assertTrue(failures(tests).contains("@MdlBridgeTest(limits): there is no limit 'maxPages'"), failures(tests));
        assertEquals(List.of(), notes);
    }
}
