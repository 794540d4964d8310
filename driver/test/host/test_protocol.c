/* Request validation (sizes, magic, version, reserved fields, enums) and reply packing (PFN windows). */
#include "check.h"
#include "protocol.h"
#include <stdlib.h>
#include <string.h>

static MDLB_REQUEST_HEADER hdr(void)
{
    MDLB_REQUEST_HEADER h;
    memset(&h, 0, sizeof(h));
    h.Magic = MDLB_MAGIC;
    h.Version = MDLB_PROTOCOL_VERSION;
    return h;
}

static const mdlb_u32 all_codes[] = { MDLB_CONTROL_CODES };
/* The header's sizes, by hand: POOL_ALLOCATE 32 and ALLOCATE_PAGES 64 since the DDI-coverage issue. */
static const mdlb_u32 sizes[] = { 16, 16, 32, 32, 32, 24, 24, 40, 24, 32, 32, 32, 24, 24, 24, 32, 24, 24, 24, 64, 24,
                                  16, 16, 16, 40, 24, 32, 32, 24 };
/* The smallest reply of each new code: header, and a BEFORE and AFTER snapshot where an MDL changes. */
static void test_new_reply_sizes(void)
{
    mdlb_u8 buf[64];
    memset(buf, 0, sizeof(buf));
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_MAP_KERNEL, buf, 40) == 64 + 2 * 96, "MAP_KERNEL: two snapshots");
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_MAP_RESERVED, buf, 32) == 64 + 2 * 96, "MAP_RESERVED: two snapshots");
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_UNMAP_RESERVED, buf, 32) == 64 + 2 * 96, "UNMAP_RESERVED: two snapshots");
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_RESERVE, buf, 24) == 64, "RESERVE: the header (id and address)");
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_FREE_RESERVATION, buf, 24) == 64, "FREE_RESERVATION: the header");
    CHECK(mdlb_min_reply_size(IOCTL_MDLB_INFO, buf, 16) == 64 + 416, "INFO: 416 bytes of data");
}

static void test_sizes(void)
{
    mdlb_u8 buf[80];
    unsigned i;
    MDLB_REQUEST_HEADER h = hdr();
    for (i = 0; i < sizeof(all_codes) / sizeof(all_codes[0]); i++) {
        mdlb_u32 c = all_codes[i], n = sizes[i];
        memset(buf, 0, sizeof(buf));
        memcpy(buf, &h, sizeof(h));
        if (c == IOCTL_MDLB_DESCRIBE_CHAIN || c == IOCTL_MDLB_WRITE_MAPPED) {
            /* count 0 / length 0: the fixed part alone is the exact size */
        }
        CHECK(mdlb_check_malformed(c, buf, n, MDLB_REPLY_BUFFER_SIZE) == 0, "exact size accepted");
        CHECK(mdlb_check_malformed(c, buf, n - 1, MDLB_REPLY_BUFFER_SIZE) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
              "one byte short");
        CHECK(mdlb_check_malformed(c, buf, n + 1, MDLB_REPLY_BUFFER_SIZE) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
              "one byte long");
        CHECK(mdlb_check_malformed(c, buf, 8, MDLB_REPLY_BUFFER_SIZE) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
              "shorter than the header");
        if (c != IOCTL_MDLB_DIRECT_IN && c != IOCTL_MDLB_DIRECT_OUT) {
            mdlb_u32 min = mdlb_min_reply_size(c, buf, n);
            CHECK(min >= sizeof(MDLB_REPLY_HEADER), "a reply has a header");
            CHECK(mdlb_check_malformed(c, buf, n, min) == 0, "minimum output accepted");
            CHECK(mdlb_check_malformed(c, buf, n, min - 1) == MDLB_STATUS_BUFFER_TOO_SMALL, "output one byte short");
        } else {
            CHECK(mdlb_check_malformed(c, buf, n, 0) == 0, "DIRECT output is the subject range, not a reply");
        }
    }
    CHECK(mdlb_check_malformed(MDLB_CTL(0x8FF, 0, 1), buf, 16, 4096) == MDLB_STATUS_INVALID_DEVICE_REQUEST,
          "unknown function code");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO | 3u, buf, 16, 4096) == MDLB_STATUS_INVALID_DEVICE_REQUEST,
          "known function, wrong method");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO, NULL, 16, 4096) == MDLB_STATUS_INFO_LENGTH_MISMATCH, "no input");
}

static void test_magic_version(void)
{
    MDLB_REQUEST_HEADER h = hdr();
    h.Magic = 0x424C444Eu;
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO, &h, 16, 4096) == MDLB_STATUS_REVISION_MISMATCH, "magic");
    h = hdr();
    h.Version = 0;
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO, &h, 16, 4096) == MDLB_STATUS_REVISION_MISMATCH, "version 0");
    h.Version = 2;
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO, &h, 16, 4096) == MDLB_STATUS_REVISION_MISMATCH, "version 2");
    /* magic is checked before the exact size */
    CHECK(mdlb_check_malformed(IOCTL_MDLB_INFO, &h, 17, 4096) == MDLB_STATUS_REVISION_MISMATCH, "order");
}

static void test_variable_sizes(void)
{
    mdlb_u8 buf[24 + 16 * 17 + 70000];
    MDLB_REQ_TRANSFER t;
    MDLB_REQ_CHAIN c;
    memset(buf, 0, sizeof(buf));
    memset(&t, 0, sizeof(t));
    t.Header = hdr();
    t.Length = 100;
    memcpy(buf, &t, sizeof(t));
    CHECK(mdlb_check_malformed(IOCTL_MDLB_WRITE_MAPPED, buf, 132, 4096) == 0, "write with its data");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_WRITE_MAPPED, buf, 131, 4096) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
          "write data short");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_READ_MAPPED, buf, 32, 64 + 96 + 103) == MDLB_STATUS_BUFFER_TOO_SMALL,
          "read output must hold the data");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_READ_MAPPED, buf, 32, 64 + 96 + 104) == 0, "read output with data");
    t.Length = MDLB_MAX_TRANSFER + 1;
    memcpy(buf, &t, sizeof(t));
    CHECK(mdlb_check_malformed(IOCTL_MDLB_WRITE_MAPPED, buf, 32 + MDLB_MAX_TRANSFER + 1, 4096) == 0,
          "an oversized write is well-formed");
    CHECK(mdlb_check_parameters(IOCTL_MDLB_WRITE_MAPPED, buf, 32 + MDLB_MAX_TRANSFER + 1) == MDLB_PARAM_LENGTH,
          "then a bad parameter");
    CHECK(mdlb_request_copy_length(IOCTL_MDLB_WRITE_MAPPED, buf, 32 + MDLB_MAX_TRANSFER + 1) == 32,
          "finding 7: only the fixed part of an oversized write is copied before it is rejected");
    CHECK(mdlb_check_parameters(IOCTL_MDLB_WRITE_MAPPED, buf, 32) == MDLB_PARAM_LENGTH,
          "and the fixed part alone is enough to reject it");
    t.Length = MDLB_MAX_TRANSFER;
    memcpy(buf, &t, sizeof(t));
    CHECK(mdlb_request_copy_length(IOCTL_MDLB_WRITE_MAPPED, buf, 32 + MDLB_MAX_TRANSFER) == 32 + MDLB_MAX_TRANSFER,
          "a write of MDLB_MAX_TRANSFER is copied whole");
    CHECK(mdlb_request_copy_length(IOCTL_MDLB_READ_MAPPED, buf, 32) == 32, "other requests are copied whole");
    t.Length = MDLB_MAX_TRANSFER + 1;
    memcpy(buf, &t, sizeof(t));
    CHECK(mdlb_check_parameters(IOCTL_MDLB_READ_MAPPED, buf, 32) == MDLB_PARAM_LENGTH, "oversized read");
    memset(buf, 0, sizeof(buf));
    memset(&c, 0, sizeof(c));
    c.Header = hdr();
    c.RangeCount = 3;
    memcpy(buf, &c, sizeof(c));
    CHECK(mdlb_check_malformed(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24 + 48, 4096) == 0, "chain of 3");
    CHECK(mdlb_check_malformed(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24 + 32, 4096) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
          "chain short");
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24 + 48) == 0, "chain parameters");
    c.RangeCount = 0xFFFFFFFFu;
    memcpy(buf, &c, sizeof(c));
    CHECK(mdlb_check_malformed(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24 + 48, 4096) == MDLB_STATUS_INFO_LENGTH_MISMATCH,
          "huge count does not wrap");
    c.RangeCount = 17;
    memcpy(buf, &c, sizeof(c));
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24 + 16 * 17) == MDLB_PARAM_RANGE_COUNT, "17 ranges");
    c.RangeCount = 0;
    memcpy(buf, &c, sizeof(c));
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 24) == MDLB_PARAM_RANGE_COUNT, "0 ranges");
    c.RangeCount = 1;
    c.Cleanup = 2;
    memcpy(buf, &c, sizeof(c));
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 40) == MDLB_PARAM_CLEANUP, "cleanup enum");
    c.Cleanup = 1;
    memcpy(buf, &c, sizeof(c));
    buf[24 + 12] = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 40) == MDLB_PARAM_OPERATION, "range operation");
    buf[24 + 12] = 1;
    buf[24 + 13] = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_DESCRIBE_CHAIN, buf, 40) == MDLB_PARAM_RESERVED, "range reserved");
}

static void test_parameters(void)
{
    MDLB_REQ_PROBE p;
    MDLB_REQ_MAP_USER u;
    MDLB_REQ_MAP_SYSTEM s;
    MDLB_REQ_ALLOCATE_PAGES a;
    MDLB_REQ_POOL_ALLOCATE pa;
    MDLB_REQ_FREE_MDL f;
    MDLB_REQ_OBJECT o;
    MDLB_REQ_ALLOCATE_MDL am;
    MDLB_REQUEST_HEADER h = hdr();

    h.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_INFO, &h, 16) == MDLB_PARAM_RESERVED, "header reserved");
    h = hdr();
    h.PfnStart = MDLB_MAX_PFN_INDEX + 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_INFO, &h, 16) == MDLB_PARAM_PFN_WINDOW, "PfnStart beyond any MDL");
    h.PfnStart = MDLB_MAX_PFN_INDEX;
    h.PfnMax = 0xFFFFFFFFu;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_INFO, &h, 16) == 0, "large PfnMax is clamped, not refused");

    memset(&p, 0, sizeof(p));
    p.Header = hdr();
    CHECK(mdlb_check_parameters(IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p)) == 0, "probe kernel read");
    p.AccessMode = 2;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p)) == MDLB_PARAM_ACCESS_MODE, "mode");
    p.AccessMode = 1;
    p.Operation = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p)) == MDLB_PARAM_OPERATION, "operation");
    p.Operation = 2;
    p.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p)) == MDLB_PARAM_RESERVED, "reserved");

    memset(&u, 0, sizeof(u));
    u.Header = hdr();
    u.CacheType = MDLB_MM_CACHED;
    u.Priority = MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_WRITE;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == 0, "map user ok");
    /* Since the DDI-coverage issue the three types pass here; the pages' own type is checked after the lookup. */
    u.CacheType = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == 0, "MmNonCached is a known type");
    u.CacheType = 2;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == 0, "MmWriteCombined is a known type");
    u.CacheType = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == MDLB_PARAM_CACHE_TYPE, "MmHardwareCoherentCached");
    u.CacheType = 0xFFFFFFFFu;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == MDLB_PARAM_CACHE_TYPE, "cache type -1");
    u.CacheType = 1;
    u.Priority = 17;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == MDLB_PARAM_PRIORITY, "priority value");
    u.Priority = 16;
    u.Reserved = 5;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &u, sizeof(u)) == MDLB_PARAM_RESERVED, "map user reserved");

    memset(&s, 0, sizeof(s));
    s.Header = hdr();
    s.Priority = MDLB_HIGH_PAGE_PRIORITY | MDLB_MAPPING_NO_EXECUTE | MDLB_MAPPING_NO_WRITE;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_SYSTEM, &s, sizeof(s)) == 0, "both modifiers");
    s.Priority = 0x20000000u;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_SYSTEM, &s, sizeof(s)) == MDLB_PARAM_PRIORITY, "unknown modifier");

    memset(&a, 0, sizeof(a));
    a.Header = hdr();
    a.Size = 4096;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "pages ok");
    a.Flags = MDLB_MM_DONT_ZERO_ALLOCATION;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_FLAGS,
          "MM_DONT_ZERO_ALLOCATION refused");
    a.Flags = 0x4 | 0x10;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "documented flags accepted");
    a.Flags = 0x100;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_FLAGS, "unknown flag");
    a.Flags = MDLB_MM_ALLOCATE_FROM_LOCAL_NODE_ONLY;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_FLAGS,
          "MM_ALLOCATE_FROM_LOCAL_NODE_ONLY refused (not one of the four)");
    a.Flags = 0;
    a.Size = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_SIZE, "pages size 0");

    memset(&pa, 0, sizeof(pa));
    pa.Header = hdr();
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &pa, sizeof(pa)) == MDLB_PARAM_SIZE, "pool 0");
    pa.Size = 0x100000000ull;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &pa, sizeof(pa)) == MDLB_PARAM_SIZE, "pool 4 GiB");
    pa.Size = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &pa, sizeof(pa)) == 0, "pool 1 byte");

    memset(&f, 0, sizeof(f));
    f.Header = hdr();
    f.Method = 2;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_FREE_MDL, &f, sizeof(f)) == MDLB_PARAM_METHOD, "free method");
    memset(&o, 0, sizeof(o));
    o.Header = hdr();
    o.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_UNLOCK, &o, sizeof(o)) == MDLB_PARAM_RESERVED, "object reserved");
    memset(&am, 0, sizeof(am));
    am.Header = hdr();
    am.Length = 0xFFFFFFFFu;
    am.VirtualAddress = 0xFFFFF80000000000ull;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_MDL, &am, sizeof(am)) == 0,
          "IoAllocateMdl takes any address and length (the DDI decides)");
    am.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_MDL, &am, sizeof(am)) == MDLB_PARAM_RESERVED, "alloc reserved");
}

static void test_capacity(void)
{
    CHECK(mdlb_span_pages(0x1000, 0) == 0, "aligned, zero length spans nothing");
    CHECK(mdlb_span_pages(0x1010, 0) == 1, "unaligned, zero length: ADDRESS_AND_SIZE_TO_SPAN_PAGES says 1");
    CHECK(mdlb_span_pages(0x1FFF, 2) == 2, "crosses a page");
    CHECK(mdlb_span_pages(0x10, 0xFFFFF000ull) == 0x100000ull, "4 GiB - 4 KiB unaligned spans 1,048,576");
    CHECK(mdlb_pfn_capacity_from_size(48 + 8 * 3, 3) == 3, "Windows layout");
    CHECK(mdlb_pfn_capacity_from_size(48 + 4 * 3, 3) == 1, "Wine layout: 4-byte PFNs hold half as many");
    CHECK(mdlb_pfn_capacity_from_size((mdlb_u16)(48 + 8 * 9000), 9000) == 9000, "Size wrapped above 8185 pages");
    CHECK(mdlb_pfn_capacity_from_size(56, 3) == 0, "unknown layout: copy nothing");
    CHECK(mdlb_pfn_capacity_from_size(48, 0) == 0, "no pages");
    CHECK(mdlb_pfn_width_from_one_page_size(56) == 8, "Windows x64: a 1-page MDL is 48 + 8");
    CHECK(mdlb_pfn_width_from_one_page_size(52) == 4, "Wine: a 1-page MDL is 48 + 4");
    CHECK(mdlb_pfn_width_from_one_page_size(60) == 0, "unknown width");
    CHECK(mdlb_pfn_capacity((mdlb_u16)(48 + 8 * 16384), 16384, 8) == 16384, "known 8-byte width: every PFN, even where Size is ambiguous");
    CHECK(mdlb_pfn_capacity((mdlb_u16)(48 + 4 * 16384), 16384, 4) == 8192, "known 4-byte width: half as many 8-byte slots");
    CHECK(mdlb_pfn_capacity((mdlb_u16)(48 + 8 * 3), 3, 4) == 0, "Size that does not fit the known width: copy nothing");
    CHECK(mdlb_pfn_capacity_from_size((mdlb_u16)(48 + 8 * 16384), 16384) == 8192, "unknown width, ambiguous Size: the reading safe for both");
}

static void test_window(void)
{
    CHECK(mdlb_pfn_window(10, 10, 0, 100, 1000) == 10, "all");
    CHECK(mdlb_pfn_window(10, 4, 0, 100, 1000) == 4, "bounded by capacity, not by span");
    CHECK(mdlb_pfn_window(10, 10, 8, 100, 1000) == 2, "from start");
    CHECK(mdlb_pfn_window(10, 10, 10, 100, 1000) == 0, "start at end");
    CHECK(mdlb_pfn_window(10, 10, 0, 3, 1000) == 3, "PfnMax");
    CHECK(mdlb_pfn_window(10, 10, 0, 0, 1000) == 0, "PfnMax 0");
    CHECK(mdlb_pfn_window(10, 10, 0, 100, 23) == 2, "output space");
    CHECK(mdlb_pfn_window(100000, 100000, 0, 0xFFFFFFFFu, 0xFFFFFFFFu) == MDLB_MAX_INLINE_PFNS, "inline maximum");
}

static void test_reply(void)
{
    static mdlb_u8 buf[MDLB_REPLY_BUFFER_SIZE];
    mdlb_u64 pfns[32];
    MDLB_REQUEST_HEADER req = hdr();
    MDLB_REPLY_HEADER h;
    MDLB_SNAPSHOT s;
    mdlb_mdl_view v;
    mdlb_reply r;
    mdlb_u32 i, fixed = 64 + 2 * 96;
    void *d;

    for (i = 0; i < 32; i++)
        pfns[i] = 0x1000 + i;
    memset(buf, 0xCC, sizeof(buf));
    req.PfnStart = 1;
    req.PfnMax = 100;
    memset(&v, 0, sizeof(v));
    v.mdl_address = 0xFFFF800000001000ull;
    v.process = 0xDEAD;
    v.mapped_system_va = 0xBEEF;
    v.start_va = 0x10000;
    v.byte_offset = 0x10;
    v.byte_count = 5 * 4096;
    v.size = 48 + 8 * 6;
    v.flags = 0x8;
    v.valid = MDLB_VALID_PFNS;
    v.kind = MDLB_KIND_IO_ALLOCATED;
    v.pfn_capacity = 6;
    v.pfns = pfns;
    mdlb_reply_begin(&r, buf, 1000, fixed, &req);
    CHECK(buf[999] == 0, "the whole output buffer is zeroed");
    mdlb_reply_status(&r, 0xC0000005u, MDLB_STAGE_DDI, MDLB_DDI_MM_PROBE_AND_LOCK_PAGES);
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_BEFORE, 7) == 5, "window [1, 6) of 6 spanned PFNs");
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_AFTER, 7) == 5, "second snapshot");
    d = mdlb_reply_data(&r, 4);
    CHECK(d != NULL, "data fits");
    CHECK(mdlb_reply_finish(&r) == r.used, "total");
    memcpy(&h, buf, sizeof(h));
    CHECK(h.Magic == MDLB_MAGIC && h.Version == 1 && h.HeaderSize == 64, "reply header");
    CHECK(h.TotalSize == 64 + 2 * (96 + 40) + 4 && h.SnapshotCount == 2 && h.SnapshotOffset == 64, "layout");
    CHECK(h.DataOffset == 64 + 2 * (96 + 40) && h.DataLength == 4, "data after the snapshots, 8-aligned");
    CHECK(h.Status == 0xC0000005u && h.Stage == MDLB_STAGE_DDI, "status");
    memcpy(&s, buf + 64, sizeof(s));
    CHECK(s.Process == 0 && s.MappedSystemVa == 0, "invalid fields written as 0, never the value read");
    CHECK(s.PfnCount == 6 && s.PfnCapacity == 6 && s.PfnStart == 1 && s.PfnReturned == 5, "PFN fields");
    CHECK(s.VirtualAddress == 0x10010 && s.Role == MDLB_ROLE_BEFORE && s.ObjectId == 7, "snapshot fields");
    CHECK(memcmp(buf + 64 + 96, &pfns[1], 40) == 0, "PFN copy");

    /* Output space: PFNs of the first snapshot may not eat the space owed to the second. */
    mdlb_reply_begin(&r, buf, fixed + 16, fixed, &req);
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_BEFORE, 1) == 2, "first snapshot gets only the spare bytes");
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_AFTER, 1) == 0, "second still fits, without PFNs");
    CHECK(mdlb_reply_finish(&r) == fixed + 16, "exactly full");

    /* No PFNs when they are not valid, whatever the window. */
    v.valid = MDLB_VALID_PROCESS | MDLB_VALID_MAPPED_SYSTEM_VA;
    mdlb_reply_begin(&r, buf, 4096, fixed, &req);
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_AFTER, 1) == 0, "invalid PFNs are not copied");
    memcpy(&s, buf + 64, sizeof(s));
    CHECK(s.Process == 0xDEAD && s.MappedSystemVa == 0xBEEF && s.PfnReturned == 0, "valid fields are copied");

    /* Wine's 4-byte layout: capacity from Size keeps the copy inside the allocation. */
    v.valid = MDLB_VALID_PFNS;
    v.pfn_capacity = mdlb_pfn_capacity_from_size(48 + 4 * 6, 6);
    req.PfnStart = 0;
    mdlb_reply_begin(&r, buf, 4096, fixed, &req);
    CHECK(mdlb_reply_snapshot(&r, &v, MDLB_ROLE_AFTER, 1) == 3, "Wine MDL: 3 eight-byte slots");

    mdlb_reply_begin(&r, buf, 64, 64, NULL);
    CHECK(mdlb_reply_data(&r, 1) == NULL, "data that does not fit is refused");
}

/* Every new or changed check of spec12, one field at a time, and the order when several are wrong. */
static void test_pool_page_offset(void)
{
    MDLB_REQ_POOL_ALLOCATE q;
    memset(&q, 0, sizeof(q));
    q.Header = hdr();
    q.Size = 100;
    q.PageOffset = 0xFF0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == 0, "pageOffset 4080 (last multiple of 16)");
    q.PageOffset = 0x1000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_PAGE_OFFSET, "pageOffset 4096");
    q.PageOffset = 8;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_PAGE_OFFSET, "pageOffset 8");
    q.Size = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_PAGE_OFFSET,
          "pageOffset before size");
    q.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_RESERVED, "reserved first");
    q.Reserved = 0;
    q.PageOffset = 16;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_SIZE, "size 0 with an offset");
    q.Size = 0xFFFFFFFFull;
    q.PageOffset = 0xFF0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == 0,
          "largest size and offset: the block (0x100001000 bytes) does not wrap");
    q.Size = 0x100000000ull;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q)) == MDLB_PARAM_SIZE, "size above 4 GiB - 1");
}

static void test_allocate_pages_full(void)
{
    MDLB_REQ_ALLOCATE_PAGES a;
    memset(&a, 0, sizeof(a));
    a.Header = hdr();
    a.Size = 0x10000;
    a.CacheType = MDLB_MM_WRITE_COMBINED;
    a.LowAddress = 0x1000;
    a.HighAddress = 0x1000;
    a.SkipBytes = 0x2000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "low == high, page-multiple skip");
    a.CacheType = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_CACHE_TYPE, "cache type 3");
    a.Flags = 0x40;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_FLAGS, "flags before cache type");
    a.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_RESERVED, "reserved first");
    a.Reserved = 0;
    a.Flags = 0;
    a.CacheType = MDLB_MM_NON_CACHED;
    a.LowAddress = 0x2000;
    a.HighAddress = 0x1FFF;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_ADDRESS_RANGE, "low above high");
    a.Size = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_SIZE, "size before range");
    a.Size = 0x10000;
    a.LowAddress = 0;
    a.HighAddress = MDLB_HIGHEST_PHYSICAL_ADDRESS;
    a.SkipBytes = 0x1800;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_SKIP_BYTES, "skip not a page multiple");
    a.LowAddress = 1;
    a.HighAddress = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_ADDRESS_RANGE, "range before skip");
    a.LowAddress = 0;
    a.HighAddress = MDLB_HIGHEST_PHYSICAL_ADDRESS;
    a.Flags = MDLB_MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS;
    a.SkipBytes = 0x3000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_SKIP_BYTES,
          "contiguous chunks: skip 12 KiB is not a power of two");
    a.SkipBytes = 0x8000;
    a.Size = 0xC000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == MDLB_PARAM_SKIP_BYTES,
          "contiguous chunks: 32 KiB does not divide 48 KiB");
    a.Size = 0x10000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "contiguous chunks: 32 KiB divides 64 KiB");
    a.SkipBytes = 0;
    a.Size = 0x3000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "contiguous chunks without a skip");
    a.Flags = 0;
    a.SkipBytes = 0x3000;
    a.Size = 0x10000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a)) == 0, "no chunk flag: any page multiple");
}

static void test_map_kernel_and_reservations(void)
{
    MDLB_REQ_MAP_USER k;
    MDLB_REQ_RESERVE r;
    MDLB_REQ_RESERVED m;
    MDLB_REQ_OBJECT f;

    memset(&k, 0, sizeof(k));
    k.Header = hdr();
    k.CacheType = MDLB_MM_NON_CACHED;
    k.Priority = MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_EXECUTE;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == 0, "map kernel ok");
    k.RequestedAddress = 0x10000;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == MDLB_PARAM_REQUESTED_ADDRESS,
          "KernelMode takes no requested address");
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_USER, &k, sizeof(k)) == 0, "UserMode does");
    k.Priority = 17;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == MDLB_PARAM_REQUESTED_ADDRESS,
          "requested address before priority");
    k.CacheType = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == MDLB_PARAM_CACHE_TYPE,
          "cache type before requested address");
    k.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == MDLB_PARAM_RESERVED, "reserved first");
    k.Reserved = 0;
    k.CacheType = 1;
    k.RequestedAddress = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_KERNEL, &k, sizeof(k)) == MDLB_PARAM_PRIORITY, "priority last");

    memset(&r, 0, sizeof(r));
    r.Header = hdr();
    CHECK(mdlb_check_parameters(IOCTL_MDLB_RESERVE, &r, sizeof(r)) == MDLB_PARAM_SIZE, "reserve 0 bytes");
    r.Size = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_RESERVE, &r, sizeof(r)) == 0, "reserve 1 byte");
    r.Size = 0x100000000ull;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_RESERVE, &r, sizeof(r)) == MDLB_PARAM_SIZE, "reserve 4 GiB");

    memset(&m, 0, sizeof(m));
    m.Header = hdr();
    m.CacheType = MDLB_MM_WRITE_COMBINED;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_RESERVED, &m, sizeof(m)) == 0, "map reserved write-combined");
    m.CacheType = 3;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_RESERVED, &m, sizeof(m)) == MDLB_PARAM_CACHE_TYPE, "map reserved type 3");
    m.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_MAP_RESERVED, &m, sizeof(m)) == MDLB_PARAM_RESERVED, "map reserved reserved");
    m.Reserved = 0;
    m.CacheType = 0;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_UNMAP_RESERVED, &m, sizeof(m)) == 0, "unmap reserved ok");
    m.CacheType = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_UNMAP_RESERVED, &m, sizeof(m)) == MDLB_PARAM_RESERVED,
          "unmap reserved takes no cache type");
    m.CacheType = 0;
    m.Reserved = 2;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_UNMAP_RESERVED, &m, sizeof(m)) == MDLB_PARAM_RESERVED, "unmap reserved reserved");

    memset(&f, 0, sizeof(f));
    f.Header = hdr();
    CHECK(mdlb_check_parameters(IOCTL_MDLB_FREE_RESERVATION, &f, sizeof(f)) == 0, "free reservation ok");
    f.Reserved = 1;
    CHECK(mdlb_check_parameters(IOCTL_MDLB_FREE_RESERVATION, &f, sizeof(f)) == MDLB_PARAM_RESERVED,
          "free reservation reserved");
}

void test_protocol(void)
{
    test_sizes();
    test_magic_version();
    test_variable_sizes();
    test_parameters();
    test_new_reply_sizes();
    test_pool_page_offset();
    test_allocate_pages_full();
    test_map_kernel_and_reservations();
    test_capacity();
    test_window();
    test_reply();
}
