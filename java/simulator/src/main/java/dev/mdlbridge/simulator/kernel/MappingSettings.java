package dev.mdlbridge.simulator.kernel;

/**
 * The profile settings of WINDOWS-MDL-RULES.md section 14.8 that belong to the cache-type model and the reserved
 * mappings (kept apart from {@link Profile} so that each section's settings can be calibrated on its own). Values
 * marked (cal) in the table are the best current guess for Windows 10.
 *
 * @param cacheTypeOverride              a page that has a cache type gives it to every mapping, whatever the request
 * @param mappingAddressEx               MmAllocateMappingAddressEx is exported (Windows 10 2004 and later)
 * @param reservationHeaderPtes          PTEs a reservation takes below its base (size and tag)
 * @param reservedMappingSetsMappedFlag  a reserved mapping sets MDL_MAPPED_TO_SYSTEM_VA (and 0x20 for a partial)
 * @param reservedMappedVaIncludesOffset MappedSystemVa of a reserved mapping includes ByteOffset
 * @param reservedInUseBugCheck          mapping into a reservation in use is 0xDA/0x107 (ReactOS: no check)
 * @param reservedMapAlignsAddress       an unaligned MappingAddress comes back rounded down to 16 bytes (Windows 8+)
 */
public record MappingSettings(boolean cacheTypeOverride, boolean mappingAddressEx, int reservationHeaderPtes,
                              boolean reservedMappingSetsMappedFlag, boolean reservedMappedVaIncludesOffset,
                              boolean reservedInUseBugCheck, boolean reservedMapAlignsAddress) {

    /** Windows 10/11 x64 (section 14.8). */
    public static final MappingSettings WIN10_X64 = new MappingSettings(true, true, 2, true, false, true, true);
    /** Windows 7 x64. */
    public static final MappingSettings WIN7_X64 = new MappingSettings(true, false, 2, true, false, true, false);
    /** NT 5.2 x64. */
    public static final MappingSettings NT52_X64 = new MappingSettings(true, false, 2, true, false, true, false);

    /** The settings of a profile, by its name. */
    public static MappingSettings of(Profile profile) {
        return switch (profile.name()) {
            case "win7-x64" -> WIN7_X64;
            case "nt52-x64" -> NT52_X64;
            default -> WIN10_X64;
        };
    }
}
