/*
 * shims.h - what mingw-w64 10's DDK headers lack, each named once. With the WDK every one of these exists
 * already, so each shim steps aside when the real definition is present.
 */
#ifndef MDLB_SHIMS_H
#define MDLB_SHIMS_H

/* mingw defines InterlockedBitTestAndSet/Reset twice: an extern gnu_inline body in psdk_inc/intrin-impl.h
 * and a static inline one in ddk/wdm.h. clang then emits an external definition in every file, and two
 * files that include wdm.h collide at link time. Skipping the intrin-impl copy leaves the static one. */
#if defined(MDLB_MINGW_DDK)
#define __INTRINSIC_DEFINED_InterlockedBitTestAndSet
#define __INTRINSIC_DEFINED_InterlockedBitTestAndReset
#endif
#include <ntifs.h>
#include <ntddk.h>

/* MM_PAGE_PRIORITY modifier bits of Windows 8 and later; missing from mingw's wdm.h. */
#ifndef MdlMappingNoWrite
#define MdlMappingNoWrite 0x80000000u
#endif
#ifndef MdlMappingNoExecute
#define MdlMappingNoExecute 0x40000000u
#endif

/* MmAllocatePagesForMdlEx flag; mingw declares the routine but not every flag. */
#ifndef MM_DONT_ZERO_ALLOCATION
#define MM_DONT_ZERO_ALLOCATION 0x00000001
#endif

/* ZwQueryVirtualMemory is exported by ntoskrnl (Windows 8.1 and later) but mingw declares neither the
 * routine nor its information class in kernel headers; MEMORY_BASIC_INFORMATION lives in user-mode winnt.h. */
typedef struct MDLB_MEMORY_BASIC_INFORMATION {
    PVOID BaseAddress;
    PVOID AllocationBase;
    ULONG AllocationProtect;
    USHORT PartitionId;
    SIZE_T RegionSize;
    ULONG State;
    ULONG Protect;
    ULONG Type;
} MDLB_MEMORY_BASIC_INFORMATION;
#define MDLB_MEMORY_BASIC_INFORMATION_CLASS 0 /* MemoryBasicInformation */

NTSYSAPI NTSTATUS NTAPI ZwQueryVirtualMemory(HANDLE ProcessHandle, PVOID BaseAddress, ULONG MemoryInformationClass,
                                             PVOID MemoryInformation, SIZE_T MemoryInformationLength,
                                             PSIZE_T ReturnLength);

/* The type MmAllocatePagesForMdlEx has; resolved at run time (see ops.c: mdlb_resolve_optional). */
typedef PMDL (NTAPI *MDLB_ALLOCATE_PAGES_FN)(PHYSICAL_ADDRESS LowAddress, PHYSICAL_ADDRESS HighAddress,
                                             PHYSICAL_ADDRESS SkipBytes, SIZE_T TotalBytes,
                                             MEMORY_CACHING_TYPE CacheType, ULONG Flags);
/* The reserved-mapping routines, resolved at run time too (ops.c: mdlb_resolve_optional), so the image loads
 * wherever one is missing; their types are the WDK's declarations. */
typedef PVOID (NTAPI *MDLB_ALLOCATE_MAPPING_ADDRESS_FN)(SIZE_T NumberOfBytes, ULONG PoolTag);
typedef VOID (NTAPI *MDLB_FREE_MAPPING_ADDRESS_FN)(PVOID BaseAddress, ULONG PoolTag);
typedef PVOID (NTAPI *MDLB_MAP_RESERVED_FN)(PVOID MappingAddress, ULONG PoolTag, PMDL Mdl,
                                           MEMORY_CACHING_TYPE CacheType);
typedef VOID (NTAPI *MDLB_UNMAP_RESERVED_FN)(PVOID BaseAddress, ULONG PoolTag, PMDL Mdl);

/* ZwQuerySystemInformation (documented in the WDK as ZwQuerySystemInformation / winternl.h) with its
 * SystemBasicInformation class: mingw declares both only in user-mode headers. The x64 layout (64 bytes). */
typedef struct MDLB_SYSTEM_BASIC_INFORMATION {
    ULONG Reserved;
    ULONG TimerResolution;
    ULONG PageSize;
    ULONG NumberOfPhysicalPages;
    ULONG LowestPhysicalPageNumber;
    ULONG HighestPhysicalPageNumber;
    ULONG AllocationGranularity;
    ULONG_PTR MinimumUserModeAddress;
    ULONG_PTR MaximumUserModeAddress;
    ULONG_PTR ActiveProcessorsAffinityMask;
    CCHAR NumberOfProcessors;
} MDLB_SYSTEM_BASIC_INFORMATION;
#define MDLB_SYSTEM_BASIC_INFORMATION_CLASS 0 /* SystemBasicInformation */

NTSYSAPI NTSTATUS NTAPI ZwQuerySystemInformation(ULONG SystemInformationClass, PVOID SystemInformation,
                                                 ULONG SystemInformationLength, PULONG ReturnLength);

/* SAL and IRQL annotations: the WDK's sal.h/driverspecs.h give them meaning for the code analyser; mingw
 * has none, so they expand to nothing there. */
#ifndef _IRQL_requires_max_
#define _IRQL_requires_max_(irql)
#endif
#ifndef _IRQL_requires_
#define _IRQL_requires_(irql)
#endif
#ifndef _Dispatch_type_
#define _Dispatch_type_(t)
#endif
#ifndef _Function_class_
#define _Function_class_(f)
#endif
#ifndef _Use_decl_annotations_
#define _Use_decl_annotations_
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _In_
#define _In_
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(n)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(n)
#endif
#ifndef _Must_inspect_result_
#define _Must_inspect_result_
#endif

/* PAGED_CODE asserts only on checked builds; mingw's is already empty on free builds. */
#ifndef PAGED_CODE
#define PAGED_CODE()
#endif

#endif
