package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the request structures of mdlbridge.h at their explicit offsets, after {@link ProtocolRules#checkMalformed} has
 * accepted the size. {@link #fields} names every field as the header spells it, for the shared vectors.
 */
final class RequestDecoder {

    private RequestDecoder() {
    }

    record Header(int magic, int version, int reserved, long pfnStart, long pfnMax) {
        static Header of(ByteBuffer in) {
            return new Header(in.getInt(0), Short.toUnsignedInt(in.getShort(4)), Short.toUnsignedInt(in.getShort(6)),
                    Integer.toUnsignedLong(in.getInt(8)), Integer.toUnsignedLong(in.getInt(12)));
        }
    }

    record Range(long virtualAddress, long length) {
    }

    record AllocateMdl(long virtualAddress, long length, int reserved) {
    }

    record ObjectRef(int objectId, int reserved) {
    }

    record FreeMdl(int mdlId, int method) {
    }

    record Probe(int mdlId, int accessMode, int operation, int reserved) {
    }

    record MapSystem(int mdlId, int priority) {
    }

    record MapUser(int mdlId, int cacheType, long requestedAddress, int priority, int reserved) {
    }

    record Mapping(int mappingId, int mdlId) {
    }

    record Transfer(int mappingId, int mdlId, long offset, long length) {
    }

    record BuildPartial(int sourceId, long length, long offset) {
    }

    record PoolAllocate(long size, int pageOffset, int reserved) {
    }

    record AllocatePages(long size, int flags, int cacheType, long lowAddress, long highAddress, long skipBytes,
                         long reserved) {
    }

    record Reserve(long size) {
    }

    record Reserved(int reservationId, int mdlId, int cacheType, int reserved) {
    }

    record ChainRange(long virtualAddress, long length, int operation) {
    }

    record Chain(ChainRange[] ranges, int cleanup) {
    }

    static Range range(ByteBuffer in) {
        return new Range(in.getLong(16), in.getLong(24));
    }

    static AllocateMdl allocateMdl(ByteBuffer in) {
        return new AllocateMdl(in.getLong(16), Integer.toUnsignedLong(in.getInt(24)), in.getInt(28));
    }

    static ObjectRef object(ByteBuffer in) {
        return new ObjectRef(in.getInt(16), in.getInt(20));
    }

    static FreeMdl freeMdl(ByteBuffer in) {
        return new FreeMdl(in.getInt(16), in.getInt(20));
    }

    static Probe probe(ByteBuffer in) {
        return new Probe(in.getInt(16), Byte.toUnsignedInt(in.get(20)), Byte.toUnsignedInt(in.get(21)),
                Short.toUnsignedInt(in.getShort(22)));
    }

    static MapSystem mapSystem(ByteBuffer in) {
        return new MapSystem(in.getInt(16), in.getInt(20));
    }

    static MapUser mapUser(ByteBuffer in) {
        return new MapUser(in.getInt(16), in.getInt(20), in.getLong(24), in.getInt(32), in.getInt(36));
    }

    static Mapping mapping(ByteBuffer in) {
        return new Mapping(in.getInt(16), in.getInt(20));
    }

    static Transfer transfer(ByteBuffer in) {
        return new Transfer(in.getInt(16), in.getInt(20), Integer.toUnsignedLong(in.getInt(24)),
                Integer.toUnsignedLong(in.getInt(28)));
    }

    static BuildPartial buildPartial(ByteBuffer in) {
        return new BuildPartial(in.getInt(16), Integer.toUnsignedLong(in.getInt(20)), in.getLong(24));
    }

    static PoolAllocate poolAllocate(ByteBuffer in) {
        return new PoolAllocate(in.getLong(16), in.getInt(24), in.getInt(28));
    }

    static AllocatePages allocatePages(ByteBuffer in) {
        return new AllocatePages(in.getLong(16), in.getInt(24), in.getInt(28), in.getLong(32), in.getLong(40),
                in.getLong(48), in.getLong(56));
    }

    static Reserve reserve(ByteBuffer in) {
        return new Reserve(in.getLong(16));
    }

    static Reserved reserved(ByteBuffer in) {
        return new Reserved(in.getInt(16), in.getInt(20), in.getInt(24), in.getInt(28));
    }

    /** The fields of RESERVE, MAP_RESERVED and UNMAP_RESERVED (MAP_KERNEL and FREE_RESERVATION share older
     *  structures and are decoded with them); false for any other code. */
    private static boolean mappingFields(int code, ByteBuffer in, Map<String, Long> f) {
        if (code == IOCTL_RESERVE) {
            f.put("Size", reserve(in).size());
        } else if (code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED) {
            Reserved r = reserved(in);
            f.put("ReservationId", u(r.reservationId()));
            f.put("MdlId", u(r.mdlId()));
            f.put("CacheType", u(r.cacheType()));
            f.put("Reserved", u(r.reserved()));
        } else {
            return false;
        }
        return true;
    }

    static Chain chain(ByteBuffer in) {
        int count = in.getInt(16);
        ChainRange[] ranges = new ChainRange[count];
        for (int i = 0; i < count; i++) {
            int at = REQ_CHAIN_SIZE + i * CHAIN_RANGE_SIZE;
            ranges[i] = new ChainRange(in.getLong(at), Integer.toUnsignedLong(in.getInt(at + 8)),
                    Byte.toUnsignedInt(in.get(at + 12)));
        }
        return new Chain(ranges, in.getInt(20));
    }

    /** Every field of a well-sized request under its mdlbridge.h name (unsigned values). */
    static Map<String, Long> fields(int code, ByteBuffer in) {
        Map<String, Long> f = new LinkedHashMap<>();
        Header h = Header.of(in);
        f.put("Header.Magic", Integer.toUnsignedLong(h.magic()));
        f.put("Header.Version", (long) h.version());
        f.put("Header.Reserved", (long) h.reserved());
        f.put("Header.PfnStart", h.pfnStart());
        f.put("Header.PfnMax", h.pfnMax());
        if (mappingFields(code, in, f)) {
            return f;
        }
        if (code == IOCTL_SIZE_OF_MDL) {
            Range r = range(in);
            f.put("VirtualAddress", r.virtualAddress());
            f.put("Length", r.length());
        } else if (code == IOCTL_ALLOCATE_MDL || code == IOCTL_INITIALIZE_MDL) {
            AllocateMdl r = allocateMdl(in);
            f.put("VirtualAddress", r.virtualAddress());
            f.put("Length", r.length());
            f.put("Reserved", u(r.reserved()));
        } else if (code == IOCTL_BUILD_NONPAGED || code == IOCTL_UNLOCK || code == IOCTL_QUERY
                || code == IOCTL_FREE_PAGES || code == IOCTL_POOL_FREE || code == IOCTL_FREE_RESERVATION) {
            ObjectRef r = object(in);
            f.put("ObjectId", u(r.objectId()));
            f.put("Reserved", u(r.reserved()));
        } else if (code == IOCTL_FREE_MDL) {
            FreeMdl r = freeMdl(in);
            f.put("MdlId", u(r.mdlId()));
            f.put("Method", u(r.method()));
        } else if (code == IOCTL_PROBE_AND_LOCK) {
            Probe r = probe(in);
            f.put("MdlId", u(r.mdlId()));
            f.put("AccessMode", (long) r.accessMode());
            f.put("Operation", (long) r.operation());
            f.put("Reserved", (long) r.reserved());
        } else if (code == IOCTL_MAP_SYSTEM) {
            MapSystem r = mapSystem(in);
            f.put("MdlId", u(r.mdlId()));
            f.put("Priority", u(r.priority()));
        } else if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL) {
            MapUser r = mapUser(in);
            f.put("MdlId", u(r.mdlId()));
            f.put("CacheType", u(r.cacheType()));
            f.put("RequestedAddress", r.requestedAddress());
            f.put("Priority", u(r.priority()));
            f.put("Reserved", u(r.reserved()));
        } else if (code == IOCTL_UNMAP) {
            Mapping r = mapping(in);
            f.put("MappingId", u(r.mappingId()));
            f.put("MdlId", u(r.mdlId()));
        } else if (code == IOCTL_READ_MAPPED || code == IOCTL_WRITE_MAPPED) {
            Transfer r = transfer(in);
            f.put("MappingId", u(r.mappingId()));
            f.put("MdlId", u(r.mdlId()));
            f.put("Offset", r.offset());
            f.put("Length", r.length());
            if (code == IOCTL_WRITE_MAPPED) {
                for (int i = 0; i < r.length(); i++) {
                    f.put("Data[" + i + "]", (long) Byte.toUnsignedInt(in.get(REQ_TRANSFER_SIZE + i)));
                }
            }
        } else if (code == IOCTL_BUILD_PARTIAL) {
            BuildPartial r = buildPartial(in);
            f.put("SourceId", u(r.sourceId()));
            f.put("Length", r.length());
            f.put("Offset", r.offset());
        } else if (code == IOCTL_POOL_ALLOCATE) {
            PoolAllocate r = poolAllocate(in);
            f.put("Size", r.size());
            f.put("PageOffset", u(r.pageOffset()));
            f.put("Reserved", u(r.reserved()));
        } else if (code == IOCTL_ALLOCATE_PAGES) {
            AllocatePages r = allocatePages(in);
            f.put("Size", r.size());
            f.put("Flags", u(r.flags()));
            f.put("CacheType", u(r.cacheType()));
            f.put("LowAddress", r.lowAddress());
            f.put("HighAddress", r.highAddress());
            f.put("SkipBytes", r.skipBytes());
            f.put("Reserved", r.reserved());
        } else if (code == IOCTL_DESCRIBE_CHAIN) {
            f.put("RangeCount", Integer.toUnsignedLong(in.getInt(16)));
            f.put("Cleanup", Integer.toUnsignedLong(in.getInt(20)));
            int count = (in.remaining() - REQ_CHAIN_SIZE) / CHAIN_RANGE_SIZE;
            for (int i = 0; i < count; i++) {
                int at = REQ_CHAIN_SIZE + i * CHAIN_RANGE_SIZE;
                String p = "Ranges[" + i + "].";
                f.put(p + "VirtualAddress", in.getLong(at));
                f.put(p + "Length", Integer.toUnsignedLong(in.getInt(at + 8)));
                f.put(p + "Operation", (long) Byte.toUnsignedInt(in.get(at + 12)));
                for (int k = 0; k < 3; k++) {
                    f.put(p + "Reserved[" + k + "]", (long) Byte.toUnsignedInt(in.get(at + 13 + k)));
                }
            }
        }
        return f;
    }

    private static long u(int v) {
        return Integer.toUnsignedLong(v);
    }
}
