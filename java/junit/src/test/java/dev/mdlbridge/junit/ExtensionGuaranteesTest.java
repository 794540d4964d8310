package dev.mdlbridge.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.simulator.SimulatorBackend;
import dev.mdlbridge.simulator.kernel.KernelConfig;
import dev.mdlbridge.simulator.kernel.SimKernel;
import dev.mdlbridge.spi.BackendException;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * What the extension promises beyond injection: the class's bridge is closed once on every supported JUnit, the
 * tests of bridge classes never overlap under parallel execution, a bug check does not fail the close, the
 * simulator options reach the simulated machine, the documented precedence of settings holds, and a leaked user
 * buffer is reported. Each runs fixture classes through the Jupiter engine (junit-platform-testkit).
 */
class ExtensionGuaranteesTest {

    static final List<MdlBridge> seen = Collections.synchronizedList(new ArrayList<>());
    static final List<String> notes = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void forgetTheListener() {
        Bridges.closedListener = null;
    }

    private static EngineExecutionResults run(Map<String, String> parameters, Class<?>... fixtures) {
        seen.clear();
        notes.clear();
        // As under Surefire or an IDE: system properties and junit-platform.properties are configuration
        // parameters too (the test kit leaves them out unless told).
        var kit = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                .selectors(java.util.Arrays.stream(fixtures).map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
                .configurationParameter("mdlbridge.backend", "simulator");
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            kit = kit.configurationParameter(e.getKey(), e.getValue());
        }
        return kit.execute();
    }

    private static String failures(Events events) {
        StringBuilder sb = new StringBuilder();
        events.failed().stream().map(Event::getPayload).forEach(p -> sb.append(p).append('\n'));
        return sb.toString();
    }

    private static KernelConfig configOf(MdlBridge bridge) {
        TrackedBackend tracked = (TrackedBackend) bridge.backend();
        return ((SimKernel) ((SimulatorBackend) tracked.delegate()).kernel()).config();
    }

    // --------------------------------------------------------------------------- 5: closed after the class

    @MdlBridgeTest
    static class CloseFixture {
        @Test
        void one(MdlBridge bridge) {
            seen.add(bridge);
        }

        @Test
        void two(MdlBridge bridge) {
            seen.add(bridge);
        }
    }

    @Test
    void theClassBridgeIsClosedExactlyOnceAfterTheClass() {
        List<MdlBridge> closed = Collections.synchronizedList(new ArrayList<>());
        Bridges.closedListener = closed::add;
        EngineExecutionResults r = run(Map.of(), CloseFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(2).failed(0));
        r.containerEvents().assertStatistics(s -> s.failed(0));
        assertEquals(List.of(seen.get(0)), closed, "closed once, by the store, on " + junitVersion());
        assertThrows(IllegalStateException.class, () -> seen.get(0).counters(), "the handle is closed");
        BackendException e = assertThrows(BackendException.class, () -> seen.get(0).backend().open(),
                "the simulated machine is closed too");
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    /** The Jupiter version this runs on (the junit-5.10 profile runs it on 5.10). */
    static String junitVersion() {
        return org.junit.jupiter.api.Test.class.getPackage().getImplementationVersion();
    }

    // ------------------------------------------------------------------------ 6: parallel execution

    static final AtomicInteger inside = new AtomicInteger();
    static final AtomicInteger mostInside = new AtomicInteger();

    static void holdsAnMdlForAWhile(MdlBridge bridge, boolean leak) throws InterruptedException {
        int now = inside.incrementAndGet();
        mostInside.accumulateAndGet(now, Math::max);
        try (UserBuffer b = bridge.allocateUserBuffer(8192, UserMemory.PAGE_READWRITE)) {
            int mdl = bridge.ioAllocateMdl(b.address(), 8192).orThrow().objectId();
            Thread.sleep(40);
            assertTrue(bridge.query(mdl).succeeded(), "my MDL was freed by someone else");
            if (!leak) {
                bridge.ioFreeMdl(mdl).orThrow();
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    @MdlBridgeTest
    static class ParallelFixtureA {
        @Test
        void a1(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, false);
        }

        @Test
        void a2(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, false);
        }

        @Test
        void a3Leaks(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, true);
        }

        @Test
        void a4(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, false);
        }
    }

    @MdlBridgeTest
    static class ParallelFixtureB {
        @Test
        void b1(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, false);
        }

        @Test
        void b2(MdlBridge bridge) throws InterruptedException {
            holdsAnMdlForAWhile(bridge, false);
        }
    }

    static final CountDownLatch bothPlain = new CountDownLatch(2);

    /** Not a bridge class: its two tests meet, which only happens when the run is really parallel. */
    static class PlainParallelFixture {
        @Test
        void p1() throws InterruptedException {
            bothPlain.countDown();
            assertTrue(bothPlain.await(10, TimeUnit.SECONDS), "runs in parallel with p2");
        }

        @Test
        void p2() throws InterruptedException {
            bothPlain.countDown();
            assertTrue(bothPlain.await(10, TimeUnit.SECONDS), "runs in parallel with p1");
        }
    }

    @Test
    void parallelExecutionGivesNoFalseLeakAndFreesNoForeignMdl() {
        inside.set(0);
        mostInside.set(0);
        EngineExecutionResults r = run(Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "4"),
                ParallelFixtureA.class, ParallelFixtureB.class, PlainParallelFixture.class);
        Events tests = r.testEvents();
        assertEquals(1, tests.failed().count(), failures(tests));
        tests.assertStatistics(s -> s.succeeded(7).failed(1));
        tests.assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
                m.contains("mdlbridge leak in a3Leaks(MdlBridge)") && m.contains("left 1 MDL outstanding"))));
        assertEquals(1, mostInside.get(), "bridge tests never overlap");
    }

    // ------------------------------------------------------------------------ 7: close after a bug check

    @MdlBridgeTest(verifier = true, unchecked = true)
    static class BugCheckFixture {
        @Test
        void unlockingANeverLockedMdlStopsTheMachine(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READWRITE)) {
                int mdl = bridge.ioAllocateMdl(b.address(), 4096).orThrow().objectId();
                SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class,
                        () -> bridge.mmUnlockPages(mdl));
                notes.add(Integer.toHexString(e.bugCheck().code()));
                seen.add(bridge);
            }
        }
    }

    @Test
    void aBugCheckTheTestExpectedFailsNeitherTheTestNorTheClassClose() {
        EngineExecutionResults r = run(Map.of(), BugCheckFixture.class);
        r.testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        r.containerEvents().assertStatistics(s -> s.failed(0));
        assertEquals(List.of("c4"), notes, "verifier and unchecked reached the machine");
        assertThrows(IllegalStateException.class, () -> seen.get(0).counters(), "closed after the class");
        SimulatedBugCheckException direct = assertThrows(SimulatedBugCheckException.class,
                () -> seen.get(0).backend().capability(SimulatorControl.class).orElseThrow().processExit());
        assertEquals(0xC4, direct.bugCheck().code(), "the machine did stop");
    }

    // ------------------------------------------------------------------------ 8: simulator options

    @MdlBridgeTest(profile = "win7-x64", seed = 7, trackLockedPages = true, poolFailAfter = 3,
            systemPtesAvailable = 64, lockCountLimit = 5, physicalMemory = "1G")
    static class OptionsFixture {
        @Test
        void machine(MdlBridge bridge, SimulatorControl control) {
            seen.add(bridge);
            Info i = bridge.driverInfo();
            notes.add(control.profile() + " " + i.osMajor() + "." + i.osMinor());
        }
    }

    @Test
    void everyAnnotationAttributeReachesTheSimulatedMachine() {
        run(Map.of(), OptionsFixture.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertEquals(List.of("win7-x64 6.1"), notes, "the profile shows in the driver's OS version");
        KernelConfig c = configOf(seen.get(0));
        assertEquals("win7-x64", c.profile().name());
        assertEquals(7, c.seed());
        assertTrue(c.trackLockedPages());
        assertFalse(c.verifier());
        assertEquals(3, c.poolFailAfter());
        assertEquals(64, c.systemPtesAvailable());
        assertEquals(5, c.lockCountLimit());
        assertEquals(1L << 30, c.physicalMemoryBytes());
    }

    @MdlBridgeTest
    static class PlainFixture {
        @Test
        void machine(MdlBridge bridge, SimulatorControl control) {
            seen.add(bridge);
            notes.add(control.profile());
        }
    }

    @Test
    void everyConfigurationParameterReachesTheSimulatedMachine() {
        run(Map.of("mdlbridge.simulator.profile", "nt52-x64", "mdlbridge.simulator.seed", "0x10",
                "mdlbridge.simulator.verifier", "true", "mdlbridge.simulator.trackLockedPages", "yes",
                "mdlbridge.simulator.unchecked", "false", "mdlbridge.simulator.poolFailAfter", "9",
                "mdlbridge.simulator.systemPtesAvailable", "128", "mdlbridge.simulator.lockCountLimit", "4",
                "mdlbridge.simulator.physicalMemory", "2G"), PlainFixture.class)
                .testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        KernelConfig c = configOf(seen.get(0));
        assertEquals("nt52-x64", c.profile().name());
        assertEquals(16, c.seed());
        assertTrue(c.verifier());
        assertTrue(c.trackLockedPages());
        assertEquals(9, c.poolFailAfter());
        assertEquals(128, c.systemPtesAvailable());
        assertEquals(4, c.lockCountLimit());
        assertEquals(2L << 30, c.physicalMemoryBytes());
    }

    @Test
    void theAnnotationWinsOverTheConfigurationParameter() {
        run(Map.of("mdlbridge.simulator.profile", "nt52-x64", "mdlbridge.simulator.seed", "99"), OptionsFixture.class)
                .testEvents().assertStatistics(s -> s.succeeded(1));
        assertEquals("win7-x64", configOf(seen.get(0)).profile().name());
        assertEquals(7, configOf(seen.get(0)).seed());
    }

    @MdlBridgeTest(verifier = false, unchecked = true)
    static class UncheckedOnlyFixture {
        @Test
        void unlockingANeverLockedMdlWithoutVerifier(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READWRITE)) {
                int mdl = bridge.ioAllocateMdl(b.address(), 4096).orThrow().objectId();
                SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class,
                        () -> bridge.mmUnlockPages(mdl));
                notes.add(Integer.toHexString(e.bugCheck().code()));
            }
        }
    }

    @MdlBridgeTest
    static class CheckedFixture {
        @Test
        void unlockingANeverLockedMdlIsRefused(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READWRITE)) {
                int mdl = bridge.ioAllocateMdl(b.address(), 4096).orThrow().objectId();
                notes.add(bridge.mmUnlockPages(mdl).succeeded() ? "unlocked" : "refused");
                bridge.ioFreeMdl(mdl).orThrow();
            }
        }
    }

    @Test
    void withoutVerifierTheSameUnlockIsAnotherBugCheckAndWithoutUncheckedARefusal() {
        Events tests = run(Map.of(), UncheckedOnlyFixture.class).testEvents();
        assertEquals(0, tests.failed().count(), failures(tests));
        assertEquals(List.of("4e"), notes, "the free build's PFN_LIST_CORRUPT, not the verifier's 0xC4");
        run(Map.of(), CheckedFixture.class).testEvents().assertStatistics(s -> s.succeeded(1).failed(0));
        assertEquals(List.of("refused"), notes, "the checked driver refuses before the kernel sees it");
    }

    @MdlBridgeTest(profile = "win99")
    static class BadProfileFixture {
        @Test
        void never(MdlBridge bridge) {
        }
    }

    @Test
    void anUnknownProfileFailsNamingTheProfiles() {
        Events tests = run(Map.of(), BadProfileFixture.class).testEvents();
        tests.assertStatistics(s -> s.failed(1));
        assertTrue(failures(tests).contains("unknown profile 'win99'"), failures(tests));
    }

    @Test
    void seedsChangeTheFramesAndOnlyThem() {
        List<String> pfns = new ArrayList<>();
        for (String seed : List.of("1", "2", "1")) {
            run(Map.of("mdlbridge.simulator.seed", seed), DescribeFixture.class).testEvents()
                    .assertStatistics(s -> s.succeeded(1));
            pfns.add(notes.get(0));
        }
        assertEquals(pfns.get(0), pfns.get(2), "the same seed gives the same frames");
        assertNotEquals(pfns.get(0), pfns.get(1), "another seed gives other frames");
    }

    @MdlBridgeTest
    static class DescribeFixture {
        @Test
        void describe(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(4 * 4096, UserMemory.PAGE_READWRITE)) {
                b.write(0, new byte[4 * 4096]);
                notes.add(java.util.Arrays.toString(bridge.describe(b.address(), 4 * 4096, LockOperation.READ)
                        .lockedPfns().orElseThrow()));
            }
        }
    }

    // ------------------------------------------------------------------------ 9: precedence

    @Test
    void launcherParameterBeatsSystemPropertyBeatsPropertiesFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("junit-platform.properties"), "mdlbridge.simulator.seed=11\n");
        String key = "mdlbridge.simulator.seed";
        String old = System.getProperty(key);
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, loader)) {
            thread.setContextClassLoader(withFile);
            System.clearProperty(key);
            run(Map.of(), PlainFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
            assertEquals(11, configOf(seen.get(0)).seed(), "junit-platform.properties applies");
            System.setProperty(key, "22");
            run(Map.of(), PlainFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
            assertEquals(22, configOf(seen.get(0)).seed(), "the system property beats junit-platform.properties");
            run(Map.of(key, "33"), PlainFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
            assertEquals(33, configOf(seen.get(0)).seed(), "the launcher's parameter beats the system property");
        } finally {
            thread.setContextClassLoader(loader);
            if (old == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, old);
            }
        }
    }

    @Test
    void theBackendPolicyFollowsTheSameOrder(@TempDir Path dir) throws Exception {
        // The file asks for a backend that does not exist; the system property (simulator) must win over it.
        Files.writeString(dir.resolve("junit-platform.properties"), "mdlbridge.backend=nonesuch\n");
        String old = System.getProperty("mdlbridge.backend");
        Thread thread = Thread.currentThread();
        ClassLoader loader = thread.getContextClassLoader();
        try (URLClassLoader withFile = new URLClassLoader(new URL[] {dir.toUri().toURL()}, loader)) {
            thread.setContextClassLoader(withFile);
            System.setProperty("mdlbridge.backend", "simulator");
            var tests = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                    .selectors(selectClass(PlainFixture.class)).execute()
                    .testEvents();
            tests.assertStatistics(s -> s.succeeded(1));
            System.clearProperty("mdlbridge.backend");
            tests = EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                    .selectors(selectClass(PlainFixture.class)).execute()
                    .testEvents();
            tests.assertStatistics(s -> s.failed(1));
            assertTrue(failures(tests).contains("unknown backend 'nonesuch'"), failures(tests));
        } finally {
            thread.setContextClassLoader(loader);
            if (old == null) {
                System.clearProperty("mdlbridge.backend");
            } else {
                System.setProperty("mdlbridge.backend", old);
            }
        }
    }

    // ------------------------------------------------------------------------ 10: leaked user buffers

    @MdlBridgeTest
    static class UserBufferFixture {
        @Test
        void aLeaksABuffer(MdlBridge bridge) {
            bridge.allocateUserBuffer(8192, UserMemory.PAGE_READWRITE);
        }

        @Test
        void bReleasesItsBuffer(MdlBridge bridge) {
            try (UserBuffer b = bridge.allocateUserBuffer(4096, UserMemory.PAGE_READWRITE)) {
                b.write(0, new byte[] {1});
            }
        }
    }

    @Test
    void aLeakedUserBufferIsReportedLikeALeakedMdl() {
        Events tests = run(Map.of(), UserBufferFixture.class).testEvents();
        assertEquals(1, tests.failed().count(), failures(tests));
        tests.assertStatistics(s -> s.succeeded(1).failed(1));
        tests.assertThatEvents().haveExactly(1, finishedWithFailure(message(m ->
                m.contains("mdlbridge leak in aLeaksABuffer(MdlBridge)")
                        && m.contains("the test left 1 user buffer (8192 bytes at 0x"))));
    }

    @Test
    void theProtocolVersionIsStillChecked() {
        run(Map.of(), PlainFixture.class).testEvents().assertStatistics(s -> s.succeeded(1));
        assertEquals(Protocol.PROTOCOL_VERSION, seen.get(0).driverInfo().protocolVersion());
        assertTrue(seen.get(0).selection().describe().startsWith("simulator (simulator: "),
                seen.get(0).selection().describe());
    }
}
