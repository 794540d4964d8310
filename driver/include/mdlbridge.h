/*
 * mdlbridge.h - THE protocol between mdlbridge.sys and its callers.
 *
 * This header is the single source of truth for every byte that crosses the device boundary. The driver
 * (driver/src), the Java codec (java/api, package dev.mdlbridge.protocol), the simulated driver
 * (java/simulator) and the shared test vectors (driver/test/vectors) all follow it field by field. Change a
 * layout here only together with all four, and bump MDLB_PROTOCOL_VERSION.
 *
 * Rules of the wire format:
 *  - every integer is little-endian and fixed width; every structure is naturally aligned with explicit
 *    padding, so the same bytes come out of MSVC, clang and the Java codec (static asserts at the bottom);
 *  - every request starts with MDLB_REQUEST_HEADER, every reply with MDLB_REPLY_HEADER; both carry the
 *    protocol version;
 *  - the IRP fails only for a malformed request (CONTRACT.md section 3, "order of checks"): bad size, magic,
 *    version or code, an unknown object id, a call from a process that does not own the handle. A well-formed
 *    request always completes with STATUS_SUCCESS and a reply whose Status says what the operation did.
 *  - objects are small per-handle ids (never pointers); id 0 means "none".
 *  - version 1 is not frozen until a release has run on Windows: until then a layout may still grow (as
 *    MDLB_INFO, MDLB_REQ_POOL_ALLOCATE and MDLB_REQ_ALLOCATE_PAGES did for the DDI-coverage issue) without a
 *    version bump, always together with the four readers above.
 */
#ifndef MDLBRIDGE_H
#define MDLBRIDGE_H

#if defined(_NTDDK_) || defined(_WDMDDK_) || defined(_NTIFS_)
typedef UINT8 mdlb_u8;
typedef UINT16 mdlb_u16;
typedef UINT32 mdlb_u32;
typedef UINT64 mdlb_u64;
#else
#include <stdint.h>
typedef uint8_t mdlb_u8;
typedef uint16_t mdlb_u16;
typedef uint32_t mdlb_u32;
typedef uint64_t mdlb_u64;
#endif

#ifndef CTL_CODE
#define CTL_CODE(DeviceType, Function, Method, Access) \
    (((DeviceType) << 16) | ((Access) << 14) | ((Function) << 2) | (Method))
#endif

/* ---------------------------------------------------------------------------------------------------- */
/* Names and versions                                                                                    */
/* ---------------------------------------------------------------------------------------------------- */

#define MDLB_DEVICE_NAME        L"\\Device\\MdlBridge"
#define MDLB_DOS_DEVICE_NAME    L"\\DosDevices\\MdlBridge"
#define MDLB_USER_DEVICE_PATH   L"\\\\.\\MdlBridge"
#define MDLB_SERVICE_NAME       L"MdlBridge"

#define MDLB_MAGIC              0x424C444Du /* bytes 'M','D','L','B' */
#define MDLB_PROTOCOL_VERSION   1u
#define MDLB_DRIVER_VERSION     0x00010000u /* major << 24 | minor << 16 | patch: 0.1.0 */

/* ---------------------------------------------------------------------------------------------------- */
/* Control codes                                                                                         */
/* ---------------------------------------------------------------------------------------------------- */

/* A vendor device type (>= 0x8000) and vendor function codes (>= 0x800). */
#define MDLB_DEVICE_TYPE        0x8D1Bu

#define MDLB_METHOD_BUFFERED    0u
#define MDLB_METHOD_IN_DIRECT   1u
#define MDLB_METHOD_OUT_DIRECT  2u
#define MDLB_ACCESS_READ        1u /* FILE_READ_ACCESS */
#define MDLB_ACCESS_READ_WRITE  3u /* FILE_READ_ACCESS | FILE_WRITE_ACCESS: codes that change state */

#define MDLB_CTL(fn, method, access) CTL_CODE(MDLB_DEVICE_TYPE, (fn), (method), (access))

/*                                             function  method                  access         DDI performed */
#define IOCTL_MDLB_INFO            MDLB_CTL(0x800, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ)       /* none */
#define IOCTL_MDLB_RELEASE_ALL     MDLB_CTL(0x801, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* release path */
#define IOCTL_MDLB_SIZE_OF_MDL     MDLB_CTL(0x802, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ)       /* MmSizeOfMdl */
#define IOCTL_MDLB_ALLOCATE_MDL    MDLB_CTL(0x803, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* IoAllocateMdl */
#define IOCTL_MDLB_INITIALIZE_MDL  MDLB_CTL(0x804, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmSizeOfMdl+pool+MmInitializeMdl */
#define IOCTL_MDLB_PROBE_AND_LOCK  MDLB_CTL(0x805, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmProbeAndLockPages */
#define IOCTL_MDLB_MAP_SYSTEM      MDLB_CTL(0x806, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmGetSystemAddressForMdlSafe */
#define IOCTL_MDLB_MAP_USER        MDLB_CTL(0x807, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmMapLockedPagesSpecifyCache(UserMode) */
#define IOCTL_MDLB_UNMAP           MDLB_CTL(0x808, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmUnmapLockedPages */
#define IOCTL_MDLB_READ_MAPPED     MDLB_CTL(0x809, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ)       /* read through a mapping */
#define IOCTL_MDLB_WRITE_MAPPED    MDLB_CTL(0x80A, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* write through a mapping */
#define IOCTL_MDLB_BUILD_PARTIAL   MDLB_CTL(0x80B, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* IoAllocateMdl+IoBuildPartialMdl */
#define IOCTL_MDLB_BUILD_NONPAGED  MDLB_CTL(0x80C, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmBuildMdlForNonPagedPool */
#define IOCTL_MDLB_UNLOCK          MDLB_CTL(0x80D, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmUnlockPages */
#define IOCTL_MDLB_FREE_MDL        MDLB_CTL(0x80E, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* IoFreeMdl or ExFreePool */
#define IOCTL_MDLB_POOL_ALLOCATE   MDLB_CTL(0x80F, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* ExAllocatePoolWithTag(NonPagedPoolNx) */
#define IOCTL_MDLB_POOL_FREE       MDLB_CTL(0x810, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* ExFreePoolWithTag */
#define IOCTL_MDLB_QUERY           MDLB_CTL(0x811, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ)       /* none: snapshot + PFN range */
#define IOCTL_MDLB_DESCRIBE_CHAIN  MDLB_CTL(0x812, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* IoAllocateMdl(Irp)+probe per range */
#define IOCTL_MDLB_ALLOCATE_PAGES  MDLB_CTL(0x813, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmAllocatePagesForMdlEx */
#define IOCTL_MDLB_FREE_PAGES      MDLB_CTL(0x814, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmFreePagesFromMdl */
#define IOCTL_MDLB_DIRECT_IN       MDLB_CTL(0x815, MDLB_METHOD_IN_DIRECT,  MDLB_ACCESS_READ_WRITE) /* the I/O manager's MDL, IoReadAccess */
#define IOCTL_MDLB_DIRECT_OUT      MDLB_CTL(0x816, MDLB_METHOD_OUT_DIRECT, MDLB_ACCESS_READ_WRITE) /* the I/O manager's MDL, IoWriteAccess */
#define IOCTL_MDLB_DIRECT_FETCH    MDLB_CTL(0x817, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* snapshots kept by the last DIRECT call */
#define IOCTL_MDLB_MAP_KERNEL      MDLB_CTL(0x818, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmMapLockedPagesSpecifyCache(KernelMode) */
#define IOCTL_MDLB_RESERVE         MDLB_CTL(0x819, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmAllocateMappingAddress */
#define IOCTL_MDLB_MAP_RESERVED    MDLB_CTL(0x81A, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmMapLockedPagesWithReservedMapping */
#define IOCTL_MDLB_UNMAP_RESERVED  MDLB_CTL(0x81B, MDLB_METHOD_BUFFERED,   MDLB_ACCESS_READ_WRITE) /* MmUnmapReservedMapping */
#define IOCTL_MDLB_FREE_RESERVATION MDLB_CTL(0x81C, MDLB_METHOD_BUFFERED,  MDLB_ACCESS_READ_WRITE) /* MmFreeMappingAddress */

/* Every control code above, in function order: the one list the C tests, the Eva harnesses and the fuzzer iterate
 * (a new code is added here and nowhere else). Use as an initializer: { MDLB_CONTROL_CODES }. */
#define MDLB_CONTROL_CODES \
    IOCTL_MDLB_INFO, IOCTL_MDLB_RELEASE_ALL, IOCTL_MDLB_SIZE_OF_MDL, IOCTL_MDLB_ALLOCATE_MDL, \
    IOCTL_MDLB_INITIALIZE_MDL, IOCTL_MDLB_PROBE_AND_LOCK, IOCTL_MDLB_MAP_SYSTEM, IOCTL_MDLB_MAP_USER, \
    IOCTL_MDLB_UNMAP, IOCTL_MDLB_READ_MAPPED, IOCTL_MDLB_WRITE_MAPPED, IOCTL_MDLB_BUILD_PARTIAL, \
    IOCTL_MDLB_BUILD_NONPAGED, IOCTL_MDLB_UNLOCK, IOCTL_MDLB_FREE_MDL, IOCTL_MDLB_POOL_ALLOCATE, \
    IOCTL_MDLB_POOL_FREE, IOCTL_MDLB_QUERY, IOCTL_MDLB_DESCRIBE_CHAIN, IOCTL_MDLB_ALLOCATE_PAGES, \
    IOCTL_MDLB_FREE_PAGES, IOCTL_MDLB_DIRECT_IN, IOCTL_MDLB_DIRECT_OUT, IOCTL_MDLB_DIRECT_FETCH, \
    IOCTL_MDLB_MAP_KERNEL, IOCTL_MDLB_RESERVE, IOCTL_MDLB_MAP_RESERVED, IOCTL_MDLB_UNMAP_RESERVED, \
    IOCTL_MDLB_FREE_RESERVATION

/* ---------------------------------------------------------------------------------------------------- */
/* Limits the protocol itself imposes                                                                    */
/* ---------------------------------------------------------------------------------------------------- */

#define MDLB_PAGE_SIZE            4096u
#define MDLB_PFN_WIDTH            8u       /* bytes per PFN on x64 (PFN_NUMBER = ULONG_PTR) */
#define MDLB_MDL_HEADER_SIZE      48u      /* sizeof(MDL) on x64 */
#define MDLB_MAX_INLINE_PFNS      8192u    /* PFNs one snapshot carries at most; the rest through QUERY */
#define MDLB_MAX_TRANSFER         65536u   /* bytes one READ_MAPPED / WRITE_MAPPED moves at most */
#define MDLB_MAX_CHAIN_RANGES     16u      /* ranges one DESCRIBE_CHAIN builds at most */
#define MDLB_MAX_SNAPSHOTS        MDLB_MAX_CHAIN_RANGES
/* An output buffer of this size holds a complete reply of every code with its PFN windows full (a before and an
 * after snapshot), except DESCRIBE_CHAIN: its up to 16 snapshots share the space, so their PFN windows are cut
 * to what fits (each snapshot's PfnReturned says how many it carries; MdlSnapshot.pfnsComplete() in Java). A
 * chain is gone when its request ends, so the rest cannot be read with QUERY afterwards. */
#define MDLB_REPLY_BUFFER_SIZE    (64u + 2u * (96u + 8u * MDLB_MAX_INLINE_PFNS) + MDLB_MAX_TRANSFER)

/* Default limits (CONTRACT.md section 4). Per handle, then for the whole driver. One IoAllocateMdl of the
 * operating system's maximum (4 GiB - 4 KiB, about 8 MiB of pool for an unaligned start) must fit a handle. */
#define MDLB_LIMIT_HANDLE_OBJECTS            4096u
#define MDLB_LIMIT_HANDLE_LOCKED_BYTES       0x100000000ull  /* 4 GiB */
#define MDLB_LIMIT_HANDLE_KERNEL_BUFFER_BYTES 0x4000000ull   /* 64 MiB */
#define MDLB_LIMIT_HANDLE_PAGE_ALLOC_BYTES   0x4000000ull    /* 64 MiB */
#define MDLB_LIMIT_HANDLE_MDL_POOL_BYTES     0x1000000ull    /* 16 MiB */
#define MDLB_LIMIT_HANDLE_SYSTEM_MAPPING_BYTES 0x100000000ull /* 4 GiB of system address space */
#define MDLB_LIMIT_DRIVER_OBJECTS            65536u
#define MDLB_LIMIT_DRIVER_LOCKED_BYTES       0x200000000ull  /* 8 GiB */
#define MDLB_LIMIT_DRIVER_KERNEL_BUFFER_BYTES 0x10000000ull  /* 256 MiB */
#define MDLB_LIMIT_DRIVER_PAGE_ALLOC_BYTES   0x10000000ull   /* 256 MiB */
#define MDLB_LIMIT_DRIVER_MDL_POOL_BYTES     0x4000000ull    /* 64 MiB */
#define MDLB_LIMIT_DRIVER_SYSTEM_MAPPING_BYTES 0x200000000ull /* 8 GiB */
/* What the driver's own allocations for a handle are charged, against the handle's MDL-pool bytes (section 1:
 * every allocation for a handle counts against a limit). Charged amounts, the same in both twins, not sizeof. */
#define MDLB_TABLE_GROW_SLOTS     64u      /* the object table grows by this many slots when full */
#define MDLB_SLOT_CHARGE          128u     /* per slot */
#define MDLB_DIRECT_RECORD_CHARGE (2u * 8u * MDLB_MAX_INLINE_PFNS + 512u) /* the kept DIRECT snapshots */
#define MDLB_LIMIT_DRIVER_HANDLES            1024u           /* open handles (CREATE fails with QUOTA_EXCEEDED) */

/* Limits an administrator sets (CONTRACT.md section 4): REG_DWORD or REG_QWORD values of these names under the
 * service key's Parameters subkey, read once at load. Each is clamped to [MIN, MAX] below; if the configured
 * driver-wide locked, page-allocation and kernel-buffer bytes together exceed half the machine's RAM they are
 * lowered, in that order, until they fit (never below their minimum; defaults are never lowered). MDLB_INFO's
 * ConfiguredLimits and ClampedLimits carry one bit per name, bit = 1 << index. The simulator takes the same names
 * as settings and a scenario's "limits" object takes them too. */
#define MDLB_LIMIT_NAME_MAX_OBJECTS                  0u /* L"maxObjects"                  handle, 16 .. 65536 */
#define MDLB_LIMIT_NAME_MAX_LOCKED_BYTES             1u /* L"maxLockedBytes"              handle, 1 MiB .. 64 GiB */
#define MDLB_LIMIT_NAME_MAX_KERNEL_BUFFER_BYTES      2u /* L"maxKernelBufferBytes"        handle, 64 KiB .. 4 GiB */
#define MDLB_LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES    3u /* L"maxPageAllocationBytes"      handle, 64 KiB .. 64 GiB */
#define MDLB_LIMIT_NAME_MAX_MDL_POOL_BYTES           4u /* L"maxMdlPoolBytes"             handle, 1 MiB .. 256 MiB */
#define MDLB_LIMIT_NAME_MAX_SYSTEM_MAPPING_BYTES     5u /* L"maxSystemMappingBytes"       handle, 1 MiB .. 32 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_OBJECTS           6u /* L"driverMaxObjects"            16 .. 1048576 */
#define MDLB_LIMIT_NAME_DRIVER_MAX_LOCKED_BYTES      7u /* L"driverMaxLockedBytes"        1 MiB .. 256 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_KERNEL_BUFFER_BYTES 8u /* L"driverMaxKernelBufferBytes" 64 KiB .. 16 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES 9u /* L"driverMaxPageAllocationBytes" 64 KiB .. 256 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_MDL_POOL_BYTES    10u /* L"driverMaxMdlPoolBytes"      1 MiB .. 1 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_SYSTEM_MAPPING_BYTES 11u /* L"driverMaxSystemMappingBytes" 1 MiB .. 32 GiB */
#define MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES           12u /* L"driverMaxHandles"           1 .. 4096 */
#define MDLB_LIMIT_NAME_COUNT                        13u
/* The clamp ranges, by name index (MIN, MAX). 32 GiB of system mappings is a quarter of the 128 GiB system-PTE
 * space assumed for x64 Windows 10 (an assumption until a lab machine reports it, CONTRACT.md section 4). */
#define MDLB_LIMIT_RANGES { \
    {16ull, 65536ull}, {0x100000ull, 0x1000000000ull}, {0x10000ull, 0x100000000ull}, {0x10000ull, 0x1000000000ull}, \
    {0x100000ull, 0x10000000ull}, {0x100000ull, 0x800000000ull}, \
    {16ull, 1048576ull}, {0x100000ull, 0x4000000000ull}, {0x10000ull, 0x400000000ull}, {0x10000ull, 0x4000000000ull}, \
    {0x100000ull, 0x40000000ull}, {0x100000ull, 0x800000000ull}, {1ull, 4096ull} }
#define MDLB_PARAMETERS_SUBKEY    L"Parameters"

/* ---------------------------------------------------------------------------------------------------- */
/* Enumerations carried in requests (values are Windows' own where Windows has one)                      */
/* ---------------------------------------------------------------------------------------------------- */

/* KPROCESSOR_MODE */
#define MDLB_KERNEL_MODE          0u
#define MDLB_USER_MODE            1u
/* LOCK_OPERATION */
#define MDLB_IO_READ_ACCESS       0u
#define MDLB_IO_WRITE_ACCESS      1u
#define MDLB_IO_MODIFY_ACCESS     2u
/* MM_PAGE_PRIORITY and its modifier bits (Windows 8 and later) */
#define MDLB_LOW_PAGE_PRIORITY    0u
#define MDLB_NORMAL_PAGE_PRIORITY 16u
#define MDLB_HIGH_PAGE_PRIORITY   32u
#define MDLB_MAPPING_NO_WRITE     0x80000000u
#define MDLB_MAPPING_NO_EXECUTE   0x40000000u
/* MEMORY_CACHING_TYPE: only these three exist here (CONTRACT.md section 2); every other value is a parameter error */
#define MDLB_MM_NON_CACHED        0u
#define MDLB_MM_CACHED            1u
#define MDLB_MM_WRITE_COMBINED    2u
/* MmAllocatePagesForMdlEx flags (Windows' values). The contract accepts FULLY_REQUIRED, NO_WAIT, PREFER_CONTIGUOUS and
 * REQUIRE_CONTIGUOUS_CHUNKS where the profile's Windows has them (Windows 7 on); every other bit, DONT_ZERO included,
 * is STATUS_INVALID_PARAMETER (MDLB_PARAM_FLAGS). */
#define MDLB_MM_DONT_ZERO_ALLOCATION           0x1u  /* refused */
#define MDLB_MM_ALLOCATE_FROM_LOCAL_NODE_ONLY  0x2u  /* refused (NUMA placement is not observable here) */
#define MDLB_MM_ALLOCATE_FULLY_REQUIRED        0x4u
#define MDLB_MM_ALLOCATE_NO_WAIT               0x8u
#define MDLB_MM_ALLOCATE_PREFER_CONTIGUOUS     0x10u
#define MDLB_MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS 0x20u
#define MDLB_MM_ALLOCATE_ACCEPTED_FLAGS        0x3Cu /* the four above */
/* MmAllocatePagesForMdlEx's HighAddress default: any physical address */
#define MDLB_HIGHEST_PHYSICAL_ADDRESS          0xFFFFFFFFFFFFFFFFull
/* pageOffset of POOL_ALLOCATE: a multiple of this below MDLB_PAGE_SIZE */
#define MDLB_POOL_OFFSET_ALIGNMENT             16u
/* FREE_MDL method */
#define MDLB_FREE_IOFREEMDL       0u
#define MDLB_FREE_EXFREEPOOL      1u
/* DESCRIBE_CHAIN cleanup */
#define MDLB_CLEANUP_IO_MANAGER   0u
#define MDLB_CLEANUP_DRIVER       1u

/* ---------------------------------------------------------------------------------------------------- */
/* Requests                                                                                              */
/* ---------------------------------------------------------------------------------------------------- */

/* Every request starts with this. PfnStart/PfnMax choose the PFN window every snapshot of the reply copies:
 * PFNs [PfnStart, PfnStart + min(PfnMax, MDLB_MAX_INLINE_PFNS)), further bounded by the pages the MDL spans,
 * by its recorded capacity and by the space left in the output buffer. PfnMax 0 copies none. */
typedef struct MDLB_REQUEST_HEADER {
    mdlb_u32 Magic;      /* MDLB_MAGIC */
    mdlb_u16 Version;    /* MDLB_PROTOCOL_VERSION */
    mdlb_u16 Reserved;   /* 0 */
    mdlb_u32 PfnStart;
    mdlb_u32 PfnMax;
} MDLB_REQUEST_HEADER;   /* 16 bytes */

/* INFO, RELEASE_ALL, DIRECT_IN, DIRECT_OUT, DIRECT_FETCH: the header alone. For the DIRECT pair the output
 * buffer is the subject range (a caller range), described by the I/O manager's own MDL. */

typedef struct MDLB_REQ_RANGE {          /* SIZE_OF_MDL */
    MDLB_REQUEST_HEADER Header;
    mdlb_u64 VirtualAddress;
    mdlb_u64 Length;                     /* SIZE_T */
} MDLB_REQ_RANGE;                        /* 32 bytes */

typedef struct MDLB_REQ_ALLOCATE_MDL {   /* ALLOCATE_MDL, INITIALIZE_MDL */
    MDLB_REQUEST_HEADER Header;
    mdlb_u64 VirtualAddress;
    mdlb_u32 Length;                     /* ULONG */
    mdlb_u32 Reserved;                   /* 0 */
} MDLB_REQ_ALLOCATE_MDL;                 /* 32 bytes */

typedef struct MDLB_REQ_OBJECT {         /* BUILD_NONPAGED, UNLOCK, QUERY, FREE_PAGES, POOL_FREE */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 ObjectId;
    mdlb_u32 Reserved;                   /* 0 */
} MDLB_REQ_OBJECT;                       /* 24 bytes */

typedef struct MDLB_REQ_FREE_MDL {       /* FREE_MDL */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MdlId;
    mdlb_u32 Method;                     /* MDLB_FREE_* */
} MDLB_REQ_FREE_MDL;                     /* 24 bytes */

typedef struct MDLB_REQ_PROBE {          /* PROBE_AND_LOCK */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MdlId;
    mdlb_u8 AccessMode;                  /* MDLB_KERNEL_MODE | MDLB_USER_MODE */
    mdlb_u8 Operation;                   /* MDLB_IO_*_ACCESS */
    mdlb_u16 Reserved;                   /* 0 */
} MDLB_REQ_PROBE;                        /* 24 bytes */

typedef struct MDLB_REQ_MAP_SYSTEM {     /* MAP_SYSTEM */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MdlId;
    mdlb_u32 Priority;                   /* MM_PAGE_PRIORITY | modifier bits */
} MDLB_REQ_MAP_SYSTEM;                   /* 24 bytes */

typedef struct MDLB_REQ_MAP_USER {       /* MAP_USER, MAP_KERNEL */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MdlId;
    mdlb_u32 CacheType;                  /* MDLB_MM_*: the type the pages were made with (section 2) */
    mdlb_u64 RequestedAddress;           /* 0: the memory manager chooses; MAP_KERNEL: must be 0 (PARAM_REQUESTED_ADDRESS) */
    mdlb_u32 Priority;
    mdlb_u32 Reserved;                   /* 0 */
} MDLB_REQ_MAP_USER;                     /* 40 bytes */

typedef struct MDLB_REQ_MAPPING {        /* UNMAP */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MappingId;                  /* a user or kernel-mode mapping; 0: the system mapping of MdlId */
    mdlb_u32 MdlId;                      /* 0 when MappingId is given */
} MDLB_REQ_MAPPING;                      /* 24 bytes */

typedef struct MDLB_REQ_TRANSFER {       /* READ_MAPPED; WRITE_MAPPED is followed by Length data bytes */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 MappingId;                  /* any mapping object (user, kernel-mode, reserved); 0: the system mapping of MdlId */
    mdlb_u32 MdlId;
    mdlb_u32 Offset;                     /* from the mapped address (which includes ByteOffset) */
    mdlb_u32 Length;                     /* <= MDLB_MAX_TRANSFER */
} MDLB_REQ_TRANSFER;                     /* 32 bytes (+ Length for WRITE_MAPPED) */

typedef struct MDLB_REQ_BUILD_PARTIAL {  /* BUILD_PARTIAL */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 SourceId;
    mdlb_u32 Length;                     /* 0: the rest of the source */
    mdlb_u64 Offset;                     /* from MmGetMdlVirtualAddress(source) */
} MDLB_REQ_BUILD_PARTIAL;                /* 32 bytes */

typedef struct MDLB_REQ_POOL_ALLOCATE {  /* POOL_ALLOCATE */
    MDLB_REQUEST_HEADER Header;
    mdlb_u64 Size;                       /* >= 1; the block is ROUND_UP(PageOffset + Size, MDLB_PAGE_SIZE) bytes */
    mdlb_u32 PageOffset;                 /* where the buffer starts in its first page: a multiple of
                                          * MDLB_POOL_OFFSET_ALIGNMENT below MDLB_PAGE_SIZE (PARAM_PAGE_OFFSET) */
    mdlb_u32 Reserved;                   /* 0 */
} MDLB_REQ_POOL_ALLOCATE;                /* 32 bytes; Reply.Value = block + PageOffset */

typedef struct MDLB_REQ_ALLOCATE_PAGES { /* ALLOCATE_PAGES */
    MDLB_REQUEST_HEADER Header;
    mdlb_u64 Size;                       /* TotalBytes, charged in full; ByteCount says what was allocated */
    mdlb_u32 Flags;                      /* MDLB_MM_ALLOCATE_ACCEPTED_FLAGS only */
    mdlb_u32 CacheType;                  /* MDLB_MM_*: the pages' memory type, every mapping must use it */
    mdlb_u64 LowAddress;                 /* physical, inclusive */
    mdlb_u64 HighAddress;                /* physical, inclusive; MDLB_HIGHEST_PHYSICAL_ADDRESS: anywhere */
    mdlb_u64 SkipBytes;                  /* a multiple of MDLB_PAGE_SIZE (PARAM_SKIP_BYTES) */
    mdlb_u64 Reserved;                   /* 0 */
} MDLB_REQ_ALLOCATE_PAGES;               /* 64 bytes */

typedef struct MDLB_REQ_RESERVE {        /* RESERVE */
    MDLB_REQUEST_HEADER Header;
    mdlb_u64 Size;                       /* NumberOfBytes, >= 1 (0 is PARAM_SIZE: Windows would bug-check 0xDA) */
} MDLB_REQ_RESERVE;                      /* 24 bytes; Reply.ObjectId = the reservation, Reply.Value = its address */

typedef struct MDLB_REQ_RESERVED {       /* MAP_RESERVED, UNMAP_RESERVED */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 ReservationId;
    mdlb_u32 MdlId;
    mdlb_u32 CacheType;                  /* MAP_RESERVED: MDLB_MM_*; UNMAP_RESERVED: 0 */
    mdlb_u32 Reserved;                   /* 0 */
} MDLB_REQ_RESERVED;                     /* 32 bytes. MAP_RESERVED: Reply.ObjectId = a new mapping object, Value = the
                                          * address the DDI returned (reservation + ByteOffset). FREE_RESERVATION takes
                                          * MDLB_REQ_OBJECT. */

typedef struct MDLB_CHAIN_RANGE {
    mdlb_u64 VirtualAddress;
    mdlb_u32 Length;
    mdlb_u8 Operation;                   /* MDLB_IO_*_ACCESS */
    mdlb_u8 Reserved[3];                 /* 0 */
} MDLB_CHAIN_RANGE;                      /* 16 bytes */

typedef struct MDLB_REQ_CHAIN {          /* DESCRIBE_CHAIN, followed by RangeCount MDLB_CHAIN_RANGEs */
    MDLB_REQUEST_HEADER Header;
    mdlb_u32 RangeCount;                 /* 1..MDLB_MAX_CHAIN_RANGES */
    mdlb_u32 Cleanup;                    /* MDLB_CLEANUP_* */
} MDLB_REQ_CHAIN;                        /* 24 bytes (+ 16 * RangeCount) */

/* ---------------------------------------------------------------------------------------------------- */
/* Replies                                                                                               */
/* ---------------------------------------------------------------------------------------------------- */

/* Where an operation stopped. */
#define MDLB_STAGE_DONE           0u /* every DDI ran; Status is the DDI's (STATUS_SUCCESS or its failure) */
#define MDLB_STAGE_PARAMETER      1u /* a bad parameter value: Status = STATUS_INVALID_PARAMETER, Detail = MDLB_PARAM_* */
#define MDLB_STAGE_REFUSED        2u /* a refusal of CONTRACT.md section 3: STATUS_INVALID_DEVICE_STATE, Detail = MDLB_REFUSE_* */
#define MDLB_STAGE_LIMIT          3u /* a limit of section 4: STATUS_QUOTA_EXCEEDED, Detail = MDLB_LIMIT_* */
#define MDLB_STAGE_DDI            4u /* a DDI returned NULL or raised: Status = its status, Detail = MDLB_DDI_* */

/* Reply.Detail for MDLB_STAGE_PARAMETER: the field that was wrong. */
#define MDLB_PARAM_ACCESS_MODE    1u
#define MDLB_PARAM_OPERATION      2u
#define MDLB_PARAM_PRIORITY       3u
#define MDLB_PARAM_CACHE_TYPE     4u
#define MDLB_PARAM_LENGTH         5u
#define MDLB_PARAM_FLAGS          6u
#define MDLB_PARAM_METHOD         7u
#define MDLB_PARAM_CLEANUP        8u
#define MDLB_PARAM_RESERVED       9u
#define MDLB_PARAM_SIZE           10u
#define MDLB_PARAM_OFFSET         11u
#define MDLB_PARAM_RANGE_COUNT    12u
#define MDLB_PARAM_PFN_WINDOW     13u
#define MDLB_PARAM_REQUESTED_ADDRESS 14u /* MAP_KERNEL with a RequestedAddress */
#define MDLB_PARAM_ADDRESS_RANGE  15u  /* ALLOCATE_PAGES: LowAddress above HighAddress */
#define MDLB_PARAM_SKIP_BYTES     16u  /* ALLOCATE_PAGES: SkipBytes not a page multiple (or not what the flags need) */
#define MDLB_PARAM_PAGE_OFFSET    17u  /* POOL_ALLOCATE: PageOffset not a multiple of 16 below 4096 */

/* Reply.Detail for MDLB_STAGE_REFUSED: the rule, numbered after CONTRACT.md section 3 (item << 8 | case). */
/* MmBuildMdlForNonPagedPool fills the same fields a probe fills, so both share the 3.1 checks and codes
 * (table.c: check_fresh_mdl; ObjectTable.probeFlags in the simulated driver). */
#define MDLB_REFUSE_PROBE_LOCKED            0x0101u /* 3.1 probe (or nonpaged build) of a locked MDL */
#define MDLB_REFUSE_PROBE_MAPPED            0x0102u /* 3.1 probe (or nonpaged build) of a mapped MDL */
#define MDLB_REFUSE_PROBE_PARTIAL           0x0103u /* 3.1 probe (or nonpaged build) of a partial */
#define MDLB_REFUSE_PROBE_NONPAGED          0x0104u /* 3.1 probe (or second build) of a nonpaged MDL */
#define MDLB_REFUSE_PROBE_NOT_IOALLOCATED   0x0105u /* 3.1 probe (or nonpaged build) of page allocation */
#define MDLB_REFUSE_KERNEL_RANGE_REQUIRED   0x0201u /* 3.2 KernelMode probe / nonpaged build outside a kernel buffer */
#define MDLB_REFUSE_MAP_NOT_LOCKED          0x0301u /* 3.3 mapping of an MDL that nothing locked or built */
#define MDLB_REFUSE_UNLOCK_NOT_LOCKED       0x0401u /* 3.4 never locked or already unlocked */
#define MDLB_REFUSE_UNLOCK_PARTIAL          0x0402u /* 3.4 unlock of a partial */
#define MDLB_REFUSE_UNLOCK_NONPAGED         0x0403u /* 3.4 unlock of a nonpaged-pool MDL */
#define MDLB_REFUSE_UNLOCK_PAGES            0x0404u /* 3.4 unlock of a page allocation */
#define MDLB_REFUSE_USER_MAPPING_LIVES      0x0501u /* 3.5 unlock/free/free-pages while a user mapping lives */
#define MDLB_REFUSE_PARTIAL_LIVES           0x0502u /* 3.5 unlock/free/free-pages while a partial lives */
#define MDLB_REFUSE_NOT_PAGE_ALLOCATION     0x0503u /* 3.5 MmFreePagesFromMdl on anything else */
#define MDLB_REFUSE_SYSTEM_MAPPING_LIVES    0x0504u /* 3.5 MmFreePagesFromMdl while its system mapping lives */
#define MDLB_REFUSE_FREE_LOCKED             0x0601u /* 3.6 free of a locked MDL */
#define MDLB_REFUSE_FREE_MAPPED             0x0602u /* 3.6 free of a non-partial MDL with a live system mapping */
#define MDLB_REFUSE_FREE_WRONG_METHOD       0x0603u /* 3.6 IoFreeMdl of MDL storage / ExFreePool of an IoAllocateMdl MDL */
#define MDLB_REFUSE_FREE_PAGES_FIRST        0x0604u /* 3.6 ExFreePool of a page allocation before MmFreePagesFromMdl */
#define MDLB_REFUSE_UNMAP_NOT_OWNED         0x0701u /* 3.7 inherited or nonpaged MappedSystemVa, or nothing mapped */
#define MDLB_REFUSE_UNMAP_INHERITED         0x0702u /* 3.7 source's system mapping while a partial inherited it */
#define MDLB_REFUSE_PARTIAL_SOURCE          0x0801u /* 3.8 source neither locked, nonpaged nor a page allocation */
#define MDLB_REFUSE_PARTIAL_RANGE           0x0802u /* 3.8 range outside the source */
#define MDLB_REFUSE_POOL_IN_USE             0x0901u /* 3.9 ExFreePool of a kernel buffer still described or mapped */
#define MDLB_REFUSE_MAPPING_ENDED           0x0A01u /* 3.10 read/write through a mapping that has ended */
#define MDLB_REFUSE_WRITE_NOT_ALLOWED       0x0B01u /* 3.11 write through a read-locked or NoWrite mapping */
#define MDLB_REFUSE_OUT_OF_RANGE            0x0B02u /* 3.11 read/write outside [0, ByteCount) */
#define MDLB_REFUSE_RANGE_IN_USER_MAPPING   0x0C01u /* section 2: the range lies in one of the driver's user mappings */
#define MDLB_REFUSE_ZERO_LENGTH             0x0C02u /* section 2: KernelMode probe, nonpaged build or map of 0 bytes */
#define MDLB_REFUSE_SHARED_HANDLE           0x0C03u /* section 1: a mapping, lock or page allocation on a handle found shared */
#define MDLB_REFUSE_USER_MAPPING_WRITABLE   0x0C04u /* section 2: read-only user mappings could not be verified read-only at load */
#define MDLB_REFUSE_NO_DIRECT_RECORD        0x0C05u /* section 5: DIRECT_FETCH with no DIRECT call to report */
#define MDLB_REFUSE_ALREADY_MAPPED          0x0C06u /* section 2: a second system mapping (MAP_KERNEL, MAP_RESERVED) of an
                                                     * MDL with MAPPED_TO_SYSTEM_VA, SOURCE_IS_NONPAGED_POOL or
                                                     * PARTIAL_HAS_BEEN_MAPPED */
#define MDLB_REFUSE_IO_SPACE                0x0C07u /* section 2: a probe came back MDL_IO_SPACE (the driver unlocked it) */
#define MDLB_REFUSE_UNCACHED_RANGE          0x0C08u /* section 2: a caller range whose protection has PAGE_NOCACHE or
                                                     * PAGE_WRITECOMBINE */
#define MDLB_REFUSE_RESERVATION_IN_USE      0x0D01u /* 3.13 map into a reservation that holds a mapping */
#define MDLB_REFUSE_RESERVATION_TOO_SMALL   0x0D02u /* 3.13 the MDL spans more pages than the reservation */
#define MDLB_REFUSE_RESERVATION_WRONG_MDL   0x0D03u /* 3.13 unmap of an MDL that is not the one mapped there (or none is) */
#define MDLB_REFUSE_RESERVATION_MAPPED      0x0D04u /* 3.13 MmFreeMappingAddress while mapped */
#define MDLB_REFUSE_RESERVED_MAPPING_LIVES  0x0D05u /* 3.13 unlock, MmUnmapLockedPages, free or free-pages of an MDL mapped
                                                     * through a reservation (MmUnmapReservedMapping first); a partial
                                                     * that inherited it blocks MmUnmapReservedMapping with 0x0702 */

/* Reply.Detail for MDLB_STAGE_LIMIT: which limit. */
#define MDLB_LIMIT_OBJECTS                  1u
#define MDLB_LIMIT_LOCKED_BYTES             2u
#define MDLB_LIMIT_KERNEL_BUFFER_BYTES      3u
#define MDLB_LIMIT_PAGE_ALLOC_BYTES         4u
#define MDLB_LIMIT_MDL_POOL_BYTES           5u
#define MDLB_LIMIT_SYSTEM_MAPPING_BYTES     6u /* maxSystemMappingBytes: system mappings (and reservations) */

/* Reply.Detail for MDLB_STAGE_DDI: which DDI failed. */
#define MDLB_DDI_IO_ALLOCATE_MDL            1u
#define MDLB_DDI_MM_PROBE_AND_LOCK_PAGES    2u
#define MDLB_DDI_MM_MAP_LOCKED_PAGES        3u /* MmGetSystemAddressForMdlSafe / MmMapLockedPagesSpecifyCache */
#define MDLB_DDI_MM_UNMAP_LOCKED_PAGES      4u
#define MDLB_DDI_IO_BUILD_PARTIAL_MDL       5u
#define MDLB_DDI_MM_BUILD_MDL_NONPAGED      6u
#define MDLB_DDI_MM_UNLOCK_PAGES            7u
#define MDLB_DDI_IO_FREE_MDL                8u
#define MDLB_DDI_EX_ALLOCATE_POOL           9u
#define MDLB_DDI_EX_FREE_POOL               10u
#define MDLB_DDI_MM_ALLOCATE_PAGES          11u
#define MDLB_DDI_MM_FREE_PAGES              12u
#define MDLB_DDI_MM_SIZE_OF_MDL             13u
#define MDLB_DDI_MEMORY_ACCESS              14u /* the copy through a mapping faulted */
#define MDLB_DDI_ZW_QUERY_VIRTUAL_MEMORY    15u
#define MDLB_DDI_MM_ALLOCATE_MAPPING_ADDRESS 16u
#define MDLB_DDI_MM_MAP_RESERVED            17u /* MmMapLockedPagesWithReservedMapping returned NULL */
#define MDLB_DDI_MM_UNAVAILABLE             18u /* the DDI is not exported by this Windows (resolved at run time):
                                                 * Status = STATUS_NOT_SUPPORTED */

typedef struct MDLB_REPLY_HEADER {
    mdlb_u32 Magic;          /* MDLB_MAGIC */
    mdlb_u16 Version;        /* MDLB_PROTOCOL_VERSION */
    mdlb_u16 HeaderSize;     /* sizeof(MDLB_REPLY_HEADER) */
    mdlb_u32 TotalSize;      /* bytes of this reply (= IoStatus.Information) */
    mdlb_u32 Status;         /* NTSTATUS of the operation */
    mdlb_u32 Stage;          /* MDLB_STAGE_* */
    mdlb_u32 Detail;         /* MDLB_PARAM_* / MDLB_REFUSE_* / MDLB_LIMIT_* / MDLB_DDI_*, 0 when done */
    mdlb_u32 ObjectId;       /* the object created, or acted on; 0 none */
    mdlb_u32 SnapshotCount;  /* MDLB_SNAPSHOTs at SnapshotOffset, in order */
    mdlb_u64 Value;          /* what the step returned: an address, MmSizeOfMdl's result, a count */
    mdlb_u32 SnapshotOffset; /* from the start of the reply */
    mdlb_u32 DataOffset;     /* from the start of the reply */
    mdlb_u32 DataLength;     /* bytes of op-specific data (read bytes, MDLB_INFO, MDLB_COUNTERS, statuses) */
    mdlb_u32 Reserved;       /* 0 */
    mdlb_u64 Reserved2;      /* 0 */
} MDLB_REPLY_HEADER;         /* 64 bytes */

/* Snapshot roles. */
#define MDLB_ROLE_AFTER           1u /* the MDL right after the step */
#define MDLB_ROLE_BEFORE          2u /* the MDL right before the step (e.g. the locked PFNs before MmUnlockPages) */
#define MDLB_ROLE_CHAIN           3u /* one MDL of a DESCRIBE_CHAIN, in chain order, after the whole chain */

/* What kind of MDL a snapshot shows. */
#define MDLB_KIND_IO_ALLOCATED    1u /* IoAllocateMdl */
#define MDLB_KIND_INITIALIZED     2u /* MmSizeOfMdl + pool + MmInitializeMdl */
#define MDLB_KIND_PARTIAL         3u /* IoAllocateMdl + IoBuildPartialMdl */
#define MDLB_KIND_PAGES           4u /* MmAllocatePagesForMdlEx */
#define MDLB_KIND_IO_MANAGER      5u /* the I/O manager's Irp->MdlAddress (DIRECT methods) */
#define MDLB_KIND_CHAIN           6u /* an MDL of a DESCRIBE_CHAIN */

/* Snapshot validity: a field Windows leaves undefined at that point is reported invalid, with value 0. */
#define MDLB_VALID_PROCESS        0x1u
#define MDLB_VALID_MAPPED_SYSTEM_VA 0x2u
#define MDLB_VALID_PFNS           0x4u

typedef struct MDLB_SNAPSHOT {
    mdlb_u32 Role;                       /* MDLB_ROLE_* */
    mdlb_u32 ObjectId;                   /* 0 for MDLs outside the handle table (I/O manager, chains) */
    mdlb_u32 Valid;                      /* MDLB_VALID_* */
    mdlb_u32 Kind;                       /* MDLB_KIND_* */
    mdlb_u64 MdlAddress;                 /* where the MDL itself lives (what dt nt!_MDL is given) */
    mdlb_u64 Next;
    mdlb_u64 Process;                    /* 0 when not valid */
    mdlb_u64 MappedSystemVa;             /* 0 when not valid */
    mdlb_u64 StartVa;
    mdlb_u64 VirtualAddress;             /* MmGetMdlVirtualAddress */
    mdlb_u16 Size;                       /* the CSHORT field, as unsigned */
    mdlb_u16 MdlFlags;
    mdlb_u16 AllocationProcessorNumber;
    mdlb_u16 Reserved;                   /* 0 */
    mdlb_u32 ByteCount;                  /* MmGetMdlByteCount */
    mdlb_u32 ByteOffset;                 /* MmGetMdlByteOffset */
    mdlb_u32 PfnCount;                   /* pages spanned: ADDRESS_AND_SIZE_TO_SPAN_PAGES(VirtualAddress, ByteCount) */
    mdlb_u32 PfnCapacity;                /* PFN slots recorded when the MDL was allocated (never Size, which wraps) */
    mdlb_u32 PfnStart;                   /* index of the first PFN that follows */
    mdlb_u32 PfnReturned;                /* PFNs that follow (0 when Valid lacks MDLB_VALID_PFNS) */
    /* mdlb_u64 Pfns[PfnReturned]; */
} MDLB_SNAPSHOT;                         /* 96 bytes + 8 * PfnReturned */

/* The four counters of CONTRACT.md section 8 (RELEASE_ALL's data: what it released). */
typedef struct MDLB_COUNTERS {
    mdlb_u32 OutstandingMdls;            /* MDLs of every kind in the table */
    mdlb_u32 OutstandingMappings;        /* live system and user mappings */
    mdlb_u32 OutstandingKernelBuffers;
    mdlb_u32 Reserved;                   /* 0 */
    mdlb_u64 LockedPages;                /* pages locked by probes (user and kernel ranges) */
} MDLB_COUNTERS;                         /* 24 bytes */

typedef struct MDLB_LIMITS {
    mdlb_u32 MaxObjects;
    mdlb_u32 Reserved;                   /* 0 */
    mdlb_u64 MaxLockedBytes;
    mdlb_u64 MaxKernelBufferBytes;
    mdlb_u64 MaxPageAllocationBytes;
    mdlb_u64 MaxMdlPoolBytes;
} MDLB_LIMITS;                           /* 40 bytes */

typedef struct MDLB_USE {
    MDLB_COUNTERS Counters;
    mdlb_u32 Objects;
    mdlb_u32 Reserved;                   /* 0 */
    mdlb_u64 LockedBytes;
    mdlb_u64 KernelBufferBytes;
    mdlb_u64 PageAllocationBytes;
    mdlb_u64 MdlPoolBytes;
} MDLB_USE;                              /* 64 bytes */

#define MDLB_ARCH_AMD64           0x8664u /* IMAGE_FILE_MACHINE_AMD64 */
#define MDLB_ARCH_ARM64           0xAA64u /* IMAGE_FILE_MACHINE_ARM64 */

/* INFO's data. */
typedef struct MDLB_INFO {
    mdlb_u32 DriverVersion;              /* MDLB_DRIVER_VERSION */
    mdlb_u32 ProtocolVersion;            /* MDLB_PROTOCOL_VERSION */
    mdlb_u32 OsMajor;                    /* RtlGetVersion */
    mdlb_u32 OsMinor;
    mdlb_u32 OsBuild;
    mdlb_u32 Arch;                       /* MDLB_ARCH_* */
    mdlb_u32 PageSize;
    mdlb_u32 PfnWidth;
    mdlb_u32 MdlHeaderSize;
    mdlb_u32 MaxInlinePfns;
    mdlb_u32 MaxTransfer;
    mdlb_u32 MaxChainRanges;
    mdlb_u64 HighestUserAddress;         /* MmHighestUserAddress */
    mdlb_u64 UserProbeAddress;           /* MmUserProbeAddress */
    mdlb_u32 ProcessId;                  /* the owning process of this handle */
    mdlb_u32 SharedHandle;               /* 1 when another process has used this handle */
    MDLB_LIMITS HandleLimits;
    MDLB_LIMITS DriverLimits;
    MDLB_USE HandleUse;                  /* this handle */
    MDLB_USE ProcessUse;                 /* every handle of the owning process */
    MDLB_USE DriverUse;                  /* the whole driver */
    mdlb_u64 QuarantinedBytes;           /* driver-wide: freed pages once mapped into user space, kept until their
                                          * process exits (CONTRACT section 2); also counted in DriverUse */
    mdlb_u32 ReadOnlyUserMappings;       /* 1: MdlMappingNoWrite user mappings came out read-only when checked at
                                          * load; 0: read-locked user mappings are refused (MDLB_REFUSE_USER_MAPPING_WRITABLE) */
    mdlb_u32 OpenHandles;                /* driver-wide open handles */
    mdlb_u32 MaxHandles;                 /* driverMaxHandles (default MDLB_LIMIT_DRIVER_HANDLES): CREATE beyond it fails */
    mdlb_u32 ConfiguredLimits;           /* bit (1 << MDLB_LIMIT_NAME_*): read from Parameters at load */
    mdlb_u64 HandleMaxSystemMappingBytes; /* maxSystemMappingBytes of a handle ... */
    mdlb_u64 DriverMaxSystemMappingBytes; /* ... and of the driver */
    mdlb_u64 HandleSystemMappingBytes;   /* system address space mapped now: this handle, */
    mdlb_u64 ProcessSystemMappingBytes;  /* every handle of the owning process, */
    mdlb_u64 DriverSystemMappingBytes;   /* the whole driver */
    mdlb_u32 ClampedLimits;              /* bit (1 << MDLB_LIMIT_NAME_*): the configured value was out of range (or
                                          * over the RAM share) and was clamped; the value in force is above */
    mdlb_u32 Reserved2;                  /* 0 */
} MDLB_INFO;                             /* 416 bytes */

/* DESCRIBE_CHAIN's data: one NTSTATUS (mdlb_u32) per range, in range order. Reply.Value: MDLs in the chain.
 * DIRECT_FETCH's reply: Status/Stage/Detail of the DIRECT call's driver part, Value = the system address,
 * snapshots BEFORE (Irp->MdlAddress as received) and AFTER (after MmGetSystemAddressForMdlSafe). */

/* ---------------------------------------------------------------------------------------------------- */
/* NTSTATUS values the protocol uses (for host builds without ntstatus.h)                                */
/* ---------------------------------------------------------------------------------------------------- */

#define MDLB_STATUS_SUCCESS                 0x00000000u
#define MDLB_STATUS_GUARD_PAGE_VIOLATION    0x80000001u
#define MDLB_STATUS_ACCESS_VIOLATION        0xC0000005u
#define MDLB_STATUS_IN_PAGE_ERROR           0xC0000006u
#define MDLB_STATUS_INVALID_PARAMETER       0xC000000Du
#define MDLB_STATUS_INVALID_DEVICE_REQUEST  0xC0000010u
#define MDLB_STATUS_NO_MEMORY               0xC0000017u
#define MDLB_STATUS_CONFLICTING_ADDRESSES   0xC0000018u
#define MDLB_STATUS_ACCESS_DENIED           0xC0000022u
#define MDLB_STATUS_BUFFER_TOO_SMALL        0xC0000023u
#define MDLB_STATUS_OBJECT_TYPE_MISMATCH    0xC0000024u
#define MDLB_STATUS_QUOTA_EXCEEDED          0xC0000044u
#define MDLB_STATUS_REVISION_MISMATCH       0xC0000059u
#define MDLB_STATUS_INSUFFICIENT_RESOURCES  0xC000009Au
#define MDLB_STATUS_WORKING_SET_QUOTA       0xC00000A1u
#define MDLB_STATUS_INFO_LENGTH_MISMATCH    0xC0000004u
#define MDLB_STATUS_PROCESS_IS_TERMINATING  0xC000010Au
#define MDLB_STATUS_INVALID_ADDRESS         0xC0000141u
#define MDLB_STATUS_INVALID_DEVICE_STATE    0xC0000184u
#define MDLB_STATUS_NOT_FOUND               0xC0000225u
#define MDLB_STATUS_NOT_SUPPORTED           0xC00000BBu

/* How a malformed request fails the IRP (no reply is written):
 *   input length not the code's size           STATUS_INFO_LENGTH_MISMATCH
 *   output buffer cannot hold the reply        STATUS_BUFFER_TOO_SMALL
 *   Magic or Version wrong                     STATUS_REVISION_MISMATCH
 *   unknown control code                       STATUS_INVALID_DEVICE_REQUEST
 *   unknown or released object id              STATUS_NOT_FOUND
 *   id of another kind of object               STATUS_OBJECT_TYPE_MISMATCH
 *   DEVICE_CONTROL from a process other than the handle's owner   STATUS_ACCESS_DENIED */

/* ---------------------------------------------------------------------------------------------------- */
/* Layout checks: the Java codec hard-codes the same numbers.                                            */
/* ---------------------------------------------------------------------------------------------------- */

#define MDLB_CONCAT_(a, b) a##b
#define MDLB_CONCAT(a, b) MDLB_CONCAT_(a, b)
#define MDLB_STATIC_ASSERT(cond) typedef char MDLB_CONCAT(mdlb_static_assert_, __LINE__)[(cond) ? 1 : -1]
#if defined(FIELD_OFFSET)
#define MDLB_OFFSETOF(type, field) FIELD_OFFSET(type, field)
#else
#include <stddef.h>
#define MDLB_OFFSETOF(type, field) offsetof(type, field)
#endif

MDLB_STATIC_ASSERT(sizeof(MDLB_REQUEST_HEADER) == 16);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_RANGE) == 32);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_ALLOCATE_MDL) == 32);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_OBJECT) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_FREE_MDL) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_PROBE) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_MAP_SYSTEM) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_MAP_USER) == 40);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_MAPPING) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_TRANSFER) == 32);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_BUILD_PARTIAL) == 32);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_POOL_ALLOCATE) == 32);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_ALLOCATE_PAGES) == 64);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_RESERVE) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_RESERVED) == 32);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_REQ_ALLOCATE_PAGES, LowAddress) == 32);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_REQ_ALLOCATE_PAGES, SkipBytes) == 48);
MDLB_STATIC_ASSERT(sizeof(MDLB_CHAIN_RANGE) == 16);
MDLB_STATIC_ASSERT(sizeof(MDLB_REQ_CHAIN) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_REPLY_HEADER) == 64);
MDLB_STATIC_ASSERT(sizeof(MDLB_SNAPSHOT) == 96);
MDLB_STATIC_ASSERT(sizeof(MDLB_COUNTERS) == 24);
MDLB_STATIC_ASSERT(sizeof(MDLB_LIMITS) == 40);
MDLB_STATIC_ASSERT(sizeof(MDLB_USE) == 64);
MDLB_STATIC_ASSERT(sizeof(MDLB_INFO) == 416);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, ConfiguredLimits) == 364);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, ClampedLimits) == 408);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, HandleMaxSystemMappingBytes) == 368);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, QuarantinedBytes) == 344);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_REPLY_HEADER, Value) == 32);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_REPLY_HEADER, SnapshotOffset) == 40);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_SNAPSHOT, Size) == 64);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_SNAPSHOT, PfnReturned) == 92);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_REQ_MAP_USER, RequestedAddress) == 24);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, HighestUserAddress) == 48);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, HandleLimits) == 72);
MDLB_STATIC_ASSERT(MDLB_OFFSETOF(MDLB_INFO, HandleUse) == 152);

#endif /* MDLBRIDGE_H */
