package dev.mdlbridge.api;

import java.util.Optional;

/**
 * A system-space mapping the caller made and ends: a kernel-mode {@code MmMapLockedPagesSpecifyCache}
 * ({@link Mdl#mapKernel}, {@link PageAllocation#mapKernel}) or a mapping into a {@link Reservation}
 * ({@link Reservation#map(Mdl, CacheType)}). It is the MDL's one system mapping: the MDL has
 * {@code MDL_MAPPED_TO_SYSTEM_VA} while it lives, and {@code MmGetSystemAddressForMdlSafe} returns its address.
 * Reads and writes go through it as the driver's copy would ({@code [0, ByteCount)} from {@link #address()});
 * writes need an MDL locked for write, or the driver's own pages. {@link #close()} unmaps it if it is still mapped.
 *
 * <pre>{@code
 * try (SystemMapping m = mdl.mapKernel(CacheType.CACHED)) {      // mdl locked for write
 *     m.write(0, new byte[] {1, 2, 3});
 *     byte[] back = m.read(0, 3);
 * }                                                              // MmUnmapLockedPages
 * }</pre>
 */
public final class SystemMapping implements AutoCloseable {

    private final MdlBridge bridge;
    private final MappingOwner owner;
    private final Reservation reservation;
    private final int id;
    private final long address;
    private final CacheType cacheType;
    private boolean ended;

    SystemMapping(MdlBridge bridge, MappingOwner owner, Reservation reservation, Step mapped, CacheType cacheType) {
        this.bridge = bridge;
        this.owner = owner;
        this.reservation = reservation;
        this.id = mapped.objectId();
        this.address = mapped.value();
        this.cacheType = cacheType;
        owner.mapped(this);
    }

    /**
     * The handle's id of the mapping object (what {@link MdlBridge#readMapped} and {@link MdlBridge#mmUnmapLockedPages}
     * take).
     *
     * @return the id
     */
    public int id() {
        return id;
    }

    /**
     * The address the DDI returned: the data's first byte ({@code MappedSystemVa + ByteOffset} for a kernel-mode
     * mapping; the reservation's base + {@code ByteOffset} for a reserved one, whose {@code MappedSystemVa} is the
     * base itself).
     *
     * @return the system address
     */
    public long address() {
        return address;
    }

    /**
     * The cache type the pages were mapped with.
     *
     * @return the type
     */
    public CacheType cacheType() {
        return cacheType;
    }

    /**
     * The reservation this mapping lies in.
     *
     * @return the reservation, or empty for a kernel-mode mapping
     */
    public Optional<Reservation> reservation() {
        return Optional.ofNullable(reservation);
    }

    /**
     * Whether the mapping is still live (not unmapped through this object).
     *
     * @return true until {@link #unmap()} or {@link #close()}
     */
    public boolean isMapped() {
        return !ended;
    }

    /**
     * Reads through the mapping.
     *
     * @param offset bytes from {@link #address()}, within {@code [0, ByteCount)}
     * @param length bytes to read, at most 64 KiB
     * @return the bytes
     * @throws DdiException when refused (out of range, the mapping ended) or the copy failed
     */
    public byte[] read(int offset, int length) {
        return bridge.readMapped(id, 0, offset, length).orThrow().data();
    }

    /**
     * Writes through the mapping.
     *
     * @param offset bytes from {@link #address()}
     * @param data   the bytes, at most 64 KiB, within {@code [0, ByteCount)}
     * @return the step
     * @throws DdiException when refused: the MDL was locked for read ({@code REFUSE_WRITE_NOT_ALLOWED}), the range is
     *         outside the MDL, or the mapping ended
     */
    public Step write(int offset, byte[] data) {
        return bridge.writeMapped(id, 0, offset, data).orThrow();
    }

    /**
     * Ends the mapping: {@code MmUnmapLockedPages} of a kernel-mode mapping, {@code MmUnmapReservedMapping} of a
     * reserved one (the reservation stays, ready for another MDL). The MDL loses {@code MDL_MAPPED_TO_SYSTEM_VA}.
     *
     * @return the step; {@code after} is the MDL
     * @throws DdiException when refused (a partial that inherited the mapping still lives:
     *         {@code REFUSE_UNMAP_INHERITED}) or already ended
     */
    public Step unmap() {
        Step s = reservation == null ? bridge.mmUnmapLockedPages(id)
                : bridge.mmUnmapReservedMapping(reservation.id(), owner.id());
        owner.record(s);
        s.orThrow();
        ended();
        return s;
    }

    void ended() {
        if (!ended) {
            ended = true;
            owner.unmapped(this);
            if (reservation != null) {
                reservation.released(this);
            }
        }
    }

    /**
     * {@link #unmap()} unless already unmapped.
     *
     * @throws DdiException when the unmap is refused
     */
    @Override
    public void close() {
        if (!ended) {
            unmap();
        }
    }

    /**
     * The mapping in one line.
     *
     * @return its kind, id, address, cache type and MDL
     */
    @Override
    public String toString() {
        return (reservation == null ? "kernel-mode mapping " : "reserved mapping ") + id + String.format(" at 0x%X", address)
                + " (" + cacheType.ddiName() + ") of MDL " + owner.id() + (ended ? ", unmapped" : "");
    }
}
