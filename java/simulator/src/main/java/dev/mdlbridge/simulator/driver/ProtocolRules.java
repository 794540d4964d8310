package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import dev.mdlbridge.protocol.NtStatus;
import java.nio.ByteBuffer;

/**
 * Request validation of mdlbridge.h: the twin of driver/src/protocol.c (sizes, malformed checks, parameter
 * checks, the PFN window rule). Every length that comes from a caller is checked here before anything uses it.
 */
final class ProtocolRules {

    private ProtocolRules() {
    }

    /** PfnStart beyond any MDL Windows can build (4 GiB - 4 KiB unaligned spans 1,048,576 pages). */
    static final int MAX_PFN_INDEX = 0x100000;

    /** MM_ALLOCATE_* flags the driver passes on: FULLY_REQUIRED, NO_WAIT, PREFER_CONTIGUOUS,
     *  REQUIRE_CONTIGUOUS_CHUNKS (MDLB_MM_ALLOCATE_ACCEPTED_FLAGS); every other bit is PARAM_FLAGS. */
    static final int PAGE_FLAGS_ALLOWED = MM_ALLOCATE_ACCEPTED_FLAGS;

    static boolean isDirect(int code) {
        return code == IOCTL_DIRECT_IN || code == IOCTL_DIRECT_OUT;
    }

    /** Fixed input size of each code; 0 for an unknown code. */
    static int fixedRequestSize(int code) {
        if (code == IOCTL_INFO || code == IOCTL_RELEASE_ALL || code == IOCTL_DIRECT_IN || code == IOCTL_DIRECT_OUT
                || code == IOCTL_DIRECT_FETCH) {
            return REQUEST_HEADER_SIZE;
        }
        if (code == IOCTL_SIZE_OF_MDL) {
            return REQ_RANGE_SIZE;
        }
        if (code == IOCTL_ALLOCATE_MDL || code == IOCTL_INITIALIZE_MDL) {
            return REQ_ALLOCATE_MDL_SIZE;
        }
        if (code == IOCTL_PROBE_AND_LOCK) {
            return REQ_PROBE_SIZE;
        }
        if (code == IOCTL_MAP_SYSTEM) {
            return REQ_MAP_SYSTEM_SIZE;
        }
        if (code == IOCTL_MAP_USER) {
            return REQ_MAP_USER_SIZE;
        }
        if (code == IOCTL_UNMAP) {
            return REQ_MAPPING_SIZE;
        }
        if (code == IOCTL_READ_MAPPED || code == IOCTL_WRITE_MAPPED) {
            return REQ_TRANSFER_SIZE;
        }
        if (code == IOCTL_BUILD_PARTIAL) {
            return REQ_BUILD_PARTIAL_SIZE;
        }
        if (code == IOCTL_BUILD_NONPAGED || code == IOCTL_UNLOCK || code == IOCTL_QUERY || code == IOCTL_FREE_PAGES
                || code == IOCTL_POOL_FREE) {
            return REQ_OBJECT_SIZE;
        }
        if (code == IOCTL_FREE_MDL) {
            return REQ_FREE_MDL_SIZE;
        }
        if (code == IOCTL_POOL_ALLOCATE) {
            return REQ_POOL_ALLOCATE_SIZE;
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            return REQ_CHAIN_SIZE;
        }
        if (code == IOCTL_ALLOCATE_PAGES) {
            return REQ_ALLOCATE_PAGES_SIZE;
        }
        return mappingRequestSize(code);
    }

    /** Sizes of the kernel-mode mapping and reservation codes (the DDI-coverage issue); 0 for any other code. */
    static int mappingRequestSize(int code) {
        if (code == IOCTL_MAP_KERNEL) {
            return REQ_MAP_USER_SIZE;
        }
        if (code == IOCTL_RESERVE) {
            return REQ_RESERVE_SIZE;
        }
        if (code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED) {
            return REQ_RESERVED_SIZE;
        }
        if (code == IOCTL_FREE_RESERVATION) {
            return REQ_OBJECT_SIZE;
        }
        return 0;
    }

    /** The exact input size including the variable tail, in 64 bits so a huge count cannot wrap. */
    static long expectedRequestSize(int code, ByteBuffer in) {
        long fixed = fixedRequestSize(code);
        if (in.remaining() < fixed) {
            return fixed;
        }
        if (code == IOCTL_WRITE_MAPPED) {
            return fixed + Integer.toUnsignedLong(in.getInt(28));
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            return fixed + (long) CHAIN_RANGE_SIZE * Integer.toUnsignedLong(in.getInt(16));
        }
        return fixed;
    }

    /** Reply space a code needs before any PFN: header, every snapshot it writes, its fixed data. */
    /**
     * How many bytes of a well-formed request the driver acts on: all of it, except the data of a WRITE_MAPPED
     * longer than MAX_TRANSFER, which {@link #checkParameters} rejects from the fixed part alone (the twin of
     * mdlb_request_copy_length: the C driver never copies such data into pool).
     */
    static int requestCopyLength(int code, ByteBuffer in) {
        if (code == IOCTL_WRITE_MAPPED && in.limit() >= REQ_TRANSFER_SIZE
                && Integer.toUnsignedLong(in.getInt(REQ_TRANSFER_SIZE - 4)) > MAX_TRANSFER) {
            return REQ_TRANSFER_SIZE;
        }
        return in.limit();
    }

    static int minReplySize(int code, ByteBuffer in) {
        int hdr = REPLY_HEADER_SIZE;
        int snap = SNAPSHOT_SIZE;
        if (code == IOCTL_INFO) {
            return hdr + INFO_SIZE;
        }
        if (code == IOCTL_RELEASE_ALL) {
            return hdr + COUNTERS_SIZE;
        }
        if (code == IOCTL_SIZE_OF_MDL || code == IOCTL_POOL_ALLOCATE || code == IOCTL_POOL_FREE) {
            return hdr;
        }
        if (code == IOCTL_ALLOCATE_MDL || code == IOCTL_INITIALIZE_MDL || code == IOCTL_QUERY
                || code == IOCTL_FREE_MDL || code == IOCTL_ALLOCATE_PAGES || code == IOCTL_WRITE_MAPPED) {
            return hdr + snap;
        }
        if (code == IOCTL_PROBE_AND_LOCK || code == IOCTL_MAP_SYSTEM || code == IOCTL_MAP_USER
                || code == IOCTL_UNMAP || code == IOCTL_BUILD_PARTIAL || code == IOCTL_BUILD_NONPAGED
                || code == IOCTL_UNLOCK || code == IOCTL_FREE_PAGES || code == IOCTL_DIRECT_FETCH) {
            return hdr + 2 * snap;
        }
        if (code == IOCTL_READ_MAPPED) {
            if (in.remaining() < REQ_TRANSFER_SIZE) {
                return hdr + snap;
            }
            long n = Integer.toUnsignedLong(in.getInt(28));
            if (n > MAX_TRANSFER) {
                n = 0; // a parameter error: the reply carries no data
            }
            return (int) (hdr + snap + ((n + 7) & ~7L));
        }
        if (code == IOCTL_RESERVE || code == IOCTL_FREE_RESERVATION) {
            return hdr;
        }
        if (code == IOCTL_MAP_KERNEL || code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED) {
            return hdr + 2 * snap;   // the MDL before and after
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            if (in.remaining() < REQ_CHAIN_SIZE) {
                return hdr;
            }
            long n = Integer.toUnsignedLong(in.getInt(16));
            if (n > MAX_CHAIN_RANGES) {
                n = 0;
            }
            return (int) (hdr + n * snap + ((4 * n + 7) & ~7L));
        }
        return 0;
    }

    /**
     * The malformed-request checks in CONTRACT order; 0 or the NTSTATUS the IRP fails with. {@code in} is
     * little-endian with position 0. Object ids are checked later, against the table.
     */
    static int checkMalformed(int code, ByteBuffer in, long outLength) {
        if (fixedRequestSize(code) == 0) {
            return NtStatus.INVALID_DEVICE_REQUEST.value();
        }
        if (in.remaining() < REQUEST_HEADER_SIZE) {
            return NtStatus.INFO_LENGTH_MISMATCH.value();
        }
        if (in.getInt(0) != MAGIC || Short.toUnsignedInt(in.getShort(4)) != PROTOCOL_VERSION) {
            return NtStatus.REVISION_MISMATCH.value();
        }
        if (in.remaining() != expectedRequestSize(code, in)) {
            return NtStatus.INFO_LENGTH_MISMATCH.value();
        }
        if (isDirect(code)) {
            return 0; // the output buffer is the subject range, not a reply
        }
        if (outLength < minReplySize(code, in)) {
            return NtStatus.BUFFER_TOO_SMALL.value();
        }
        return 0;
    }

    static boolean priorityOk(int priority, boolean modifiersExist) {
        int modifiers = MAPPING_NO_WRITE | MAPPING_NO_EXECUTE;
        if (!modifiersExist && (priority & modifiers) != 0) {
            return false; // MdlMappingNoWrite / NoExecute do not exist before Windows 8
        }
        int base = priority & ~modifiers;
        return base == LOW_PAGE_PRIORITY || base == NORMAL_PAGE_PRIORITY || base == HIGH_PAGE_PRIORITY;
    }

    static boolean pageFlagsOk(int flags) {
        return (flags & ~PAGE_FLAGS_ALLOWED) == 0;
    }

    /** POOL_ALLOCATE: Reserved, then PageOffset (a multiple of 16 below 4096), then Size (the block must not wrap). */
    private static int checkPoolAllocate(ByteBuffer in) {
        if (in.getInt(28) != 0) {
            return PARAM_RESERVED;
        }
        long pageOffset = Integer.toUnsignedLong(in.getInt(24));
        if (pageOffset % POOL_OFFSET_ALIGNMENT != 0 || pageOffset >= PAGE_SIZE) {
            return PARAM_PAGE_OFFSET;
        }
        long size = in.getLong(16);
        if (sizeBad(size) || Long.compareUnsigned(size + pageOffset + PAGE_SIZE - 1, size) < 0) {
            return PARAM_SIZE;
        }
        return 0;
    }

    /** ALLOCATE_PAGES in the order of spec 12: Reserved, Flags, CacheType, Size, the address range, SkipBytes. */
    private static int checkAllocatePages(ByteBuffer in, boolean pageFlagsExist) {
        if (in.getLong(56) != 0) {
            return PARAM_RESERVED;
        }
        int flags = in.getInt(24);
        if (!pageFlagsOk(flags) || (!pageFlagsExist && flags != 0)) {
            return PARAM_FLAGS; // before Windows 7 none of the accepted flags exists
        }
        if (Integer.toUnsignedLong(in.getInt(28)) > MM_WRITE_COMBINED) {
            return PARAM_CACHE_TYPE;
        }
        long size = in.getLong(16);
        if (sizeBad(size)) {
            return PARAM_SIZE;
        }
        if (Long.compareUnsigned(in.getLong(32), in.getLong(40)) > 0) {
            return PARAM_ADDRESS_RANGE;
        }
        long skip = in.getLong(48);
        if ((skip & (PAGE_SIZE - 1)) != 0) {
            return PARAM_SKIP_BYTES;
        }
        if ((flags & MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS) != 0 && skip != 0
                && (Long.bitCount(skip) != 1 || Long.remainderUnsigned(size, skip) != 0)) {
            return PARAM_SKIP_BYTES;
        }
        return 0;
    }

    private static int checkAccess(int mode, int op) {
        if (mode != KERNEL_MODE && mode != USER_MODE) {
            return PARAM_ACCESS_MODE;
        }
        if (op < 0 || op > IO_MODIFY_ACCESS) {
            return PARAM_OPERATION;
        }
        return 0;
    }

    private static int checkChain(ByteBuffer in) {
        long count = Integer.toUnsignedLong(in.getInt(16));
        int cleanup = in.getInt(20);
        if (count == 0 || count > MAX_CHAIN_RANGES) {
            return PARAM_RANGE_COUNT;
        }
        if (cleanup != CLEANUP_IO_MANAGER && cleanup != CLEANUP_DRIVER) {
            return PARAM_CLEANUP;
        }
        for (int i = 0; i < count; i++) {
            int at = REQ_CHAIN_SIZE + i * CHAIN_RANGE_SIZE;
            if (in.get(at + 13) != 0 || in.get(at + 14) != 0 || in.get(at + 15) != 0) {
                return PARAM_RESERVED;
            }
            if (Byte.toUnsignedInt(in.get(at + 12)) > IO_MODIFY_ACCESS) {
                return PARAM_OPERATION;
            }
        }
        return 0;
    }

    private static boolean sizeBad(long size) {
        // A size that would wrap when rounded to pages, or does not fit a SIZE_T pool request of the driver.
        return size == 0 || Long.compareUnsigned(size, 0xFFFF_FFFFL) > 0;
    }

    /** As below, on a profile that has the Windows 7 page-allocation flags. */
    static int checkParameters(int code, ByteBuffer in, boolean modifiersExist) {
        return checkParameters(code, in, modifiersExist, true);
    }

    /**
     * Parameter checks of a well-formed request: 0 or MDLB_PARAM_*.
     *
     * @param modifiersExist  MdlMappingNoWrite / NoExecute exist (Windows 8 on)
     * @param pageFlagsExist  MmAllocatePagesForMdlEx has FULLY_REQUIRED .. REQUIRE_CONTIGUOUS_CHUNKS (Windows 7 on)
     */
    static int checkParameters(int code, ByteBuffer in, boolean modifiersExist, boolean pageFlagsExist) {
        if (in.getShort(6) != 0) {
            return PARAM_RESERVED;
        }
        if (Integer.toUnsignedLong(in.getInt(8)) > MAX_PFN_INDEX) {
            return PARAM_PFN_WINDOW;
        }
        if (code == IOCTL_ALLOCATE_MDL || code == IOCTL_INITIALIZE_MDL) {
            return in.getInt(28) != 0 ? PARAM_RESERVED : 0;
        }
        if (code == IOCTL_BUILD_NONPAGED || code == IOCTL_UNLOCK || code == IOCTL_QUERY || code == IOCTL_FREE_PAGES
                || code == IOCTL_POOL_FREE) {
            return in.getInt(20) != 0 ? PARAM_RESERVED : 0;
        }
        if (code == IOCTL_FREE_MDL) {
            int method = in.getInt(20);
            return method == FREE_IOFREEMDL || method == FREE_EXFREEPOOL ? 0 : PARAM_METHOD;
        }
        if (code == IOCTL_PROBE_AND_LOCK) {
            if (in.getShort(22) != 0) {
                return PARAM_RESERVED;
            }
            return checkAccess(Byte.toUnsignedInt(in.get(20)), Byte.toUnsignedInt(in.get(21)));
        }
        if (code == IOCTL_MAP_SYSTEM) {
            return priorityOk(in.getInt(20), modifiersExist) ? 0 : PARAM_PRIORITY;
        }
        if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL || code == IOCTL_RESERVE
                || code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED || code == IOCTL_FREE_RESERVATION) {
            return checkMappingParameters(code, in, modifiersExist);
        }
        if (code == IOCTL_UNMAP) {
            // UNMAP names either a user mapping or an MDL's system mapping, never both.
            return in.getInt(16) != 0 && in.getInt(20) != 0 ? PARAM_RESERVED : 0;
        }
        if (code == IOCTL_READ_MAPPED || code == IOCTL_WRITE_MAPPED) {
            return Integer.toUnsignedLong(in.getInt(28)) > MAX_TRANSFER ? PARAM_LENGTH : 0;
        }
        if (code == IOCTL_POOL_ALLOCATE) {
            return checkPoolAllocate(in);
        }
        if (code == IOCTL_ALLOCATE_PAGES) {
            return checkAllocatePages(in, pageFlagsExist);
        }
        if (code == IOCTL_DESCRIBE_CHAIN) {
            return checkChain(in);
        }
        return 0;
    }

    static boolean cacheTypeOk(int cacheType) {
        return cacheType == MM_NON_CACHED || cacheType == MM_CACHED || cacheType == MM_WRITE_COMBINED;
    }

    /** The parameter checks of MAP_USER, MAP_KERNEL and the reservation codes, in the spec's order. */
    private static int checkMappingParameters(int code, ByteBuffer in, boolean modifiersExist) {
        if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL) {
            if (in.getInt(36) != 0) {
                return PARAM_RESERVED;
            }
            if (!cacheTypeOk(in.getInt(20))) {
                return PARAM_CACHE_TYPE;
            }
            if (code == IOCTL_MAP_KERNEL && in.getLong(24) != 0) {
                return PARAM_REQUESTED_ADDRESS;   // KernelMode takes no requested address
            }
            return priorityOk(in.getInt(32), modifiersExist) ? 0 : PARAM_PRIORITY;
        }
        if (code == IOCTL_RESERVE) {
            return sizeBad(in.getLong(16)) ? PARAM_SIZE : 0;   // 0 would be bug check 0xDA/0x100
        }
        if (code == IOCTL_MAP_RESERVED) {
            if (in.getInt(28) != 0) {
                return PARAM_RESERVED;
            }
            return cacheTypeOk(in.getInt(24)) ? 0 : PARAM_CACHE_TYPE;
        }
        if (code == IOCTL_UNMAP_RESERVED) {
            return in.getInt(28) != 0 || in.getInt(24) != 0 ? PARAM_RESERVED : 0;
        }
        return in.getInt(20) != 0 ? PARAM_RESERVED : 0;   // FREE_RESERVATION: MDLB_REQ_OBJECT
    }

    /**
     * The cache-type rule (CONTRACT section 2), checked at the parameter stage after the object lookup: a mapping
     * must ask for the type the pages were made with; MAP_SYSTEM always asks MmCached. 0 or PARAM_CACHE_TYPE.
     */
    static int checkCacheType(int code, ByteBuffer in, TableObject mdl) {
        if (mdl == null) {
            return 0;
        }
        int requested;
        if (code == IOCTL_MAP_USER || code == IOCTL_MAP_KERNEL) {
            requested = in.getInt(20);
        } else if (code == IOCTL_MAP_RESERVED) {
            requested = in.getInt(24);
        } else if (code == IOCTL_MAP_SYSTEM) {
            requested = MM_CACHED;
        } else {
            return 0;
        }
        return requested == mdl.cacheType ? 0 : PARAM_CACHE_TYPE;
    }

    /** ADDRESS_AND_SIZE_TO_SPAN_PAGES, unsigned 64-bit. */
    static long spanPages(long va, long length) {
        return Long.divideUnsigned((va & (PAGE_SIZE - 1)) + length + PAGE_SIZE - 1, PAGE_SIZE);
    }

    /** How many PFNs one snapshot copies: the window, bounded by pages spanned, capacity and space. */
    static int pfnWindow(long spanned, long capacity, long start, long max, long spaceBytes) {
        long avail = Math.min(spanned, capacity);
        if (start >= avail) {
            return 0;
        }
        long n = avail - start;
        n = Math.min(n, Math.min(max, MAX_INLINE_PFNS));
        n = Math.min(n, spaceBytes / PFN_WIDTH);
        return (int) Math.max(n, 0);
    }
}
