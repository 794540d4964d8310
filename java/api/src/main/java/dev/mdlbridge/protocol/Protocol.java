package dev.mdlbridge.protocol;

/**
 * The constants of {@code driver/include/mdlbridge.h}, name for name. That header is the single source of truth;
 * {@code ProtocolHeaderTest} parses it and fails when a value here differs.
 */
public final class Protocol {

    private Protocol() {
    }

    public static final String USER_DEVICE_PATH = "\\\\.\\MdlBridge";
    public static final String SERVICE_NAME = "MdlBridge";

    public static final int MAGIC = 0x424C444D;
    public static final int PROTOCOL_VERSION = 1;
    public static final int DRIVER_VERSION = 0x00010000;

    public static final int DEVICE_TYPE = 0x8D1B;
    public static final int METHOD_BUFFERED = 0;
    public static final int METHOD_IN_DIRECT = 1;
    public static final int METHOD_OUT_DIRECT = 2;
    public static final int ACCESS_READ = 1;
    public static final int ACCESS_READ_WRITE = 3;

    public static int ctlCode(int function, int method, int access) {
        return (DEVICE_TYPE << 16) | (access << 14) | (function << 2) | method;
    }

    public static final int IOCTL_INFO = ctlCode(0x800, METHOD_BUFFERED, ACCESS_READ);
    public static final int IOCTL_RELEASE_ALL = ctlCode(0x801, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_SIZE_OF_MDL = ctlCode(0x802, METHOD_BUFFERED, ACCESS_READ);
    public static final int IOCTL_ALLOCATE_MDL = ctlCode(0x803, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_INITIALIZE_MDL = ctlCode(0x804, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_PROBE_AND_LOCK = ctlCode(0x805, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_MAP_SYSTEM = ctlCode(0x806, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_MAP_USER = ctlCode(0x807, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_UNMAP = ctlCode(0x808, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_READ_MAPPED = ctlCode(0x809, METHOD_BUFFERED, ACCESS_READ);
    public static final int IOCTL_WRITE_MAPPED = ctlCode(0x80A, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_BUILD_PARTIAL = ctlCode(0x80B, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_BUILD_NONPAGED = ctlCode(0x80C, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_UNLOCK = ctlCode(0x80D, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_FREE_MDL = ctlCode(0x80E, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_POOL_ALLOCATE = ctlCode(0x80F, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_POOL_FREE = ctlCode(0x810, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_QUERY = ctlCode(0x811, METHOD_BUFFERED, ACCESS_READ);
    public static final int IOCTL_DESCRIBE_CHAIN = ctlCode(0x812, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_ALLOCATE_PAGES = ctlCode(0x813, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_FREE_PAGES = ctlCode(0x814, METHOD_BUFFERED, ACCESS_READ_WRITE);
    public static final int IOCTL_DIRECT_IN = ctlCode(0x815, METHOD_IN_DIRECT, ACCESS_READ_WRITE);
    public static final int IOCTL_DIRECT_OUT = ctlCode(0x816, METHOD_OUT_DIRECT, ACCESS_READ_WRITE);
    public static final int IOCTL_DIRECT_FETCH = ctlCode(0x817, METHOD_BUFFERED, ACCESS_READ_WRITE);

    public static final int PAGE_SIZE = 4096;
    public static final int PAGE_SHIFT = 12;
    public static final int PFN_WIDTH = 8;
    public static final int MDL_HEADER_SIZE = 48;
    public static final int MAX_INLINE_PFNS = 8192;
    public static final int MAX_TRANSFER = 65536;
    public static final int MAX_CHAIN_RANGES = 16;
    public static final int MAX_SNAPSHOTS = MAX_CHAIN_RANGES;
    public static final int REPLY_BUFFER_SIZE = 64 + 2 * (96 + 8 * MAX_INLINE_PFNS) + MAX_TRANSFER;

    public static final int LIMIT_HANDLE_OBJECTS = 4096;
    public static final long LIMIT_HANDLE_LOCKED_BYTES = 0x1_0000_0000L;
    public static final long LIMIT_HANDLE_KERNEL_BUFFER_BYTES = 0x400_0000L;
    public static final long LIMIT_HANDLE_PAGE_ALLOC_BYTES = 0x400_0000L;
    public static final long LIMIT_HANDLE_MDL_POOL_BYTES = 0x100_0000L;
    public static final int LIMIT_DRIVER_OBJECTS = 65536;
    public static final long LIMIT_DRIVER_LOCKED_BYTES = 0x2_0000_0000L;
    public static final long LIMIT_DRIVER_KERNEL_BUFFER_BYTES = 0x1000_0000L;
    public static final long LIMIT_DRIVER_PAGE_ALLOC_BYTES = 0x1000_0000L;
    public static final long LIMIT_DRIVER_MDL_POOL_BYTES = 0x400_0000L;
    /** MDLB_LIMIT_HANDLE_SYSTEM_MAPPING_BYTES / MDLB_LIMIT_DRIVER_SYSTEM_MAPPING_BYTES: 4 GiB and 8 GiB. */
    public static final long LIMIT_HANDLE_SYSTEM_MAPPING_BYTES = 0x1_0000_0000L;
    public static final long LIMIT_DRIVER_SYSTEM_MAPPING_BYTES = 0x2_0000_0000L;
    /** MDLB_TABLE_GROW_SLOTS, MDLB_SLOT_CHARGE, MDLB_DIRECT_RECORD_CHARGE: what the driver's own allocations for a
     *  handle (table slots, the kept DIRECT snapshots) are charged against its MDL-pool bytes. */
    public static final int TABLE_GROW_SLOTS = 64;
    public static final int SLOT_CHARGE = 128;
    public static final int DIRECT_RECORD_CHARGE = 2 * 8 * MAX_INLINE_PFNS + 512;
    /** MDLB_LIMIT_DRIVER_HANDLES: open handles of the whole driver; CREATE beyond it fails with QUOTA_EXCEEDED. */
    public static final int LIMIT_DRIVER_HANDLES = 1024;

    public static final int KERNEL_MODE = 0;
    public static final int USER_MODE = 1;
    public static final int IO_READ_ACCESS = 0;
    public static final int IO_WRITE_ACCESS = 1;
    public static final int IO_MODIFY_ACCESS = 2;
    public static final int LOW_PAGE_PRIORITY = 0;
    public static final int NORMAL_PAGE_PRIORITY = 16;
    public static final int HIGH_PAGE_PRIORITY = 32;
    public static final int MAPPING_NO_WRITE = 0x80000000;
    public static final int MAPPING_NO_EXECUTE = 0x40000000;
    public static final int MM_CACHED = 1;
    public static final int MM_DONT_ZERO_ALLOCATION = 0x1;
    public static final int FREE_IOFREEMDL = 0;
    public static final int FREE_EXFREEPOOL = 1;
    public static final int CLEANUP_IO_MANAGER = 0;
    public static final int CLEANUP_DRIVER = 1;

    // Sizes of the request structures (header included) and of the reply structures.
    public static final int REQUEST_HEADER_SIZE = 16;
    public static final int REQ_RANGE_SIZE = 32;
    public static final int REQ_ALLOCATE_MDL_SIZE = 32;
    public static final int REQ_OBJECT_SIZE = 24;
    public static final int REQ_FREE_MDL_SIZE = 24;
    public static final int REQ_PROBE_SIZE = 24;
    public static final int REQ_MAP_SYSTEM_SIZE = 24;
    public static final int REQ_MAP_USER_SIZE = 40;
    public static final int REQ_MAPPING_SIZE = 24;
    public static final int REQ_TRANSFER_SIZE = 32;
    public static final int REQ_BUILD_PARTIAL_SIZE = 32;
    public static final int REQ_POOL_ALLOCATE_SIZE = 24;
    public static final int REQ_ALLOCATE_PAGES_SIZE = 32;
    public static final int CHAIN_RANGE_SIZE = 16;
    public static final int REQ_CHAIN_SIZE = 24;
    public static final int REPLY_HEADER_SIZE = 64;
    public static final int SNAPSHOT_SIZE = 96;
    public static final int COUNTERS_SIZE = 24;
    public static final int LIMITS_SIZE = 40;
    public static final int USE_SIZE = 64;
    public static final int INFO_SIZE = 408;

    public static final int STAGE_DONE = 0;
    public static final int STAGE_PARAMETER = 1;
    public static final int STAGE_REFUSED = 2;
    public static final int STAGE_LIMIT = 3;
    public static final int STAGE_DDI = 4;

    public static final int PARAM_ACCESS_MODE = 1;
    public static final int PARAM_OPERATION = 2;
    public static final int PARAM_PRIORITY = 3;
    public static final int PARAM_CACHE_TYPE = 4;
    public static final int PARAM_LENGTH = 5;
    public static final int PARAM_FLAGS = 6;
    public static final int PARAM_METHOD = 7;
    public static final int PARAM_CLEANUP = 8;
    public static final int PARAM_RESERVED = 9;
    public static final int PARAM_SIZE = 10;
    public static final int PARAM_OFFSET = 11;
    public static final int PARAM_RANGE_COUNT = 12;
    public static final int PARAM_PFN_WINDOW = 13;

    public static final int REFUSE_PROBE_LOCKED = 0x0101;
    public static final int REFUSE_PROBE_MAPPED = 0x0102;
    public static final int REFUSE_PROBE_PARTIAL = 0x0103;
    public static final int REFUSE_PROBE_NONPAGED = 0x0104;
    public static final int REFUSE_PROBE_NOT_IOALLOCATED = 0x0105;
    public static final int REFUSE_KERNEL_RANGE_REQUIRED = 0x0201;
    public static final int REFUSE_MAP_NOT_LOCKED = 0x0301;
    public static final int REFUSE_UNLOCK_NOT_LOCKED = 0x0401;
    public static final int REFUSE_UNLOCK_PARTIAL = 0x0402;
    public static final int REFUSE_UNLOCK_NONPAGED = 0x0403;
    public static final int REFUSE_UNLOCK_PAGES = 0x0404;
    public static final int REFUSE_USER_MAPPING_LIVES = 0x0501;
    public static final int REFUSE_PARTIAL_LIVES = 0x0502;
    public static final int REFUSE_NOT_PAGE_ALLOCATION = 0x0503;
    public static final int REFUSE_SYSTEM_MAPPING_LIVES = 0x0504;
    public static final int REFUSE_FREE_LOCKED = 0x0601;
    public static final int REFUSE_FREE_MAPPED = 0x0602;
    public static final int REFUSE_FREE_WRONG_METHOD = 0x0603;
    public static final int REFUSE_FREE_PAGES_FIRST = 0x0604;
    public static final int REFUSE_UNMAP_NOT_OWNED = 0x0701;
    public static final int REFUSE_UNMAP_INHERITED = 0x0702;
    public static final int REFUSE_PARTIAL_SOURCE = 0x0801;
    public static final int REFUSE_PARTIAL_RANGE = 0x0802;
    public static final int REFUSE_POOL_IN_USE = 0x0901;
    public static final int REFUSE_MAPPING_ENDED = 0x0A01;
    public static final int REFUSE_WRITE_NOT_ALLOWED = 0x0B01;
    public static final int REFUSE_OUT_OF_RANGE = 0x0B02;
    public static final int REFUSE_RANGE_IN_USER_MAPPING = 0x0C01;
    public static final int REFUSE_ZERO_LENGTH = 0x0C02;
    public static final int REFUSE_SHARED_HANDLE = 0x0C03;
    public static final int REFUSE_USER_MAPPING_WRITABLE = 0x0C04;
    public static final int REFUSE_NO_DIRECT_RECORD = 0x0C05;

    public static final int LIMIT_OBJECTS = 1;
    public static final int LIMIT_LOCKED_BYTES = 2;
    public static final int LIMIT_KERNEL_BUFFER_BYTES = 3;
    public static final int LIMIT_PAGE_ALLOC_BYTES = 4;
    public static final int LIMIT_MDL_POOL_BYTES = 5;
    /** MDLB_LIMIT_SYSTEM_MAPPING_BYTES: maxSystemMappingBytes, system address space of system mappings. */
    public static final int LIMIT_SYSTEM_MAPPING_BYTES = 6;

    public static final int DDI_IO_ALLOCATE_MDL = 1;
    public static final int DDI_MM_PROBE_AND_LOCK_PAGES = 2;
    public static final int DDI_MM_MAP_LOCKED_PAGES = 3;
    public static final int DDI_MM_UNMAP_LOCKED_PAGES = 4;
    public static final int DDI_IO_BUILD_PARTIAL_MDL = 5;
    public static final int DDI_MM_BUILD_MDL_NONPAGED = 6;
    public static final int DDI_MM_UNLOCK_PAGES = 7;
    public static final int DDI_IO_FREE_MDL = 8;
    public static final int DDI_EX_ALLOCATE_POOL = 9;
    public static final int DDI_EX_FREE_POOL = 10;
    public static final int DDI_MM_ALLOCATE_PAGES = 11;
    public static final int DDI_MM_FREE_PAGES = 12;
    public static final int DDI_MM_SIZE_OF_MDL = 13;
    public static final int DDI_MEMORY_ACCESS = 14;
    public static final int DDI_ZW_QUERY_VIRTUAL_MEMORY = 15;

    public static final int ROLE_AFTER = 1;
    public static final int ROLE_BEFORE = 2;
    public static final int ROLE_CHAIN = 3;

    public static final int KIND_IO_ALLOCATED = 1;
    public static final int KIND_INITIALIZED = 2;
    public static final int KIND_PARTIAL = 3;
    public static final int KIND_PAGES = 4;
    public static final int KIND_IO_MANAGER = 5;
    public static final int KIND_CHAIN = 6;

    public static final int VALID_PROCESS = 0x1;
    public static final int VALID_MAPPED_SYSTEM_VA = 0x2;
    public static final int VALID_PFNS = 0x4;

    public static final int ARCH_AMD64 = 0x8664;
    public static final int ARCH_ARM64 = 0xAA64;
}
