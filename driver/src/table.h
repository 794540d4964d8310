/*
 * table.h - the per-handle object table and the CONTRACT.md section 3 refusals as functions of object state.
 *
 * Pure C (no kernel headers) so every rule runs in the host tests. The driver keeps the DDI-facing pointers
 * (the MDL, the mapping address, the pool block) in the opaque fields and never asks this file to touch them.
 */
#ifndef MDLB_TABLE_H
#define MDLB_TABLE_H

#include "mdlbridge.h"
#include <stddef.h>

enum mdlb_obj_kind {
    MDLB_OBJ_MDL = 1,       /* IoAllocateMdl */
    MDLB_OBJ_INIT_MDL,      /* MmSizeOfMdl + pool + MmInitializeMdl */
    MDLB_OBJ_PARTIAL,       /* IoAllocateMdl + IoBuildPartialMdl */
    MDLB_OBJ_PAGES,         /* MmAllocatePagesForMdlEx */
    MDLB_OBJ_USER_MAPPING,  /* MmMapLockedPagesSpecifyCache(UserMode) */
    MDLB_OBJ_KERNEL_BUFFER, /* ExAllocatePoolWithTag(NonPagedPoolNx) */
    MDLB_OBJ_KERNEL_MAPPING, /* MmMapLockedPagesSpecifyCache(KernelMode): also its MDL's system mapping */
    MDLB_OBJ_RESERVATION,   /* MmAllocateMappingAddress */
    MDLB_OBJ_RESERVED_MAPPING /* MmMapLockedPagesWithReservedMapping */
};

/* State bits of an MDL object, kept by the driver from what it did (never read back from the MDL). */
#define MDLB_ST_LOCKED          0x0001u /* locked by a probe */
#define MDLB_ST_WRITE           0x0002u /* probe with IoWriteAccess / IoModifyAccess */
#define MDLB_ST_NONPAGED        0x0004u /* MmBuildMdlForNonPagedPool */
#define MDLB_ST_SYSMAP          0x0008u /* a system mapping this MDL owns (MmGetSystemAddressForMdlSafe mapped) */
#define MDLB_ST_INHERITED       0x0010u /* partial built from a mapped source: MappedSystemVa inherited */
#define MDLB_ST_SYSADDR         0x0020u /* a system address was handed out and has not ended */
#define MDLB_ST_NOWRITE         0x0040u /* that system address was mapped MdlMappingNoWrite */
#define MDLB_ST_PAGES_FREED     0x0080u /* MmFreePagesFromMdl ran */
#define MDLB_ST_PROC_VALID      0x0100u /* Process holds what the last DDI wrote (probe, build, partial) */
#define MDLB_ST_DRIVER_PAGES    0x0200u /* locked with KernelMode over a kernel buffer: the driver's own pages */
#define MDLB_ST_USER_MAPPED     0x0400u /* kernel buffer / page allocation whose pages were mapped into user space:
                                         * they return to the system only when the process exits (quarantine) */
#define MDLB_ST_QUARANTINED     0x0800u /* page allocation: MmFreePagesFromMdl was asked for, the pages are kept */
#define MDLB_ST_RESMAP          0x1000u /* mapped through a reservation: MDL_MAPPED_TO_SYSTEM_VA, but only
                                         * MmUnmapReservedMapping may end it (3.13) */

typedef struct mdlb_obj {
    mdlb_u32 id;            /* 0: free slot */
    mdlb_u32 kind;
    mdlb_u32 state;
    mdlb_u32 parent;        /* partial: source MDL; user mapping: its MDL */
    mdlb_u32 user_mappings; /* MDL: live user mappings of it */
    mdlb_u32 partials;      /* MDL: live partials built from it */
    mdlb_u32 inheritors;    /* MDL: live partials that inherited its system mapping */
    mdlb_u32 pfn_capacity;  /* MDL: PFN slots recorded at allocation */
    mdlb_u64 va;            /* MDL: MmGetMdlVirtualAddress; buffer / mapping: its address */
    mdlb_u64 length;        /* MDL: ByteCount; buffer: its size; mapping: the MDL's ByteCount */
    mdlb_u64 locked_bytes;  /* charged while MDLB_ST_LOCKED */
    mdlb_u64 pool_bytes;    /* MDL storage charged */
    mdlb_u64 page_bytes;    /* page allocation / kernel buffer bytes charged */
    mdlb_u32 nowrite;       /* user or kernel-mode mapping: made read-only */
    mdlb_u32 cache_type;    /* MDL: the pages' memory type (MDLB_MM_*), which every mapping of them must use */
    mdlb_u32 mapping;       /* MDL: its kernel-mode or reserved mapping object; reserved mapping: its
                             * reservation; reservation: the reserved mapping made in it (0: none) */
    mdlb_u32 reserved;
    void *k_object;         /* driver: PMDL, or the buffer, or the user address */
    void *k_extra;          /* driver: the system address handed out */
} mdlb_obj;

/* What a handle (or the driver, or a process) holds. */
typedef struct mdlb_use {
    mdlb_u32 objects;
    mdlb_u32 mdls;
    mdlb_u32 mappings;
    mdlb_u32 kernel_buffers;
    mdlb_u64 locked_bytes;
    mdlb_u64 kernel_buffer_bytes;
    mdlb_u64 page_bytes;
    mdlb_u64 pool_bytes;
    mdlb_u64 system_mapping_bytes;
} mdlb_use;

typedef struct mdlb_limits {
    mdlb_u32 objects;
    mdlb_u64 locked_bytes;
    mdlb_u64 kernel_buffer_bytes;
    mdlb_u64 page_bytes;
    mdlb_u64 pool_bytes;
    mdlb_u64 system_mapping_bytes;
} mdlb_limits;

typedef void *(*mdlb_alloc_fn)(size_t bytes);
typedef void (*mdlb_free_fn)(void *p);

/* Where a table's ids come from: the driver gives every table one driver-wide counter, so an id names at most
 * one live object of the whole driver and another handle's id is simply unknown here (STATUS_NOT_FOUND). */
typedef mdlb_u32 (*mdlb_id_fn)(void);

typedef struct mdlb_table {
    mdlb_obj *slots;
    mdlb_u32 capacity;
    mdlb_u32 next_id;       /* the table's own counter, used when next_id_fn is NULL (host tests) */
    mdlb_id_fn next_id_fn;  /* the driver-wide counter, or NULL */
    mdlb_use use;
    mdlb_alloc_fn alloc;
    mdlb_free_fn free;
} mdlb_table;

void mdlb_table_init(mdlb_table *t, mdlb_alloc_fn alloc, mdlb_free_fn free_fn);
void mdlb_table_destroy(mdlb_table *t);

/* Malformed-id lookup: returns 0 and the object, or STATUS_NOT_FOUND / STATUS_OBJECT_TYPE_MISMATCH.
 * 'kinds' is a bit mask of (1u << MDLB_OBJ_*). */
mdlb_u32 mdlb_table_lookup(mdlb_table *t, mdlb_u32 id, mdlb_u32 kinds, mdlb_obj **out);
#define MDLB_KINDS_ANY_MDL ((1u << MDLB_OBJ_MDL) | (1u << MDLB_OBJ_INIT_MDL) | (1u << MDLB_OBJ_PARTIAL) | (1u << MDLB_OBJ_PAGES))
#define MDLB_KIND_BIT(k) (1u << (k))

/* Inserts a new object (a copy of *proto without its id) and links it to its parent/buffer counters.
 * Returns the new object or NULL when out of memory. Limits are checked before, by mdlb_limit_check. */
mdlb_obj *mdlb_table_insert(mdlb_table *t, const mdlb_obj *proto);
/* What the next insert costs the handle in table slots: 0 when a slot is free, else the charge of a growth
 * (MDLB_TABLE_GROW_SLOTS * MDLB_SLOT_CHARGE). */
mdlb_u64 mdlb_table_growth_bytes(mdlb_table *t);
/* Unlinks and removes an object (its counters on parent/buffer are dropped). */
void mdlb_table_remove(mdlb_table *t, mdlb_obj *o);
/* The kernel buffer of this handle that contains [va, va+len) entirely (no wrap), or NULL. */
mdlb_obj *mdlb_table_kernel_range(mdlb_table *t, mdlb_u64 va, mdlb_u64 len);
/* Whether [va, va+len) lies (even partly) inside one of this handle's user mappings. */
int mdlb_table_in_user_mapping(mdlb_table *t, mdlb_u64 va, mdlb_u64 len);

/* The user mappings the driver made, process-wide (CONTRACT section 2): a range overlapping one made on ANY
 * handle of the process is refused for probes, chain ranges and DirectIo buffers. The driver keeps one set for
 * all processes under its own reader/writer lock; entries are keyed by the owning process. */
typedef struct mdlb_user_range {
    mdlb_u64 owner;         /* process id */
    mdlb_u64 base;          /* page-aligned */
    mdlb_u64 size;          /* whole pages */
} mdlb_user_range;

typedef struct mdlb_range_set {
    mdlb_user_range *items;
    mdlb_u32 count;
    mdlb_u32 capacity;
    mdlb_alloc_fn alloc;
    mdlb_free_fn free;
} mdlb_range_set;

void mdlb_ranges_init(mdlb_range_set *s, mdlb_alloc_fn alloc, mdlb_free_fn free_fn);
void mdlb_ranges_destroy(mdlb_range_set *s);
/* Adds the whole pages of a user mapping at va of len bytes. Returns 0 when out of memory. */
int mdlb_ranges_add(mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len);
/* Removes the entry added for the same owner, va and len (one of them, if several). */
void mdlb_ranges_remove(mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len);
/* Whether [va, va+len) overlaps a user mapping of 'owner' (a zero length counts as one byte). */
int mdlb_ranges_overlap(const mdlb_range_set *s, mdlb_u64 owner, mdlb_u64 va, mdlb_u64 len);
/* The next object to release in CONTRACT section 1 order, or NULL when the table is empty.
 * *phase receives which release step applies (MDLB_REL_*). */
enum { MDLB_REL_USER_MAPPING = 1, MDLB_REL_PARTIAL, MDLB_REL_SYSTEM_MAPPING, MDLB_REL_UNLOCK, MDLB_REL_FREE_PAGES,
       MDLB_REL_FREE_MDL, MDLB_REL_RESERVATION, MDLB_REL_KERNEL_BUFFER };
mdlb_obj *mdlb_table_next_release(mdlb_table *t, int *phase);
/* How many mappings releasing 'o' in 'phase' ends, for MDLB_COUNTERS.OutstandingMappings (asked before the step
 * changes the object): a user mapping; every system-mapping step (an MDL's own mapping and its kernel-mode object
 * are one); a partial's own system mapping, and its reserved mapping, which the partial step ends first (3.13). */
mdlb_u32 mdlb_release_mappings(const mdlb_obj *o, int phase);

/* Section 3 refusals. Each returns 0 or MDLB_REFUSE_*; none changes anything.
 * 'in_user_range': the MDL's range overlaps a user mapping of the process (mdlb_ranges_overlap, asked under the
 * range lock the caller keeps until the pages are locked). 'shared': the handle was found shared (section 1). */
mdlb_u32 mdlb_check_probe(mdlb_table *t, const mdlb_obj *mdl, mdlb_u32 access_mode, int in_user_range, int shared);
mdlb_u32 mdlb_check_build_nonpaged(mdlb_table *t, const mdlb_obj *mdl);
mdlb_u32 mdlb_check_map(mdlb_table *t, const mdlb_obj *mdl, int user, int shared_handle);
/* MmMapLockedPagesSpecifyCache(KernelMode): the mdlb_check_map refusals, then a second system mapping. */
mdlb_u32 mdlb_check_map_kernel(mdlb_table *t, const mdlb_obj *mdl, int shared_handle);
/* MmMapLockedPagesWithReservedMapping of 'mdl' into 'res' (3.13), in the spec's order. */
mdlb_u32 mdlb_check_map_reserved(mdlb_table *t, const mdlb_obj *res, const mdlb_obj *mdl, int shared_handle);
/* MmUnmapReservedMapping of 'mdl' from 'res' (3.13, 3.7). */
mdlb_u32 mdlb_check_unmap_reserved(mdlb_table *t, const mdlb_obj *res, const mdlb_obj *mdl);
/* MmFreeMappingAddress of 'res' (3.13). */
mdlb_u32 mdlb_check_free_reservation(const mdlb_obj *res);
/* Parameter stage after the lookup: 0, or MDLB_PARAM_CACHE_TYPE when a mapping asks for another memory type
 * than the pages of 'mdl' have (MAP_SYSTEM asks for MDLB_MM_CACHED). A partial carries its source's type. */
mdlb_u32 mdlb_check_cache_type(const mdlb_obj *mdl, mdlb_u32 cache_type);
/* MmAllocatePagesForMdlEx on a handle found shared is refused (section 1). */
mdlb_u32 mdlb_check_allocate_pages(int shared);
/* The state a partial starts with: a source's system mapping is inherited with its protection (NoWrite). */
mdlb_u32 mdlb_partial_state(const mdlb_obj *source, int source_mapped);
/* The kernel buffer or page allocation whose pages a user mapping of 'mdl' exposes, or NULL (quarantine). */
mdlb_obj *mdlb_driver_pages_of(mdlb_table *t, const mdlb_obj *mdl);
mdlb_u32 mdlb_check_unlock(const mdlb_obj *mdl);
mdlb_u32 mdlb_check_free(const mdlb_obj *mdl, mdlb_u32 method);
mdlb_u32 mdlb_check_free_pages(const mdlb_obj *mdl);
mdlb_u32 mdlb_check_unmap_system(const mdlb_obj *mdl);
mdlb_u32 mdlb_check_partial(mdlb_table *t, const mdlb_obj *source, mdlb_u64 offset, mdlb_u32 length,
                            mdlb_u32 *effective_length);
/* 3.9: refused while any MDL of the handle overlaps the buffer, in any state, whichever was created first. */
mdlb_u32 mdlb_check_pool_free(mdlb_table *t, const mdlb_obj *kbuf);
/* A transfer through 'mapping' (a user mapping) or through the system address of 'mdl'. */
mdlb_u32 mdlb_check_transfer(mdlb_table *t, const mdlb_obj *mapping, const mdlb_obj *mdl, int write,
                             mdlb_u32 offset, mdlb_u32 length);
/* Whether an MDL (or a partial's source) is locked for write or is driver-owned memory. */
int mdlb_mdl_writable(mdlb_table *t, const mdlb_obj *mdl);
/* Whether the pages of an MDL (or a partial's source) are locked, built or allocated. */
int mdlb_mdl_has_pages(mdlb_table *t, const mdlb_obj *mdl);

/* Section 4: 0 or MDLB_LIMIT_* when adding 'add' to 'handle' and 'driver' would exceed a limit. */
mdlb_u32 mdlb_limit_check(const mdlb_use *handle, const mdlb_limits *hl, const mdlb_use *driver,
                          const mdlb_limits *dl, const mdlb_use *add);
void mdlb_use_add(mdlb_use *u, const mdlb_use *d);
void mdlb_use_sub(mdlb_use *u, const mdlb_use *d);
void mdlb_default_limits(mdlb_limits *handle, mdlb_limits *driver);

/* Section 4: the limits an administrator configured (MDLB_LIMIT_NAME_* values read from Parameters at load). */
typedef struct mdlb_limit_config {
    mdlb_u32 present;                       /* bit (1 << MDLB_LIMIT_NAME_*): a value of that name was read */
    mdlb_u64 value[MDLB_LIMIT_NAME_COUNT];  /* the value read (meaningful where present) */
} mdlb_limit_config;

/* What is in force after the configuration. */
typedef struct mdlb_limits_in_force {
    mdlb_limits handle, driver;
    mdlb_u32 max_handles;                   /* driverMaxHandles */
    mdlb_u32 configured;                    /* MDLB_INFO.ConfiguredLimits */
    mdlb_u32 clamped;                       /* MDLB_INFO.ClampedLimits */
} mdlb_limits_in_force;

/* The defaults, with every configured value clamped to its MDLB_LIMIT_RANGES range, then the RAM rule: when the
 * driver-wide locked, page-allocation and kernel-buffer limits in force together exceed ram_bytes / 2, the
 * configured ones among them are lowered in that order (never below their minimum; a default is never lowered).
 * ram_bytes 0: unknown, no RAM rule. */
void mdlb_limits_configure(const mdlb_limit_config *cfg, mdlb_u64 ram_bytes, mdlb_limits_in_force *out);
/* Whether an object is an MDL of any kind. */
int mdlb_obj_is_mdl(const mdlb_obj *o);

#endif
