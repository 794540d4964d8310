package dev.mdlbridge.api;

import java.util.Optional;

/**
 * System address space reserved with {@code MmAllocateMappingAddress} ({@link MdlBridge#reserveMapping}): no page is
 * mapped until {@link #map(Mdl, CacheType)} maps a locked MDL into it ({@code MmMapLockedPagesWithReservedMapping}),
 * which cannot fail for lack of system PTEs. One MDL at a time; {@link #unmap(Mdl)} frees it for the next. The
 * reservation is charged {@code ROUND_UP(size, 4096)} bytes of {@code maxSystemMappingBytes} from the start.
 *
 * <p>While an MDL is mapped here, unlocking, unmapping it otherwise, freeing it (a partial's included) or freeing a
 * page allocation's pages is refused ({@code REFUSE_RESERVED_MAPPING_LIVES}). The MDL's {@code MappedSystemVa} is
 * the reservation's base, without {@code ByteOffset}, as Windows sets it.
 *
 * <pre>{@code
 * try (Reservation r = bridge.reserveMapping(2 * 4096)) {
 *     SystemMapping m = r.map(mdl, CacheType.CACHED);            // mdl locked, spanning at most 2 pages
 *     byte[] first = m.read(0, 16);
 *     r.unmap(mdl);                                              // MmUnmapReservedMapping
 * }                                                              // MmFreeMappingAddress
 * }</pre>
 */
public final class Reservation implements AutoCloseable {

    private final MdlBridge bridge;
    private final int id;
    private final long address;
    private final long size;
    private SystemMapping current;
    private boolean freed;

    Reservation(MdlBridge bridge, int id, long address, long size) {
        this.bridge = bridge;
        this.id = id;
        this.address = address;
        this.size = size;
    }

    /**
     * The handle's id of the reservation.
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The reserved range's base address.
     *
     * @return the address {@code MmAllocateMappingAddress} returned
     */
    public long address() {
        return address;
    }

    /**
     * The size asked for.
     *
     * @return {@code NumberOfBytes}
     */
    public long size() {
        return size;
    }

    /**
     * The mapping currently in the reservation.
     *
     * @return the mapping, or empty when nothing is mapped here
     */
    public Optional<SystemMapping> mapping() {
        return Optional.ofNullable(current);
    }

    /**
     * {@code MmMapLockedPagesWithReservedMapping(base, tag, mdl, cacheType)}: maps a locked MDL (or one built for
     * nonpaged pool, or a partial of either) into the reservation. The MDL gets {@code MDL_MAPPED_TO_SYSTEM_VA}
     * ({@code MDL_PARTIAL_HAS_BEEN_MAPPED} too for a partial) and {@code MappedSystemVa} = {@link #address()}.
     *
     * @param mdl       the MDL
     * @param cacheType the type its pages were made with ({@link CacheType#CACHED} for caller ranges and kernel
     *                  buffers)
     * @return the mapping; its {@link SystemMapping#address()} is {@link #address()} + {@code ByteOffset}
     * @throws DdiException when refused: nothing locked ({@code REFUSE_MAP_NOT_LOCKED}), the MDL already has a
     *         system mapping ({@code REFUSE_ALREADY_MAPPED}), the reservation is in use
     *         ({@code REFUSE_RESERVATION_IN_USE}) or smaller than the pages the MDL spans
     *         ({@code REFUSE_RESERVATION_TOO_SMALL}); a cache type other than the pages'
     *         ({@code PARAM_CACHE_TYPE}); or the DDI returned NULL
     */
    public SystemMapping map(Mdl mdl, CacheType cacheType) {
        return map(mdl.owner(), cacheType);
    }

    /**
     * {@link #map(Mdl, CacheType)} of a page allocation, with the cache type its pages were made with.
     *
     * @param pages the page allocation
     * @return the mapping
     * @throws DdiException as {@link #map(Mdl, CacheType)}
     */
    public SystemMapping map(PageAllocation pages) {
        return map(pages.owner(), pages.cacheType());
    }

    private SystemMapping map(MappingOwner owner, CacheType cacheType) {
        Step s = bridge.mmMapLockedPagesWithReservedMapping(id, owner.id(), cacheType.value());
        owner.record(s);
        s.orThrow();
        current = new SystemMapping(bridge, owner, this, s, cacheType);
        return current;
    }

    /**
     * {@code MmUnmapReservedMapping(base, tag, mdl)}: unmaps the MDL mapped here; the reservation stays.
     *
     * @param mdl the MDL mapped here
     * @return the step; {@code after} is the MDL, without {@code MDL_MAPPED_TO_SYSTEM_VA}
     * @throws DdiException when another MDL or nothing is mapped here ({@code REFUSE_RESERVATION_WRONG_MDL}), or a
     *         partial that inherited the mapping still lives ({@code REFUSE_UNMAP_INHERITED})
     */
    public Step unmap(Mdl mdl) {
        return unmap(mdl.owner());
    }

    /**
     * {@link #unmap(Mdl)} of a page allocation.
     *
     * @param pages the page allocation mapped here
     * @return the step
     * @throws DdiException as {@link #unmap(Mdl)}
     */
    public Step unmap(PageAllocation pages) {
        return unmap(pages.owner());
    }

    private Step unmap(MappingOwner owner) {
        Step s = bridge.mmUnmapReservedMapping(id, owner.id());
        owner.record(s);
        s.orThrow();
        if (current != null) {
            current.ended();
        }
        return s;
    }

    void released(SystemMapping mapping) {
        if (current == mapping) {
            current = null;
        }
    }

    /**
     * {@code MmFreeMappingAddress(base, tag)}, after unmapping what is still mapped here; does nothing the second
     * time. The {@code maxSystemMappingBytes} charge is given back.
     *
     * @throws DdiException when the unmap or the free is refused
     */
    @Override
    public void close() {
        if (freed) {
            return;
        }
        if (current != null) {
            current.close();
        }
        bridge.mmFreeMappingAddress(id).orThrow();
        freed = true;
    }

    /**
     * The reservation in one line.
     *
     * @return its id, base, size and what is mapped
     */
    @Override
    public String toString() {
        return "reservation " + id + String.format(" at 0x%X", address) + " of " + size + " bytes"
                + (freed ? ", freed" : current == null ? ", empty" : ", " + current);
    }
}
