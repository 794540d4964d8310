package dev.mdlbridge.protocol;

/**
 * The constants of {@code driver/include/mdlbridge.h}, name for name. That header is the single source of truth;
 * {@code ProtocolHeaderTest} parses it and fails when a value here differs.
 */
public final class Protocol {

    private Protocol() {
    }

    /** The Win32 path a user-mode caller passes to {@code CreateFile} to open the driver's device. */
    public static final String USER_DEVICE_PATH = "\\\\.\\MdlBridge";
    /** The driver's service key name under {@code HKLM\SYSTEM\CurrentControlSet\Services}. */
    public static final String SERVICE_NAME = "MdlBridge";

    /** First field of every request and reply header: the bytes {@code 'M','D','L','B'} read little-endian. */
    public static final int MAGIC = 0x424C444D;
    /** Wire-format version every header carries; a mismatch fails the IRP with STATUS_REVISION_MISMATCH. */
    public static final int PROTOCOL_VERSION = 1;
    /** The driver release this library was built against: {@code major << 24 | minor << 16 | patch} (0.1.0). */
    public static final int DRIVER_VERSION = 0x00010000;

    /** The vendor device type ({@code >= 0x8000}) in every control code of the driver. */
    public static final int DEVICE_TYPE = 0x8D1B;
    /** Transfer type: the I/O manager copies input and output through a system buffer. */
    public static final int METHOD_BUFFERED = 0;
    /** Transfer type: the I/O manager locks the output buffer for reading by the driver and passes its MDL. */
    public static final int METHOD_IN_DIRECT = 1;
    /** Transfer type: the I/O manager locks the output buffer for writing by the driver and passes its MDL. */
    public static final int METHOD_OUT_DIRECT = 2;
    /** Required access {@code FILE_READ_ACCESS}: codes that only read state. */
    public static final int ACCESS_READ = 1;
    /** Required access {@code FILE_READ_ACCESS | FILE_WRITE_ACCESS}: codes that change state. */
    public static final int ACCESS_READ_WRITE = 3;

    /**
     * The Windows {@code CTL_CODE} macro for this driver's device type.
     *
     * @param function the vendor function code ({@code >= 0x800})
     * @param method   the transfer type, one of the {@code METHOD_*} values
     * @param access   the access the handle must have been opened with, one of the {@code ACCESS_*} values
     * @return the 32-bit I/O control code passed to {@code DeviceIoControl}
     */
    public static int ctlCode(int function, int method, int access) {
        return (DEVICE_TYPE << 16) | (access << 14) | (function << 2) | method;
    }

    /** Reports the driver, OS and limits (MDLB_INFO); calls no DDI. */
    public static final int IOCTL_INFO = ctlCode(0x800, METHOD_BUFFERED, ACCESS_READ);
    /** Releases every object of the handle along the release path; the reply's data is what it released. */
    public static final int IOCTL_RELEASE_ALL = ctlCode(0x801, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Calls {@code MmSizeOfMdl} for a range and returns the bytes an MDL describing it needs. */
    public static final int IOCTL_SIZE_OF_MDL = ctlCode(0x802, METHOD_BUFFERED, ACCESS_READ);
    /** Calls {@code IoAllocateMdl} for a range (no IRP, no quota charge) and keeps the MDL. */
    public static final int IOCTL_ALLOCATE_MDL = ctlCode(0x803, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Sizes an MDL with {@code MmSizeOfMdl}, allocates it from pool and fills it with {@code MmInitializeMdl}. */
    public static final int IOCTL_INITIALIZE_MDL = ctlCode(0x804, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Calls {@code MmProbeAndLockPages} on an MDL with a processor mode and a lock operation. */
    public static final int IOCTL_PROBE_AND_LOCK = ctlCode(0x805, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Maps a locked MDL into system space with {@code MmGetSystemAddressForMdlSafe}. */
    public static final int IOCTL_MAP_SYSTEM = ctlCode(0x806, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Maps a locked MDL into the caller's address space with {@code MmMapLockedPagesSpecifyCache(UserMode)}. */
    public static final int IOCTL_MAP_USER = ctlCode(0x807, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Ends a user mapping or an MDL's system mapping with {@code MmUnmapLockedPages}. */
    public static final int IOCTL_UNMAP = ctlCode(0x808, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Copies bytes out of memory through a system or user mapping the driver made. */
    public static final int IOCTL_READ_MAPPED = ctlCode(0x809, METHOD_BUFFERED, ACCESS_READ);
    /** Copies the request's trailing bytes into memory through a system or user mapping the driver made. */
    public static final int IOCTL_WRITE_MAPPED = ctlCode(0x80A, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Allocates a target MDL with {@code IoAllocateMdl} and fills it from a source with {@code IoBuildPartialMdl}. */
    public static final int IOCTL_BUILD_PARTIAL = ctlCode(0x80B, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Fills an MDL over a kernel buffer with {@code MmBuildMdlForNonPagedPool}. */
    public static final int IOCTL_BUILD_NONPAGED = ctlCode(0x80C, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Unlocks a probed MDL's pages with {@code MmUnlockPages}. */
    public static final int IOCTL_UNLOCK = ctlCode(0x80D, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Frees an MDL with {@code IoFreeMdl} or, for MDL storage from pool, {@code ExFreePool}. */
    public static final int IOCTL_FREE_MDL = ctlCode(0x80E, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Allocates a kernel buffer with {@code ExAllocatePoolWithTag(NonPagedPoolNx)}. */
    public static final int IOCTL_POOL_ALLOCATE = ctlCode(0x80F, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Frees a kernel buffer with {@code ExFreePoolWithTag}. */
    public static final int IOCTL_POOL_FREE = ctlCode(0x810, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Returns an MDL's snapshot and a window of its PFN array; calls no DDI. */
    public static final int IOCTL_QUERY = ctlCode(0x811, METHOD_BUFFERED, ACCESS_READ);
    /** Builds a chain of MDLs on the request's IRP ({@code IoAllocateMdl(Irp)} and a probe per range). */
    public static final int IOCTL_DESCRIBE_CHAIN = ctlCode(0x812, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Allocates physical pages with an MDL describing them through {@code MmAllocatePagesForMdlEx}. */
    public static final int IOCTL_ALLOCATE_PAGES = ctlCode(0x813, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Frees a page allocation's pages with {@code MmFreePagesFromMdl} (the MDL itself stays until FREE_MDL). */
    public static final int IOCTL_FREE_PAGES = ctlCode(0x814, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** A METHOD_IN_DIRECT call: the driver maps the I/O manager's MDL of the output buffer (IoReadAccess). */
    public static final int IOCTL_DIRECT_IN = ctlCode(0x815, METHOD_IN_DIRECT, ACCESS_READ_WRITE);
    /** A METHOD_OUT_DIRECT call: the driver maps the I/O manager's MDL of the output buffer (IoWriteAccess). */
    public static final int IOCTL_DIRECT_OUT = ctlCode(0x816, METHOD_OUT_DIRECT, ACCESS_READ_WRITE);
    /** Returns the outcome and the snapshots the handle's last DIRECT call kept. */
    public static final int IOCTL_DIRECT_FETCH = ctlCode(0x817, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Maps a locked MDL into system space with {@code MmMapLockedPagesSpecifyCache(KernelMode)}: a mapping object. */
    public static final int IOCTL_MAP_KERNEL = ctlCode(0x818, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Reserves system address space with {@code MmAllocateMappingAddress}: a reservation object. */
    public static final int IOCTL_RESERVE = ctlCode(0x819, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Maps a locked MDL into a reservation with {@code MmMapLockedPagesWithReservedMapping}: a mapping object. */
    public static final int IOCTL_MAP_RESERVED = ctlCode(0x81A, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Unmaps the MDL mapped into a reservation with {@code MmUnmapReservedMapping}. */
    public static final int IOCTL_UNMAP_RESERVED = ctlCode(0x81B, METHOD_BUFFERED, ACCESS_READ_WRITE);
    /** Frees a reservation with {@code MmFreeMappingAddress}. */
    public static final int IOCTL_FREE_RESERVATION = ctlCode(0x81C, METHOD_BUFFERED, ACCESS_READ_WRITE);

    /** Bytes in one page ({@code PAGE_SIZE} on x64). */
    public static final int PAGE_SIZE = 4096;
    /** {@code log2(PAGE_SIZE)}: an address shifted right by this is its virtual page number. */
    public static final int PAGE_SHIFT = 12;
    /** Bytes per PFN entry of an MDL on x64 ({@code PFN_NUMBER} is a {@code ULONG_PTR}). */
    public static final int PFN_WIDTH = 8;
    /** {@code sizeof(MDL)} on x64: the header before the PFN array. */
    public static final int MDL_HEADER_SIZE = 48;
    /** PFNs one snapshot carries at most; the rest are read with QUERY. */
    public static final int MAX_INLINE_PFNS = 8192;
    /** Bytes one READ_MAPPED or WRITE_MAPPED moves at most. */
    public static final int MAX_TRANSFER = 65536;
    /** Ranges one DESCRIBE_CHAIN builds at most. */
    public static final int MAX_CHAIN_RANGES = 16;
    /** Snapshots one reply carries at most (a full chain). */
    public static final int MAX_SNAPSHOTS = MAX_CHAIN_RANGES;
    /**
     * An output buffer that holds every code's complete reply with full PFN windows (a before and an after
     * snapshot); DESCRIBE_CHAIN's snapshots share it and have their PFN windows cut to fit.
     */
    public static final int REPLY_BUFFER_SIZE = 64 + 2 * (96 + 8 * MAX_INLINE_PFNS) + MAX_TRANSFER;

    /** Default per-handle limit on outstanding objects (MDLs, mappings, kernel buffers). */
    public static final int LIMIT_HANDLE_OBJECTS = 4096;
    /** Default per-handle limit on bytes locked by probes: 4 GiB. */
    public static final long LIMIT_HANDLE_LOCKED_BYTES = 0x1_0000_0000L;
    /** Default per-handle limit on nonpaged-pool kernel buffer bytes: 64 MiB. */
    public static final long LIMIT_HANDLE_KERNEL_BUFFER_BYTES = 0x400_0000L;
    /** Default per-handle limit on {@code MmAllocatePagesForMdlEx} bytes: 64 MiB. */
    public static final long LIMIT_HANDLE_PAGE_ALLOC_BYTES = 0x400_0000L;
    /** Default per-handle limit on pool bytes spent on MDLs and the driver's own records: 16 MiB. */
    public static final long LIMIT_HANDLE_MDL_POOL_BYTES = 0x100_0000L;
    /** Default driver-wide limit on outstanding objects of all handles. */
    public static final int LIMIT_DRIVER_OBJECTS = 65536;
    /** Default driver-wide limit on bytes locked by probes: 8 GiB. */
    public static final long LIMIT_DRIVER_LOCKED_BYTES = 0x2_0000_0000L;
    /** Default driver-wide limit on nonpaged-pool kernel buffer bytes: 256 MiB. */
    public static final long LIMIT_DRIVER_KERNEL_BUFFER_BYTES = 0x1000_0000L;
    /** Default driver-wide limit on {@code MmAllocatePagesForMdlEx} bytes: 256 MiB. */
    public static final long LIMIT_DRIVER_PAGE_ALLOC_BYTES = 0x1000_0000L;
    /** Default driver-wide limit on pool bytes spent on MDLs and the driver's own records: 64 MiB. */
    public static final long LIMIT_DRIVER_MDL_POOL_BYTES = 0x400_0000L;
    /** Default per-handle limit on system address space held by system mappings and reservations: 4 GiB. */
    public static final long LIMIT_HANDLE_SYSTEM_MAPPING_BYTES = 0x1_0000_0000L;
    /** Default driver-wide limit on system address space held by system mappings and reservations: 8 GiB. */
    public static final long LIMIT_DRIVER_SYSTEM_MAPPING_BYTES = 0x2_0000_0000L;
    /** Slots the handle's object table grows by when full (each charged against its MDL-pool bytes). */
    public static final int TABLE_GROW_SLOTS = 64;
    /** MDL-pool bytes charged per object-table slot. */
    public static final int SLOT_CHARGE = 128;
    /** MDL-pool bytes charged for the before and after snapshots a DIRECT call keeps on the handle. */
    public static final int DIRECT_RECORD_CHARGE = 2 * 8 * MAX_INLINE_PFNS + 512;
    /** Open handles the whole driver allows; CREATE beyond it fails with STATUS_QUOTA_EXCEEDED. */
    public static final int LIMIT_DRIVER_HANDLES = 1024;

    /** Index of the administrator limit {@code maxObjects} (bit {@code 1 << index} in Info's limit masks). */
    public static final int LIMIT_NAME_MAX_OBJECTS = 0;
    /** Index of {@code maxLockedBytes}. */
    public static final int LIMIT_NAME_MAX_LOCKED_BYTES = 1;
    /** Index of {@code maxKernelBufferBytes}. */
    public static final int LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES = 2;
    /** Index of {@code maxPageAllocationBytes}. */
    public static final int LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES = 3;
    /** Index of {@code maxMdlPoolBytes}. */
    public static final int LIMIT_NAME_MAX_MDL_POOL_BYTES = 4;
    /** Index of {@code maxSystemMappingBytes}. */
    public static final int LIMIT_NAME_MAX_SYSTEM_MAPPING_BYTES = 5;
    /** Index of {@code driverMaxObjects}. */
    public static final int LIMIT_NAME_DRIVER_MAX_OBJECTS = 6;
    /** Index of {@code driverMaxLockedBytes}. */
    public static final int LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES = 7;
    /** Index of {@code driverMaxKernelBufferBytes}. */
    public static final int LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES = 8;
    /** Index of {@code driverMaxPageAllocationBytes}. */
    public static final int LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES = 9;
    /** Index of {@code driverMaxMdlPoolBytes}. */
    public static final int LIMIT_NAME_DRIVER_MAX_MDL_POOL_BYTES = 10;
    /** Index of {@code driverMaxSystemMappingBytes}. */
    public static final int LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES = 11;
    /** Index of {@code driverMaxHandles}. */
    public static final int LIMIT_NAME_DRIVER_MAX_HANDLES = 12;
    /** How many administrator limits there are. */
    public static final int LIMIT_NAME_COUNT = 13;
    /** The administrator limits' names, by index: registry values under {@code Parameters}, simulator settings. */
    public static final java.util.List<String> LIMIT_NAMES = java.util.List.of("maxObjects", "maxLockedBytes",
            "maxKernelBufferBytes", "maxPageAllocationBytes", "maxMdlPoolBytes", "maxSystemMappingBytes",
            "driverMaxObjects", "driverMaxLockedBytes", "driverMaxKernelBufferBytes", "driverMaxPageAllocationBytes",
            "driverMaxMdlPoolBytes", "driverMaxSystemMappingBytes", "driverMaxHandles");
    /** Each administrator limit's clamp range {@code {min, max}}, by index ({@code MDLB_LIMIT_RANGES}). */
    public static final long[][] LIMIT_RANGES = {
        {16L, 65536L}, {0x100000L, 0x10_0000_0000L}, {0x10000L, 0x1_0000_0000L}, {0x10000L, 0x10_0000_0000L},
        {0x100000L, 0x1000_0000L}, {0x100000L, 0x8_0000_0000L},
        {16L, 1048576L}, {0x100000L, 0x40_0000_0000L}, {0x10000L, 0x4_0000_0000L}, {0x10000L, 0x40_0000_0000L},
        {0x100000L, 0x4000_0000L}, {0x100000L, 0x8_0000_0000L}, {1L, 4096L}};
    /** The service key's subkey the driver reads administrator limits from at load. */
    public static final String PARAMETERS_SUBKEY = "Parameters";

    /** {@code KPROCESSOR_MODE} KernelMode: the range is trusted, not probed for user access. */
    public static final int KERNEL_MODE = 0;
    /** {@code KPROCESSOR_MODE} UserMode: the range is probed as user memory of the current process. */
    public static final int USER_MODE = 1;
    /** {@code LOCK_OPERATION} IoReadAccess: the pages will only be read (the MDL is not marked for write). */
    public static final int IO_READ_ACCESS = 0;
    /** {@code LOCK_OPERATION} IoWriteAccess: the pages will be written (sets MDL_WRITE_OPERATION). */
    public static final int IO_WRITE_ACCESS = 1;
    /** {@code LOCK_OPERATION} IoModifyAccess: read and written; Windows treats it as IoWriteAccess. */
    public static final int IO_MODIFY_ACCESS = 2;
    /** {@code MM_PAGE_PRIORITY} LowPagePriority: the mapping may fail when system PTEs run low. */
    public static final int LOW_PAGE_PRIORITY = 0;
    /** {@code MM_PAGE_PRIORITY} NormalPagePriority: fails only when system PTEs are very low. */
    public static final int NORMAL_PAGE_PRIORITY = 16;
    /** {@code MM_PAGE_PRIORITY} HighPagePriority: fails only when system PTEs are exhausted. */
    public static final int HIGH_PAGE_PRIORITY = 32;
    /** Priority modifier {@code MdlMappingNoWrite} (Windows 8+): the mapping is read-only. */
    public static final int MAPPING_NO_WRITE = 0x80000000;
    /** Priority modifier {@code MdlMappingNoExecute} (Windows 8+): the mapping is not executable. */
    public static final int MAPPING_NO_EXECUTE = 0x40000000;
    /** {@code MEMORY_CACHING_TYPE} MmNonCached: for page allocations made non-cached (and their mappings). */
    public static final int MM_NON_CACHED = 0;
    /** {@code MEMORY_CACHING_TYPE} MmCached: caller ranges and kernel buffers; the default. */
    public static final int MM_CACHED = 1;
    /** {@code MEMORY_CACHING_TYPE} MmWriteCombined: for page allocations made write-combined (and their mappings). */
    public static final int MM_WRITE_COMBINED = 2;
    /** {@code MmAllocatePagesForMdlEx} flag that skips zeroing the pages; refused with STATUS_INVALID_PARAMETER. */
    public static final int MM_DONT_ZERO_ALLOCATION = 0x1;
    /** {@code MM_ALLOCATE_FROM_LOCAL_NODE_ONLY}; refused (NUMA placement is not observable here). */
    public static final int MM_ALLOCATE_FROM_LOCAL_NODE_ONLY = 0x2;
    /** {@code MM_ALLOCATE_FULLY_REQUIRED} (Windows 7+): NULL unless every requested page is obtained. */
    public static final int MM_ALLOCATE_FULLY_REQUIRED = 0x4;
    /** {@code MM_ALLOCATE_NO_WAIT} (Windows 7+): the allocation never blocks. */
    public static final int MM_ALLOCATE_NO_WAIT = 0x8;
    /** {@code MM_ALLOCATE_PREFER_CONTIGUOUS} (Windows 7+): minimise fragmentation. */
    public static final int MM_ALLOCATE_PREFER_CONTIGUOUS = 0x10;
    /** {@code MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS} (Windows 7+): contiguous chunks or nothing. */
    public static final int MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS = 0x20;
    /** The {@code MM_ALLOCATE_*} bits the contract accepts (where the profile's Windows has them). */
    public static final int MM_ALLOCATE_ACCEPTED_FLAGS = 0x3C;
    /** {@code HighAddress} of {@code MmAllocatePagesForMdlEx} meaning "any physical address". */
    public static final long HIGHEST_PHYSICAL_ADDRESS = 0xFFFF_FFFF_FFFF_FFFFL;
    /** A kernel buffer's {@code pageOffset} is a multiple of this below {@link #PAGE_SIZE}. */
    public static final int POOL_OFFSET_ALIGNMENT = 16;
    /** FREE_MDL method: {@code IoFreeMdl}, for MDLs from {@code IoAllocateMdl}. */
    public static final int FREE_IOFREEMDL = 0;
    /** FREE_MDL method: {@code ExFreePool}, for MDL storage from pool (MmInitializeMdl, page allocations). */
    public static final int FREE_EXFREEPOOL = 1;
    /** DESCRIBE_CHAIN cleanup: the IRP completes with the chain attached and the I/O manager unlocks and frees it. */
    public static final int CLEANUP_IO_MANAGER = 0;
    /** DESCRIBE_CHAIN cleanup: the driver detaches the chain, unlocks each locked MDL and calls {@code IoFreeMdl}. */
    public static final int CLEANUP_DRIVER = 1;

    // Sizes of the request structures (header included) and of the reply structures.
    /**
     * Bytes of MDLB_REQUEST_HEADER (magic, version, PFN window); INFO, RELEASE_ALL and the DIRECT codes send only this.
     */
    public static final int REQUEST_HEADER_SIZE = 16;
    /** Bytes of MDLB_REQ_RANGE (SIZE_OF_MDL: address and SIZE_T length). */
    public static final int REQ_RANGE_SIZE = 32;
    /** Bytes of MDLB_REQ_ALLOCATE_MDL (ALLOCATE_MDL, INITIALIZE_MDL: address and ULONG length). */
    public static final int REQ_ALLOCATE_MDL_SIZE = 32;
    /** Bytes of MDLB_REQ_OBJECT (BUILD_NONPAGED, UNLOCK, QUERY, FREE_PAGES, POOL_FREE: one object id). */
    public static final int REQ_OBJECT_SIZE = 24;
    /** Bytes of MDLB_REQ_FREE_MDL (MDL id and free method). */
    public static final int REQ_FREE_MDL_SIZE = 24;
    /** Bytes of MDLB_REQ_PROBE (MDL id, processor mode, lock operation). */
    public static final int REQ_PROBE_SIZE = 24;
    /** Bytes of MDLB_REQ_MAP_SYSTEM (MDL id and page priority). */
    public static final int REQ_MAP_SYSTEM_SIZE = 24;
    /** Bytes of MDLB_REQ_MAP_USER (MDL id, cache type, requested address, priority). */
    public static final int REQ_MAP_USER_SIZE = 40;
    /** Bytes of MDLB_REQ_MAPPING (UNMAP: a user mapping id or the MDL whose system mapping ends). */
    public static final int REQ_MAPPING_SIZE = 24;
    /** Bytes of MDLB_REQ_TRANSFER (READ_MAPPED, WRITE_MAPPED), without WRITE_MAPPED's trailing data. */
    public static final int REQ_TRANSFER_SIZE = 32;
    /** Bytes of MDLB_REQ_BUILD_PARTIAL (source id, length, offset). */
    public static final int REQ_BUILD_PARTIAL_SIZE = 32;
    /** Bytes of MDLB_REQ_POOL_ALLOCATE (kernel buffer size and page offset). */
    public static final int REQ_POOL_ALLOCATE_SIZE = 32;
    /** Bytes of MDLB_REQ_ALLOCATE_PAGES (total bytes, flags, cache type, address range, skip). */
    public static final int REQ_ALLOCATE_PAGES_SIZE = 64;
    /** Bytes of MDLB_REQ_RESERVE (RESERVE: the bytes of system address space to reserve). */
    public static final int REQ_RESERVE_SIZE = 24;
    /** Bytes of MDLB_REQ_RESERVED (MAP_RESERVED, UNMAP_RESERVED: reservation, MDL, cache type). */
    public static final int REQ_RESERVED_SIZE = 32;
    /** Bytes of one MDLB_CHAIN_RANGE (address, length, lock operation). */
    public static final int CHAIN_RANGE_SIZE = 16;
    /** Bytes of MDLB_REQ_CHAIN before its ranges (range count and cleanup). */
    public static final int REQ_CHAIN_SIZE = 24;
    /** Bytes of MDLB_REPLY_HEADER (status, stage, detail, object, value, offsets). */
    public static final int REPLY_HEADER_SIZE = 64;
    /** Bytes of one MDLB_SNAPSHOT before its PFNs (8 bytes each follow). */
    public static final int SNAPSHOT_SIZE = 96;
    /** Bytes of MDLB_COUNTERS (outstanding MDLs, mappings, kernel buffers, locked pages). */
    public static final int COUNTERS_SIZE = 24;
    /** Bytes of MDLB_LIMITS (one set of limits). */
    public static final int LIMITS_SIZE = 40;
    /** Bytes of MDLB_USE (counters and what is charged against each limit). */
    public static final int USE_SIZE = 64;
    /** Bytes of MDLB_INFO, INFO's data. */
    public static final int INFO_SIZE = 416;

    /** Reply stage: every DDI ran; the status is the DDI's own (success or its failure). */
    public static final int STAGE_DONE = 0;
    /** Reply stage: a bad parameter value, STATUS_INVALID_PARAMETER; the detail is a {@code PARAM_*} code. */
    public static final int STAGE_PARAMETER = 1;
    /**
     * Reply stage: a contract refusal, STATUS_INVALID_DEVICE_STATE, nothing changed; the detail is a {@code REFUSE_*}
     * code.
     */
    public static final int STAGE_REFUSED = 2;
    /** Reply stage: a driver limit was reached, STATUS_QUOTA_EXCEEDED; the detail is a {@code LIMIT_*} code. */
    public static final int STAGE_LIMIT = 3;
    /** Reply stage: a DDI returned NULL or raised; the status is its status, the detail a {@code DDI_*} code. */
    public static final int STAGE_DDI = 4;

    /** Wrong field: the processor mode (neither KernelMode nor UserMode). */
    public static final int PARAM_ACCESS_MODE = 1;
    /** Wrong field: the lock operation (not IoRead, IoWrite or IoModifyAccess). */
    public static final int PARAM_OPERATION = 2;
    /** Wrong field: the page priority or its modifier bits. */
    public static final int PARAM_PRIORITY = 3;
    /** Wrong field: the cache type (only MmCached is accepted). */
    public static final int PARAM_CACHE_TYPE = 4;
    /** Wrong field: a length (for example a transfer over MAX_TRANSFER). */
    public static final int PARAM_LENGTH = 5;
    /** Wrong field: the page-allocation flags (for example MM_DONT_ZERO_ALLOCATION). */
    public static final int PARAM_FLAGS = 6;
    /** Wrong field: the FREE_MDL method. */
    public static final int PARAM_METHOD = 7;
    /** Wrong field: the DESCRIBE_CHAIN cleanup. */
    public static final int PARAM_CLEANUP = 8;
    /** Wrong field: a reserved field that is not 0. */
    public static final int PARAM_RESERVED = 9;
    /** Wrong field: an allocation size. */
    public static final int PARAM_SIZE = 10;
    /** Wrong field: an offset into an MDL or mapping. */
    public static final int PARAM_OFFSET = 11;
    /** Wrong field: the DESCRIBE_CHAIN range count (not 1 to MAX_CHAIN_RANGES). */
    public static final int PARAM_RANGE_COUNT = 12;
    /** Wrong field: the header's PFN window. */
    public static final int PARAM_PFN_WINDOW = 13;
    /** Bad parameter: MAP_KERNEL with a requested address (KernelMode takes none). */
    public static final int PARAM_REQUESTED_ADDRESS = 14;
    /** Bad parameter: ALLOCATE_PAGES with {@code lowAddress} above {@code highAddress}. */
    public static final int PARAM_ADDRESS_RANGE = 15;
    /** Bad parameter: ALLOCATE_PAGES with {@code skipBytes} not a page multiple (or not what the flags need). */
    public static final int PARAM_SKIP_BYTES = 16;
    /** Bad parameter: POOL_ALLOCATE with {@code pageOffset} not a multiple of 16 below 4096. */
    public static final int PARAM_PAGE_OFFSET = 17;

    /** Refusal 3.1: probe (or nonpaged build) of an MDL whose pages are already locked. */
    public static final int REFUSE_PROBE_LOCKED = 0x0101;
    /** Refusal 3.1: probe (or nonpaged build) of an MDL that is mapped. */
    public static final int REFUSE_PROBE_MAPPED = 0x0102;
    /** Refusal 3.1: probe (or nonpaged build) of a partial MDL. */
    public static final int REFUSE_PROBE_PARTIAL = 0x0103;
    /** Refusal 3.1: probe (or second build) of an MDL already built for nonpaged pool. */
    public static final int REFUSE_PROBE_NONPAGED = 0x0104;
    /** Refusal 3.1: probe (or nonpaged build) of an MDL from a page allocation. */
    public static final int REFUSE_PROBE_NOT_IOALLOCATED = 0x0105;
    /** Refusal 3.2: KernelMode probe or nonpaged build of a range outside a kernel buffer of the handle. */
    public static final int REFUSE_KERNEL_RANGE_REQUIRED = 0x0201;
    /** Refusal 3.3: mapping of an MDL that nothing locked or built. */
    public static final int REFUSE_MAP_NOT_LOCKED = 0x0301;
    /** Refusal 3.4: unlock of an MDL never locked or already unlocked. */
    public static final int REFUSE_UNLOCK_NOT_LOCKED = 0x0401;
    /** Refusal 3.4: unlock of a partial MDL (its source holds the lock). */
    public static final int REFUSE_UNLOCK_PARTIAL = 0x0402;
    /** Refusal 3.4: unlock of an MDL built for nonpaged pool (nothing was locked). */
    public static final int REFUSE_UNLOCK_NONPAGED = 0x0403;
    /** Refusal 3.4: unlock of a page allocation (its pages go with MmFreePagesFromMdl). */
    public static final int REFUSE_UNLOCK_PAGES = 0x0404;
    /** Refusal 3.5: unlock, free or free-pages while a user mapping of the MDL lives. */
    public static final int REFUSE_USER_MAPPING_LIVES = 0x0501;
    /** Refusal 3.5: unlock, free or free-pages while a partial MDL built from it lives. */
    public static final int REFUSE_PARTIAL_LIVES = 0x0502;
    /** Refusal 3.5: MmFreePagesFromMdl on an MDL that is not a page allocation. */
    public static final int REFUSE_NOT_PAGE_ALLOCATION = 0x0503;
    /** Refusal 3.5: MmFreePagesFromMdl while the allocation's system mapping lives. */
    public static final int REFUSE_SYSTEM_MAPPING_LIVES = 0x0504;
    /** Refusal 3.6: free of an MDL whose pages are locked. */
    public static final int REFUSE_FREE_LOCKED = 0x0601;
    /** Refusal 3.6: free of a non-partial MDL whose system mapping lives. */
    public static final int REFUSE_FREE_MAPPED = 0x0602;
    /** Refusal 3.6: IoFreeMdl of MDL storage from pool, or ExFreePool of an IoAllocateMdl MDL. */
    public static final int REFUSE_FREE_WRONG_METHOD = 0x0603;
    /** Refusal 3.6: ExFreePool of a page allocation's MDL before MmFreePagesFromMdl. */
    public static final int REFUSE_FREE_PAGES_FIRST = 0x0604;
    /** Refusal 3.7: unmap of a system address the MDL did not map (inherited, nonpaged, or nothing mapped). */
    public static final int REFUSE_UNMAP_NOT_OWNED = 0x0701;
    /** Refusal 3.7: unmap of a source's system mapping while a partial MDL inherited it. */
    public static final int REFUSE_UNMAP_INHERITED = 0x0702;
    /** Refusal 3.8: partial MDL of a source that is neither locked, nonpaged nor a page allocation. */
    public static final int REFUSE_PARTIAL_SOURCE = 0x0801;
    /** Refusal 3.8: partial MDL of a range outside its source. */
    public static final int REFUSE_PARTIAL_RANGE = 0x0802;
    /** Refusal 3.9: ExFreePool of a kernel buffer an MDL still describes or maps. */
    public static final int REFUSE_POOL_IN_USE = 0x0901;
    /** Refusal 3.10: read or write through a mapping that has ended. */
    public static final int REFUSE_MAPPING_ENDED = 0x0A01;
    /** Refusal 3.11: write through a read-locked or MdlMappingNoWrite mapping. */
    public static final int REFUSE_WRITE_NOT_ALLOWED = 0x0B01;
    /** Refusal 3.11: read or write outside the MDL's {@code [0, ByteCount)}. */
    public static final int REFUSE_OUT_OF_RANGE = 0x0B02;
    /** Refusal (section 2): the range lies in one of the driver's own user mappings. */
    public static final int REFUSE_RANGE_IN_USER_MAPPING = 0x0C01;
    /** Refusal (section 2): KernelMode probe, nonpaged build or mapping of 0 bytes. */
    public static final int REFUSE_ZERO_LENGTH = 0x0C02;
    /** Refusal (section 1): a mapping, lock or page allocation on a handle another process has used. */
    public static final int REFUSE_SHARED_HANDLE = 0x0C03;
    /** Refusal (section 2): read-locked user mappings, because read-only user mappings failed verification at load. */
    public static final int REFUSE_USER_MAPPING_WRITABLE = 0x0C04;
    /** Refusal (section 5): DIRECT_FETCH with no DIRECT call on the handle to report. */
    public static final int REFUSE_NO_DIRECT_RECORD = 0x0C05;
    /** Refused (section 2): a second system mapping of an MDL that already has one (or is nonpaged, or a mapped partial). */
    public static final int REFUSE_ALREADY_MAPPED = 0x0C06;
    /** Refused (section 2): the probe came back with MDL_IO_SPACE (device memory); the driver unlocked it again. */
    public static final int REFUSE_IO_SPACE = 0x0C07;
    /** Refused (section 2): a caller range whose protection carries PAGE_NOCACHE or PAGE_WRITECOMBINE. */
    public static final int REFUSE_UNCACHED_RANGE = 0x0C08;
    /** Refused (3.13): mapping into a reservation that already holds a mapping. */
    public static final int REFUSE_RESERVATION_IN_USE = 0x0D01;
    /** Refused (3.13): the MDL spans more pages than the reservation. */
    public static final int REFUSE_RESERVATION_TOO_SMALL = 0x0D02;
    /** Refused (3.13): unmapping an MDL that is not the one mapped into the reservation (or none is). */
    public static final int REFUSE_RESERVATION_WRONG_MDL = 0x0D03;
    /** Refused (3.13): freeing a reservation that is mapped. */
    public static final int REFUSE_RESERVATION_MAPPED = 0x0D04;
    /** Refused (3.13): unlock, unmap, free or free-pages of an MDL mapped through a reservation. */
    public static final int REFUSE_RESERVED_MAPPING_LIVES = 0x0D05;

    /** Limit reached: outstanding objects. */
    public static final int LIMIT_OBJECTS = 1;
    /** Limit reached: bytes locked by probes. */
    public static final int LIMIT_LOCKED_BYTES = 2;
    /** Limit reached: nonpaged-pool kernel buffer bytes. */
    public static final int LIMIT_KERNEL_BUFFER_BYTES = 3;
    /** Limit reached: {@code MmAllocatePagesForMdlEx} bytes. */
    public static final int LIMIT_PAGE_ALLOC_BYTES = 4;
    /** Limit reached: pool bytes for MDLs and the driver's records. */
    public static final int LIMIT_MDL_POOL_BYTES = 5;
    /** Limit reached: system address space of system mappings and reservations ({@code maxSystemMappingBytes}). */
    public static final int LIMIT_SYSTEM_MAPPING_BYTES = 6;

    /** Failed DDI: {@code IoAllocateMdl} returned NULL. */
    public static final int DDI_IO_ALLOCATE_MDL = 1;
    /** Failed DDI: {@code MmProbeAndLockPages} raised an exception. */
    public static final int DDI_MM_PROBE_AND_LOCK_PAGES = 2;
    /** Failed DDI: {@code MmGetSystemAddressForMdlSafe} or {@code MmMapLockedPagesSpecifyCache} returned NULL. */
    public static final int DDI_MM_MAP_LOCKED_PAGES = 3;
    /** Failed DDI: {@code MmUnmapLockedPages}. */
    public static final int DDI_MM_UNMAP_LOCKED_PAGES = 4;
    /** Failed DDI: {@code IoBuildPartialMdl}. */
    public static final int DDI_IO_BUILD_PARTIAL_MDL = 5;
    /** Failed DDI: {@code MmBuildMdlForNonPagedPool}. */
    public static final int DDI_MM_BUILD_MDL_NONPAGED = 6;
    /** Failed DDI: {@code MmUnlockPages}. */
    public static final int DDI_MM_UNLOCK_PAGES = 7;
    /** Failed DDI: {@code IoFreeMdl}. */
    public static final int DDI_IO_FREE_MDL = 8;
    /** Failed DDI: {@code ExAllocatePoolWithTag} returned NULL. */
    public static final int DDI_EX_ALLOCATE_POOL = 9;
    /** Failed DDI: {@code ExFreePoolWithTag}. */
    public static final int DDI_EX_FREE_POOL = 10;
    /** Failed DDI: {@code MmAllocatePagesForMdlEx} returned NULL. */
    public static final int DDI_MM_ALLOCATE_PAGES = 11;
    /** Failed DDI: {@code MmFreePagesFromMdl}. */
    public static final int DDI_MM_FREE_PAGES = 12;
    /** Failed DDI: {@code MmSizeOfMdl}. */
    public static final int DDI_MM_SIZE_OF_MDL = 13;
    /** Failed DDI: the copy through a mapping faulted. */
    public static final int DDI_MEMORY_ACCESS = 14;
    /** Failed DDI: {@code ZwQueryVirtualMemory}. */
    public static final int DDI_ZW_QUERY_VIRTUAL_MEMORY = 15;
    /** Failed DDI: {@code MmAllocateMappingAddress} returned NULL. */
    public static final int DDI_MM_ALLOCATE_MAPPING_ADDRESS = 16;
    /** Failed DDI: {@code MmMapLockedPagesWithReservedMapping} returned NULL. */
    public static final int DDI_MM_MAP_RESERVED = 17;
    /** The DDI is not exported by this Windows (resolved at run time); the status is STATUS_NOT_SUPPORTED. */
    public static final int DDI_MM_UNAVAILABLE = 18;

    /** Snapshot role: the MDL right after the step. */
    public static final int ROLE_AFTER = 1;
    /** Snapshot role: the MDL right before the step (e.g. the locked PFNs before MmUnlockPages). */
    public static final int ROLE_BEFORE = 2;
    /** Snapshot role: one MDL of a DESCRIBE_CHAIN, in chain order, after the whole chain was built. */
    public static final int ROLE_CHAIN = 3;

    /** MDL kind: from {@code IoAllocateMdl}. */
    public static final int KIND_IO_ALLOCATED = 1;
    /** MDL kind: pool storage sized by {@code MmSizeOfMdl} and filled by {@code MmInitializeMdl}. */
    public static final int KIND_INITIALIZED = 2;
    /** MDL kind: {@code IoAllocateMdl} filled by {@code IoBuildPartialMdl}. */
    public static final int KIND_PARTIAL = 3;
    /** MDL kind: from {@code MmAllocatePagesForMdlEx}. */
    public static final int KIND_PAGES = 4;
    /** MDL kind: the I/O manager's {@code Irp->MdlAddress} of a DIRECT call. */
    public static final int KIND_IO_MANAGER = 5;
    /** MDL kind: an MDL of a DESCRIBE_CHAIN. */
    public static final int KIND_CHAIN = 6;

    /** Snapshot validity bit: {@code Process} is defined at this point (otherwise reported as 0). */
    public static final int VALID_PROCESS = 0x1;
    /** Snapshot validity bit: {@code MappedSystemVa} is defined at this point (otherwise reported as 0). */
    public static final int VALID_MAPPED_SYSTEM_VA = 0x2;
    /** Snapshot validity bit: the PFN array holds real page frame numbers (the pages are locked or allocated). */
    public static final int VALID_PFNS = 0x4;

    /** Machine {@code IMAGE_FILE_MACHINE_AMD64}: x64. */
    public static final int ARCH_AMD64 = 0x8664;
    /** Machine {@code IMAGE_FILE_MACHINE_ARM64}: arm64. */
    public static final int ARCH_ARM64 = 0xAA64;
}
