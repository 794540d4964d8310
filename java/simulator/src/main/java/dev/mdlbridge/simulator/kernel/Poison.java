package dev.mdlbridge.simulator.kernel;

import java.util.SplittableRandom;

/**
 * Values for what Windows leaves undefined (Process and MappedSystemVa after IoAllocateMdl, PFN slots, the PFN
 * array after an unlock). They look like kernel data on purpose, so a test that asserts on garbage fails in CI
 * rather than on the test machine; they are deterministic for a seed.
 */
final class Poison {

    /** Where the PFN database starts: MmUnlockPages leaves PMMPFN pointers (base + PFN * 0x30) behind. */
    static final long PFN_DATABASE = 0xFFFF_FA80_0000_0000L;
    static final int MMPFN_SIZE = 0x30;
    static final long EMPTY = -1L;

    private final SplittableRandom random;

    Poison(long seed) {
        random = new SplittableRandom(seed ^ 0x9E37_79B9_7F4A_7C15L);
    }

    /** A kernel-looking address: 0xFFFFBAD0'xxxxxxx0. */
    long address() {
        return 0xFFFF_BAD0_0000_0000L | (random.nextLong() & 0x0000_000F_FFFF_FFF0L);
    }

    /** A PFN-slot value that is no frame of this machine. */
    long pfn() {
        return 0xBAD0_0000_0000L | (random.nextLong() & 0xFFFF_FFFFL);
    }

    static long pmmpfn(long pfn) {
        return PFN_DATABASE + pfn * MMPFN_SIZE;
    }
}
