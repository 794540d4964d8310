package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Each preflight outcome, read from a fake machine: elevation, Secure Boot, test signing (0x2), HVCI (0x400). */
class PreflightTest {

    private static String outcome(List<Preflight.Check> checks, String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow().toString();
    }

    @Test
    void aReadyTestMachinePassesEverything() {
        List<Preflight.Check> c = Preflight.run(new Fakes.Machine(), new Preflight.ImageVerdict(true, "ok"));
        assertTrue(c.stream().noneMatch(Preflight.Check::failed), c.toString());
        assertEquals(6, c.size());
    }

    @Test
    void eachProblemFailsWithWhatToDo() {
        Fakes.Machine m = new Fakes.Machine();
        m.elevated = false;
        m.secureBoot = Optional.of(true);
        m.ci = Optional.of(SystemFacts.CI_HVCI_KMCI_ENABLED);
        m.arch = "ARM64";
        List<Preflight.Check> c = Preflight.run(m, null);
        assertTrue(outcome(c, "elevation").startsWith("FAIL") && outcome(c, "elevation").contains("Run as administrator"));
        assertTrue(outcome(c, "secure-boot").startsWith("FAIL") && outcome(c, "secure-boot").contains("firmware"));
        assertTrue(outcome(c, "test-signing").startsWith("FAIL")
                && outcome(c, "test-signing").contains("bcdedit /set testsigning on"));
        assertTrue(outcome(c, "memory-integrity").startsWith("WARN")
                && outcome(c, "memory-integrity").contains("1275")
                && outcome(c, "memory-integrity").contains("Core isolation"), outcome(c, "memory-integrity"));
        assertTrue(outcome(c, "architecture").startsWith("FAIL") && outcome(c, "architecture").contains("ARM64"));
        assertEquals(5, c.size(), "no image check without an image");
    }

    @Test
    void memoryIntegrityAloneIsAWarningSoInstallGoesOn() {
        Fakes.Machine m = new Fakes.Machine();
        m.ci = Optional.of(SystemFacts.CI_TESTSIGN | SystemFacts.CI_HVCI_KMCI_ENABLED);
        List<Preflight.Check> c = Preflight.run(m, null);
        assertTrue(c.stream().noneMatch(Preflight.Check::failed), c.toString());
        assertTrue(outcome(c, "memory-integrity").startsWith("WARN memory-integrity: on (HVCI)"));
    }

    @Test
    void anX64JvmEmulatedOnArm64IsRefusedByTheNativeMachine() {
        // IsWow64Process2 says ARM64 (0xAA64) while the emulated process's environment says AMD64
        String arch = Architecture.decide(OptionalInt.of(0xAA64), Map.of("PROCESSOR_ARCHITECTURE", "AMD64"));
        assertEquals("ARM64", arch);
        Fakes.Machine m = new Fakes.Machine();
        m.arch = arch;
        assertEquals("FAIL architecture: this Windows is ARM64 (an x64 Java runs here emulated and sees AMD64); "
                + "mdlbridge.sys is built for AMD64 (x64) only and cannot load here: use an x64 test machine",
                outcome(Preflight.run(m, null), "architecture"));
    }

    @Test
    void theNativeMachineDecidesAndTheEnvironmentIsOnlyTheFallback() {
        assertEquals("AMD64", Architecture.decide(OptionalInt.of(0x8664), Map.of("PROCESSOR_ARCHITECTURE", "x86")));
        assertEquals("x86", Architecture.decide(OptionalInt.of(0x014C), Map.of()));
        assertEquals("machine 0x1234", Architecture.decide(OptionalInt.of(0x1234), Map.of()));
        // no IsWow64Process2 (before Windows 10 1709): a 32-bit process on 64-bit Windows reads PROCESSOR_ARCHITEW6432
        assertEquals("AMD64", Architecture.decide(OptionalInt.empty(),
                Map.of("PROCESSOR_ARCHITECTURE", "x86", "PROCESSOR_ARCHITEW6432", "AMD64")));
        assertEquals("unknown", Architecture.decide(OptionalInt.empty(), Map.of()));
    }

    @Test
    void unreadableCodeIntegrityIsAWarningAndNoSecureBootKeyIsLegacyBios() {
        Fakes.Machine m = new Fakes.Machine();
        m.ci = Optional.empty();
        m.secureBoot = Optional.empty();
        List<Preflight.Check> c = Preflight.run(m, null);
        assertTrue(outcome(c, "test-signing").startsWith("WARN"), c.toString());
        assertEquals("PASS secure-boot: not reported (legacy BIOS)", outcome(c, "secure-boot"));
    }
}
