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

#define MDLB_TRACE(level, fmt, ...) \
    DbgPrintEx(DPFLTR_IHVDRIVER_ID, (level), "mdlbridge: " fmt "\n", __VA_ARGS__)

/* What a DIRECT call left for DIRECT_FETCH: the two snapshots with PFN copies. */
typedef struct mdlb_direct_record {
    mdlb_u32 status, stage, detail, have_before, have_after;
    mdlb_u64 value;
    mdlb_mdl_view before, after;
    mdlb_u64 pfns_before[1]; /* followed by the after copy: see ops.c */
} mdlb_direct_record;

typedef struct mdlb_handle {
    LIST_ENTRY link;          /* g_handles, under g_use_lock */
    LONG refs;                /* the file object's, plus a process-exit release in progress */
    HANDLE owner_pid;
    PEPROCESS owner;          /* referenced for the handle's life: user mappings are unmapped attached to it */
    LONG shared;              /* another process has sent a DEVICE_CONTROL */
    LONG released_on_exit;
    FAST_MUTEX lock;          /* every request and every release run under it, at PASSIVE_LEVEL */
    mdlb_table table;         /* under lock */
    mdlb_use use;             /* under g_use_lock (read by INFO of other handles) */
    mdlb_direct_record *direct;
    mdlb_u32 direct_pfns;     /* PFN slots of each copy in 'direct' */
} mdlb_handle;

/* Driver-wide state (driver.c). */
extern KSPIN_LOCK g_use_lock;     /* protects g_handles, every handle's 'use' and g_driver_use: arithmetic only */
extern LIST_ENTRY g_handles;
extern mdlb_use g_driver_use;
extern mdlb_limits g_handle_limits, g_driver_limits;

/* ops.c */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTSTATUS mdlb_dispatch_ioctl(mdlb_handle *h, PIRP irp, ULONG code, PVOID buf, ULONG in_len, ULONG out_len,
                             ULONG_PTR *information);
_IRQL_requires_max_(PASSIVE_LEVEL)
void mdlb_release_all(mdlb_handle *h, MDLB_COUNTERS *released);
void mdlb_resolve_optional(void);
void mdlb_use_sum_process(HANDLE pid, mdlb_use *out);

#endif
