/*
 * internal.h - what driver.c and ops.c share. Kernel only.
 */
#ifndef MDLB_INTERNAL_H
#define MDLB_INTERNAL_H

#include "shims.h"
#include "protocol.h"
#include "table.h"

/* One tag per allocation type, so a pool dump says what leaked. */
#define MDLB_TAG_HANDLE  'hBdM' /* per-handle context */
#define MDLB_TAG_TABLE   'tBdM' /* object table slots */
#define MDLB_TAG_KBUF    'kBdM' /* kernel buffers handed to callers */
#define MDLB_TAG_MDLSTOR 'mBdM' /* MmInitializeMdl storage */
#define MDLB_TAG_DIRECT  'dBdM' /* kept DIRECT snapshots */
#define MDLB_TAG_SCRATCH 'sBdM' /* short-lived copies (transfer staging) */
#define MDLB_TAG_RANGES  'rBdM' /* process-wide user-mapping ranges */
#define MDLB_TAG_QUAR    'qBdM' /* quarantine records */
/* The tag every reserved-mapping DDI of one reservation must be given alike (MmAllocateMappingAddress,
 * MmMapLockedPagesWithReservedMapping, MmUnmapReservedMapping, MmFreeMappingAddress): spec12's 'bLDM'. */
#define MDLB_TAG_RESERVE 'bLDM'

#define MDLB_TRACE(level, fmt, ...) \
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, (level), "mdlbridge: " fmt "\n", __VA_ARGS__)

/* What the last DIRECT call's driver part reported, for DIRECT_FETCH. Kept in the handle itself, so a DIRECT call
 * the driver refuses or rejects allocates and charges nothing. */
typedef struct mdlb_direct_outcome {
    mdlb_u32 valid, status, stage, detail, have_before, have_after;
    mdlb_u64 value;
} mdlb_direct_outcome;

/* Its two snapshots with PFN copies, allocated (and charged) the first time a DIRECT call takes them. */
typedef struct mdlb_direct_record {
    mdlb_mdl_view before, after;
    mdlb_u64 pfns_before[1]; /* followed by the after copy: see ops.c */
} mdlb_direct_record;

typedef struct mdlb_handle {
    LIST_ENTRY link;          /* g_handles, under g_use_lock */
    LONG refs;                /* the file object's, plus a process-exit release in progress */
    HANDLE owner_pid;
    PEPROCESS owner;          /* referenced for the handle's life: user mappings are unmapped attached to it */
    LONG shared;              /* found shared: another process sent a request, or more than one handle refers to
                               * the file object (counted at user-mapping time and at every request while user
                               * mappings live); from then on no new mapping, lock or page allocation */
    LONG released_on_exit;
    LONG released;            /* CLEANUP or the owner's exit ran: later requests fail with STATUS_INVALID_HANDLE */
    PFILE_OBJECT file;        /* the file object whose handles are counted (not referenced: it outlives us) */
    mdlb_u32 user_mappings;   /* live user mappings of this handle, under lock */
    mdlb_u64 table_charge;    /* pool bytes charged for the table's slots (table_insert), given back at the end */
    FAST_MUTEX lock;          /* every request and every release run under it, at PASSIVE_LEVEL */
    mdlb_table table;         /* under lock */
    mdlb_use use;             /* under g_use_lock (read by INFO of other handles) */
    mdlb_direct_outcome direct_outcome;
    mdlb_direct_record *direct;
    mdlb_u32 direct_pfns;     /* PFN slots of each copy in 'direct' */
} mdlb_handle;

/* Driver-wide state (driver.c). */
extern mdlb_u32 g_pfn_width;       /* bytes per PFN in this kernel's MDLs, measured at DriverEntry (8; Wine: 4) */
extern KSPIN_LOCK g_use_lock;     /* protects g_handles, every handle's 'use' and g_driver_use: arithmetic only */
extern LIST_ENTRY g_handles;
extern mdlb_use g_driver_use;
extern mdlb_limits g_handle_limits, g_driver_limits;
/* The administrator's limits as read at load (driver.c): driverMaxHandles and INFO's two bit masks. */
extern mdlb_u32 g_max_handles, g_configured_limits, g_clamped_limits;
/* The user mappings of every process (CONTRACT section 2), under g_ranges_lock: shared from a range check until
 * the pages are locked, exclusive to add or remove. Lock order: a handle's lock, then g_ranges_lock. */
extern mdlb_range_set g_ranges;
extern ERESOURCE g_ranges_lock;
/* Pages once mapped into a process's user space, freed by the caller but kept until that process exits. */
extern LIST_ENTRY g_quarantine;   /* of mdlb_quarantined, under g_use_lock */
extern mdlb_u64 g_quarantined_bytes;
/* Whether a MdlMappingNoWrite user mapping came out read-only when checked at load (else such mappings are
 * refused: the check after each mapping left a window in which another thread could write). */
extern BOOLEAN g_readonly_user_mappings;

typedef struct mdlb_quarantined {
    LIST_ENTRY link;
    HANDLE pid;
    PVOID block;              /* a kernel buffer (ExFreePoolWithTag) ... */
    PMDL pages;               /* ... or a page allocation's MDL (MmFreePagesFromMdl, then ExFreePool) */
    mdlb_use charge;          /* what it still holds of the driver-wide use */
} mdlb_quarantined;
/* ops.c */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS mdlb_dispatch_ioctl(mdlb_handle *h, PIRP irp, ULONG code, PVOID buf, ULONG in_len, ULONG out_len,
                             ULONG_PTR *information);
_IRQL_requires_max_(PASSIVE_LEVEL)
void mdlb_release_all(mdlb_handle *h, MDLB_COUNTERS *released);
void mdlb_resolve_optional(void);
void mdlb_use_sum_process(HANDLE pid, mdlb_use *out);
LONG mdlb_open_handles(void);
void mdlb_handle_uncharge_table(mdlb_handle *h);
_IRQL_requires_max_(PASSIVE_LEVEL)
void mdlb_quarantine_release(HANDLE pid, int all);
_IRQL_requires_max_(PASSIVE_LEVEL)
int mdlb_handle_is_shared(mdlb_handle *h);
_IRQL_requires_max_(PASSIVE_LEVEL)
void mdlb_verify_readonly_user_mappings(void);

#endif
