package dev.mdlbridge.protocol;

/** MDLB_INFO: what the driver says about itself, the machine, its limits and their use. */
public record Info(int driverVersion, int protocolVersion, int osMajor, int osMinor, int osBuild, int arch,
                   int pageSize, int pfnWidth, int mdlHeaderSize, int maxInlinePfns, int maxTransfer,
                   int maxChainRanges, long highestUserAddress, long userProbeAddress, int processId,
                   boolean sharedHandle, Limits handleLimits, Limits driverLimits, Use handleUse, Use processUse,
                   Use driverUse, long quarantinedBytes, boolean readOnlyUserMappings, int openHandles,
                   int maxHandles, long handleMaxSystemMappingBytes, long driverMaxSystemMappingBytes,
                   long handleSystemMappingBytes, long processSystemMappingBytes, long driverSystemMappingBytes) {

    /**
     * The driver version as text.
     *
     * @param v {@code MDLB_DRIVER_VERSION}: {@code major << 24 | minor << 16 | patch}
     * @return {@code "0.1.0"}
     */
    public static String versionText(int v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + (v & 0xFFFF);
    }

    public String archName() {
        return switch (arch) {
            case Protocol.ARCH_AMD64 -> "x64";
            case Protocol.ARCH_ARM64 -> "arm64";
            default -> String.format("0x%04X", arch);
        };
    }
}
