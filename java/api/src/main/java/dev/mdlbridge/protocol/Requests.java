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

    /** INFO, RELEASE_ALL, DIRECT_IN, DIRECT_OUT, DIRECT_FETCH: MDLB_REQUEST_HEADER alone. */
    public static ByteBuffer header(PfnWindow window) {
        return start(Protocol.REQUEST_HEADER_SIZE, window);
    }

    /** MDLB_REQ_RANGE (SIZE_OF_MDL). */
    public static ByteBuffer range(long virtualAddress, long length) {
        ByteBuffer b = start(Protocol.REQ_RANGE_SIZE, PfnWindow.NONE);
        b.putLong(16, virtualAddress);
        b.putLong(24, length);
        return b;
    }

    /** MDLB_REQ_ALLOCATE_MDL (ALLOCATE_MDL, INITIALIZE_MDL); {@code length} is a ULONG. */
    public static ByteBuffer allocateMdl(PfnWindow window, long virtualAddress, int length) {
        ByteBuffer b = start(Protocol.REQ_ALLOCATE_MDL_SIZE, window);
        b.putLong(16, virtualAddress);
        b.putInt(24, length);
        b.putInt(28, 0);
        return b;
    }

    /** MDLB_REQ_OBJECT (BUILD_NONPAGED, UNLOCK, QUERY, FREE_PAGES, POOL_FREE). */
    public static ByteBuffer object(PfnWindow window, int objectId) {
        ByteBuffer b = start(Protocol.REQ_OBJECT_SIZE, window);
        b.putInt(16, objectId);
        b.putInt(20, 0);
        return b;
    }

    /** MDLB_REQ_FREE_MDL. */
    public static ByteBuffer freeMdl(PfnWindow window, int mdlId, int method) {
        ByteBuffer b = start(Protocol.REQ_FREE_MDL_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, method);
        return b;
    }

    /** MDLB_REQ_PROBE. */
    public static ByteBuffer probe(PfnWindow window, int mdlId, int accessMode, int operation) {
        ByteBuffer b = start(Protocol.REQ_PROBE_SIZE, window);
        b.putInt(16, mdlId);
        b.put(20, (byte) accessMode);
        b.put(21, (byte) operation);
        b.putShort(22, (short) 0);
        return b;
    }

    /** MDLB_REQ_MAP_SYSTEM. */
    public static ByteBuffer mapSystem(PfnWindow window, int mdlId, int priority) {
        ByteBuffer b = start(Protocol.REQ_MAP_SYSTEM_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, priority);
        return b;
    }

    /** MDLB_REQ_MAP_USER. */
    public static ByteBuffer mapUser(PfnWindow window, int mdlId, int cacheType, long requestedAddress, int priority) {
        ByteBuffer b = start(Protocol.REQ_MAP_USER_SIZE, window);
        b.putInt(16, mdlId);
        b.putInt(20, cacheType);
        b.putLong(24, requestedAddress);
        b.putInt(32, priority);
        b.putInt(36, 0);
        return b;
    }

    /** MDLB_REQ_MAPPING (UNMAP): a user mapping id, or 0 and the MDL whose system mapping goes. */
    public static ByteBuffer mapping(PfnWindow window, int mappingId, int mdlId) {
        ByteBuffer b = start(Protocol.REQ_MAPPING_SIZE, window);
        b.putInt(16, mappingId);
        b.putInt(20, mdlId);
        return b;
    }

    /** MDLB_REQ_TRANSFER for READ_MAPPED. */
    public static ByteBuffer readMapped(int mappingId, int mdlId, int offset, int length) {
        ByteBuffer b = start(Protocol.REQ_TRANSFER_SIZE, PfnWindow.NONE);
        transfer(b, mappingId, mdlId, offset, length);
        return b;
    }

    /** MDLB_REQ_TRANSFER followed by the bytes, for WRITE_MAPPED. */
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

    /** MDLB_REQ_BUILD_PARTIAL: {@code offset} from the source's virtual address; length 0 = the rest. */
    public static ByteBuffer buildPartial(PfnWindow window, int sourceId, long offset, int length) {
        ByteBuffer b = start(Protocol.REQ_BUILD_PARTIAL_SIZE, window);
        b.putInt(16, sourceId);
        b.putInt(20, length);
        b.putLong(24, offset);
        return b;
    }

    /** MDLB_REQ_POOL_ALLOCATE. */
    public static ByteBuffer poolAllocate(long size) {
        ByteBuffer b = start(Protocol.REQ_POOL_ALLOCATE_SIZE, PfnWindow.NONE);
        b.putLong(16, size);
        return b;
    }

    /** MDLB_REQ_ALLOCATE_PAGES. */
    public static ByteBuffer allocatePages(PfnWindow window, long size, int flags) {
        ByteBuffer b = start(Protocol.REQ_ALLOCATE_PAGES_SIZE, window);
        b.putLong(16, size);
        b.putInt(24, flags);
        b.putInt(28, 0);
        return b;
    }

    /** One range of a DESCRIBE_CHAIN. */
    public record ChainRange(long virtualAddress, int length, int operation) {
    }

    /** MDLB_REQ_CHAIN followed by its MDLB_CHAIN_RANGEs. */
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
