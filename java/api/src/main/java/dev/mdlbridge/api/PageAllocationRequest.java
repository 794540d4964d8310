package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Protocol;
import java.util.EnumSet;
import java.util.Set;

/**
 * The arguments of one {@code MmAllocatePagesForMdlEx(LowAddress, HighAddress, SkipBytes, TotalBytes, CacheType,
 * Flags)}, typed; {@link MdlBridge#allocatePages} performs it. Unset arguments are those of the plain
 * {@code MmAllocatePagesForMdl}: anywhere in RAM ({@code 0} to {@code MAXULONG64}), one range (skip 0),
 * {@code MmCached}, no flags.
 *
 * <pre>{@code
 * PageAllocationRequest below4G = PageAllocationRequest.of(64 * 1024)
 *         .highAddress(0xFFFF_FFFFL)                             // frames below 4 GiB only
 *         .cacheType(CacheType.WRITE_COMBINED)
 *         .flags(AllocationFlag.FULLY_REQUIRED);                 // all 16 pages or nothing
 * }</pre>
 *
 * <p>The values are sent as given: the driver checks them ({@code PARAM_ADDRESS_RANGE} for a low address above
 * the high one, {@code PARAM_SKIP_BYTES} for a skip that is not a page multiple, {@code PARAM_FLAGS} for any flag
 * on a profile before Windows 7) and the failure raises a {@link DdiException} naming the field.
 */
public final class PageAllocationRequest {

    private final long size;
    private long lowAddress;
    private long highAddress = Protocol.HIGHEST_PHYSICAL_ADDRESS;
    private long skipBytes;
    private CacheType cacheType = CacheType.CACHED;
    private final Set<AllocationFlag> flags = EnumSet.noneOf(AllocationFlag.class);

    private PageAllocationRequest(long size) {
        this.size = size;
    }

    /**
     * A request for {@code size} bytes with the defaults above.
     *
     * @param size {@code TotalBytes}, charged in full (rounded up to pages) against {@code maxPageAllocationBytes}
     * @return the request
     */
    public static PageAllocationRequest of(long size) {
        return new PageAllocationRequest(size);
    }

    /**
     * {@code LowAddress}: the lowest physical address a page may have.
     *
     * @param physicalAddress inclusive
     * @return this request
     */
    public PageAllocationRequest lowAddress(long physicalAddress) {
        this.lowAddress = physicalAddress;
        return this;
    }

    /**
     * {@code HighAddress}: the highest physical address a page may have (clipped to the top of RAM).
     *
     * @param physicalAddress inclusive, unsigned
     * @return this request
     */
    public PageAllocationRequest highAddress(long physicalAddress) {
        this.highAddress = physicalAddress;
        return this;
    }

    /**
     * {@code SkipBytes}: when the range has no more free pages, it is shifted up by this much and the search goes
     * on; with {@link AllocationFlag#REQUIRE_CONTIGUOUS_CHUNKS} it is also the chunk size.
     *
     * @param bytes a multiple of 4096; 0 for one range
     * @return this request
     */
    public PageAllocationRequest skipBytes(long bytes) {
        this.skipBytes = bytes;
        return this;
    }

    /**
     * {@code CacheType}: the type the pages are made with; every later mapping of them must use it.
     *
     * @param type the type
     * @return this request
     */
    public PageAllocationRequest cacheType(CacheType type) {
        this.cacheType = java.util.Objects.requireNonNull(type, "cacheType");
        return this;
    }

    /**
     * {@code Flags}: replaces the flags set so far.
     *
     * @param newFlags the flags, none for 0
     * @return this request
     */
    public PageAllocationRequest flags(AllocationFlag... newFlags) {
        flags.clear();
        flags.addAll(java.util.List.of(newFlags));
        return this;
    }

    /**
     * {@code TotalBytes}.
     *
     * @return the size asked for
     */
    public long size() {
        return size;
    }

    /**
     * {@code LowAddress}.
     *
     * @return the lowest physical address
     */
    public long lowAddress() {
        return lowAddress;
    }

    /**
     * {@code HighAddress}.
     *
     * @return the highest physical address
     */
    public long highAddress() {
        return highAddress;
    }

    /**
     * {@code SkipBytes}.
     *
     * @return the skip
     */
    public long skipBytes() {
        return skipBytes;
    }

    /**
     * {@code CacheType}.
     *
     * @return the type
     */
    public CacheType cacheType() {
        return cacheType;
    }

    /**
     * The flags.
     *
     * @return a copy of the set
     */
    public Set<AllocationFlag> flags() {
        return flags.isEmpty() ? Set.of() : EnumSet.copyOf(flags);
    }

    /**
     * The request as the scenario language would write it.
     *
     * @return one line
     */
    @Override
    public String toString() {
        return String.format("MmAllocatePagesForMdlEx(0x%X, 0x%X, 0x%X, %d, %s, 0x%X)", lowAddress, highAddress,
                skipBytes, size, cacheType.ddiName(), AllocationFlag.bits(flags));
    }
}
