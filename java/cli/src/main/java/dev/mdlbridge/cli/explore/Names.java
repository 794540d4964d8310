package dev.mdlbridge.cli.explore;

import java.util.List;
import java.util.Set;

/** The vocabulary the explorer shares with the scenario language: ops and which fields hold names. */
final class Names {

    private Names() {
    }

    /** Every op of the scenario language (CONTRACT section 9) the explorer generates, in a stable order. */
    static final List<String> OPS = List.of("VirtualAlloc", "VirtualProtect", "VirtualFree", "WriteUser", "ReadUser",
            "ExAllocatePool", "ExFreePool", "IoAllocateMdl", "MmSizeOfMdl", "MmInitializeMdl", "MmProbeAndLockPages",
            "MmGetSystemAddressForMdlSafe", "MmMapLockedPagesSpecifyCache", "MmUnmapLockedPages", "ReadMapped",
            "WriteMapped", "IoBuildPartialMdl", "MmBuildMdlForNonPagedPool", "MmUnlockPages", "IoFreeMdl", "Query",
            "DescribeChain", "DirectIo", "MmAllocatePagesForMdlEx", "MmFreePagesFromMdl", "Info", "CloseHandle",
            "ProcessExit", "PageOut", "OpenHandle", "DuplicateHandle", "MmAllocateMappingAddress",
            "MmMapLockedPagesWithReservedMapping", "MmUnmapReservedMapping", "MmFreeMappingAddress");

    /** Ops only a simulated machine can run. */
    static final Set<String> SIMULATOR_ONLY = Set.of("ProcessExit", "PageOut", "DuplicateHandle");

    private static final Set<String> NAME_FIELDS = Set.of("buffer", "mdl", "mapping", "source", "reservation");

    static boolean isNameField(String field) {
        return NAME_FIELDS.contains(field);
    }
}
