package dev.mdlbridge.windows.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
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
        assertTrue(outcome(c, "memory-integrity").startsWith("FAIL")
                && outcome(c, "memory-integrity").contains("Core isolation"));
        assertTrue(outcome(c, "architecture").startsWith("FAIL") && outcome(c, "architecture").contains("ARM64"));
        assertEquals(5, c.size(), "no image check without an image");
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
