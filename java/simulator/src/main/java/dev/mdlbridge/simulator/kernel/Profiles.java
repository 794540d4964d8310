package dev.mdlbridge.simulator.kernel;

import java.util.List;
import java.util.Optional;

/** The version profiles (WINDOWS-MDL-RULES.md sections 1.1, 3.1 and 10.5). */
public final class Profiles {

    /** Windows 10/11 x64, the default. Values marked (cal) in WINDOWS-MDL-RULES.md are the best current guess. */
    public static final Profile WIN10_X64 = new Profile("win10-x64",
            0x00007FFF_FFFEFFFFL, 0x00007FFF_FFFF0000L,
            23,                      // lookaside threshold (cal)
            0xFFFF_F000L,            // 4 GiB - PAGE_SIZE (Win7+ documentation)
            false, false,
            true,                    // MdlMappingNoExecute / NoWrite
            true,                    // 0x12E INVALID_MDL_RANGE
            true,                    // PMMPFN pointers after unlock (NT 5.2 evidence; cal)
            0x80000001,              // STATUS_GUARD_PAGE_VIOLATION (cal)
            0x7FFF);                 // MmReferenceCountCheck (NT 5.2: MAXUSHORT / 2; cal)

    /** Windows 7 x64: 8 TB user space, no mapping modifiers. */
    public static final Profile WIN7_X64 = new Profile("win7-x64",
            0x000007FF_FFFEFFFFL, 0x000007FF_FFFF0000L,
            23, 0xFFFF_F000L, false, false, false, false, true, 0x80000001, 0x7FFF);

    /** NT 5.2 x64 (Server 2003 / XP x64, ReactOS): the 2 GiB and 0xFFFF-byte IoAllocateMdl limits. */
    public static final Profile NT52_X64 = new Profile("nt52-x64",
            0x000007FF_FFFEFFFFL, 0x000007FF_FFFF0000L,
            23, 0x7FFF_FFFFL, true, true, false, false, true, 0x80000001, 0x7FFF);

    public static final List<Profile> ALL = List.of(WIN10_X64, WIN7_X64, NT52_X64);

    private Profiles() {
    }

    public static Optional<Profile> byName(String name) {
        return ALL.stream().filter(p -> p.name().equals(name)).findFirst();
    }
}
