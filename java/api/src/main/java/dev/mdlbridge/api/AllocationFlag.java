package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Protocol;
import java.util.Set;

/**
 * The {@code MM_ALLOCATE_*} flags of {@code MmAllocatePagesForMdlEx} that the contract accepts (Windows 7 and
 * later; a profile before Windows 7 takes none: {@code PARAM_FLAGS}). {@code MM_DONT_ZERO_ALLOCATION} and
 * {@code MM_ALLOCATE_FROM_LOCAL_NODE_ONLY} are refused, so they are not here; the raw
 * {@link MdlBridge#mmAllocatePagesForMdlEx(long, long, long, long, int, int)} still sends them, for misuse.
 */
public enum AllocationFlag {
    /** {@code MM_ALLOCATE_FULLY_REQUIRED} (0x4): NULL ({@code STATUS_INSUFFICIENT_RESOURCES}) unless every page is
     *  obtained; without it a short allocation succeeds with a smaller {@code ByteCount}. */
    FULLY_REQUIRED(Protocol.MM_ALLOCATE_FULLY_REQUIRED, "MM_ALLOCATE_FULLY_REQUIRED"),
    /** {@code MM_ALLOCATE_NO_WAIT} (0x8): the allocation never blocks. */
    NO_WAIT(Protocol.MM_ALLOCATE_NO_WAIT, "MM_ALLOCATE_NO_WAIT"),
    /** {@code MM_ALLOCATE_PREFER_CONTIGUOUS} (0x10): as few runs of frames as possible. */
    PREFER_CONTIGUOUS(Protocol.MM_ALLOCATE_PREFER_CONTIGUOUS, "MM_ALLOCATE_PREFER_CONTIGUOUS"),
    /** {@code MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS} (0x20): physically contiguous chunks of {@code skipBytes}
     *  (a power of two dividing the size), or of the whole size when {@code skipBytes} is 0. */
    REQUIRE_CONTIGUOUS_CHUNKS(Protocol.MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS,
            "MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS");

    private final int bit;
    private final String ddiName;

    AllocationFlag(int bit, String ddiName) {
        this.bit = bit;
        this.ddiName = ddiName;
    }

    /**
     * The flag's bit.
     *
     * @return 0x4, 0x8, 0x10 or 0x20
     */
    public int bit() {
        return bit;
    }

    /**
     * The name as the WDK header spells it.
     *
     * @return {@code MM_ALLOCATE_...}
     */
    public String ddiName() {
        return ddiName;
    }

    /**
     * The {@code Flags} argument for a set of flags.
     *
     * @param flags the flags
     * @return their bits OR-ed together; 0 for none
     */
    public static int bits(Set<AllocationFlag> flags) {
        int bits = 0;
        for (AllocationFlag f : flags) {
            bits |= f.bit;
        }
        return bits;
    }
}
