/*
 * ops.c - one function per IOCTL of mdlbridge.h: the checks of CONTRACT.md section 3 in their order, the DDI,
 * and the snapshots before and after. Runs under the handle's lock at PASSIVE_LEVEL (APCs disabled).
 */
#include "internal.h"

#define STATUS_OF(x) ((mdlb_u32)(x))
#define MDL_HEADER_BYTES ((mdlb_u64)sizeof(MDL))

/* MmAllocatePagesForMdlEx and the reserved-mapping routines are looked up at run time: Wine's ntoskrnl does not
 * export the first, and a static import of any routine a kernel lacks keeps the whole image from loading there
 * (Windows 10 and 11 export all five). A missing one answers STATUS_NOT_SUPPORTED (MDLB_DDI_MM_UNAVAILABLE). */
static MDLB_ALLOCATE_PAGES_FN g_allocate_pages;
static MDLB_ALLOCATE_MAPPING_ADDRESS_FN g_allocate_mapping_address;
static MDLB_FREE_MAPPING_ADDRESS_FN g_free_mapping_address;
static MDLB_MAP_RESERVED_FN g_map_reserved;
static MDLB_UNMAP_RESERVED_FN g_unmap_reserved;

static PVOID resolve(PCWSTR name)
{
    UNICODE_STRING n;
    RtlInitUnicodeString(&n, name);
    return MmGetSystemRoutineAddress(&n);
}

void mdlb_resolve_optional(void)
{
    g_allocate_pages = (MDLB_ALLOCATE_PAGES_FN)resolve(L"MmAllocatePagesForMdlEx");
    g_allocate_mapping_address = (MDLB_ALLOCATE_MAPPING_ADDRESS_FN)resolve(L"MmAllocateMappingAddress");
    g_free_mapping_address = (MDLB_FREE_MAPPING_ADDRESS_FN)resolve(L"MmFreeMappingAddress");
    g_map_reserved = (MDLB_MAP_RESERVED_FN)resolve(L"MmMapLockedPagesWithReservedMapping");
    g_unmap_reserved = (MDLB_UNMAP_RESERVED_FN)resolve(L"MmUnmapReservedMapping");
    /* The pairs go together: a reservation is only made when it can be freed, a mapping only when it can be
     * unmapped, so the release path never meets a routine it lacks. */
    if (g_allocate_mapping_address == NULL || g_free_mapping_address == NULL)
        g_allocate_mapping_address = NULL, g_free_mapping_address = NULL;
    if (g_map_reserved == NULL || g_unmap_reserved == NULL)
        g_map_reserved = NULL, g_unmap_reserved = NULL;
}

/* Everything one request needs. The request is copied out of the system buffer first, because the reply is
 * written over the same buffer (METHOD_BUFFERED). */
typedef struct op {
    mdlb_handle *h;
    PIRP irp;
    ULONG code;
    const mdlb_u8 *in;
    ULONG in_len;
    MDLB_REQUEST_HEADER hdr;
    mdlb_reply r;
    mdlb_u32 insert_limit; /* the limit a table growth hit (table_insert), else 0 */
} op;

/* ---- accounting ---------------------------------------------------------------------------------- */

static mdlb_u32 reserve(mdlb_handle *h, const mdlb_use *add)
{
    KIRQL irql;
    mdlb_u32 lim;
    KeAcquireSpinLock(&g_use_lock, &irql);
    lim = mdlb_limit_check(&h->use, &g_handle_limits, &g_driver_use, &g_driver_limits, add);
    if (lim == 0) {
        mdlb_use_add(&h->use, add);
        mdlb_use_add(&g_driver_use, add);
    }
    KeReleaseSpinLock(&g_use_lock, irql);
    return lim;
}

static void unreserve(mdlb_handle *h, const mdlb_use *sub)
{
    KIRQL irql;
    KeAcquireSpinLock(&g_use_lock, &irql);
    mdlb_use_sub(&h->use, sub);
    mdlb_use_sub(&g_driver_use, sub);
    KeReleaseSpinLock(&g_use_lock, irql);
}

/* A system mapping of an MDL takes system address space for the pages it spans: charged to
 * maxSystemMappingBytes before the DDI runs, given back when the mapping ends (section 4). */
static void mapping_use(const mdlb_obj *m, mdlb_use *d)
{
    RtlZeroMemory(d, sizeof(*d));
    d->mappings = 1;
    d->system_mapping_bytes = mdlb_span_pages(m->va, m->length) * MDLB_PAGE_SIZE;
}

static void end_mapping(mdlb_handle *h, const mdlb_obj *m)
{
    mdlb_use d;
    mapping_use(m, &d);
    unreserve(h, &d);
}

/* A reservation holds ROUND_UP(size, 4096) bytes of system address space from RESERVE to FREE_RESERVATION. */
static mdlb_u64 reservation_bytes(mdlb_u64 size)
{
    return (size + MDLB_PAGE_SIZE - 1) & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
}

/* What an object holds, so its release gives back exactly what it took. A kernel-mode mapping object holds only
 * itself: its MDL's system mapping carries the mapping count and the address space (end_mapping). */
static void charge_of(const mdlb_obj *o, mdlb_use *d)
{
    RtlZeroMemory(d, sizeof(*d));
    d->objects = 1;
    if (o->kind == MDLB_OBJ_KERNEL_BUFFER) {
        d->kernel_buffers = 1;
        d->kernel_buffer_bytes = o->page_bytes;
    } else if (o->kind == MDLB_OBJ_USER_MAPPING || o->kind == MDLB_OBJ_RESERVED_MAPPING) {
        d->mappings = 1;
    } else if (o->kind == MDLB_OBJ_KERNEL_MAPPING) {
        ;
    } else if (o->kind == MDLB_OBJ_RESERVATION) {
        d->system_mapping_bytes = reservation_bytes(o->length);
    } else {
        d->mdls = 1;
        d->pool_bytes = o->pool_bytes;
        d->page_bytes = o->page_bytes;
    }
}

void mdlb_use_sum_process(HANDLE pid, mdlb_use *out)
{
    PLIST_ENTRY e;
    KIRQL irql;
    RtlZeroMemory(out, sizeof(*out));
    KeAcquireSpinLock(&g_use_lock, &irql);
    for (e = g_handles.Flink; e != &g_handles; e = e->Flink) {
        mdlb_handle *h = CONTAINING_RECORD(e, mdlb_handle, link);
        if (h->owner_pid == pid)
            mdlb_use_add(out, &h->use);
    }
    KeReleaseSpinLock(&g_use_lock, irql);
}

/* ---- replies --------------------------------------------------------------------------------------- */

static void reply_stage(op *o, mdlb_u32 status, mdlb_u32 stage, mdlb_u32 detail)
{
    mdlb_reply_status(&o->r, status, stage, detail);
}

static void refuse(op *o, mdlb_u32 why)
{
    reply_stage(o, MDLB_STATUS_INVALID_DEVICE_STATE, MDLB_STAGE_REFUSED, why);
}

static void over_limit(op *o, mdlb_u32 which)
{
    reply_stage(o, MDLB_STATUS_QUOTA_EXCEEDED, MDLB_STAGE_LIMIT, which);
}

static void ddi_failed(op *o, mdlb_u32 status, mdlb_u32 ddi)
{
    reply_stage(o, status, MDLB_STAGE_DDI, ddi);
}

static mdlb_u32 kind_of(const mdlb_obj *m)
{
    switch (m->kind) {
    case MDLB_OBJ_INIT_MDL: return MDLB_KIND_INITIALIZED;
    case MDLB_OBJ_PARTIAL: return MDLB_KIND_PARTIAL;
    case MDLB_OBJ_PAGES: return MDLB_KIND_PAGES;
    default: return MDLB_KIND_IO_ALLOCATED;
    }
}

/* Reads an MDL the way CONTRACT section 6 says: fields Windows leaves undefined are not read at all. */
static void view_mdl(PMDL mdl, mdlb_u32 kind, mdlb_u32 capacity, mdlb_u32 valid, mdlb_mdl_view *v)
{
    RtlZeroMemory(v, sizeof(*v));
    v->mdl_address = (mdlb_u64)(ULONG_PTR)mdl;
    v->next = (mdlb_u64)(ULONG_PTR)mdl->Next;
    v->start_va = (mdlb_u64)(ULONG_PTR)mdl->StartVa;
    v->size = (mdlb_u16)mdl->Size;
    v->flags = (mdlb_u16)mdl->MdlFlags;
    v->byte_count = mdl->ByteCount;
    v->byte_offset = mdl->ByteOffset;
    v->kind = kind;
    v->pfn_capacity = capacity;
    if (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL))
        valid |= MDLB_VALID_MAPPED_SYSTEM_VA;
    else
        valid &= ~MDLB_VALID_MAPPED_SYSTEM_VA;
    v->valid = valid;
    if (valid & MDLB_VALID_PROCESS)
        v->process = (mdlb_u64)(ULONG_PTR)mdl->Process;
    if (valid & MDLB_VALID_MAPPED_SYSTEM_VA)
        v->mapped_system_va = (mdlb_u64)(ULONG_PTR)mdl->MappedSystemVa;
    if (valid & MDLB_VALID_PFNS)
        v->pfns = (const mdlb_u64 *)MmGetMdlPfnArray(mdl);
}

static mdlb_u32 valid_of(mdlb_table *t, const mdlb_obj *m)
{
    mdlb_u32 v = 0;
    if (m->state & MDLB_ST_PROC_VALID)
        v |= MDLB_VALID_PROCESS;
    if (mdlb_mdl_has_pages(t, m))
        v |= MDLB_VALID_PFNS;
    return v | MDLB_VALID_MAPPED_SYSTEM_VA; /* view_mdl decides from the flags */
}

static void snap(op *o, const mdlb_obj *m, mdlb_u32 role)
{
    mdlb_mdl_view v;
    view_mdl((PMDL)m->k_object, kind_of(m), m->pfn_capacity, valid_of(&o->h->table, m), &v);
    (void)mdlb_reply_snapshot(&o->r, &v, role, m->id);
}

/* Every insert goes through here: when the table must grow, its new slots are pool the caller makes the driver
 * allocate, charged to the handle's MDL-pool bytes first (section 1: every allocation counts against a limit)
 * and given back when the handle goes. NULL: over a limit (o->insert_limit says which) or out of memory. */
static mdlb_obj *table_insert(op *o, const mdlb_obj *proto)
{
    mdlb_use grow;
    mdlb_obj *n;
    RtlZeroMemory(&grow, sizeof(grow));
    grow.pool_bytes = mdlb_table_growth_bytes(&o->h->table);
    o->insert_limit = grow.pool_bytes ? reserve(o->h, &grow) : 0;
    if (o->insert_limit)
        return NULL;
    n = mdlb_table_insert(&o->h->table, proto);
    if (n == NULL && grow.pool_bytes)
        unreserve(o->h, &grow);
    else
        o->h->table_charge += grow.pool_bytes;
    return n;
}

static void insert_failed(op *o)
{
    if (o->insert_limit)
        over_limit(o, o->insert_limit);
    else
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_EX_ALLOCATE_POOL);
}

/* Slots move when the table grows; callers find objects again by id after an insert. */
static mdlb_obj *find(op *o, mdlb_u32 id)
{
    mdlb_obj *m = NULL;
    (void)mdlb_table_lookup(&o->h->table, id, 0xFFFFFFFFu, &m);
    return m;
}

static mdlb_u32 capacity_of(PMDL mdl, mdlb_u64 va, mdlb_u64 len)
{
    if (g_pfn_width != 0)
        return mdlb_pfn_capacity((mdlb_u16)mdl->Size, mdlb_span_pages(va, len), g_pfn_width);
    return mdlb_pfn_capacity_from_size((mdlb_u16)mdl->Size, mdlb_span_pages(va, len));
}

static mdlb_u64 mdl_pool_bytes(mdlb_u64 va, mdlb_u64 len)
{
    return MDL_HEADER_BYTES + sizeof(PFN_NUMBER) * mdlb_span_pages(va, len);
}

/* ---- INFO, RELEASE_ALL ------------------------------------------------------------------------------ */

static void counters_of(const mdlb_use *u, MDLB_COUNTERS *c)
{
    RtlZeroMemory(c, sizeof(*c));
    c->OutstandingMdls = u->mdls;
    c->OutstandingMappings = u->mappings;
    c->OutstandingKernelBuffers = u->kernel_buffers;
    c->LockedPages = u->locked_bytes / MDLB_PAGE_SIZE;
}

static void fill_use(const mdlb_use *u, MDLB_USE *out)
{
    counters_of(u, &out->Counters);
    out->Objects = u->objects;
    out->LockedBytes = u->locked_bytes;
    out->KernelBufferBytes = u->kernel_buffer_bytes;
    out->PageAllocationBytes = u->page_bytes;
    out->MdlPoolBytes = u->pool_bytes;
}

static void fill_limits(const mdlb_limits *l, MDLB_LIMITS *out)
{
    out->MaxObjects = l->objects;
    out->MaxLockedBytes = l->locked_bytes;
    out->MaxKernelBufferBytes = l->kernel_buffer_bytes;
    out->MaxPageAllocationBytes = l->page_bytes;
    out->MaxMdlPoolBytes = l->pool_bytes;
}

static void op_info(op *o)
{
    RTL_OSVERSIONINFOW ver;
    MDLB_INFO info;
    mdlb_use hu, pu, du;
    KIRQL irql;
    void *d;

    RtlZeroMemory(&info, sizeof(info));
    RtlZeroMemory(&ver, sizeof(ver));
    ver.dwOSVersionInfoSize = sizeof(ver);
    if (NT_SUCCESS(RtlGetVersion(&ver))) {
        info.OsMajor = ver.dwMajorVersion;
        info.OsMinor = ver.dwMinorVersion;
        info.OsBuild = ver.dwBuildNumber;
    }
    info.DriverVersion = MDLB_DRIVER_VERSION;
    info.ProtocolVersion = MDLB_PROTOCOL_VERSION;
#if defined(_M_ARM64) || defined(__aarch64__)
    info.Arch = MDLB_ARCH_ARM64;
#else
    info.Arch = MDLB_ARCH_AMD64;
#endif
    info.PageSize = PAGE_SIZE;
    info.PfnWidth = sizeof(PFN_NUMBER);
    info.MdlHeaderSize = sizeof(MDL);
    info.MaxInlinePfns = MDLB_MAX_INLINE_PFNS;
    info.MaxTransfer = MDLB_MAX_TRANSFER;
    info.MaxChainRanges = MDLB_MAX_CHAIN_RANGES;
    info.HighestUserAddress = (mdlb_u64)(ULONG_PTR)MmHighestUserAddress;
    info.UserProbeAddress = (mdlb_u64)MmUserProbeAddress;
    info.ProcessId = (mdlb_u32)(ULONG_PTR)o->h->owner_pid;
    info.SharedHandle = o->h->shared ? 1u : 0u;
    fill_limits(&g_handle_limits, &info.HandleLimits);
    fill_limits(&g_driver_limits, &info.DriverLimits);
    mdlb_use_sum_process(o->h->owner_pid, &pu);
    KeAcquireSpinLock(&g_use_lock, &irql);
    hu = o->h->use;
    du = g_driver_use;
    KeReleaseSpinLock(&g_use_lock, irql);
    fill_use(&hu, &info.HandleUse);
    fill_use(&pu, &info.ProcessUse);
    fill_use(&du, &info.DriverUse);
    KeAcquireSpinLock(&g_use_lock, &irql);
    info.QuarantinedBytes = g_quarantined_bytes;
    KeReleaseSpinLock(&g_use_lock, irql);
    info.ReadOnlyUserMappings = g_readonly_user_mappings ? 1u : 0u;
    info.OpenHandles = (mdlb_u32)mdlb_open_handles();
    info.MaxHandles = g_max_handles;
    info.ConfiguredLimits = g_configured_limits;
    info.ClampedLimits = g_clamped_limits;
    info.HandleMaxSystemMappingBytes = g_handle_limits.system_mapping_bytes;
    info.DriverMaxSystemMappingBytes = g_driver_limits.system_mapping_bytes;
    info.HandleSystemMappingBytes = hu.system_mapping_bytes;
    info.ProcessSystemMappingBytes = pu.system_mapping_bytes;
    info.DriverSystemMappingBytes = du.system_mapping_bytes;
    d = mdlb_reply_data(&o->r, sizeof(info));
    if (d)
        RtlCopyMemory(d, &info, sizeof(info));
    mdlb_reply_value(&o->r, info.OsBuild);
}

static void op_release_all(op *o)
{
    MDLB_COUNTERS c;
    void *d;
    mdlb_release_all(o->h, &c);
    d = mdlb_reply_data(&o->r, sizeof(c));
    if (d)
        RtlCopyMemory(d, &c, sizeof(c));
    mdlb_reply_value(&o->r, c.OutstandingMdls + c.OutstandingMappings + c.OutstandingKernelBuffers);
}

/* ---- allocation ------------------------------------------------------------------------------------ */

static void op_size_of_mdl(op *o)
{
    MDLB_REQ_RANGE q;
    RtlCopyMemory(&q, o->in, sizeof(q));
    mdlb_reply_value(&o->r, (mdlb_u64)MmSizeOfMdl((PVOID)(ULONG_PTR)q.VirtualAddress, (SIZE_T)q.Length));
}

static mdlb_obj *insert_mdl(op *o, mdlb_u32 kind, PMDL mdl, void *storage, mdlb_u64 va, mdlb_u64 len,
                            mdlb_u32 capacity, const mdlb_use *charged, mdlb_u32 parent, mdlb_u32 state)
{
    mdlb_obj proto;
    RtlZeroMemory(&proto, sizeof(proto));
    proto.kind = kind;
    proto.k_object = mdl;
    proto.k_extra = storage;
    proto.va = va;
    proto.length = len;
    proto.pfn_capacity = capacity;
    proto.pool_bytes = charged->pool_bytes;
    proto.page_bytes = charged->page_bytes;
    proto.parent = parent;
    proto.state = state;
    proto.cache_type = MDLB_MM_CACHED; /* caller ranges and kernel buffers; partials and page allocations set theirs */
    return table_insert(o, &proto);
}

static void op_allocate_mdl(op *o)
{
    MDLB_REQ_ALLOCATE_MDL q;
    mdlb_use add;
    mdlb_u32 lim;
    mdlb_obj *m;
    PMDL mdl;

    RtlCopyMemory(&q, o->in, sizeof(q));
    mdl = IoAllocateMdl((PVOID)(ULONG_PTR)q.VirtualAddress, q.Length, FALSE, FALSE, NULL);
    if (mdl == NULL) {
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_IO_ALLOCATE_MDL);
        return;
    }
    /* The limit is checked on the MDL the DDI returned, so the operating system's own limit shows first. */
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mdls = 1;
    add.pool_bytes = mdl_pool_bytes(q.VirtualAddress, q.Length);
    lim = reserve(o->h, &add);
    if (lim) {
        IoFreeMdl(mdl);
        over_limit(o, lim);
        return;
    }
    m = insert_mdl(o, MDLB_OBJ_MDL, mdl, NULL, q.VirtualAddress, q.Length,
                   capacity_of(mdl, q.VirtualAddress, q.Length), &add, 0, 0);
    if (m == NULL) {
        IoFreeMdl(mdl);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    mdlb_reply_object(&o->r, m->id);
    mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)mdl);
    snap(o, m, MDLB_ROLE_AFTER);
}

static void op_initialize_mdl(op *o)
{
    MDLB_REQ_ALLOCATE_MDL q;
    mdlb_use add;
    mdlb_u32 lim, cap;
    mdlb_obj *m;
    SIZE_T size;
    PMDL mdl;

    RtlCopyMemory(&q, o->in, sizeof(q));
    size = MmSizeOfMdl((PVOID)(ULONG_PTR)q.VirtualAddress, q.Length);
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mdls = 1;
    add.pool_bytes = size;
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    /* Separate storage, never inside a kernel buffer the caller can write. */
    mdl = (PMDL)ExAllocatePoolWithTag(NonPagedPoolNx, size, MDLB_TAG_MDLSTOR);
    if (mdl == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_EX_ALLOCATE_POOL);
        return;
    }
    RtlZeroMemory(mdl, size);
    MmInitializeMdl(mdl, (PVOID)(ULONG_PTR)q.VirtualAddress, q.Length);
    cap = (mdlb_u32)((size - sizeof(MDL)) / sizeof(PFN_NUMBER));
    if (cap > mdlb_span_pages(q.VirtualAddress, q.Length))
        cap = (mdlb_u32)mdlb_span_pages(q.VirtualAddress, q.Length);
    m = insert_mdl(o, MDLB_OBJ_INIT_MDL, mdl, NULL, q.VirtualAddress, q.Length, cap, &add, 0, 0);
    if (m == NULL) {
        ExFreePoolWithTag(mdl, MDLB_TAG_MDLSTOR);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    mdlb_reply_object(&o->r, m->id);
    mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)mdl);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* ---- the process-wide user-mapping ranges ---------------------------------------------------------- */

static void ranges_shared(void)
{
    KeEnterCriticalRegion();
    ExAcquireResourceSharedLite(&g_ranges_lock, TRUE);
}

static void ranges_exclusive(void)
{
    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&g_ranges_lock, TRUE);
}

static void ranges_release(void)
{
    ExReleaseResourceLite(&g_ranges_lock);
    KeLeaveCriticalRegion();
}

/* Under g_ranges_lock (either mode). */
static int in_user_range(mdlb_handle *h, mdlb_u64 va, mdlb_u64 len)
{
    return mdlb_ranges_overlap(&g_ranges, (mdlb_u64)(ULONG_PTR)h->owner_pid, va, len);
}

/* Whether a page of the caller's range [va, va + len) is mapped PAGE_NOCACHE (0x200) or PAGE_WRITECOMBINE (0x400):
 * its pages would then be locked with a memory type other than MmCached, which every MDL over a caller range is
 * taken to have (section 2). Asked of the memory manager region by region; a range it cannot describe is left to
 * the probe, which raises for it. Runs in the caller's process (the request's thread). */
static int caller_range_uncached(mdlb_u64 va, mdlb_u64 len)
{
    MDLB_MEMORY_BASIC_INFORMATION mbi;
    mdlb_u64 at = va & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
    mdlb_u64 end = at + mdlb_span_pages(va, len) * MDLB_PAGE_SIZE, next;
    SIZE_T got;
    while (at < end) {
        RtlZeroMemory(&mbi, sizeof(mbi));
        got = 0;
        if (!NT_SUCCESS(ZwQueryVirtualMemory(NtCurrentProcess(), (PVOID)(ULONG_PTR)at,
                                             MDLB_MEMORY_BASIC_INFORMATION_CLASS, &mbi, sizeof(mbi), &got)))
            return 0;
        if (mbi.State == MEM_COMMIT && (mbi.Protect & (PAGE_NOCACHE | PAGE_WRITECOMBINE)) != 0)
            return 1;
        next = (mdlb_u64)(ULONG_PTR)mbi.BaseAddress + mbi.RegionSize;
        if (next <= at)
            return 0; /* no progress: never loop on a strange answer */
        at = next;
    }
    return 0;
}

/* ---- probe, build, unlock ------------------------------------------------------------------------- */

static NTSTATUS guarded_probe(PMDL mdl, KPROCESSOR_MODE mode, LOCK_OPERATION lop)
{
    NTSTATUS code = STATUS_SUCCESS;
    __try {
        MmProbeAndLockPages(mdl, mode, lop);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        /* Windows' GetExceptionCode() in the handler body is fine, Wine's is 0: keep the filter's value. */
        if (code == STATUS_SUCCESS)
            code = STATUS_UNSUCCESSFUL;
    }
    return code;
}

static void op_probe(op *o, mdlb_obj *m)
{
    MDLB_REQ_PROBE q;
    mdlb_u32 why, lim, id = m->id;
    mdlb_use add;
    NTSTATUS st;

    RtlCopyMemory(&q, o->in, sizeof(q));
    /* Shared from the range check until the pages are locked: no user mapping can appear over them between. */
    ranges_shared();
    why = mdlb_check_probe(&o->h->table, m, q.AccessMode, in_user_range(o->h, m->va, m->length),
                           o->h->shared != 0);
    /* Right after the user-mapping check, which is the last one a UserMode probe has (section 2). */
    if (why == 0 && q.AccessMode == MDLB_USER_MODE && caller_range_uncached(m->va, m->length))
        why = MDLB_REFUSE_UNCACHED_RANGE;
    if (why) {
        ranges_release();
        refuse(o, why);
        return;
    }
    RtlZeroMemory(&add, sizeof(add));
    add.locked_bytes = mdlb_span_pages(m->va, m->length) * MDLB_PAGE_SIZE;
    lim = reserve(o->h, &add);
    if (lim) {
        ranges_release();
        over_limit(o, lim);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    st = guarded_probe((PMDL)m->k_object, q.AccessMode == MDLB_KERNEL_MODE ? KernelMode : UserMode,
                       (LOCK_OPERATION)q.Operation);
    ranges_release();
    m = find(o, id);
    if (NT_SUCCESS(st) && (((PMDL)m->k_object)->MdlFlags & MDL_IO_SPACE) != 0) {
        /* Device memory has no MmCached pages to describe: unlock at once and refuse; the MDL is as after a
         * failed probe (section 2). */
        MmUnlockPages((PMDL)m->k_object);
        m->state &= ~MDLB_ST_PROC_VALID;
        unreserve(o->h, &add);
        refuse(o, MDLB_REFUSE_IO_SPACE);
    } else if (NT_SUCCESS(st)) {
        m->state |= MDLB_ST_LOCKED | MDLB_ST_PROC_VALID;
        if (q.Operation != MDLB_IO_READ_ACCESS)
            m->state |= MDLB_ST_WRITE;
        if (q.AccessMode == MDLB_KERNEL_MODE)
            m->state |= MDLB_ST_DRIVER_PAGES; /* only kernel-buffer ranges get here (3.2) */
        m->locked_bytes = add.locked_bytes;
    } else {
        m->state &= ~MDLB_ST_PROC_VALID;
        unreserve(o->h, &add);
        ddi_failed(o, STATUS_OF(st), MDLB_DDI_MM_PROBE_AND_LOCK_PAGES);
    }
    mdlb_reply_object(&o->r, id);
    snap(o, m, MDLB_ROLE_AFTER);
}

static void op_build_nonpaged(op *o, mdlb_obj *m)
{
    mdlb_u32 why = mdlb_check_build_nonpaged(&o->h->table, m);
    if (why) {
        refuse(o, why);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    MmBuildMdlForNonPagedPool((PMDL)m->k_object);
    m->state |= MDLB_ST_NONPAGED | MDLB_ST_PROC_VALID;
    mdlb_reply_object(&o->r, m->id);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* The MDL's own system mapping has ended (unmapped, unlocked, or freed with its partial): its address space goes
 * back, and so does the kernel-mode mapping object that named it, if MAP_KERNEL made it. */
static void end_system_mapping(mdlb_handle *h, mdlb_obj *m)
{
    mdlb_obj *k = NULL;
    mdlb_use d;
    end_mapping(h, m);
    if (m->mapping != 0 &&
        mdlb_table_lookup(&h->table, m->mapping, MDLB_KIND_BIT(MDLB_OBJ_KERNEL_MAPPING), &k) == 0 && k != NULL) {
        charge_of(k, &d);
        unreserve(h, &d);
        mdlb_table_remove(&h->table, k);
    }
    m->mapping = 0;
}

/* The common part of an unlock, for the IOCTL and the release path. */
static void unlock_mdl(mdlb_handle *h, mdlb_obj *m)
{
    mdlb_use d;
    MmUnlockPages((PMDL)m->k_object);
    if (m->state & MDLB_ST_SYSMAP)
        end_system_mapping(h, m); /* MmUnlockPages removes the system mapping of a full MDL */
    RtlZeroMemory(&d, sizeof(d));
    d.locked_bytes = m->locked_bytes;
    unreserve(h, &d);
    m->locked_bytes = 0;
    m->state &= ~(MDLB_ST_LOCKED | MDLB_ST_WRITE | MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
}

static void op_unlock(op *o, mdlb_obj *m)
{
    mdlb_u32 why = mdlb_check_unlock(m);
    if (why) {
        refuse(o, why);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE); /* the locked PFNs, before MmUnlockPages makes them undefined */
    unlock_mdl(o->h, m);
    mdlb_reply_object(&o->r, m->id);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* ---- mappings --------------------------------------------------------------------------------------- */

static void op_map_system(op *o, mdlb_obj *m)
{
    MDLB_REQ_MAP_SYSTEM q;
    mdlb_u32 why, lim;
    mdlb_use add;
    PMDL mdl = (PMDL)m->k_object;
    BOOLEAN had = (mdl->MdlFlags & (MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL)) != 0;
    PVOID va;

    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_map(&o->h->table, m, 0, o->h->shared != 0);
    if (why) {
        refuse(o, why);
        return;
    }
    if (!had) {
        mapping_use(m, &add);
        lim = reserve(o->h, &add);
        if (lim) {
            over_limit(o, lim);
            return;
        }
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    /* Never executable, whatever the caller asked; BugCheckOnFailure is FALSE inside the macro. */
    va = MmGetSystemAddressForMdlSafe(mdl, (MM_PAGE_PRIORITY)(q.Priority | MdlMappingNoExecute));
    if (va == NULL) {
        if (!had)
            unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_MM_MAP_LOCKED_PAGES);
    } else {
        if (!had) {
            m->state |= MDLB_ST_SYSMAP;
            if (q.Priority & MDLB_MAPPING_NO_WRITE)
                m->state |= MDLB_ST_NOWRITE;
        }
        m->state |= MDLB_ST_SYSADDR;
        m->k_extra = va;
        mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)va);
    }
    mdlb_reply_object(&o->r, m->id);
    snap(o, m, MDLB_ROLE_AFTER);
}

static int writable_protection(ULONG p)
{
    p &= 0xFFu;
    return p == PAGE_READWRITE || p == PAGE_WRITECOPY || p == PAGE_EXECUTE_READWRITE ||
           p == PAGE_EXECUTE_WRITECOPY;
}

static NTSTATUS guarded_map_user(PMDL mdl, MEMORY_CACHING_TYPE cache, PVOID requested, ULONG priority, PVOID *va)
{
    NTSTATUS code = STATUS_SUCCESS;
    *va = NULL;
    __try {
        *va = MmMapLockedPagesSpecifyCache(mdl, UserMode, cache, requested, FALSE, (MM_PAGE_PRIORITY)priority);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        if (code == STATUS_SUCCESS)
            code = STATUS_UNSUCCESSFUL;
    }
    if (NT_SUCCESS(code) && *va == NULL)
        code = STATUS_INSUFFICIENT_RESOURCES;
    return code;
}

/* At load, in the System process: map a scratch page of our own into user space with MdlMappingNoWrite and
 * ask the memory manager what it made. If it came out writable (or the check cannot be made), read-only user
 * mappings are refused from then on; checking after each mapping instead left a window for another thread. */
void mdlb_verify_readonly_user_mappings(void)
{
    MDLB_MEMORY_BASIC_INFORMATION mbi;
    PVOID page, va = NULL;
    SIZE_T got = 0;
    NTSTATUS st;
    PMDL mdl;

    g_readonly_user_mappings = FALSE;
    page = ExAllocatePoolWithTag(NonPagedPoolNx, PAGE_SIZE, MDLB_TAG_SCRATCH);
    if (page == NULL)
        return;
    mdl = IoAllocateMdl(page, PAGE_SIZE, FALSE, FALSE, NULL);
    if (mdl != NULL) {
        MmBuildMdlForNonPagedPool(mdl);
        st = guarded_map_user(mdl, MmCached, NULL, NormalPagePriority | MdlMappingNoExecute | MdlMappingNoWrite, &va);
        if (NT_SUCCESS(st)) {
            RtlZeroMemory(&mbi, sizeof(mbi));
            st = ZwQueryVirtualMemory(NtCurrentProcess(), va, MDLB_MEMORY_BASIC_INFORMATION_CLASS, &mbi,
                                      sizeof(mbi), &got);
            g_readonly_user_mappings = NT_SUCCESS(st) && !writable_protection(mbi.Protect);
            MmUnmapLockedPages(va, mdl);
        }
        IoFreeMdl(mdl);
    }
    ExFreePoolWithTag(page, MDLB_TAG_SCRATCH);
    MDLB_TRACE(DPFLTR_INFO_LEVEL, "read-only user mappings %s", g_readonly_user_mappings ? "verified" : "refused");
}

static void op_map_user(op *o, mdlb_obj *m)
{
    MDLB_REQ_MAP_USER q;
    mdlb_u32 why, lim, mdl_id = m->id;
    mdlb_obj proto, *n;
    BOOLEAN nowrite;
    mdlb_use add;
    NTSTATUS st;
    PVOID va;

    RtlCopyMemory(&q, o->in, sizeof(q));
    /* o->h->shared was counted for this request before the handle's lock was taken (mdlb_device_control). */
    why = mdlb_check_map(&o->h->table, m, 1, o->h->shared != 0);
    nowrite = !mdlb_mdl_writable(&o->h->table, m) || (q.Priority & MDLB_MAPPING_NO_WRITE) != 0;
    if (why == 0 && nowrite && !g_readonly_user_mappings)
        why = MDLB_REFUSE_USER_MAPPING_WRITABLE;
    if (why) {
        refuse(o, why);
        return;
    }
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mappings = 1;
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    ranges_exclusive(); /* no probe of this process checks its range while a mapping is being made */
    st = guarded_map_user((PMDL)m->k_object, (MEMORY_CACHING_TYPE)q.CacheType, (PVOID)(ULONG_PTR)q.RequestedAddress,
                          q.Priority | MdlMappingNoExecute | (nowrite ? MdlMappingNoWrite : 0), &va);
    if (NT_SUCCESS(st) && !mdlb_ranges_add(&g_ranges, (mdlb_u64)(ULONG_PTR)o->h->owner_pid,
                                           (mdlb_u64)(ULONG_PTR)va, m->length)) {
        MmUnmapLockedPages(va, (PMDL)m->k_object);
        st = STATUS_INSUFFICIENT_RESOURCES;
    }
    ranges_release();
    if (!NT_SUCCESS(st)) {
        unreserve(o->h, &add);
        ddi_failed(o, STATUS_OF(st), MDLB_DDI_MM_MAP_LOCKED_PAGES);
    } else {
        mdlb_obj *pages = mdlb_driver_pages_of(&o->h->table, m);
        if (pages != NULL)
            pages->state |= MDLB_ST_USER_MAPPED; /* quarantined when freed (section 2) */
        RtlZeroMemory(&proto, sizeof(proto));
        proto.kind = MDLB_OBJ_USER_MAPPING;
        proto.parent = mdl_id;
        proto.va = (mdlb_u64)(ULONG_PTR)va;
        proto.length = m->length;
        proto.nowrite = nowrite;
        proto.k_object = va;
        n = table_insert(o, &proto);
        if (n == NULL) {
            ranges_exclusive();
            MmUnmapLockedPages(va, (PMDL)find(o, mdl_id)->k_object);
            mdlb_ranges_remove(&g_ranges, (mdlb_u64)(ULONG_PTR)o->h->owner_pid, proto.va, proto.length);
            ranges_release();
            unreserve(o->h, &add);
            insert_failed(o);
        } else {
            o->h->user_mappings++;
            mdlb_reply_object(&o->r, n->id);
            mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)va);
        }
    }
    snap(o, find(o, mdl_id), MDLB_ROLE_AFTER);
}

static void unmap_user(mdlb_handle *h, mdlb_obj *map)
{
    mdlb_obj *m = NULL;
    mdlb_use d;
    (void)mdlb_table_lookup(&h->table, map->parent, MDLB_KINDS_ANY_MDL, &m);
    ranges_exclusive();
    if (m != NULL)
        MmUnmapLockedPages(map->k_object, (PMDL)m->k_object);
    mdlb_ranges_remove(&g_ranges, (mdlb_u64)(ULONG_PTR)h->owner_pid, map->va, map->length);
    ranges_release();
    h->user_mappings--;
    charge_of(map, &d);
    unreserve(h, &d);
    mdlb_table_remove(&h->table, map);
}

static void unmap_system(mdlb_handle *h, mdlb_obj *m)
{
    PMDL mdl = (PMDL)m->k_object;
    MmUnmapLockedPages(mdl->MappedSystemVa, mdl);
    m->state &= ~(MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
    end_system_mapping(h, m);
}

/* UNMAP names a user mapping, or a system mapping by its MDL or by its kernel-mode (or reserved) mapping object;
 * a reserved one is refused by mdlb_check_unmap_system (3.13: MmUnmapReservedMapping ends it). */
static void op_unmap(op *o, mdlb_obj *map, mdlb_obj *m)
{
    mdlb_u32 why, mdl_id;
    if (map != NULL && map->kind != MDLB_OBJ_USER_MAPPING)
        map = NULL; /* m is its MDL (lookup_objects) */
    if (map != NULL) {
        mdl_id = map->parent;
        snap(o, find(o, mdl_id), MDLB_ROLE_BEFORE);
        unmap_user(o->h, map);
    } else {
        mdl_id = m->id;
        why = mdlb_check_unmap_system(m);
        if (why) {
            refuse(o, why);
            return;
        }
        snap(o, m, MDLB_ROLE_BEFORE);
        unmap_system(o->h, m);
    }
    mdlb_reply_object(&o->r, mdl_id);
    snap(o, find(o, mdl_id), MDLB_ROLE_AFTER);
}

static NTSTATUS guarded_copy(void *dst, const void *src, mdlb_u32 len)
{
    NTSTATUS code = STATUS_SUCCESS;
    __try {
        RtlCopyMemory(dst, src, len);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        if (code == STATUS_SUCCESS)
            code = STATUS_UNSUCCESSFUL;
    }
    return code;
}

static void op_transfer(op *o, mdlb_obj *map, mdlb_obj *m, int write)
{
    MDLB_REQ_TRANSFER q;
    mdlb_u8 *base, *d;
    mdlb_u32 why;
    NTSTATUS st = STATUS_SUCCESS;

    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_transfer(&o->h->table, map, m, write, q.Offset, q.Length);
    if (why) {
        refuse(o, why);
        return;
    }
    base = map ? (mdlb_u8 *)map->k_object : (mdlb_u8 *)m->k_extra;
    snap(o, m, MDLB_ROLE_AFTER);
    if (write) {
        st = guarded_copy(base + q.Offset, o->in + sizeof(q), q.Length);
    } else {
        d = (mdlb_u8 *)mdlb_reply_data(&o->r, q.Length);
        if (d != NULL)
            st = guarded_copy(d, base + q.Offset, q.Length);
    }
    if (!NT_SUCCESS(st))
        ddi_failed(o, STATUS_OF(st), MDLB_DDI_MEMORY_ACCESS);
    else
        mdlb_reply_value(&o->r, q.Length);
    mdlb_reply_object(&o->r, map ? map->id : m->id);
}

/* ---- kernel-mode mappings and reservations ----------------------------------------------------------- */

/* MmMapLockedPagesSpecifyCache(KernelMode): a system mapping with the pages' own memory type. It is the MDL's
 * system mapping (MAP_SYSTEM then returns it, UNMAP by either id ends it) and a mapping object of its own. */
static void op_map_kernel(op *o, mdlb_obj *m)
{
    MDLB_REQ_MAP_USER q;
    mdlb_u32 why, lim, mdl_id = m->id;
    mdlb_obj proto, *n;
    mdlb_use add;
    PMDL mdl = (PMDL)m->k_object;
    PVOID va;

    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_map_kernel(&o->h->table, m, o->h->shared != 0);
    if (why) {
        refuse(o, why);
        return;
    }
    mapping_use(m, &add);
    add.objects = 1; /* the mapping object, before the address space (LIMIT_OBJECTS first) */
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    /* Never executable, whatever the caller asked; BugCheckOnFailure FALSE: NULL instead of a bug check. */
    va = MmMapLockedPagesSpecifyCache(mdl, KernelMode, (MEMORY_CACHING_TYPE)q.CacheType, NULL, FALSE,
                                      (MM_PAGE_PRIORITY)(q.Priority | MdlMappingNoExecute));
    if (va == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_MM_MAP_LOCKED_PAGES);
        mdlb_reply_object(&o->r, mdl_id);
        snap(o, m, MDLB_ROLE_AFTER);
        return;
    }
    RtlZeroMemory(&proto, sizeof(proto));
    proto.kind = MDLB_OBJ_KERNEL_MAPPING;
    proto.parent = mdl_id;
    proto.va = (mdlb_u64)(ULONG_PTR)va;
    proto.length = m->length;
    proto.nowrite = (q.Priority & MDLB_MAPPING_NO_WRITE) != 0;
    proto.k_object = va;
    n = table_insert(o, &proto);
    m = find(o, mdl_id);
    if (n == NULL) {
        MmUnmapLockedPages(va, mdl);
        unreserve(o->h, &add);
        insert_failed(o);
        snap(o, m, MDLB_ROLE_AFTER);
        return;
    }
    /* From here the MDL's system mapping holds the mapping count and the bytes; the object holds itself. */
    m->state |= MDLB_ST_SYSMAP | MDLB_ST_SYSADDR | (proto.nowrite ? MDLB_ST_NOWRITE : 0);
    m->k_extra = va;
    m->mapping = n->id;
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)va);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* MmAllocateMappingAddress: system address space and no page. Not refused on a shared handle: it maps nothing. */
static void op_reserve(op *o)
{
    MDLB_REQ_RESERVE q;
    mdlb_obj proto, *n;
    mdlb_use add;
    mdlb_u32 lim;
    PVOID base;

    RtlCopyMemory(&q, o->in, sizeof(q));
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.system_mapping_bytes = reservation_bytes(q.Size);
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    if (g_allocate_mapping_address == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_NOT_SUPPORTED, MDLB_DDI_MM_UNAVAILABLE);
        return;
    }
    base = g_allocate_mapping_address((SIZE_T)q.Size, MDLB_TAG_RESERVE);
    if (base == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_MM_ALLOCATE_MAPPING_ADDRESS);
        return;
    }
    RtlZeroMemory(&proto, sizeof(proto));
    proto.kind = MDLB_OBJ_RESERVATION;
    proto.va = (mdlb_u64)(ULONG_PTR)base;
    proto.length = q.Size;
    proto.k_object = base;
    n = table_insert(o, &proto);
    if (n == NULL) {
        g_free_mapping_address(base, MDLB_TAG_RESERVE);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, proto.va);
}

/* MmMapLockedPagesWithReservedMapping. Windows sets MDL_MAPPED_TO_SYSTEM_VA (and PARTIAL_HAS_BEEN_MAPPED for a
 * partial) with MappedSystemVa = the reservation's base, without ByteOffset; the address it returns has it. */
static void op_map_reserved(op *o, mdlb_obj *res, mdlb_obj *m)
{
    MDLB_REQ_RESERVED q;
    mdlb_u32 why, lim, mdl_id = m->id, res_id = res->id;
    mdlb_obj proto, *n;
    mdlb_use add;
    PVOID va;

    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_map_reserved(&o->h->table, res, m, o->h->shared != 0);
    if (why) {
        refuse(o, why);
        return;
    }
    /* The reservation was charged its address space: the mapping object is all that is new. */
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mappings = 1;
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    if (g_map_reserved == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_NOT_SUPPORTED, MDLB_DDI_MM_UNAVAILABLE);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    va = g_map_reserved(res->k_object, MDLB_TAG_RESERVE, (PMDL)m->k_object, (MEMORY_CACHING_TYPE)q.CacheType);
    if (va == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_MM_MAP_RESERVED);
        mdlb_reply_object(&o->r, mdl_id);
        snap(o, m, MDLB_ROLE_AFTER);
        return;
    }
    RtlZeroMemory(&proto, sizeof(proto));
    proto.kind = MDLB_OBJ_RESERVED_MAPPING;
    proto.parent = mdl_id;
    proto.mapping = res_id;
    proto.va = (mdlb_u64)(ULONG_PTR)va;
    proto.length = m->length;
    proto.k_object = va; /* never NoWrite: the DDI takes no priority */
    n = table_insert(o, &proto);
    m = find(o, mdl_id);
    if (n == NULL) {
        g_unmap_reserved(find(o, res_id)->k_object, MDLB_TAG_RESERVE, (PMDL)m->k_object);
        unreserve(o->h, &add);
        insert_failed(o);
        snap(o, m, MDLB_ROLE_AFTER);
        return;
    }
    m->state |= MDLB_ST_RESMAP;
    m->mapping = n->id;
    find(o, res_id)->mapping = n->id;
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, proto.va);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* MmUnmapReservedMapping of the MDL mapped into 'res' (IOCTL and release path; its preconditions hold). */
static void unmap_reserved(mdlb_handle *h, mdlb_obj *res, mdlb_obj *m)
{
    mdlb_obj *map = NULL;
    mdlb_use d;
    g_unmap_reserved(res->k_object, MDLB_TAG_RESERVE, (PMDL)m->k_object);
    if (mdlb_table_lookup(&h->table, res->mapping, MDLB_KIND_BIT(MDLB_OBJ_RESERVED_MAPPING), &map) == 0 &&
        map != NULL) {
        charge_of(map, &d);
        unreserve(h, &d);
        mdlb_table_remove(&h->table, map);
    }
    res->mapping = 0;
    m->mapping = 0;
    /* An address MAP_SYSTEM handed out (the reservation's base) ends with it. */
    m->state &= ~(MDLB_ST_RESMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
}

static void op_unmap_reserved(op *o, mdlb_obj *res, mdlb_obj *m)
{
    mdlb_u32 why = mdlb_check_unmap_reserved(&o->h->table, res, m);
    if (why) {
        refuse(o, why);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    unmap_reserved(o->h, res, m);
    mdlb_reply_object(&o->r, m->id);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* MmFreeMappingAddress (IOCTL and release path; nothing is mapped there). */
static void free_reservation(mdlb_handle *h, mdlb_obj *res)
{
    mdlb_use d;
    g_free_mapping_address(res->k_object, MDLB_TAG_RESERVE);
    charge_of(res, &d);
    unreserve(h, &d);
    mdlb_table_remove(&h->table, res);
}

static void op_free_reservation(op *o, mdlb_obj *res)
{
    mdlb_u32 why = mdlb_check_free_reservation(res), id = res->id;
    if (why) {
        refuse(o, why);
        return;
    }
    free_reservation(o->h, res);
    mdlb_reply_object(&o->r, id);
}

/* ---- partials, frees, pool ----------------------------------------------------------------------- */

static NTSTATUS guarded_partial(PMDL src, PMDL tgt, PVOID va, ULONG len)
{
    NTSTATUS code = STATUS_SUCCESS;
    __try {
        IoBuildPartialMdl(src, tgt, va, len);
    } __except (code = GetExceptionCode(), EXCEPTION_EXECUTE_HANDLER) {
        if (code == STATUS_SUCCESS)
            code = STATUS_UNSUCCESSFUL;
    }
    return code;
}

static void op_build_partial(op *o, mdlb_obj *src)
{
    MDLB_REQ_BUILD_PARTIAL q;
    mdlb_u32 why, lim, len, src_id = src->id, state = 0, cache_type = src->cache_type;
    PMDL smdl = (PMDL)src->k_object, tgt;
    mdlb_u64 va;
    mdlb_use add;
    mdlb_obj *n;
    NTSTATUS st;

    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_partial(&o->h->table, src, q.Offset, q.Length, &len);
    if (why) {
        refuse(o, why);
        return;
    }
    va = (mdlb_u64)(ULONG_PTR)MmGetMdlVirtualAddress(smdl) + q.Offset;
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mdls = 1;
    add.pool_bytes = mdl_pool_bytes(va, len);
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    tgt = IoAllocateMdl((PVOID)(ULONG_PTR)va, len, FALSE, FALSE, NULL);
    if (tgt == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_IO_ALLOCATE_MDL);
        return;
    }
    st = guarded_partial(smdl, tgt, (PVOID)(ULONG_PTR)va, len);
    if (!NT_SUCCESS(st)) {
        IoFreeMdl(tgt);
        unreserve(o->h, &add);
        ddi_failed(o, STATUS_OF(st), MDLB_DDI_IO_BUILD_PARTIAL_MDL);
        return;
    }
    state = mdlb_partial_state(src, (smdl->MdlFlags & MDL_MAPPED_TO_SYSTEM_VA) != 0);
    n = insert_mdl(o, MDLB_OBJ_PARTIAL, tgt, NULL, va, len, capacity_of(tgt, va, len), &add, src_id, state);
    if (n == NULL) {
        IoFreeMdl(tgt);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    n->cache_type = cache_type; /* the same pages, the same memory type */
    if (state & MDLB_ST_INHERITED)
        n->k_extra = tgt->MappedSystemVa;
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)tgt);
    snap(o, n, MDLB_ROLE_AFTER);
    snap(o, find(o, src_id), MDLB_ROLE_AFTER);
}

/* Frees an MDL object whose preconditions hold (IOCTL and release path). */
static void free_mdl(mdlb_handle *h, mdlb_obj *m)
{
    PMDL mdl = (PMDL)m->k_object;
    mdlb_use d;
    if (m->kind == MDLB_OBJ_PARTIAL && (m->state & MDLB_ST_SYSMAP))
        end_system_mapping(h, m); /* IoFreeMdl unmaps a mapped partial */
    if (m->kind == MDLB_OBJ_INIT_MDL)
        ExFreePoolWithTag(mdl, MDLB_TAG_MDLSTOR);
    else if (m->kind == MDLB_OBJ_PAGES && (m->state & MDLB_ST_QUARANTINED))
        ; /* its quarantine record frees it at the owner's exit */
    else if (m->kind == MDLB_OBJ_PAGES)
        ExFreePool(mdl);
    else
        IoFreeMdl(mdl);
    charge_of(m, &d);
    unreserve(h, &d);
    mdlb_table_remove(&h->table, m);
}

static void op_free_mdl(op *o, mdlb_obj *m)
{
    MDLB_REQ_FREE_MDL q;
    mdlb_u32 why, id = m->id;
    RtlCopyMemory(&q, o->in, sizeof(q));
    why = mdlb_check_free(m, q.Method);
    if (why) {
        refuse(o, why);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    free_mdl(o->h, m);
    mdlb_reply_object(&o->r, id);
}

static void op_pool_allocate(op *o)
{
    MDLB_REQ_POOL_ALLOCATE q;
    mdlb_obj proto, *n;
    mdlb_u64 size;
    mdlb_use add, pad;
    mdlb_u32 lim;
    PVOID block, p;

    RtlCopyMemory(&q, o->in, sizeof(q));
    /* The block holds the buffer at PageOffset and nothing else: ROUND_UP(PageOffset + Size, 4096), charged whole. */
    size = (q.PageOffset + q.Size + MDLB_PAGE_SIZE - 1) & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.kernel_buffers = 1;
    add.kernel_buffer_bytes = size;
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    /* Page-multiple requests come back page aligned on Windows; NonPagedPoolNx is never executable. */
    block = ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)size, MDLB_TAG_KBUF);
    if (block != NULL && ((ULONG_PTR)block & (PAGE_SIZE - 1)) != 0) {
        /* The buffer must own whole pages, or an MDL over it would expose whatever shares its first or last
         * page. A pool that does not align (Wine's) gets asked for one page more, and the buffer is the
         * page-aligned part of that block, which holds nothing else. The extra page is charged too. */
        ExFreePoolWithTag(block, MDLB_TAG_KBUF);
        block = NULL;
        RtlZeroMemory(&pad, sizeof(pad));
        pad.kernel_buffer_bytes = PAGE_SIZE;
        if (reserve(o->h, &pad) == 0) {
            add.kernel_buffer_bytes += PAGE_SIZE;
            block = ExAllocatePoolWithTag(NonPagedPoolNx, (SIZE_T)(size + PAGE_SIZE), MDLB_TAG_KBUF);
        }
    }
    if (block == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_EX_ALLOCATE_POOL);
        return;
    }
    p = (PVOID)(((ULONG_PTR)block + PAGE_SIZE - 1) & ~(ULONG_PTR)(PAGE_SIZE - 1));
    RtlZeroMemory(p, (SIZE_T)size);
    RtlZeroMemory(&proto, sizeof(proto));
    proto.kind = MDLB_OBJ_KERNEL_BUFFER;
    /* The buffer is [block + PageOffset, + Size): kernel-buffer ranges must lie inside it, and an MDL over it has
     * ByteOffset PageOffset. mdlb_check_pool_free still counts the whole block. */
    proto.va = (mdlb_u64)(ULONG_PTR)p + q.PageOffset;
    proto.length = q.Size;
    proto.page_bytes = add.kernel_buffer_bytes;
    proto.k_object = block;
    n = table_insert(o, &proto);
    if (n == NULL) {
        ExFreePoolWithTag(block, MDLB_TAG_KBUF);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, proto.va);
}

/* ---- quarantine: pages once mapped into user space outlive the caller's free (CONTRACT section 2) ------ */

/* Other components may have locked them through the user mapping without our knowing, so they go back to
 * the system only when the process has exited. 'charge' holds only bytes (kernel buffer or page allocation):
 * the handle is uncharged, the driver-wide use keeps them against its limits, and no counter shows an object. */
static int quarantine(mdlb_handle *h, PVOID block, PMDL pages, const mdlb_use *charge)
{
    mdlb_quarantined *q = (mdlb_quarantined *)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*q), MDLB_TAG_QUAR);
    KIRQL irql;
    if (q == NULL)
        return 0;
    RtlZeroMemory(q, sizeof(*q));
    q->pid = h->owner_pid;
    q->block = block;
    q->pages = pages;
    q->charge = *charge;
    KeAcquireSpinLock(&g_use_lock, &irql);
    InsertTailList(&g_quarantine, &q->link);
    mdlb_use_sub(&h->use, charge);
    g_quarantined_bytes += charge->kernel_buffer_bytes + charge->page_bytes;
    KeReleaseSpinLock(&g_use_lock, irql);
    return 1;
}

void mdlb_quarantine_release(HANDLE pid, int all)
{
    LIST_ENTRY mine, *e;
    KIRQL irql;
    InitializeListHead(&mine);
    KeAcquireSpinLock(&g_use_lock, &irql);
    for (e = g_quarantine.Flink; e != &g_quarantine;) {
        mdlb_quarantined *q = CONTAINING_RECORD(e, mdlb_quarantined, link);
        e = e->Flink;
        if (all || q->pid == pid) {
            RemoveEntryList(&q->link);
            InsertTailList(&mine, &q->link);
            mdlb_use_sub(&g_driver_use, &q->charge);
            g_quarantined_bytes -= q->charge.kernel_buffer_bytes + q->charge.page_bytes;
        }
    }
    KeReleaseSpinLock(&g_use_lock, irql);
    while (!IsListEmpty(&mine)) {
        mdlb_quarantined *q = CONTAINING_RECORD(RemoveHeadList(&mine), mdlb_quarantined, link);
        if (q->block != NULL)
            ExFreePoolWithTag(q->block, MDLB_TAG_KBUF);
        if (q->pages != NULL) {
            MmFreePagesFromMdl(q->pages);
            ExFreePool(q->pages);
        }
        ExFreePoolWithTag(q, MDLB_TAG_QUAR);
    }
}

/* Frees a kernel buffer whose preconditions hold (IOCTL and release path); 0 when its quarantine record could
 * not be allocated (nothing changed). */
static int free_kbuf(mdlb_handle *h, mdlb_obj *b)
{
    mdlb_use d, bytes;
    charge_of(b, &d);
    if (b->state & MDLB_ST_USER_MAPPED) {
        /* The object goes (its counts with it); its bytes stay charged to the driver while quarantined. */
        RtlZeroMemory(&bytes, sizeof(bytes));
        bytes.kernel_buffer_bytes = d.kernel_buffer_bytes;
        if (!quarantine(h, b->k_object, NULL, &bytes))
            return 0;
        d.kernel_buffer_bytes = 0;
        unreserve(h, &d);
    } else {
        ExFreePoolWithTag(b->k_object, MDLB_TAG_KBUF);
        unreserve(h, &d);
    }
    mdlb_table_remove(&h->table, b);
    return 1;
}

static void op_pool_free(op *o, mdlb_obj *b)
{
    mdlb_u32 why = mdlb_check_pool_free(&o->h->table, b), id = b->id;
    if (why) {
        refuse(o, why);
        return;
    }
    if (!free_kbuf(o->h, b)) {
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_EX_ALLOCATE_POOL);
        return;
    }
    mdlb_reply_object(&o->r, id);
}

static void op_query(op *o, mdlb_obj *m)
{
    mdlb_reply_object(&o->r, m->id);
    mdlb_reply_value(&o->r, (mdlb_u64)(ULONG_PTR)m->k_object);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* ---- page allocations ----------------------------------------------------------------------------- */

static void op_allocate_pages(op *o)
{
    MDLB_REQ_ALLOCATE_PAGES q;
    PHYSICAL_ADDRESS low, high, skip;
    mdlb_use add;
    mdlb_u32 lim, cap;
    mdlb_u64 size;
    mdlb_obj *n;
    PMDL mdl;

    RtlCopyMemory(&q, o->in, sizeof(q));
    lim = mdlb_check_allocate_pages(o->h->shared != 0);
    if (lim) {
        refuse(o, lim);
        return;
    }
    size = (q.Size + MDLB_PAGE_SIZE - 1) & ~(mdlb_u64)(MDLB_PAGE_SIZE - 1);
    RtlZeroMemory(&add, sizeof(add));
    add.objects = 1;
    add.mdls = 1;
    add.page_bytes = size;
    add.pool_bytes = mdl_pool_bytes(0, size);
    lim = reserve(o->h, &add);
    if (lim) {
        over_limit(o, lim);
        return;
    }
    if (g_allocate_pages == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_NOT_SUPPORTED, MDLB_DDI_MM_UNAVAILABLE);
        return;
    }
    low.QuadPart = (LONGLONG)q.LowAddress;
    high.QuadPart = (LONGLONG)q.HighAddress;
    skip.QuadPart = (LONGLONG)q.SkipBytes;
    /* q.Flags never holds MM_DONT_ZERO_ALLOCATION (a parameter error): the pages always come zeroed. */
    mdl = g_allocate_pages(low, high, skip, (SIZE_T)size, (MEMORY_CACHING_TYPE)q.CacheType,
                           q.Flags & ~(ULONG)MM_DONT_ZERO_ALLOCATION);
    if (mdl == NULL) {
        unreserve(o->h, &add);
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_MM_ALLOCATE_PAGES);
        return;
    }
    /* Without MM_ALLOCATE_FULLY_REQUIRED the MDL may describe less than asked (ByteCount says how much; the charge
     * stays the requested size). Every later step is bounded by ByteCount, through the object's length. */
    cap = capacity_of(mdl, 0, size);
    if (cap == 0)
        cap = capacity_of(mdl, 0, mdl->ByteCount); /* an MDL sized for what it got */
    n = insert_mdl(o, MDLB_OBJ_PAGES, mdl, NULL, 0, mdl->ByteCount, cap, &add, 0, MDLB_ST_PROC_VALID);
    if (n == NULL) {
        MmFreePagesFromMdl(mdl);
        ExFreePool(mdl);
        unreserve(o->h, &add);
        insert_failed(o);
        return;
    }
    n->cache_type = q.CacheType; /* every mapping of these pages must use it */
    mdlb_reply_object(&o->r, n->id);
    mdlb_reply_value(&o->r, mdl->ByteCount);
    snap(o, n, MDLB_ROLE_AFTER);
}

/* 0 when a quarantine record could not be allocated (nothing changed). */
static int free_pages(mdlb_handle *h, mdlb_obj *m)
{
    mdlb_use d;
    RtlZeroMemory(&d, sizeof(d));
    d.page_bytes = m->page_bytes;
    if (m->state & MDLB_ST_USER_MAPPED) {
        /* The quarantine record owns the MDL from now on: MmFreePagesFromMdl and ExFreePool run at exit. */
        if (!quarantine(h, NULL, (PMDL)m->k_object, &d))
            return 0;
        m->state |= MDLB_ST_QUARANTINED;
    } else {
        MmFreePagesFromMdl((PMDL)m->k_object);
        unreserve(h, &d);
    }
    m->page_bytes = 0;
    m->state |= MDLB_ST_PAGES_FREED;
    return 1;
}

static void op_free_pages(op *o, mdlb_obj *m)
{
    mdlb_u32 why = mdlb_check_free_pages(m);
    if (why) {
        refuse(o, why);
        return;
    }
    snap(o, m, MDLB_ROLE_BEFORE);
    if (!free_pages(o->h, m)) {
        ddi_failed(o, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_DDI_EX_ALLOCATE_POOL);
        return;
    }
    mdlb_reply_object(&o->r, m->id);
    snap(o, m, MDLB_ROLE_AFTER);
}

/* ---- chains --------------------------------------------------------------------------------------- */

/* Removes 'mdl' from the IRP's chain (it failed its probe) so the I/O manager never sees it. */
static void chain_detach(PIRP irp, PMDL mdl)
{
    PMDL *pp = &irp->MdlAddress;
    while (*pp != NULL && *pp != mdl)
        pp = &(*pp)->Next;
    /* The loop stops at mdl or at the end; testing "found" as *pp != NULL rather than *pp == mdl says the
     * same for the caller's non-NULL mdl and gives the analyzer no path where both are NULL. */
    if (*pp != NULL)
        *pp = mdl->Next;
    mdl->Next = NULL;
}

/* A chain's pages count against the locked-bytes limit while the request runs; 'held' collects the charge,
 * given back when the request ends (the chain never enters the handle table). */
static NTSTATUS chain_one(op *o, const MDLB_CHAIN_RANGE *r, PMDL *out, mdlb_use *held)
{
    BOOLEAN secondary = o->irp->MdlAddress != NULL; /* never TRUE on an IRP without MdlAddress */
    mdlb_use add;
    PMDL mdl;
    NTSTATUS st;
    *out = NULL;
    RtlZeroMemory(&add, sizeof(add));
    add.locked_bytes = mdlb_span_pages(r->VirtualAddress, r->Length) * MDLB_PAGE_SIZE;
    if (reserve(o->h, &add) != 0)
        return (NTSTATUS)MDLB_STATUS_QUOTA_EXCEEDED;
    mdl = IoAllocateMdl((PVOID)(ULONG_PTR)r->VirtualAddress, r->Length, secondary, FALSE, o->irp);
    if (mdl == NULL) {
        unreserve(o->h, &add);
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    st = guarded_probe(mdl, UserMode, (LOCK_OPERATION)r->Operation);
    if (!NT_SUCCESS(st)) {
        chain_detach(o->irp, mdl);
        IoFreeMdl(mdl);
        unreserve(o->h, &add);
        return st;
    }
    held->locked_bytes += add.locked_bytes;
    *out = mdl;
    return STATUS_SUCCESS;
}

static void chain_free_by_driver(PIRP irp)
{
    PMDL mdl = irp->MdlAddress, next;
    irp->MdlAddress = NULL;
    while (mdl != NULL) {
        next = mdl->Next;
        if (mdl->MdlFlags & MDL_PAGES_LOCKED)
            MmUnlockPages(mdl);
        IoFreeMdl(mdl);
        mdl = next;
    }
}

static void op_chain(op *o)
{
    MDLB_REQ_CHAIN q;
    MDLB_CHAIN_RANGE r[MDLB_MAX_CHAIN_RANGES];
    mdlb_u32 statuses[MDLB_MAX_CHAIN_RANGES], i, built = 0;
    PMDL mdls[MDLB_MAX_CHAIN_RANGES];
    mdlb_mdl_view v;
    mdlb_use held;
    void *d;

    RtlZeroMemory(&held, sizeof(held));

    RtlCopyMemory(&q, o->in, sizeof(q));
    RtlCopyMemory(r, o->in + sizeof(q), q.RangeCount * sizeof(r[0]));
    ranges_shared(); /* from the check until every range is locked */
    for (i = 0; i < q.RangeCount; i++) {
        if (in_user_range(o->h, r[i].VirtualAddress, r[i].Length)) {
            ranges_release();
            refuse(o, MDLB_REFUSE_RANGE_IN_USER_MAPPING);
            return;
        }
    }
    for (i = 0; i < q.RangeCount; i++) {
        if (caller_range_uncached(r[i].VirtualAddress, r[i].Length)) {
            ranges_release();
            refuse(o, MDLB_REFUSE_UNCACHED_RANGE);
            return;
        }
    }
    for (i = 0; i < q.RangeCount; i++) {
        statuses[i] = STATUS_OF(chain_one(o, &r[i], &mdls[i], &held));
        built += mdls[i] != NULL;
    }
    ranges_release();
    /* Snapshots after the whole chain is built and locked, in range order. */
    for (i = 0; i < q.RangeCount; i++) {
        if (mdls[i] == NULL)
            continue;
        view_mdl(mdls[i], MDLB_KIND_CHAIN,
                 capacity_of(mdls[i], r[i].VirtualAddress, r[i].Length),
                 MDLB_VALID_PROCESS | MDLB_VALID_PFNS | MDLB_VALID_MAPPED_SYSTEM_VA, &v);
        (void)mdlb_reply_snapshot(&o->r, &v, MDLB_ROLE_CHAIN, 0);
    }
    d = mdlb_reply_data(&o->r, q.RangeCount * (mdlb_u32)sizeof(mdlb_u32));
    if (d)
        RtlCopyMemory(d, statuses, q.RangeCount * sizeof(mdlb_u32));
    mdlb_reply_value(&o->r, built);
    if (q.Cleanup == MDLB_CLEANUP_DRIVER)
        chain_free_by_driver(o->irp);
    /* MDLB_CLEANUP_IO_MANAGER: the chain stays on the IRP; completion unlocks and frees it. */
    unreserve(o->h, &held);
}

/* ---- DIRECT pair ---------------------------------------------------------------------------------- */

/* 0 and the record, or the limit it hit (*rec NULL), or 0 with *rec NULL when pool is short. */
static mdlb_u32 direct_record(mdlb_handle *h, mdlb_direct_record **rec)
{
    SIZE_T bytes = sizeof(mdlb_direct_record) + (2u * MDLB_MAX_INLINE_PFNS) * sizeof(mdlb_u64);
    mdlb_use charge;
    mdlb_u32 lim;
    if (h->direct == NULL) {
        /* Charged once, when first made, and given back with the release (section 1). */
        RtlZeroMemory(&charge, sizeof(charge));
        charge.pool_bytes = MDLB_DIRECT_RECORD_CHARGE;
        lim = reserve(h, &charge);
        if (lim != 0) {
            *rec = NULL;
            return lim;
        }
        h->direct = (mdlb_direct_record *)ExAllocatePoolWithTag(NonPagedPoolNx, bytes, MDLB_TAG_DIRECT);
        if (h->direct == NULL)
            unreserve(h, &charge);
        h->direct_pfns = MDLB_MAX_INLINE_PFNS;
    }
    if (h->direct != NULL)
        RtlZeroMemory(h->direct, bytes);
    *rec = h->direct;
    return 0;
}

/* Copies what the view shows (PFNs too) into the record, because the MDL is gone after completion. */
static void keep_view(mdlb_handle *h, const mdlb_mdl_view *v, mdlb_mdl_view *kept, mdlb_u64 *pfns)
{
    mdlb_u32 n = mdlb_pfn_window((mdlb_u32)mdlb_span_pages(v->start_va + v->byte_offset, v->byte_count),
                                 v->pfn_capacity, 0, h->direct_pfns, h->direct_pfns * MDLB_PFN_WIDTH);
    *kept = *v;
    kept->pfn_capacity = n;
    kept->pfns = pfns;
    if (n && v->pfns)
        RtlCopyMemory(pfns, v->pfns, n * sizeof(mdlb_u64));
}

static void direct_result(mdlb_direct_outcome *res, mdlb_u32 status, mdlb_u32 stage, mdlb_u32 detail)
{
    res->status = status;
    res->stage = stage;
    res->detail = detail;
}

static void op_direct(op *o)
{
    mdlb_direct_outcome *res = &o->h->direct_outcome;
    PMDL mdl = o->irp->MdlAddress;
    mdlb_u32 cap, lim, valid = MDLB_VALID_PROCESS | MDLB_VALID_PFNS | MDLB_VALID_MAPPED_SYSTEM_VA;
    mdlb_direct_record *rec;
    mdlb_mdl_view v;
    int overlap;
    PVOID va;

    RtlZeroMemory(res, sizeof(*res));
    res->valid = 1;
    if (mdl == NULL) {
        /* A zero-length output buffer: the I/O manager built no MDL. */
        direct_result(res, MDLB_STATUS_INVALID_PARAMETER, MDLB_STAGE_PARAMETER, MDLB_PARAM_LENGTH);
        return;
    }
    ranges_shared();
    overlap = in_user_range(o->h, (mdlb_u64)(ULONG_PTR)MmGetMdlVirtualAddress(mdl), mdl->ByteCount);
    ranges_release();
    if (overlap) {
        /* The I/O manager locked it already and unlocks it at completion; the driver does not touch it. */
        direct_result(res, MDLB_STATUS_INVALID_DEVICE_STATE, MDLB_STAGE_REFUSED, MDLB_REFUSE_RANGE_IN_USER_MAPPING);
        return;
    }
    if (caller_range_uncached((mdlb_u64)(ULONG_PTR)MmGetMdlVirtualAddress(mdl), mdl->ByteCount)) {
        direct_result(res, MDLB_STATUS_INVALID_DEVICE_STATE, MDLB_STAGE_REFUSED, MDLB_REFUSE_UNCACHED_RANGE);
        return;
    }
    lim = direct_record(o->h, &rec);
    if (lim != 0) {
        direct_result(res, MDLB_STATUS_QUOTA_EXCEEDED, MDLB_STAGE_LIMIT, lim);
        return;
    }
    if (rec == NULL) {
        direct_result(res, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_STAGE_DDI, MDLB_DDI_EX_ALLOCATE_POOL);
        return;
    }
    cap = capacity_of(mdl, (mdlb_u64)(ULONG_PTR)MmGetMdlVirtualAddress(mdl), mdl->ByteCount);
    view_mdl(mdl, MDLB_KIND_IO_MANAGER, cap, valid, &v);
    keep_view(o->h, &v, &rec->before, rec->pfns_before);
    res->have_before = 1;
    va = MmGetSystemAddressForMdlSafe(mdl, (MM_PAGE_PRIORITY)(NormalPagePriority | MdlMappingNoExecute));
    if (va == NULL)
        direct_result(res, MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_STAGE_DDI, MDLB_DDI_MM_MAP_LOCKED_PAGES);
    res->value = (mdlb_u64)(ULONG_PTR)va;
    view_mdl(mdl, MDLB_KIND_IO_MANAGER, cap, valid, &v);
    keep_view(o->h, &v, &rec->after, rec->pfns_before + o->h->direct_pfns);
    res->have_after = 1;
}

static void op_direct_fetch(op *o)
{
    const mdlb_direct_outcome *res = &o->h->direct_outcome;
    const mdlb_direct_record *rec = o->h->direct;
    if (!res->valid) {
        refuse(o, MDLB_REFUSE_NO_DIRECT_RECORD);
        return;
    }
    reply_stage(o, res->status, res->stage, res->detail);
    mdlb_reply_value(&o->r, res->value);
    if (res->have_before && rec != NULL)
        (void)mdlb_reply_snapshot(&o->r, &rec->before, MDLB_ROLE_BEFORE, 0);
    if (res->have_after && rec != NULL)
        (void)mdlb_reply_snapshot(&o->r, &rec->after, MDLB_ROLE_AFTER, 0);
}

/* ---- release (CLEANUP, owner exit, RELEASE_ALL) ------------------------------------------------------ */

static mdlb_obj *find_in(mdlb_handle *h, mdlb_u32 id)
{
    mdlb_obj *m = NULL;
    (void)mdlb_table_lookup(&h->table, id, 0xFFFFFFFFu, &m);
    return m;
}

/* Takes an object out of the table with its charge (the release path's last resort: it never loops). */
static void drop_object(mdlb_handle *h, mdlb_obj *o)
{
    mdlb_use d;
    charge_of(o, &d);
    unreserve(h, &d);
    mdlb_table_remove(&h->table, o);
}

/* MmUnmapReservedMapping of an MDL the release path finds mapped through a reservation. */
static void release_reserved_mapping(mdlb_handle *h, mdlb_obj *m)
{
    mdlb_obj *map = find_in(h, m->mapping), *res = map != NULL ? find_in(h, map->mapping) : NULL;
    if (res != NULL) {
        unmap_reserved(h, res, m);
        return;
    }
    if (map != NULL)
        drop_object(h, map);
    m->mapping = 0;
    m->state &= ~(MDLB_ST_RESMAP | MDLB_ST_SYSADDR | MDLB_ST_NOWRITE);
}

/* Phase 3: an MDL's own system mapping, named by the MDL or by its mapping object; ending one ends both. */
static void release_system_mapping(mdlb_handle *h, mdlb_obj *o)
{
    mdlb_obj *m = o;
    if (o->kind == MDLB_OBJ_KERNEL_MAPPING || o->kind == MDLB_OBJ_RESERVED_MAPPING)
        m = find_in(h, o->parent);
    if (m != NULL && (m->state & MDLB_ST_RESMAP))
        release_reserved_mapping(h, m);
    else if (m != NULL && (m->state & MDLB_ST_SYSMAP))
        unmap_system(h, m);
    if (m != o && o->id != 0)
        drop_object(h, o); /* a mapping object its MDL no longer named */
}

static void release_one(mdlb_handle *h, mdlb_obj *o, int phase, MDLB_COUNTERS *c)
{
    KAPC_STATE apc;
    /* Counted before the step: it changes the state the count is read from. */
    c->OutstandingMappings += mdlb_release_mappings(o, phase);
    switch (phase) {
    case MDLB_REL_USER_MAPPING:
        /* A user address means something only in the process that owns it. */
        KeStackAttachProcess((PKPROCESS)h->owner, &apc);
        unmap_user(h, o);
        KeUnstackDetachProcess(&apc);
        break;
    case MDLB_REL_PARTIAL:
        if (o->state & MDLB_ST_RESMAP)
            release_reserved_mapping(h, o); /* IoFreeMdl would not end it (3.13) */
        free_mdl(h, o);
        c->OutstandingMdls++;
        break;
    case MDLB_REL_SYSTEM_MAPPING:
        release_system_mapping(h, o);
        break;
    case MDLB_REL_RESERVATION:
        free_reservation(h, o);
        break;
    case MDLB_REL_UNLOCK:
        c->LockedPages += o->locked_bytes / MDLB_PAGE_SIZE;
        unlock_mdl(h, o);
        break;
    case MDLB_REL_FREE_PAGES:
        if (!free_pages(h, o)) {
            /* No memory for a quarantine record: the release must finish, so the pages go back now. */
            o->state &= ~MDLB_ST_USER_MAPPED;
            (void)free_pages(h, o);
        }
        break;
    case MDLB_REL_FREE_MDL:
        free_mdl(h, o);
        c->OutstandingMdls++;
        break;
    default:
        if (!free_kbuf(h, o)) {
            o->state &= ~MDLB_ST_USER_MAPPED; /* as above */
            (void)free_kbuf(h, o);
        }
        c->OutstandingKernelBuffers++;
        break;
    }
}

void mdlb_release_all(mdlb_handle *h, MDLB_COUNTERS *released)
{
    mdlb_obj *o;
    int phase;
    RtlZeroMemory(released, sizeof(*released));
    while ((o = mdlb_table_next_release(&h->table, &phase)) != NULL)
        release_one(h, o, phase, released);
    if (h->direct != NULL) {
        mdlb_use charge;
        RtlZeroMemory(&charge, sizeof(charge));
        charge.pool_bytes = MDLB_DIRECT_RECORD_CHARGE;
        ExFreePoolWithTag(h->direct, MDLB_TAG_DIRECT);
        h->direct = NULL;
        unreserve(h, &charge);
    }
    RtlZeroMemory(&h->direct_outcome, sizeof(h->direct_outcome));
}

/* The handle goes: its table's slots are freed with it, and so is their charge. */
void mdlb_handle_uncharge_table(mdlb_handle *h)
{
    mdlb_use charge;
    RtlZeroMemory(&charge, sizeof(charge));
    charge.pool_bytes = h->table_charge;
    h->table_charge = 0;
    unreserve(h, &charge);
}

/* ---- dispatch ------------------------------------------------------------------------------------- */

/* Any object a mapping id may name (UNMAP, READ_MAPPED, WRITE_MAPPED). */
#define MDLB_KINDS_MAPPING_OBJECT (MDLB_KIND_BIT(MDLB_OBJ_USER_MAPPING) | MDLB_KIND_BIT(MDLB_OBJ_KERNEL_MAPPING) | \
                                   MDLB_KIND_BIT(MDLB_OBJ_RESERVED_MAPPING))

/* Unknown ids fail the IRP (malformed), before any parameter check. */
static NTSTATUS lookup_objects(op *o, mdlb_obj **a, mdlb_obj **b)
{
    mdlb_table *t = &o->h->table;
    MDLB_REQ_OBJECT q;
    MDLB_REQ_MAPPING mq;
    *a = *b = NULL;
    switch (o->code) {
    case IOCTL_MDLB_PROBE_AND_LOCK:
    case IOCTL_MDLB_MAP_SYSTEM:
    case IOCTL_MDLB_MAP_USER:
    case IOCTL_MDLB_MAP_KERNEL:
    case IOCTL_MDLB_BUILD_PARTIAL:
    case IOCTL_MDLB_BUILD_NONPAGED:
    case IOCTL_MDLB_UNLOCK:
    case IOCTL_MDLB_QUERY:
    case IOCTL_MDLB_FREE_PAGES:
    case IOCTL_MDLB_FREE_MDL:
        RtlCopyMemory(&q, o->in, sizeof(q));
        return (NTSTATUS)mdlb_table_lookup(t, q.ObjectId, MDLB_KINDS_ANY_MDL, b);
    case IOCTL_MDLB_POOL_FREE:
        RtlCopyMemory(&q, o->in, sizeof(q));
        return (NTSTATUS)mdlb_table_lookup(t, q.ObjectId, MDLB_KIND_BIT(MDLB_OBJ_KERNEL_BUFFER), b);
    case IOCTL_MDLB_FREE_RESERVATION:
        RtlCopyMemory(&q, o->in, sizeof(q));
        return (NTSTATUS)mdlb_table_lookup(t, q.ObjectId, MDLB_KIND_BIT(MDLB_OBJ_RESERVATION), a);
    case IOCTL_MDLB_MAP_RESERVED:
    case IOCTL_MDLB_UNMAP_RESERVED: {
        /* The reservation, then the MDL: each id must name its kind. */
        MDLB_REQ_RESERVED rq;
        NTSTATUS st;
        RtlCopyMemory(&rq, o->in, sizeof(rq));
        st = (NTSTATUS)mdlb_table_lookup(t, rq.ReservationId, MDLB_KIND_BIT(MDLB_OBJ_RESERVATION), a);
        if (st == 0)
            st = (NTSTATUS)mdlb_table_lookup(t, rq.MdlId, MDLB_KINDS_ANY_MDL, b);
        return st;
    }
    case IOCTL_MDLB_UNMAP:
    case IOCTL_MDLB_READ_MAPPED:
    case IOCTL_MDLB_WRITE_MAPPED:
        /* MDLB_REQ_MAPPING and MDLB_REQ_TRANSFER start alike: MappingId, then MdlId. */
        RtlCopyMemory(&mq, o->in, sizeof(mq));
        if (mq.MappingId != 0) {
            NTSTATUS st = (NTSTATUS)mdlb_table_lookup(t, mq.MappingId, MDLB_KINDS_MAPPING_OBJECT, a);
            if (st == 0)
                st = (NTSTATUS)mdlb_table_lookup(t, (*a)->parent, MDLB_KINDS_ANY_MDL, b);
            return st;
        }
        return (NTSTATUS)mdlb_table_lookup(t, mq.MdlId, MDLB_KINDS_ANY_MDL, b);
    default:
        return STATUS_SUCCESS;
    }
}

/* Names for tracing, indexed by function code - 0x800. A table of pointers also gives the image base
 * relocations, which the static image check requires. */
static const char *const g_op_names[] = {
    "Info", "ReleaseAll", "MmSizeOfMdl", "IoAllocateMdl", "MmInitializeMdl", "MmProbeAndLockPages",
    "MmGetSystemAddressForMdlSafe", "MmMapLockedPagesSpecifyCache", "MmUnmapLockedPages", "ReadMapped",
    "WriteMapped", "IoBuildPartialMdl", "MmBuildMdlForNonPagedPool", "MmUnlockPages", "FreeMdl",
    "ExAllocatePool", "ExFreePool", "Query", "DescribeChain", "MmAllocatePagesForMdlEx", "MmFreePagesFromMdl",
    "DirectIn", "DirectOut", "DirectFetch", "MmMapLockedPagesSpecifyCache(KernelMode)", "MmAllocateMappingAddress",
    "MmMapLockedPagesWithReservedMapping", "MmUnmapReservedMapping", "MmFreeMappingAddress",
};

static const char *op_name(ULONG code)
{
    ULONG fn = (code >> 2) & 0xFFFu;
    if (fn < 0x800u || fn - 0x800u >= sizeof(g_op_names) / sizeof(g_op_names[0]))
        return "?";
    return g_op_names[fn - 0x800u];
}

static void run(op *o, ULONG code, mdlb_obj *a, mdlb_obj *b)
{
    MDLB_TRACE(DPFLTR_TRACE_LEVEL, "%s", op_name(code));
    switch (code) {
    case IOCTL_MDLB_INFO: op_info(o); break;
    case IOCTL_MDLB_RELEASE_ALL: op_release_all(o); break;
    case IOCTL_MDLB_SIZE_OF_MDL: op_size_of_mdl(o); break;
    case IOCTL_MDLB_ALLOCATE_MDL: op_allocate_mdl(o); break;
    case IOCTL_MDLB_INITIALIZE_MDL: op_initialize_mdl(o); break;
    case IOCTL_MDLB_PROBE_AND_LOCK: op_probe(o, b); break;
    case IOCTL_MDLB_MAP_SYSTEM: op_map_system(o, b); break;
    case IOCTL_MDLB_MAP_USER: op_map_user(o, b); break;
    case IOCTL_MDLB_UNMAP: op_unmap(o, a, b); break;
    case IOCTL_MDLB_READ_MAPPED: op_transfer(o, a, b, 0); break;
    case IOCTL_MDLB_WRITE_MAPPED: op_transfer(o, a, b, 1); break;
    case IOCTL_MDLB_BUILD_PARTIAL: op_build_partial(o, b); break;
    case IOCTL_MDLB_BUILD_NONPAGED: op_build_nonpaged(o, b); break;
    case IOCTL_MDLB_UNLOCK: op_unlock(o, b); break;
    case IOCTL_MDLB_FREE_MDL: op_free_mdl(o, b); break;
    case IOCTL_MDLB_POOL_ALLOCATE: op_pool_allocate(o); break;
    case IOCTL_MDLB_POOL_FREE: op_pool_free(o, b); break;
    case IOCTL_MDLB_QUERY: op_query(o, b); break;
    case IOCTL_MDLB_DESCRIBE_CHAIN: op_chain(o); break;
    case IOCTL_MDLB_ALLOCATE_PAGES: op_allocate_pages(o); break;
    case IOCTL_MDLB_FREE_PAGES: op_free_pages(o, b); break;
    case IOCTL_MDLB_DIRECT_FETCH: op_direct_fetch(o); break;
    case IOCTL_MDLB_MAP_KERNEL: op_map_kernel(o, b); break;
    case IOCTL_MDLB_RESERVE: op_reserve(o); break;
    case IOCTL_MDLB_MAP_RESERVED: op_map_reserved(o, a, b); break;
    case IOCTL_MDLB_UNMAP_RESERVED: op_unmap_reserved(o, a, b); break;
    case IOCTL_MDLB_FREE_RESERVATION: op_free_reservation(o, a); break;
    default: break;
    }
}

/* The parameter stage's last check, which needs the objects: a mapping must use the memory type its pages were
 * made with (MAP_SYSTEM always maps MmCached). Before every refusal (CONTRACT section 3, order of checks). */
static mdlb_u32 object_parameters(op *o, ULONG code, const mdlb_obj *mdl)
{
    MDLB_REQ_MAP_USER mq;
    MDLB_REQ_RESERVED rq;
    switch (code) {
    case IOCTL_MDLB_MAP_SYSTEM:
        return mdlb_check_cache_type(mdl, MDLB_MM_CACHED);
    case IOCTL_MDLB_MAP_USER:
    case IOCTL_MDLB_MAP_KERNEL:
        RtlCopyMemory(&mq, o->in, sizeof(mq));
        return mdlb_check_cache_type(mdl, mq.CacheType);
    case IOCTL_MDLB_MAP_RESERVED:
        RtlCopyMemory(&rq, o->in, sizeof(rq));
        return mdlb_check_cache_type(mdl, rq.CacheType);
    default:
        return 0;
    }
}

static NTSTATUS dispatch_copied(op *o, PVOID buf, ULONG out_len, ULONG_PTR *information)
{
    /* Read once: lookup_objects found the objects this code needs, and run must dispatch on the same code.
     * The analyzer cannot know that no callee in between writes o->code, and reported the object ops with
     * the NULL a/b of a code that takes no object. */
    const ULONG code = o->code;
    mdlb_obj *a, *b;
    mdlb_u32 param;
    NTSTATUS st = lookup_objects(o, &a, &b);
    if (st != STATUS_SUCCESS)
        return st;
    if (o->code == IOCTL_MDLB_DIRECT_IN || o->code == IOCTL_MDLB_DIRECT_OUT) {
        op_direct(o); /* the output buffer is the subject range: no reply is written into it */
        *information = 0;
        return STATUS_SUCCESS;
    }
    mdlb_reply_begin(&o->r, buf, out_len, mdlb_min_reply_size(o->code, o->in, o->in_len), &o->hdr);
    param = mdlb_check_parameters(o->code, o->in, o->in_len);
    if (param == 0)
        param = object_parameters(o, code, b);
    if (param)
        reply_stage(o, MDLB_STATUS_INVALID_PARAMETER, MDLB_STAGE_PARAMETER, param);
    else
        run(o, code, a, b);
    *information = mdlb_reply_finish(&o->r);
    return STATUS_SUCCESS;
}

_Use_decl_annotations_
NTSTATUS mdlb_dispatch_ioctl(mdlb_handle *h, PIRP irp, ULONG code, PVOID buf, ULONG in_len, ULONG out_len,
                             ULONG_PTR *information)
{
    mdlb_u8 small[512];
    mdlb_u8 *copy = small;
    ULONG copy_len;
    NTSTATUS st;
    op o;

    *information = 0;
    st = (NTSTATUS)mdlb_check_malformed(code, buf, in_len, out_len);
    if (st != STATUS_SUCCESS)
        return st;
    /* A WRITE_MAPPED longer than MDLB_MAX_TRANSFER is a parameter error: copy only its fixed part, so a 4 GiB
     * request never costs an uncharged allocation before it is rejected. */
    copy_len = mdlb_request_copy_length(code, buf, in_len);
    if (copy_len > sizeof(small)) {
        copy = (mdlb_u8 *)ExAllocatePoolWithTag(NonPagedPoolNx, copy_len, MDLB_TAG_SCRATCH);
        if (copy == NULL)
            return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyMemory(copy, buf, copy_len);
    RtlZeroMemory(&o, sizeof(o));
    o.h = h;
    o.irp = irp;
    o.code = code;
    o.in = copy;
    o.in_len = copy_len;
    RtlCopyMemory(&o.hdr, copy, sizeof(o.hdr));
    st = dispatch_copied(&o, buf, out_len, information);
    if (copy != small)
        ExFreePoolWithTag(copy, MDLB_TAG_SCRATCH);
    return st;
}

#include "mdlbridge_version.h"
MDLB_STATIC_ASSERT(MDLB_DRIVER_VERSION == ((MDLB_VER_MAJOR << 24) | (MDLB_VER_MINOR << 16) | MDLB_VER_PATCH));
