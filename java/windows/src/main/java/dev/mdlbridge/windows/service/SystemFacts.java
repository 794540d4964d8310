package dev.mdlbridge.windows.service;

import java.util.Optional;

/** What the preflight reads from the machine, behind an interface so each outcome is testable with a fake. */
public interface SystemFacts {

    /** {@code CODEINTEGRITY_OPTION_TESTSIGN}: test-signed drivers load. */
    int CI_TESTSIGN = 0x2;
    /** {@code CODEINTEGRITY_OPTION_HVCI_KMCI_ENABLED}: Memory Integrity is on. */
    int CI_HVCI_KMCI_ENABLED = 0x400;

    /** The process runs elevated (an administrator's full token). */
    boolean elevated();

    /** UEFI Secure Boot on; empty when the machine does not say (legacy BIOS, or the key is absent). */
    Optional<Boolean> secureBoot();

    /** {@code NtQuerySystemInformation(SystemCodeIntegrityInformation)}'s CodeIntegrityOptions; empty if it fails. */
    Optional<Integer> codeIntegrityOptions();

    /**
     * The machine's native architecture (AMD64, ARM64, x86), from {@code IsWow64Process2}'s native machine: an x64
     * JVM emulated on ARM64 Windows sees AMD64 in {@code PROCESSOR_ARCHITECTURE} and {@code os.arch}.
     */
    String osArchitecture();
}
