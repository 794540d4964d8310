package dev.mdlbridge.windows.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The checks before a driver install, each with the reason and what to do: elevation, Secure Boot, test signing,
 * Memory Integrity and the driver image itself. Read-only: nothing here changes the machine.
 */
public final class Preflight {

    /** One check: {@code PASS}, {@code FAIL} or {@code WARN}, its name, and a reason a user can act on. */
    public record Check(String outcome, String name, String reason) {
        public boolean failed() {
            return outcome.equals("FAIL");
        }

        @Override
        public String toString() {
            return outcome + " " + name + ": " + reason;
        }
    }

    private Preflight() {
    }

    /**
     * @param image the result of the static image check of the .sys to install ({@code null}: not checked)
     */
    public static List<Check> run(SystemFacts facts, ImageVerdict image) {
        List<Check> checks = new ArrayList<>();
        checks.add(facts.elevated() ? new Check("PASS", "elevation", "running as administrator")
                : new Check("FAIL", "elevation", "not elevated: installing a driver needs an administrator; open the "
                        + "prompt with Run as administrator"));
        Optional<Integer> ci = facts.codeIntegrityOptions();
        boolean testSigning = ci.map(o -> (o & SystemFacts.CI_TESTSIGN) != 0).orElse(false);
        Optional<Boolean> secureBoot = facts.secureBoot();
        if (secureBoot.orElse(false)) {
            checks.add(new Check(testSigning ? "PASS" : "FAIL", "secure-boot", testSigning
                    ? "on, yet test signing is on too (the firmware allows it)"
                    : "on: test signing cannot be enabled while Secure Boot is on; turn Secure Boot off in the "
                            + "firmware setup (test machines only), then `bcdedit /set testsigning on`"));
        } else {
            checks.add(new Check("PASS", "secure-boot", secureBoot.isPresent() ? "off" : "not reported (legacy BIOS)"));
        }
        if (ci.isEmpty()) {
            checks.add(new Check("WARN", "test-signing", "could not read the code-integrity options; if the driver "
                    + "then fails to start with 577, run `bcdedit /set testsigning on` and reboot"));
        } else {
            checks.add(testSigning ? new Check("PASS", "test-signing", "on (CodeIntegrityOptions 0x"
                    + Integer.toHexString(ci.get()) + ")")
                    : new Check("FAIL", "test-signing", "off: the driver is test-signed; run `bcdedit /set "
                            + "testsigning on` as Administrator and reboot"));
            boolean hvci = (ci.get() & SystemFacts.CI_HVCI_KMCI_ENABLED) != 0;
            // a warning, as the test-machine procedure says: HVCI loads many test-signed drivers, and only a start
            // that fails with 1275 shows that it blocks this one
            checks.add(hvci ? new Check("WARN", "memory-integrity", "on (HVCI): it may block a test-signed driver; if "
                    + "`mdl driver start` then fails with 1275 (ERROR_DRIVER_BLOCKED), turn it off in Windows "
                    + "Security > Device security > Core isolation and reboot")
                    : new Check("PASS", "memory-integrity", "off"));
        }
        String arch = facts.osArchitecture();
        checks.add("AMD64".equalsIgnoreCase(arch) ? new Check("PASS", "architecture", "AMD64, as the driver")
                : new Check("FAIL", "architecture", "this Windows is " + arch + (arch.equalsIgnoreCase("ARM64")
                        ? " (an x64 Java runs here emulated and sees AMD64)" : "") + "; mdlbridge.sys is built for "
                        + "AMD64 (x64) only and cannot load here: use an x64 test machine"));
        if (image != null) {
            checks.add(image.passed() ? new Check("PASS", "image", image.summary())
                    : new Check("FAIL", "image", image.summary() + ": use the mdlbridge.sys of the same release "
                            + "(`mdl driver verify-image --sys PATH` lists every check)"));
        }
        return checks;
    }

    /** The outcome of the static image check, as the preflight needs it. */
    public record ImageVerdict(boolean passed, String summary) {
    }
}
