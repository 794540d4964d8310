package dev.mdlbridge.windows.service;

import java.util.Map;
import java.util.OptionalInt;

/**
 * The machine's native architecture, decided from what Windows reports. Why not {@code PROCESSOR_ARCHITECTURE}: an
 * x64 process emulated on ARM64 Windows (and so an x64 JVM there) is told AMD64; only {@code IsWow64Process2}'s
 * native machine says ARM64. The environment is the fallback for a Windows without that call (before 10 1709).
 */
public final class Architecture {

    /** {@code IMAGE_FILE_MACHINE_*} values {@code IsWow64Process2} returns. */
    static final int MACHINE_I386 = 0x014C;
    static final int MACHINE_AMD64 = 0x8664;
    static final int MACHINE_ARM64 = 0xAA64;
    static final int MACHINE_ARMNT = 0x01C4;

    private Architecture() {
    }

    /**
     * @param nativeMachine {@code IsWow64Process2}'s native machine, empty when the call is missing or failed
     * @param env           the process environment (PROCESSOR_ARCHITEW6432 under WOW64, else PROCESSOR_ARCHITECTURE)
     */
    public static String decide(OptionalInt nativeMachine, Map<String, String> env) {
        if (nativeMachine.isPresent()) {
            return switch (nativeMachine.getAsInt()) {
                case MACHINE_AMD64 -> "AMD64";
                case MACHINE_ARM64 -> "ARM64";
                case MACHINE_I386 -> "x86";
                case MACHINE_ARMNT -> "ARM";
                default -> String.format("machine 0x%04X", nativeMachine.getAsInt());
            };
        }
        String wow = env.get("PROCESSOR_ARCHITEW6432");
        return wow != null ? wow : env.getOrDefault("PROCESSOR_ARCHITECTURE", "unknown");
    }
}
