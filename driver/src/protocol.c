/*
 * protocol.c - see protocol.h. Pure C, shared by the driver and the host tests.
 */
#include "protocol.h"
#include <string.h>

#define HDR_SIZE ((mdlb_u32)sizeof(MDLB_REPLY_HEADER))
#define SNAP_SIZE ((mdlb_u32)sizeof(MDLB_SNAPSHOT))

static mdlb_u32 rd32(const void *p, size_t off)
{
    mdlb_u32 v;
    memcpy(&v, (const mdlb_u8 *)p + off, sizeof(v));
    return v;
}

/* Fixed input size of each code; 0 for an unknown code. Variable codes return their fixed part. */
static mdlb_u32 fixed_request_size(mdlb_u32 code)
{
    switch (code) {
    case IOCTL_MDLB_INFO:
    case IOCTL_MDLB_RELEASE_ALL:
    case IOCTL_MDLB_DIRECT_IN:
    case IOCTL_MDLB_DIRECT_OUT:
    case IOCTL_MDLB_DIRECT_FETCH:
        return sizeof(MDLB_REQUEST_HEADER);
    case IOCTL_MDLB_SIZE_OF_MDL:
        return sizeof(MDLB_REQ_RANGE);
    case IOCTL_MDLB_ALLOCATE_MDL:
    case IOCTL_MDLB_INITIALIZE_MDL:
        return sizeof(MDLB_REQ_ALLOCATE_MDL);
    case IOCTL_MDLB_PROBE_AND_LOCK:
        return sizeof(MDLB_REQ_PROBE);
    case IOCTL_MDLB_MAP_SYSTEM:
        return sizeof(MDLB_REQ_MAP_SYSTEM);
    case IOCTL_MDLB_MAP_USER:
    case IOCTL_MDLB_MAP_KERNEL:
        return sizeof(MDLB_REQ_MAP_USER);
    case IOCTL_MDLB_RESERVE:
        return sizeof(MDLB_REQ_RESERVE);
    case IOCTL_MDLB_MAP_RESERVED:
    case IOCTL_MDLB_UNMAP_RESERVED:
        return sizeof(MDLB_REQ_RESERVED);
    case IOCTL_MDLB_UNMAP:
        return sizeof(MDLB_REQ_MAPPING);
    case IOCTL_MDLB_READ_MAPPED:
    case IOCTL_MDLB_WRITE_MAPPED:
        return sizeof(MDLB_REQ_TRANSFER);
    case IOCTL_MDLB_BUILD_PARTIAL:
        return sizeof(MDLB_REQ_BUILD_PARTIAL);
    case IOCTL_MDLB_BUILD_NONPAGED:
    case IOCTL_MDLB_UNLOCK:
    case IOCTL_MDLB_QUERY:
    case IOCTL_MDLB_FREE_PAGES:
    case IOCTL_MDLB_POOL_FREE:
    case IOCTL_MDLB_FREE_RESERVATION:
        return sizeof(MDLB_REQ_OBJECT);
    case IOCTL_MDLB_FREE_MDL:
        return sizeof(MDLB_REQ_FREE_MDL);
    case IOCTL_MDLB_POOL_ALLOCATE:
        return sizeof(MDLB_REQ_POOL_ALLOCATE);
    case IOCTL_MDLB_DESCRIBE_CHAIN:
        return sizeof(MDLB_REQ_CHAIN);
    case IOCTL_MDLB_ALLOCATE_PAGES:
        return sizeof(MDLB_REQ_ALLOCATE_PAGES);
    default:
        return 0;
    }
}

/* The exact input size, including the variable tail; 64-bit so a huge count cannot wrap. */
static mdlb_u64 expected_request_size(mdlb_u32 code, const void *in, size_t in_len)
{
    mdlb_u64 fixed = fixed_request_size(code);
    if (in_len < fixed)
        return fixed;
    if (code == IOCTL_MDLB_WRITE_MAPPED)
        return fixed + rd32(in, MDLB_OFFSETOF(MDLB_REQ_TRANSFER, Length));
    if (code == IOCTL_MDLB_DESCRIBE_CHAIN)
        return fixed + (mdlb_u64)sizeof(MDLB_CHAIN_RANGE) * rd32(in, MDLB_OFFSETOF(MDLB_REQ_CHAIN, RangeCount));
    return fixed;
}

mdlb_u32 mdlb_request_copy_length(mdlb_u32 code, const void *in, mdlb_u32 in_len)
{
    if (code == IOCTL_MDLB_WRITE_MAPPED && in_len >= sizeof(MDLB_REQ_TRANSFER) &&
        rd32(in, MDLB_OFFSETOF(MDLB_REQ_TRANSFER, Length)) > MDLB_MAX_TRANSFER)
        return (mdlb_u32)sizeof(MDLB_REQ_TRANSFER);
    return in_len;
}

mdlb_u32 mdlb_min_reply_size(mdlb_u32 code, const void *in, size_t in_len)
{
    mdlb_u32 n;
    switch (code) {
    case IOCTL_MDLB_INFO:
        return HDR_SIZE + (mdlb_u32)sizeof(MDLB_INFO);
    case IOCTL_MDLB_RELEASE_ALL:
        return HDR_SIZE + (mdlb_u32)sizeof(MDLB_COUNTERS);
    case IOCTL_MDLB_SIZE_OF_MDL:
    case IOCTL_MDLB_POOL_ALLOCATE:
    case IOCTL_MDLB_POOL_FREE:
    case IOCTL_MDLB_RESERVE:
    case IOCTL_MDLB_FREE_RESERVATION:
        return HDR_SIZE;
    case IOCTL_MDLB_ALLOCATE_MDL:
    case IOCTL_MDLB_INITIALIZE_MDL:
    case IOCTL_MDLB_QUERY:
    case IOCTL_MDLB_FREE_MDL:
    case IOCTL_MDLB_ALLOCATE_PAGES:
    case IOCTL_MDLB_WRITE_MAPPED:
        return HDR_SIZE + SNAP_SIZE;
    case IOCTL_MDLB_PROBE_AND_LOCK:
    case IOCTL_MDLB_MAP_SYSTEM:
    case IOCTL_MDLB_MAP_USER:
    case IOCTL_MDLB_MAP_KERNEL:
    case IOCTL_MDLB_MAP_RESERVED:
    case IOCTL_MDLB_UNMAP_RESERVED:
    case IOCTL_MDLB_UNMAP:
    case IOCTL_MDLB_BUILD_PARTIAL:
    case IOCTL_MDLB_BUILD_NONPAGED:
    case IOCTL_MDLB_UNLOCK:
    case IOCTL_MDLB_FREE_PAGES:
    case IOCTL_MDLB_DIRECT_FETCH:
        return HDR_SIZE + 2 * SNAP_SIZE;
    case IOCTL_MDLB_READ_MAPPED:
        if (in_len < sizeof(MDLB_REQ_TRANSFER))
            return HDR_SIZE + SNAP_SIZE;
        n = rd32(in, MDLB_OFFSETOF(MDLB_REQ_TRANSFER, Length));
        if (n > MDLB_MAX_TRANSFER)
            n = 0; /* a parameter error: the reply carries no data */
        return HDR_SIZE + SNAP_SIZE + ((n + 7u) & ~7u);
    case IOCTL_MDLB_DESCRIBE_CHAIN:
        if (in_len < sizeof(MDLB_REQ_CHAIN))
            return HDR_SIZE;
        n = rd32(in, MDLB_OFFSETOF(MDLB_REQ_CHAIN, RangeCount));
        if (n > MDLB_MAX_CHAIN_RANGES)
            n = 0;
        return HDR_SIZE + n * SNAP_SIZE + ((4u * n + 7u) & ~7u);
    default:
        return 0;
    }
}

mdlb_u32 mdlb_check_malformed(mdlb_u32 code, const void *in, size_t in_len, size_t out_len)
{
    MDLB_REQUEST_HEADER h;
    if (fixed_request_size(code) == 0)
        return MDLB_STATUS_INVALID_DEVICE_REQUEST;
    if (in == NULL || in_len < sizeof(MDLB_REQUEST_HEADER))
        return MDLB_STATUS_INFO_LENGTH_MISMATCH;
    memcpy(&h, in, sizeof(h));
    if (h.Magic != MDLB_MAGIC || h.Version != MDLB_PROTOCOL_VERSION)
        return MDLB_STATUS_REVISION_MISMATCH;
    if ((mdlb_u64)in_len != expected_request_size(code, in, in_len))
        return MDLB_STATUS_INFO_LENGTH_MISMATCH;
    /* The DIRECT pair's output buffer is the subject range, not a reply. */
    if (code == IOCTL_MDLB_DIRECT_IN || code == IOCTL_MDLB_DIRECT_OUT)
        return 0;
    if (out_len < mdlb_min_reply_size(code, in, in_len))
        return MDLB_STATUS_BUFFER_TOO_SMALL;
    return 0;
}

int mdlb_priority_ok(mdlb_u32 priority)
{
    mdlb_u32 base = priority & ~(MDLB_MAPPING_NO_WRITE | MDLB_MAPPING_NO_EXECUTE);
    return base == MDLB_LOW_PAGE_PRIORITY || base == MDLB_NORMAL_PAGE_PRIORITY || base == MDLB_HIGH_PAGE_PRIORITY;
}

/* FULLY_REQUIRED 0x4, NO_WAIT 0x8, PREFER_CONTIGUOUS 0x10, REQUIRE_CONTIGUOUS_CHUNKS 0x20. MM_DONT_ZERO_ALLOCATION
 * (0x1: the pages always come zeroed), FROM_LOCAL_NODE_ONLY (0x2: NUMA placement is not observable here) and
 * anything newer are refused. The driver runs on Windows 10 and 11 only, so no profile lacks the four. */
int mdlb_page_flags_ok(mdlb_u32 flags)
{
    return (flags & ~MDLB_MM_ALLOCATE_ACCEPTED_FLAGS) == 0;
}

static mdlb_u32 check_size(mdlb_u64 size)
{
    /* A size that would wrap when rounded to pages, or does not fit a SIZE_T pool request. */
    return (size == 0 || size > 0xFFFFFFFFull) ? MDLB_PARAM_SIZE : 0;
}

/* The order of spec12 (ProtocolRules.java follows the same): reserved, pageOffset, size. */
static mdlb_u32 check_pool_allocate(const void *in)
{
    MDLB_REQ_POOL_ALLOCATE q;
    memcpy(&q, in, sizeof(q));
    if (q.Reserved)
        return MDLB_PARAM_RESERVED;
    if (q.PageOffset % MDLB_POOL_OFFSET_ALIGNMENT != 0 || q.PageOffset >= MDLB_PAGE_SIZE)
        return MDLB_PARAM_PAGE_OFFSET;
    if (check_size(q.Size))
        return MDLB_PARAM_SIZE;
    /* The block, ROUND_UP(PageOffset + Size, 4096), must not wrap (it cannot after the two checks above; kept so
     * the rule stands on its own if the size bound ever grows). */
    if (q.Size + q.PageOffset + (MDLB_PAGE_SIZE - 1) < q.Size)
        return MDLB_PARAM_SIZE;
    return 0;
}

/* Reserved, flags, cache type, size, address range, skip (spec12 order). */
static mdlb_u32 check_allocate_pages(const void *in)
{
    MDLB_REQ_ALLOCATE_PAGES q;
    memcpy(&q, in, sizeof(q));
    if (q.Reserved)
        return MDLB_PARAM_RESERVED;
    if (!mdlb_page_flags_ok(q.Flags))
        return MDLB_PARAM_FLAGS;
    if (q.CacheType > MDLB_MM_WRITE_COMBINED)
        return MDLB_PARAM_CACHE_TYPE;
    if (check_size(q.Size))
        return MDLB_PARAM_SIZE;
    if (q.LowAddress > q.HighAddress)
        return MDLB_PARAM_ADDRESS_RANGE;
    if (q.SkipBytes % MDLB_PAGE_SIZE != 0)
        return MDLB_PARAM_SKIP_BYTES;
    /* Contiguous chunks of SkipBytes each: Windows wants a power of two that divides the size. */
    if ((q.Flags & MDLB_MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS) && q.SkipBytes != 0 &&
        ((q.SkipBytes & (q.SkipBytes - 1)) != 0 || q.Size % q.SkipBytes != 0))
        return MDLB_PARAM_SKIP_BYTES;
    return 0;
}

/* MAP_USER and MAP_KERNEL share a layout and their checks; KernelMode takes no requested address. */
static mdlb_u32 check_map_user(const void *in, int kernel)
{
    MDLB_REQ_MAP_USER q;
    memcpy(&q, in, sizeof(q));
    if (q.Reserved)
        return MDLB_PARAM_RESERVED;
    if (q.CacheType > MDLB_MM_WRITE_COMBINED)
        return MDLB_PARAM_CACHE_TYPE;
    if (kernel && q.RequestedAddress != 0)
        return MDLB_PARAM_REQUESTED_ADDRESS;
    return mdlb_priority_ok(q.Priority) ? 0 : MDLB_PARAM_PRIORITY;
}

static mdlb_u32 check_reserved(mdlb_u32 code, const void *in)
{
    MDLB_REQ_RESERVED q;
    memcpy(&q, in, sizeof(q));
    if (q.Reserved)
        return MDLB_PARAM_RESERVED;
    if (code == IOCTL_MDLB_UNMAP_RESERVED)
        return q.CacheType != 0 ? MDLB_PARAM_RESERVED : 0; /* MmUnmapReservedMapping takes no cache type */
    return q.CacheType > MDLB_MM_WRITE_COMBINED ? MDLB_PARAM_CACHE_TYPE : 0;
}

static mdlb_u32 check_header_params(const MDLB_REQUEST_HEADER *h)
{
    if (h->Reserved != 0)
        return MDLB_PARAM_RESERVED;
    if (h->PfnStart > MDLB_MAX_PFN_INDEX)
        return MDLB_PARAM_PFN_WINDOW;
    return 0;
}

static mdlb_u32 check_access(mdlb_u32 mode, mdlb_u32 op)
{
    if (mode != MDLB_KERNEL_MODE && mode != MDLB_USER_MODE)
        return MDLB_PARAM_ACCESS_MODE;
    if (op > MDLB_IO_MODIFY_ACCESS)
        return MDLB_PARAM_OPERATION;
    return 0;
}

static mdlb_u32 check_chain(const void *in)
{
    MDLB_REQ_CHAIN c;
    MDLB_CHAIN_RANGE r;
    mdlb_u32 i;
    memcpy(&c, in, sizeof(c));
    if (c.RangeCount == 0 || c.RangeCount > MDLB_MAX_CHAIN_RANGES)
        return MDLB_PARAM_RANGE_COUNT;
    if (c.Cleanup != MDLB_CLEANUP_IO_MANAGER && c.Cleanup != MDLB_CLEANUP_DRIVER)
        return MDLB_PARAM_CLEANUP;
    for (i = 0; i < c.RangeCount; i++) {
        memcpy(&r, (const mdlb_u8 *)in + sizeof(c) + i * sizeof(r), sizeof(r));
        if (r.Reserved[0] || r.Reserved[1] || r.Reserved[2])
            return MDLB_PARAM_RESERVED;
        if (r.Operation > MDLB_IO_MODIFY_ACCESS)
            return MDLB_PARAM_OPERATION;
    }
    return 0;
}

/* Operation specific values; 'in' has been size-checked. */
static mdlb_u32 check_body(mdlb_u32 code, const void *in)
{
    switch (code) {
    case IOCTL_MDLB_UNMAP: {
        /* UNMAP names either a user mapping or an MDL's system mapping, never both. */
        MDLB_REQ_MAPPING q;
        memcpy(&q, in, sizeof(q));
        return (q.MappingId != 0 && q.MdlId != 0) ? MDLB_PARAM_RESERVED : 0;
    }
    case IOCTL_MDLB_ALLOCATE_MDL:
    case IOCTL_MDLB_INITIALIZE_MDL: {
        MDLB_REQ_ALLOCATE_MDL q;
        memcpy(&q, in, sizeof(q));
        return q.Reserved ? MDLB_PARAM_RESERVED : 0;
    }
    case IOCTL_MDLB_BUILD_NONPAGED:
    case IOCTL_MDLB_UNLOCK:
    case IOCTL_MDLB_QUERY:
    case IOCTL_MDLB_FREE_PAGES:
    case IOCTL_MDLB_POOL_FREE:
    case IOCTL_MDLB_FREE_RESERVATION: {
        MDLB_REQ_OBJECT q;
        memcpy(&q, in, sizeof(q));
        return q.Reserved ? MDLB_PARAM_RESERVED : 0;
    }
    case IOCTL_MDLB_FREE_MDL: {
        MDLB_REQ_FREE_MDL q;
        memcpy(&q, in, sizeof(q));
        return (q.Method == MDLB_FREE_IOFREEMDL || q.Method == MDLB_FREE_EXFREEPOOL) ? 0 : MDLB_PARAM_METHOD;
    }
    case IOCTL_MDLB_PROBE_AND_LOCK: {
        MDLB_REQ_PROBE q;
        memcpy(&q, in, sizeof(q));
        if (q.Reserved)
            return MDLB_PARAM_RESERVED;
        return check_access(q.AccessMode, q.Operation);
    }
    case IOCTL_MDLB_MAP_SYSTEM: {
        MDLB_REQ_MAP_SYSTEM q;
        memcpy(&q, in, sizeof(q));
        return mdlb_priority_ok(q.Priority) ? 0 : MDLB_PARAM_PRIORITY;
    }
    case IOCTL_MDLB_MAP_USER:
        return check_map_user(in, 0);
    case IOCTL_MDLB_MAP_KERNEL:
        return check_map_user(in, 1);
    case IOCTL_MDLB_RESERVE: {
        MDLB_REQ_RESERVE q;
        memcpy(&q, in, sizeof(q));
        return check_size(q.Size); /* 0 would bug-check 0xDA on Windows */
    }
    case IOCTL_MDLB_MAP_RESERVED:
    case IOCTL_MDLB_UNMAP_RESERVED:
        return check_reserved(code, in);
    case IOCTL_MDLB_READ_MAPPED:
    case IOCTL_MDLB_WRITE_MAPPED: {
        MDLB_REQ_TRANSFER q;
        memcpy(&q, in, sizeof(q));
        return q.Length > MDLB_MAX_TRANSFER ? MDLB_PARAM_LENGTH : 0;
    }
    case IOCTL_MDLB_POOL_ALLOCATE:
        return check_pool_allocate(in);
    case IOCTL_MDLB_ALLOCATE_PAGES:
        return check_allocate_pages(in);
    case IOCTL_MDLB_DESCRIBE_CHAIN:
        return check_chain(in);
    default:
        return 0;
    }
}

mdlb_u32 mdlb_check_parameters(mdlb_u32 code, const void *in, size_t in_len)
{
    MDLB_REQUEST_HEADER h;
    mdlb_u32 p;
    if (in_len < sizeof(h))
        return MDLB_PARAM_SIZE;
    memcpy(&h, in, sizeof(h));
    p = check_header_params(&h);
    if (p)
        return p;
    return check_body(code, in);
}

mdlb_u64 mdlb_span_pages(mdlb_u64 va, mdlb_u64 length)
{
    return ((va & (MDLB_PAGE_SIZE - 1)) + length + MDLB_PAGE_SIZE - 1) / MDLB_PAGE_SIZE;
}

mdlb_u32 mdlb_pfn_width_from_one_page_size(mdlb_u16 size)
{
    if (size == MDLB_MDL_HEADER_SIZE + 8u)
        return 8u;
    if (size == MDLB_MDL_HEADER_SIZE + 4u)
        return 4u;
    return 0u;
}

mdlb_u32 mdlb_pfn_capacity(mdlb_u16 size, mdlb_u64 spanned, mdlb_u32 pfn_width)
{
    if (spanned > MDLB_MAX_PFN_INDEX || (pfn_width != 4u && pfn_width != 8u))
        return 0;
    if (size != (mdlb_u16)(MDLB_MDL_HEADER_SIZE + pfn_width * spanned))
        return 0;
    /* Capacity is counted in 8-byte slots (what a snapshot copies): a 4-byte layout holds half as many. */
    return pfn_width == 8u ? (mdlb_u32)spanned : (mdlb_u32)(spanned / 2u);
}

mdlb_u32 mdlb_pfn_capacity_from_size(mdlb_u16 size, mdlb_u64 spanned)
{
    mdlb_u32 wide = mdlb_pfn_capacity(size, spanned, 8u);
    mdlb_u32 narrow = mdlb_pfn_capacity(size, spanned, 4u);
    /* When the span is a multiple of 16384 pages both layouts give the same 16-bit Size: without knowing the
     * width, only the smaller reading is safe on both (fuzz-chain-4gib-pfn-width.vec). */
    if (wide && narrow)
        return narrow;
    return wide ? wide : narrow;
}

mdlb_u32 mdlb_pfn_window(mdlb_u32 spanned, mdlb_u32 capacity, mdlb_u32 start, mdlb_u32 max, mdlb_u32 space_bytes)
{
    mdlb_u32 avail = spanned < capacity ? spanned : capacity;
    /* A variable, not an expression in the test below: Eva (driver/test/eva) then knows the clamped n is
     * still below avail - start, which proves the PFN copy stays inside the recorded capacity. */
    mdlb_u32 room = space_bytes / MDLB_PFN_WIDTH;
    mdlb_u32 n;
    if (start >= avail)
        return 0;
    n = avail - start;
    if (max > MDLB_MAX_INLINE_PFNS)
        max = MDLB_MAX_INLINE_PFNS;
    if (n > max)
        n = max;
    if (n > room)
        n = room;
    return n;
}

static void put_header(mdlb_reply *r, const MDLB_REPLY_HEADER *h)
{
    memcpy(r->buf, h, sizeof(*h));
}

static void get_header(const mdlb_reply *r, MDLB_REPLY_HEADER *h)
{
    memcpy(h, r->buf, sizeof(*h));
}

void mdlb_reply_begin(mdlb_reply *r, void *buf, mdlb_u32 cap, mdlb_u32 fixed, const MDLB_REQUEST_HEADER *req)
{
    MDLB_REPLY_HEADER h;
    memset(buf, 0, cap);
    memset(&h, 0, sizeof(h));
    r->buf = (mdlb_u8 *)buf;
    r->cap = cap;
    r->used = HDR_SIZE;
    r->owed = fixed > HDR_SIZE ? fixed - HDR_SIZE : 0;
    r->pfn_start = req ? req->PfnStart : 0;
    r->pfn_max = req ? req->PfnMax : 0;
    h.Magic = MDLB_MAGIC;
    h.Version = MDLB_PROTOCOL_VERSION;
    h.HeaderSize = (mdlb_u16)HDR_SIZE;
    put_header(r, &h);
}

void mdlb_reply_status(mdlb_reply *r, mdlb_u32 status, mdlb_u32 stage, mdlb_u32 detail)
{
    MDLB_REPLY_HEADER h;
    get_header(r, &h);
    h.Status = status;
    h.Stage = stage;
    h.Detail = detail;
    put_header(r, &h);
}

void mdlb_reply_object(mdlb_reply *r, mdlb_u32 object_id)
{
    MDLB_REPLY_HEADER h;
    get_header(r, &h);
    h.ObjectId = object_id;
    put_header(r, &h);
}

void mdlb_reply_value(mdlb_reply *r, mdlb_u64 value)
{
    MDLB_REPLY_HEADER h;
    get_header(r, &h);
    h.Value = value;
    put_header(r, &h);
}

static void take_owed(mdlb_reply *r, mdlb_u32 n)
{
    r->owed = r->owed > n ? r->owed - n : 0;
}

mdlb_u32 mdlb_reply_snapshot(mdlb_reply *r, const mdlb_mdl_view *v, mdlb_u32 role, mdlb_u32 object_id)
{
    MDLB_REPLY_HEADER h;
    MDLB_SNAPSHOT s;
    mdlb_u64 va = v->start_va + v->byte_offset;
    mdlb_u64 spanned = mdlb_span_pages(va, v->byte_count);
    mdlb_u32 space, n = 0;

    if (r->cap - r->used < SNAP_SIZE)
        return 0;
    take_owed(r, SNAP_SIZE);
    memset(&s, 0, sizeof(s));
    s.Role = role;
    s.ObjectId = object_id;
    s.Valid = v->valid;
    s.Kind = v->kind;
    s.MdlAddress = v->mdl_address;
    s.Next = v->next;
    s.Process = (v->valid & MDLB_VALID_PROCESS) ? v->process : 0;
    s.MappedSystemVa = (v->valid & MDLB_VALID_MAPPED_SYSTEM_VA) ? v->mapped_system_va : 0;
    s.StartVa = v->start_va;
    s.VirtualAddress = va;
    s.Size = v->size;
    s.MdlFlags = v->flags;
    s.AllocationProcessorNumber = v->alloc_processor;
    s.ByteCount = v->byte_count;
    s.ByteOffset = v->byte_offset;
    s.PfnCount = (mdlb_u32)spanned;
    s.PfnCapacity = v->pfn_capacity;
    s.PfnStart = r->pfn_start;
    space = r->cap - r->used - SNAP_SIZE;
    space = space > r->owed ? space - r->owed : 0;
    if ((v->valid & MDLB_VALID_PFNS) && v->pfns != NULL)
        n = mdlb_pfn_window((mdlb_u32)spanned, v->pfn_capacity, r->pfn_start, r->pfn_max, space);
    s.PfnReturned = n;
    memcpy(r->buf + r->used, &s, sizeof(s));
    if (n)
        memcpy(r->buf + r->used + SNAP_SIZE, v->pfns + r->pfn_start, (size_t)n * MDLB_PFN_WIDTH);
    get_header(r, &h);
    if (h.SnapshotCount == 0)
        h.SnapshotOffset = r->used;
    h.SnapshotCount++;
    put_header(r, &h);
    r->used += SNAP_SIZE + n * MDLB_PFN_WIDTH;
    return n;
}

void *mdlb_reply_data(mdlb_reply *r, mdlb_u32 len)
{
    MDLB_REPLY_HEADER h;
    mdlb_u32 start = (r->used + 7u) & ~7u;
    if (start > r->cap || r->cap - start < len)
        return NULL;
    take_owed(r, len);
    get_header(r, &h);
    if (h.DataLength == 0)
        h.DataOffset = start;
    h.DataLength += len;
    put_header(r, &h);
    r->used = start + len;
    return r->buf + start;
}

mdlb_u32 mdlb_reply_finish(mdlb_reply *r)
{
    MDLB_REPLY_HEADER h;
    get_header(r, &h);
    h.TotalSize = r->used;
    put_header(r, &h);
    return r->used;
}
