package dev.mdlbridge.protocol;

/**
 * MDLB_INFO: what the driver says about itself, the machine, its limits and their use.
 *
 * @param driverVersion               the driver's release, {@code major << 24 | minor << 16 | patch}
 * @param protocolVersion             the wire-format version the driver speaks
 * @param osMajor                     Windows major version, from {@code RtlGetVersion}
 * @param osMinor                     Windows minor version
 * @param osBuild                     Windows build number
 * @param arch                        {@code IMAGE_FILE_MACHINE_*}: {@link Protocol#ARCH_AMD64} or
 *                                    {@link Protocol#ARCH_ARM64}
 * @param pageSize                    bytes per page
 * @param pfnWidth                    bytes per PFN entry of an MDL
 * @param mdlHeaderSize               {@code sizeof(MDL)}: bytes before the PFN array
 * @param maxInlinePfns               PFNs one snapshot carries at most
 * @param maxTransfer                 bytes one READ_MAPPED or WRITE_MAPPED moves at most
 * @param maxChainRanges              ranges one DESCRIBE_CHAIN builds at most
 * @param highestUserAddress          {@code MmHighestUserAddress}: the last byte of user address space
 * @param userProbeAddress            {@code MmUserProbeAddress}: the first address a UserMode probe rejects
 * @param processId                   the process that owns this handle
 * @param sharedHandle                another process has used this handle (its mappings, locks and page
 *                                    allocations are then refused)
 * @param handleLimits                the limits of one handle
 * @param driverLimits                the limits of the whole driver
 * @param handleUse                   what this handle holds and is charged
 * @param processUse                  what every handle of the owning process holds and is charged
 * @param driverUse                   what the whole driver holds and is charged
 * @param quarantinedBytes            freed pages once mapped into user space, kept until their process exits
 *                                    (driver-wide; also counted in {@code driverUse})
 * @param readOnlyUserMappings        {@code MdlMappingNoWrite} user mappings came out read-only when checked at
 *                                    load; when false, read-locked user mappings are refused
 * @param openHandles                 open handles of the whole driver
 * @param maxHandles                  open handles the driver allows; CREATE beyond it fails with STATUS_QUOTA_EXCEEDED
 * @param handleMaxSystemMappingBytes system address space one handle's system mappings may hold
 * @param driverMaxSystemMappingBytes system address space the whole driver's system mappings may hold
 * @param handleSystemMappingBytes    system address space this handle's system mappings hold now
 * @param processSystemMappingBytes   system address space every handle of the owning process holds now
 * @param driverSystemMappingBytes    system address space the whole driver holds now
 * @param configuredLimits            bit {@code 1 << Protocol.LIMIT_NAME_*}: the limit was set by an administrator
 *                                    (the driver's {@code Parameters} key, or a simulator setting)
 * @param clampedLimits               bit {@code 1 << Protocol.LIMIT_NAME_*}: the configured value was out of its
 *                                    range and was clamped (the value in force is the one reported)
 */
public record Info(int driverVersion, int protocolVersion, int osMajor, int osMinor, int osBuild, int arch,
                   int pageSize, int pfnWidth, int mdlHeaderSize, int maxInlinePfns, int maxTransfer,
                   int maxChainRanges, long highestUserAddress, long userProbeAddress, int processId,
                   boolean sharedHandle, Limits handleLimits, Limits driverLimits, Use handleUse, Use processUse,
                   Use driverUse, long quarantinedBytes, boolean readOnlyUserMappings, int openHandles,
                   int maxHandles, long handleMaxSystemMappingBytes, long driverMaxSystemMappingBytes,
                   long handleSystemMappingBytes, long processSystemMappingBytes, long driverSystemMappingBytes,
                   int configuredLimits, int clampedLimits) {

    /**
     * The value in force of one administrator limit.
     *
     * @param index one of {@code Protocol.LIMIT_NAME_*}
     * @return the limit reported for that name
     */
    public long limit(int index) {
        return switch (index) {
            case Protocol.LIMIT_NAME_MAX_OBJECTS -> handleLimits.maxObjects();
            case Protocol.LIMIT_NAME_MAX_LOCKED_BYTES -> handleLimits.maxLockedBytes();
            case Protocol.LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES -> handleLimits.maxKernelBufferBytes();
            case Protocol.LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES -> handleLimits.maxPageAllocationBytes();
            case Protocol.LIMIT_NAME_MAX_MDL_POOL_BYTES -> handleLimits.maxMdlPoolBytes();
            case Protocol.LIMIT_NAME_MAX_SYSTEM_MAPPING_BYTES -> handleMaxSystemMappingBytes;
            case Protocol.LIMIT_NAME_DRIVER_MAX_OBJECTS -> driverLimits.maxObjects();
            case Protocol.LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES -> driverLimits.maxLockedBytes();
            case Protocol.LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES -> driverLimits.maxKernelBufferBytes();
            case Protocol.LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES -> driverLimits.maxPageAllocationBytes();
            case Protocol.LIMIT_NAME_DRIVER_MAX_MDL_POOL_BYTES -> driverLimits.maxMdlPoolBytes();
            case Protocol.LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES -> driverMaxSystemMappingBytes;
            case Protocol.LIMIT_NAME_DRIVER_MAX_HANDLES -> maxHandles;
            default -> throw new IllegalArgumentException("no administrator limit has index " + index);
        };
    }

    /**
     * The driver version as text.
     *
     * @param v {@code MDLB_DRIVER_VERSION}: {@code major << 24 | minor << 16 | patch}
     * @return {@code "0.1.0"}
     */
    public static String versionText(int v) {
        return ((v >>> 24) & 0xFF) + "." + ((v >>> 16) & 0xFF) + "." + (v & 0xFFFF);
    }

    /**
     * The processor architecture as the tools print it.
     *
     * @return {@code "x64"}, {@code "arm64"}, or the machine value in hex
     */
    public String archName() {
        return switch (arch) {
            case Protocol.ARCH_AMD64 -> "x64";
            case Protocol.ARCH_ARM64 -> "arm64";
            default -> String.format("0x%04X", arch);
        };
    }
}
