package dev.mdlbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Runs small fixture classes through the Jupiter engine and checks what the extension did. The fixtures are static
 * nested classes, which neither Surefire nor Jupiter runs on its own.
 */
class MdlBridgeExtensionTest {

    private static final boolean WINDOWS = System.getProperty("os.name", "").startsWith("Windows");

    static final List<MdlBridge> seen = new ArrayList<>();
    static final List<String> notes = new ArrayList<>();

    private static EngineExecutionResults run(Class<?> fixture, String policy) {
        seen.clear();
        notes.clear();
        var kit = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture));
        if (policy != null) {
            kit = kit.configurationParameter("mdlbridge.backend", policy);
        }
        return kit.execute();
    }

    private static String failureText(Events tests) {
        StringBuilder sb = new StringBuilder();
        tests.failed().stream().map(Event::getPayload).forEach(p -> sb.append(p).append('\n'));
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------- fixtures

    @MdlBridgeTest
    static class InjectionFixture {
        @Test
        void first(MdlBridge bridge, SimulatorControl control) {
            seen.add(bridge);
            notes.add(bridge.backend().name() + "|" + control.profile());
        }

        @Test
        void second(MdlBridge bridge) {
            seen.add(bridge);
        }
    }

    @MdlBridgeTest
    static class LeakFixture {
        @Test
        void leaksAnMdl(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(8192, UserMemory.PAGE_READWRITE)) {
                bridge.ioAllocateMdl(b.address(), 8192).orThrow();
            }
        }

        @Test
        void cleanAfterwards(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(8192, UserMemory.PAGE_READWRITE)) {
                int mdl = bridge.ioAllocateMdl(b.address(), 8192).orThrow().objectId();
                bridge.ioFreeMdl(mdl).orThrow();
            }
        }
    }

    @MdlBridgeTest
    static class PlainFixture {
        @Test
        void runs(MdlBridge bridge) {
            seen.add(bridge);
        }
    }

    @MdlBridgeTest
    static class ConditionFixture {
        @Test
        @EnabledOnDriver
        void driverOnly(MdlBridge bridge) {
            notes.add("driverOnly ran");
        }

        @Test
        @EnabledOnSimulator
        void simulatorOnly(SimulatorControl control) {
            notes.add("simulatorOnly ran");
        }
    }

    // -------------------------------------------------------------------------------------------- tests

    @Test
    void injectsOneBridgePerClassAndClosesItAfterTheClass() {
        Events tests = run(InjectionFixture.class, "simulator").testEvents();
        tests.assertStatistics(s -> s.succeeded(2).failed(0));
        assertEquals(1, notes.size());
        assertTrue(notes.get(0).startsWith("simulator|") && notes.get(0).length() > "simulator|".length(),
                "SimulatorControl injected with a profile: " + notes);
        assertEquals(2, seen.size());
        assertSame(seen.get(0), seen.get(1), "one bridge per test class");
        assertThrows(IllegalStateException.class, () -> seen.get(0).counters(), "closed after the class");
    }

    @Test
    void leakCheckFailsTheLeakingTestNamingWhatLeaked() {
        Events tests = run(LeakFixture.class, "simulator").testEvents();
        tests.assertStatistics(s -> s.succeeded(1).failed(1));
        tests.assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
                m.contains("mdlbridge leak in leaksAnMdl(MdlBridge)") && m.contains("left 1 MDL outstanding"))));
    }

    @Test
    void autoOffWindowsUsesTheSimulatorAndSaysWhyNotTheDriver() {
        assumeFalse(WINDOWS, "off Windows only");
        run(PlainFixture.class, "auto").testEvents().assertStatistics(s -> s.succeeded(1));
        assertEquals("simulator", seen.get(0).backend().name());
        assertTrue(seen.get(0).selection().notUsed().contains("driver: not available (requires Windows)"),
                seen.get(0).selection().notUsed().toString());
    }

    @Test
    void driverPolicyOffWindowsFailsWithEveryReasonInsteadOfSkipping() {
        assumeFalse(WINDOWS, "off Windows only");
        Events tests = run(PlainFixture.class, "driver").testEvents();
        tests.assertStatistics(s -> s.succeeded(0).failed(1).skipped(0));
        String text = failureText(tests);
        assertTrue(text.contains("policy 'driver' cannot be satisfied"), text);
        assertTrue(text.contains("driver: not used (not available (requires Windows))"), text);
        assertTrue(text.contains("simulator: available"), text);
    }

    @Test
    void replayPolicyWithoutAReplayBackendFailsNamingIt() {
        Events tests = run(PlainFixture.class, "replay:missing.json").testEvents();
        tests.assertStatistics(s -> s.failed(1).skipped(0));
        String text = failureText(tests);
        assertTrue(text.contains("policy 'replay:missing.json'") && text.contains("replay"), text);
    }

    @Test
    void configurationParameterWinsOverTheSystemProperty() {
        String old = System.getProperty("mdlbridge.backend");
        System.setProperty("mdlbridge.backend", "driver");
        try {
            run(PlainFixture.class, "simulator").testEvents().assertStatistics(s -> s.succeeded(1));
            assertEquals("simulator", seen.get(0).backend().name());
            if (!WINDOWS) {
                // Without the parameter the system property applies: driver, which fails here.
                run(PlainFixture.class, null).testEvents().assertStatistics(s -> s.failed(1));
            }
        } finally {
            if (old == null) {
                System.clearProperty("mdlbridge.backend");
            } else {
                System.setProperty("mdlbridge.backend", old);
            }
        }
    }

    @Test
    void conditionsSkipWithTheBackendInTheReason() {
        Events tests = run(ConditionFixture.class, "simulator").testEvents();
        tests.assertStatistics(s -> s.succeeded(1).skipped(1).failed(0));
        assertEquals(List.of("simulatorOnly ran"), notes);
        String reason = tests.skipped().stream().map(e -> e.getPayload(String.class).orElse("")).findFirst()
                .orElseThrow();
        assertTrue(reason.startsWith("requires the driver backend; this run uses simulator"), reason);
        assertNotNull(reason);
    }
}
