package dev.mdlbridge.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Encodes the request structures of {@code mdlbridge.h}, field by field at explicit offsets (little-endian).
 * Each method returns a buffer positioned at 0 with its limit at the structure's size.
 */
public final class Requests {

    private Requests() {
    }

    private static ByteBuffer start(int size, PfnWindow window) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Protocol.MAGIC);
        b.putShort(4, (short) Protocol.PROTOCOL_VERSION);
        b.putShort(6, (short) 0);
        b.putInt(8, window.start());
        b.putInt(12, window.max());
        return b;
    }

    /**
     * MDLB_REQUEST_HEADER alone: the request of INFO, RELEASE_ALL, DIRECT_IN, DIRECT_OUT and DIRECT_FETCH.
     *
     * @param window the PFNs every snapshot of the reply copies
     * @return the 16 request bytes
     */
    public static ByteBuffer header(PfnWindow window) {
        return start(Protocol.REQUEST_HEADER_SIZE, window);
    }

    /**
     * MDLB_REQ_RANGE, SIZE_OF_MDL's request: the range {@code MmSizeOfMdl} is asked about.
     *
     * @param virtualAddress the range's start (the {@code Base} argument)
     * @param length         its length in bytes (a {@code SIZE_T})
     * @return the request bytes
     */
    public static ByteBuffer range(long virtualAddress, long length) {
        ByteBuffer b = start(Protocol.REQ_RANGE_SIZE, PfnWindow.NONE);
        b.putLong(16, virtualAddress);
        b.putLong(24, length);
        return b;
    }

    /**
     * MDLB_REQ_ALLOCATE_MDL, the request of ALLOCATE_MDL and INITIALIZE_MDL: the range the new MDL describes.
     *
     * @param window         the PFNs every snapshot of the reply copies
     * @param virtualAddress the range's start
     * @param length         its length in bytes, a {@code ULONG} (read unsigned)
     * @return the request bytes
     */
    public static ByteBuffer allocateMdl(PfnWindow window, long virtualAddress, int length) {
        ByteBuffer b = start(Protocol.REQ_ALLOCATE_MDL_SIZE, window);
        b.putLong(16, virtualAddress);
        b.putInt(24, length);
        b.putInt(28, 0);
        return b;
    }

    /**
     * MDLB_REQ_OBJECT, the request of BUILD_NONPAGED, UNLOCK, QUERY, FREE_PAGES and POOL_FREE.
     *
     * @param window   the PFNs every snapshot of the reply copies
     * @param objectId the handle's id of the MDL or kernel buffer acted on
     * @return the request bytes
     */
    public static ByteBuffer object(PfnWindow window, int objectId) {
        ByteBuffer b = start(Protocol.REQ_OBJECT_SIZE, window);
        b.putInt(16, objectId);
        b.putInt(20, 0);
        return b;
    }

    /**
     * MDLB_REQ_FREE_MDL: which MDL to free, and with which call.
     *
     * @param window the PFNs every snapshot of the reply copies
     * @param mdlId  the MDL's id
     * @param method {@link Protocol#FREE_IOFREEMDL} or {@link Protocol#FREE_EXFREEPOOL}
     * @return the request bytes
     */
    public static ByteBuffer freeMdl(PfnWindow window, int mdlId, int method) {
        ByteBuffer b = start(Protocol.REQ_FREE_MDL_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, method);
        return b;
    }

    /**
     * MDLB_REQ_PROBE: the arguments of {@code MmProbeAndLockPages}.
     *
     * @param window     the PFNs every snapshot of the reply copies
     * @param mdlId      the MDL to probe and lock
     * @param accessMode {@code KPROCESSOR_MODE}: {@link Protocol#KERNEL_MODE} or {@link Protocol#USER_MODE}
     * @param operation  {@code LOCK_OPERATION}: one of the {@code Protocol.IO_*_ACCESS} values
     * @return the request bytes
     */
    public static ByteBuffer probe(PfnWindow window, int mdlId, int accessMode, int operation) {
        ByteBuffer b = start(Protocol.REQ_PROBE_SIZE, window);
        b.putInt(16, mdlId);
        b.put(20, (byte) accessMode);
        b.put(21, (byte) operation);
        b.putShort(22, (short) 0);
        return b;
    }

    /**
     * MDLB_REQ_MAP_SYSTEM: the arguments of {@code MmGetSystemAddressForMdlSafe}.
     *
     * @param window   the PFNs every snapshot of the reply copies
     * @param mdlId    the locked or built MDL to map
     * @param priority {@code MM_PAGE_PRIORITY}, OR-ed with {@code MdlMappingNoWrite}/{@code MdlMappingNoExecute}
     * @return the request bytes
     */
    public static ByteBuffer mapSystem(PfnWindow window, int mdlId, int priority) {
        ByteBuffer b = start(Protocol.REQ_MAP_SYSTEM_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, priority);
        return b;
    }

    /**
     * MDLB_REQ_MAP_USER: the arguments of {@code MmMapLockedPagesSpecifyCache(UserMode)}.
     *
     * @param window           the PFNs every snapshot of the reply copies
     * @param mdlId            the locked or built MDL to map
     * @param cacheType        {@code MEMORY_CACHING_TYPE}; only {@link Protocol#MM_CACHED} is accepted
     * @param requestedAddress where in the caller's address space to map; 0 lets the memory manager choose
     * @param priority         {@code MM_PAGE_PRIORITY}, OR-ed with the mapping modifier bits
     * @return the request bytes
     */
    public static ByteBuffer mapUser(PfnWindow window, int mdlId, int cacheType, long requestedAddress, int priority) {
        ByteBuffer b = start(Protocol.REQ_MAP_USER_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, cacheType);
        b.putLong(24, requestedAddress);
        b.putInt(32, priority);
        b.putInt(36, 0);
        return b;
    }

    /**
     * MDLB_REQ_MAP_USER for MAP_KERNEL: the arguments of {@code MmMapLockedPagesSpecifyCache(KernelMode)} (no
     * requested address: KernelMode takes none).
     *
     * @param window    the PFNs every snapshot of the reply copies
     * @param mdlId     the locked or built MDL to map
     * @param cacheType {@code MEMORY_CACHING_TYPE}: the type the pages were made with
     * @param priority  {@code MM_PAGE_PRIORITY}, OR-ed with the mapping modifier bits
     * @return the request bytes
     */
    public static ByteBuffer mapKernel(PfnWindow window, int mdlId, int cacheType, int priority) {
        return mapUser(window, mdlId, cacheType, 0L, priority);
    }

    /**
     * MDLB_REQ_RESERVE: the argument of {@code MmAllocateMappingAddress}.
     *
     * @param size {@code NumberOfBytes} of system address space to reserve (at least 1)
     * @return the request bytes
     */
    public static ByteBuffer reserve(long size) {
        ByteBuffer b = start(Protocol.REQ_RESERVE_SIZE, PfnWindow.NONE);
        b.putLong(16, size);
        return b;
    }

    /**
     * MDLB_REQ_RESERVED: MAP_RESERVED's and UNMAP_RESERVED's request.
     *
     * @param window        the PFNs every snapshot of the reply copies
     * @param reservationId the reservation
     * @param mdlId         the MDL mapped (or to map) into it
     * @param cacheType     MAP_RESERVED: {@code MEMORY_CACHING_TYPE}; UNMAP_RESERVED: 0
     * @return the request bytes
     */
    public static ByteBuffer reserved(PfnWindow window, int reservationId, int mdlId, int cacheType) {
        ByteBuffer b = start(Protocol.REQ_RESERVED_SIZE, window);
        b.putInt(16, reservationId);
        b.putInt(20, mdlId);
        b.putInt(24, cacheType);
        b.putInt(28, 0);
        return b;
    }

    /**
     * MDLB_REQ_MAPPING, UNMAP's request: which mapping {@code MmUnmapLockedPages} ends.
     *
     * @param window    the PFNs every snapshot of the reply copies
     * @param mappingId a user mapping's id, or 0 for the system mapping of {@code mdlId}
     * @param mdlId     the MDL whose system mapping ends; 0 when {@code mappingId} is given
     * @return the request bytes
     */
    public static ByteBuffer mapping(PfnWindow window, int mappingId, int mdlId) {
        ByteBuffer b = start(Protocol.REQ_MAPPING_SIZE, window);
        b.putInt(16, mappingId);
        b.putInt(20, mdlId);
        return b;
    }

    /**
     * MDLB_REQ_TRANSFER for READ_MAPPED: which bytes to copy out through a mapping.
     *
     * @param mappingId a user mapping's id, or 0 for the system mapping of {@code mdlId}
     * @param mdlId     the mapped MDL
     * @param offset    from the mapped address (which includes the MDL's {@code ByteOffset})
     * @param length    bytes to read, at most {@link Protocol#MAX_TRANSFER}
     * @return the request bytes
     */
    public static ByteBuffer readMapped(int mappingId, int mdlId, int offset, int length) {
        ByteBuffer b = start(Protocol.REQ_TRANSFER_SIZE, PfnWindow.NONE);
        transfer(b, mappingId, mdlId, offset, length);
        return b;
    }

    /**
     * MDLB_REQ_TRANSFER followed by the bytes, for WRITE_MAPPED: what to copy in through a mapping.
     *
     * @param mappingId a user mapping's id, or 0 for the system mapping of {@code mdlId}
     * @param mdlId     the mapped MDL
     * @param offset    from the mapped address (which includes the MDL's {@code ByteOffset})
     * @param data      the bytes to write, at most {@link Protocol#MAX_TRANSFER}
     * @return the request bytes, data included
     */
    public static ByteBuffer writeMapped(int mappingId, int mdlId, int offset, byte[] data) {
        ByteBuffer b = start(Protocol.REQ_TRANSFER_SIZE + data.length, PfnWindow.NONE);
        transfer(b, mappingId, mdlId, offset, data.length);
        b.put(Protocol.REQ_TRANSFER_SIZE, data);
        return b;
    }

    private static void transfer(ByteBuffer b, int mappingId, int mdlId, int offset, int length) {
        b.putInt(16, mappingId);
        b.putInt(20, mdlId);
        b.putInt(24, offset);
        b.putInt(28, length);
    }

    /**
     * MDLB_REQ_BUILD_PARTIAL: the part of a source MDL {@code IoBuildPartialMdl} describes.
     *
     * @param window   the PFNs every snapshot of the reply copies
     * @param sourceId the source MDL (locked, built for nonpaged pool, or a page allocation)
     * @param offset   from the source's {@code MmGetMdlVirtualAddress}
     * @param length   bytes; 0 means the rest of the source
     * @return the request bytes
     */
    public static ByteBuffer buildPartial(PfnWindow window, int sourceId, long offset, int length) {
        ByteBuffer b = start(Protocol.REQ_BUILD_PARTIAL_SIZE, window);
        b.putInt(16, sourceId);
        b.putInt(20, length);
        b.putLong(24, offset);
        return b;
    }

    /**
     * MDLB_REQ_POOL_ALLOCATE: a nonpaged-pool kernel buffer that starts at the beginning of its block.
     *
     * @param size bytes (at least 1); the block is rounded up to whole pages
     * @return the request bytes
     */
    public static ByteBuffer poolAllocate(long size) {
        return poolAllocate(size, 0);
    }

    /**
     * MDLB_REQ_POOL_ALLOCATE: a nonpaged-pool kernel buffer {@code pageOffset} bytes into its own block of
     * {@code ROUND_UP(pageOffset + size, 4096)} bytes, so MDLs over it have that {@code ByteOffset}.
     *
     * @param size       bytes (at least 1)
     * @param pageOffset a multiple of {@link Protocol#POOL_OFFSET_ALIGNMENT} below {@link Protocol#PAGE_SIZE}
     * @return the request bytes
     */
    public static ByteBuffer poolAllocate(long size, int pageOffset) {
        ByteBuffer b = start(Protocol.REQ_POOL_ALLOCATE_SIZE, PfnWindow.NONE);
        b.putLong(16, size);
        b.putInt(24, pageOffset);
        b.putInt(28, 0);
        return b;
    }

    /**
     * MDLB_REQ_ALLOCATE_PAGES with the defaults: any physical address, no skip, {@code MmCached}.
     *
     * @param window the PFNs every snapshot of the reply copies
     * @param size   {@code TotalBytes} to allocate
     * @param flags  {@code MM_ALLOCATE_*} flags ({@link Protocol#MM_ALLOCATE_ACCEPTED_FLAGS})
     * @return the request bytes
     */
    public static ByteBuffer allocatePages(PfnWindow window, long size, int flags) {
        return allocatePages(window, size, flags, Protocol.MM_CACHED, 0L, Protocol.HIGHEST_PHYSICAL_ADDRESS, 0L);
    }

    /**
     * MDLB_REQ_ALLOCATE_PAGES: every argument of {@code MmAllocatePagesForMdlEx}.
     *
     * @param window      the PFNs every snapshot of the reply copies
     * @param size        {@code TotalBytes} to allocate (charged in full; the MDL's ByteCount says what came back)
     * @param flags       {@code MM_ALLOCATE_*} flags ({@link Protocol#MM_ALLOCATE_ACCEPTED_FLAGS})
     * @param cacheType   {@code MEMORY_CACHING_TYPE} the pages are made with; every mapping of them must use it
     * @param lowAddress  lowest physical address, inclusive
     * @param highAddress highest physical address, inclusive ({@link Protocol#HIGHEST_PHYSICAL_ADDRESS}: anywhere)
     * @param skipBytes   a multiple of the page size; 0 for one range
     * @return the request bytes
     */
    public static ByteBuffer allocatePages(PfnWindow window, long size, int flags, int cacheType, long lowAddress,
                                           long highAddress, long skipBytes) {
        ByteBuffer b = start(Protocol.REQ_ALLOCATE_PAGES_SIZE, window);
        b.putLong(16, size);
        b.putInt(24, flags);
        b.putInt(28, cacheType);
        b.putLong(32, lowAddress);
        b.putLong(40, highAddress);
        b.putLong(48, skipBytes);
        b.putLong(56, 0L);
        return b;
    }

    /**
     * One range of a DESCRIBE_CHAIN (MDLB_CHAIN_RANGE): one MDL of the chain is allocated and probed for it.
     *
     * @param virtualAddress the range's start in the caller's address space
     * @param length         its length in bytes, a {@code ULONG}
     * @param operation      {@code LOCK_OPERATION} of its probe: one of the {@code Protocol.IO_*_ACCESS} values
     */
    public record ChainRange(long virtualAddress, int length, int operation) {
    }

    /**
     * MDLB_REQ_CHAIN followed by its MDLB_CHAIN_RANGEs: the request of DESCRIBE_CHAIN.
     *
     * @param window  the PFNs every snapshot of the reply copies
     * @param ranges  1 to {@link Protocol#MAX_CHAIN_RANGES} ranges, in chain order
     * @param cleanup who tears the chain down: {@link Protocol#CLEANUP_IO_MANAGER} or {@link Protocol#CLEANUP_DRIVER}
     * @return the request bytes, ranges included
     */
    public static ByteBuffer chain(PfnWindow window, java.util.List<ChainRange> ranges, int cleanup) {
        ByteBuffer b = start(Protocol.REQ_CHAIN_SIZE + Protocol.CHAIN_RANGE_SIZE * ranges.size(), window);
        b.putInt(16, ranges.size());
        b.putInt(20, cleanup);
        int at = Protocol.REQ_CHAIN_SIZE;
        for (ChainRange r : ranges) {
            b.putLong(at, r.virtualAddress());
            b.putInt(at + 8, r.length());
            b.put(at + 12, (byte) r.operation());
            b.put(at + 13, (byte) 0);
            b.putShort(at + 14, (short) 0);
            at += Protocol.CHAIN_RANGE_SIZE;
        }
        return b;
    }
}
