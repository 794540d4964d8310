package dev.mdlbridge.simulator.kernel;

/**
 * What differs between Windows versions. Values WINDOWS-MDL-RULES.md marks uncertain for Windows 10/11 are named
 * settings here, to be replaced by values recorded on real machines (the calibration loop, section 10).
 *
 * @param name                     win10-x64, win7-x64 or nt52-x64
 * @param highestUserAddress       MM_HIGHEST_USER_ADDRESS
 * @param userProbeAddress         MM_USER_PROBE_ADDRESS
 * @param fixedSizeMdlPfns         lookaside threshold: MDLs spanning at most this many pages get 0x8 (23; cal)
 * @param maxMdlLength             IoAllocateMdl returns NULL above this length (4 GiB - 4 KiB Win7+)
 * @param rejectLengthBit31        NT 5.2: IoAllocateMdl returns NULL when bit 31 of the length is set
 * @param rejectSizeOver0xFFFF     NT 5.2: NULL when 48 + 8 * pages exceeds 0xFFFF
 * @param mappingModifiers         MdlMappingNoExecute / MdlMappingNoWrite exist (Windows 8 and later)
 * @param partialRangeBugCheck     IoBuildPartialMdl outside the source bug-checks 0x12E (newer Windows)
 * @param unlockWritesPmmpfn       MmUnlockPages leaves PMMPFN pointers in the PFN array (NT 5.2 evidence; cal)
 * @param guardPageStatus          what a probe of a guard page raises (0x80000001; cal)
 * @param referenceCountLimit      MmReferenceCountCheck: a page locked this many times raises WORKING_SET_QUOTA
 */
public record Profile(String name, long highestUserAddress, long userProbeAddress, int fixedSizeMdlPfns,
                      long maxMdlLength, boolean rejectLengthBit31, boolean rejectSizeOver0xFFFF,
                      boolean mappingModifiers, boolean partialRangeBugCheck, boolean unlockWritesPmmpfn,
                      int guardPageStatus, int referenceCountLimit) {
}
