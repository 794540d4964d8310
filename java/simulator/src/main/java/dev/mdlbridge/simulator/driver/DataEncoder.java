package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import java.nio.ByteBuffer;

/** Packs the data structures of a reply (MDLB_COUNTERS, MDLB_LIMITS, MDLB_USE, MDLB_INFO) at their offsets. */
final class DataEncoder {

    private DataEncoder() {
    }

    /** What MDLB_INFO carries, before packing. */
    record InfoData(int osMajor, int osMinor, int osBuild, int arch, long highestUserAddress, long userProbeAddress,
                    int processId, boolean sharedHandle, Limits handleLimits, Limits driverLimits, ResourceUse handleUse,
                    ResourceUse processUse, ResourceUse driverUse, long quarantinedBytes, boolean readOnlyUserMappings,
                    int openHandles, long handleMappingBytes, long processMappingBytes, long driverMappingBytes,
                    AdministratorMasks admin) {

        /** As before administrator limits existed: the default MaxHandles, nothing configured or clamped. */
        InfoData(int osMajor, int osMinor, int osBuild, int arch, long highestUserAddress, long userProbeAddress,
                 int processId, boolean sharedHandle, Limits handleLimits, Limits driverLimits, ResourceUse handleUse,
                 ResourceUse processUse, ResourceUse driverUse, long quarantinedBytes, boolean readOnlyUserMappings,
                 int openHandles, long handleMappingBytes, long processMappingBytes, long driverMappingBytes) {
            this(osMajor, osMinor, osBuild, arch, highestUserAddress, userProbeAddress, processId, sharedHandle,
                    handleLimits, driverLimits, handleUse, processUse, driverUse, quarantinedBytes,
                    readOnlyUserMappings, openHandles, handleMappingBytes, processMappingBytes, driverMappingBytes,
                    AdministratorMasks.NONE);
        }
    }

    /** Info's MaxHandles and the ConfiguredLimits / ClampedLimits masks (bit {@code 1 << LIMIT_NAME_*}). */
    record AdministratorMasks(int maxHandles, int configured, int clamped) {
        static final AdministratorMasks NONE = new AdministratorMasks(LIMIT_DRIVER_HANDLES, 0, 0);
    }

    static void counters(ByteBuffer b, int at, long mdls, long mappings, long kernelBuffers, long lockedPages) {
        b.putInt(at, (int) mdls);
        b.putInt(at + 4, (int) mappings);
        b.putInt(at + 8, (int) kernelBuffers);
        b.putInt(at + 12, 0);
        b.putLong(at + 16, lockedPages);
    }

    static void limits(ByteBuffer b, int at, Limits l) {
        b.putInt(at, (int) l.objects());
        b.putInt(at + 4, 0);
        b.putLong(at + 8, l.lockedBytes());
        b.putLong(at + 16, l.kernelBufferBytes());
        b.putLong(at + 24, l.pageBytes());
        b.putLong(at + 32, l.poolBytes());
    }

    static void use(ByteBuffer b, int at, ResourceUse u) {
        counters(b, at, u.mdls, u.mappings, u.kernelBuffers, u.lockedBytes / PAGE_SIZE);
        b.putInt(at + 24, (int) u.objects);
        b.putInt(at + 28, 0);
        b.putLong(at + 32, u.lockedBytes);
        b.putLong(at + 40, u.kernelBufferBytes);
        b.putLong(at + 48, u.pageBytes);
        b.putLong(at + 56, u.poolBytes);
    }

    static void info(ByteBuffer b, int at, InfoData i) {
        b.putInt(at, DRIVER_VERSION);
        b.putInt(at + 4, PROTOCOL_VERSION);
        b.putInt(at + 8, i.osMajor());
        b.putInt(at + 12, i.osMinor());
        b.putInt(at + 16, i.osBuild());
        b.putInt(at + 20, i.arch());
        b.putInt(at + 24, PAGE_SIZE);
        b.putInt(at + 28, PFN_WIDTH);
        b.putInt(at + 32, MDL_HEADER_SIZE);
        b.putInt(at + 36, MAX_INLINE_PFNS);
        b.putInt(at + 40, MAX_TRANSFER);
        b.putInt(at + 44, MAX_CHAIN_RANGES);
        b.putLong(at + 48, i.highestUserAddress());
        b.putLong(at + 56, i.userProbeAddress());
        b.putInt(at + 64, i.processId());
        b.putInt(at + 68, i.sharedHandle() ? 1 : 0);
        limits(b, at + 72, i.handleLimits());
        limits(b, at + 112, i.driverLimits());
        use(b, at + 152, i.handleUse());
        use(b, at + 216, i.processUse());
        use(b, at + 280, i.driverUse());
        b.putLong(at + 344, i.quarantinedBytes());
        b.putInt(at + 352, i.readOnlyUserMappings() ? 1 : 0);
        b.putInt(at + 356, i.openHandles());
        b.putInt(at + 360, i.admin().maxHandles());
        b.putInt(at + 364, i.admin().configured());
        b.putLong(at + 368, i.handleLimits().systemMappingBytes());
        b.putLong(at + 376, i.driverLimits().systemMappingBytes());
        b.putLong(at + 384, i.handleMappingBytes());
        b.putLong(at + 392, i.processMappingBytes());
        b.putLong(at + 400, i.driverMappingBytes());
        b.putInt(at + 408, i.admin().clamped());
        b.putInt(at + 412, 0);
    }
}
