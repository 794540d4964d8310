/*
 * fuzz_protocol.c - libFuzzer harness over the driver's pure-C request validation and reply packing
 * (driver/src/protocol.c), built with -fsanitize=fuzzer,address,undefined.
 *
 * Input: u32 code selector, u32 output-length selector, then the request bytes (what DeviceIoControl's input
 * buffer would hold). A selector whose top half is MDLB_DEVICE_TYPE is used as the control code itself (so
 * mutations reach unknown vendor codes); any other value picks one of the known codes, and is also checked as
 * a foreign code. The seeds (request vectors of driver/test/vectors) carry their real code.
 *
 * What is checked, beyond "no crash, no out-of-bounds access, no undefined behaviour":
 *  - mdlb_check_malformed agrees with an independent reading of mdlbridge.h: an unknown code fails with
 *    STATUS_INVALID_DEVICE_REQUEST, a short header with STATUS_INFO_LENGTH_MISMATCH, and a request it accepts
 *    has the right magic, version and exact size for its code, and an output buffer that holds the fixed reply;
 *  - mdlb_check_parameters returns 0 or a known MDLB_PARAM_*, and rejects what the header calls invalid;
 *  - a reply packed into an output buffer of exactly the caller's size (heap-allocated, so ASan sees one byte
 *    past it) with fuzz-chosen snapshots (PFN arrays of exactly their recorded capacity) and data never writes
 *    outside, and decodes under an independent decoder: magic, version, header size, TotalSize within the buffer,
 *    snapshots and data inside TotalSize, PFN windows inside the MDL's span and capacity, the PFNs copied being
 *    the right ones, undefined fields zero;
 *  - mdlb_pfn_window, mdlb_span_pages and mdlb_pfn_capacity_from_size against their definitions.
 */
#include "mdlbridge.h"
#include "protocol.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK(cond, ...)                                                                                   \
    do {                                                                                                   \
        if (!(cond)) {                                                                                     \
            fprintf(stderr, "fuzz_protocol: check failed at %s:%d: %s\n  ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                                                  \
            fprintf(stderr, "\n");                                                                         \
            abort();                                                                                       \
        }                                                                                                  \
    } while (0)

static const uint32_t known_codes[] = { MDLB_CONTROL_CODES };
#define KNOWN_COUNT (sizeof(known_codes) / sizeof(known_codes[0]))

static int is_known(uint32_t code)
{
    size_t i;
    for (i = 0; i < KNOWN_COUNT; i++)
        if (known_codes[i] == code)
            return 1;
    return 0;
}

static int is_direct(uint32_t code)
{
    return code == IOCTL_MDLB_DIRECT_IN || code == IOCTL_MDLB_DIRECT_OUT;
}

static uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static uint64_t rd64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

/* The request size mdlbridge.h gives each code, read independently of protocol.c (0: unknown code). */
static uint64_t oracle_size(uint32_t code, const uint8_t *in, size_t len)
{
    switch (code) {
    case IOCTL_MDLB_INFO: case IOCTL_MDLB_RELEASE_ALL: case IOCTL_MDLB_DIRECT_IN: case IOCTL_MDLB_DIRECT_OUT:
    case IOCTL_MDLB_DIRECT_FETCH:
        return 16;
    case IOCTL_MDLB_SIZE_OF_MDL: case IOCTL_MDLB_ALLOCATE_MDL: case IOCTL_MDLB_INITIALIZE_MDL:
    case IOCTL_MDLB_READ_MAPPED: case IOCTL_MDLB_BUILD_PARTIAL: case IOCTL_MDLB_POOL_ALLOCATE:
    case IOCTL_MDLB_MAP_RESERVED: case IOCTL_MDLB_UNMAP_RESERVED:
        return 32;
    case IOCTL_MDLB_ALLOCATE_PAGES:
        return 64;
    case IOCTL_MDLB_PROBE_AND_LOCK: case IOCTL_MDLB_MAP_SYSTEM: case IOCTL_MDLB_UNMAP: case IOCTL_MDLB_FREE_MDL:
    case IOCTL_MDLB_BUILD_NONPAGED: case IOCTL_MDLB_UNLOCK: case IOCTL_MDLB_QUERY:
    case IOCTL_MDLB_FREE_PAGES: case IOCTL_MDLB_POOL_FREE: case IOCTL_MDLB_RESERVE: case IOCTL_MDLB_FREE_RESERVATION:
        return 24;
    case IOCTL_MDLB_MAP_USER: case IOCTL_MDLB_MAP_KERNEL:
        return 40;
    case IOCTL_MDLB_WRITE_MAPPED:
        return len >= 32 ? 32ull + rd32(in + 28) : 32;
    case IOCTL_MDLB_DESCRIBE_CHAIN:
        return len >= 24 ? 24ull + 16ull * rd32(in + 16) : 24;
    default:
        return 0;
    }
}

/* ------------------------------------------------------------------------------------ reply decoding */

/* Decodes a packed reply the way the Java ReplyDecoder does, from scratch; aborts on anything malformed. */
static void decode_reply(const uint8_t *buf, uint32_t cap, uint32_t returned, uint32_t pfn_start,
                         uint32_t pfn_max, const uint64_t *const *pfn_sources, uint32_t sources)
{
    MDLB_REPLY_HEADER h;
    uint32_t i;
    uint64_t at;
    CHECK(returned >= sizeof(h) && returned <= cap, "returned %u, cap %u", returned, cap);
    memcpy(&h, buf, sizeof(h));
    CHECK(h.Magic == MDLB_MAGIC && h.Version == MDLB_PROTOCOL_VERSION && h.HeaderSize == sizeof(h),
          "header 0x%08x v%u size %u", h.Magic, h.Version, h.HeaderSize);
    CHECK(h.TotalSize == returned, "TotalSize %u, returned %u", h.TotalSize, returned);
    CHECK(h.Reserved == 0 && h.Reserved2 == 0, "reserved fields");
    CHECK(h.SnapshotCount <= sources, "SnapshotCount %u, %u written", h.SnapshotCount, sources);
    at = h.SnapshotOffset;
    if (h.SnapshotCount)
        CHECK(at >= sizeof(h), "SnapshotOffset %u inside the header", h.SnapshotOffset);
    for (i = 0; i < h.SnapshotCount; i++) {
        MDLB_SNAPSHOT s;
        uint32_t k, avail, maxw;
        CHECK(at + sizeof(s) <= h.TotalSize, "snapshot %u at %llu past %u", i, (unsigned long long)at,
              h.TotalSize);
        memcpy(&s, buf + at, sizeof(s));
        CHECK(at + sizeof(s) + 8ull * s.PfnReturned <= h.TotalSize, "snapshot %u PFNs past the reply", i);
        CHECK(s.Reserved == 0, "snapshot reserved");
        if (!(s.Valid & MDLB_VALID_PFNS))
            CHECK(s.PfnReturned == 0, "PFNs returned although invalid");
        if (!(s.Valid & MDLB_VALID_PROCESS))
            CHECK(s.Process == 0, "Process not zeroed although invalid");
        if (!(s.Valid & MDLB_VALID_MAPPED_SYSTEM_VA))
            CHECK(s.MappedSystemVa == 0, "MappedSystemVa not zeroed although invalid");
        CHECK(s.VirtualAddress == s.StartVa + s.ByteOffset, "VirtualAddress");
        CHECK((uint64_t)s.PfnCount == ((s.VirtualAddress & 4095u) + (uint64_t)s.ByteCount + 4095u) / 4096u,
              "PfnCount %u for VA 0x%llx + %u", s.PfnCount, (unsigned long long)s.VirtualAddress, s.ByteCount);
        avail = s.PfnCount < s.PfnCapacity ? s.PfnCount : s.PfnCapacity;
        maxw = pfn_max < MDLB_MAX_INLINE_PFNS ? pfn_max : MDLB_MAX_INLINE_PFNS;
        CHECK(s.PfnStart == pfn_start, "PfnStart %u, asked %u", s.PfnStart, pfn_start);
        if (s.PfnReturned) {
            CHECK(s.PfnReturned <= maxw, "PfnReturned %u > window %u", s.PfnReturned, maxw);
            CHECK((uint64_t)s.PfnStart + s.PfnReturned <= avail, "PFNs %u+%u beyond span/capacity %u", s.PfnStart,
                  s.PfnReturned, avail);
            for (k = 0; k < s.PfnReturned; k++) {
                uint64_t got = rd64(buf + at + sizeof(s) + 8ull * k);
                CHECK(got == pfn_sources[i][s.PfnStart + k], "snapshot %u PFN %u: 0x%llx, expected 0x%llx", i,
                      s.PfnStart + k, (unsigned long long)got,
                      (unsigned long long)pfn_sources[i][s.PfnStart + k]);
            }
        }
        at += sizeof(s) + 8ull * s.PfnReturned;
    }
    if (h.DataLength) {
        CHECK(h.DataOffset >= sizeof(h) && (h.DataOffset & 7u) == 0, "DataOffset %u", h.DataOffset);
        CHECK((uint64_t)h.DataOffset + h.DataLength <= h.TotalSize, "data [%u,+%u) past %u", h.DataOffset,
              h.DataLength, h.TotalSize);
        CHECK(!h.SnapshotCount || h.DataOffset >= at, "data overlaps the snapshots");
    }
}

/* A little reader over the fuzz tail, for the reply's content. */
typedef struct { const uint8_t *p; size_t n; } tail_t;

static uint64_t take(tail_t *t, int bytes)
{
    uint64_t v = 0;
    int i;
    for (i = 0; i < bytes; i++) {
        v |= (uint64_t)(t->n ? *t->p : 0) << (8 * i);
        if (t->n) {
            t->p++;
            t->n--;
        }
    }
    return v;
}

static void fuzz_reply(uint32_t code, const uint8_t *in, size_t in_len, uint32_t out_len, tail_t *t)
{
    MDLB_REQUEST_HEADER req;
    mdlb_reply r;
    uint8_t *out;
    uint32_t fixed = mdlb_min_reply_size(code, in, in_len);
    uint32_t nsnap, i, total;
    const uint64_t *sources[MDLB_MAX_SNAPSHOTS + 2];
    uint64_t *owned[MDLB_MAX_SNAPSHOTS + 2];
    uint32_t written = 0;

    CHECK(fixed >= sizeof(MDLB_REPLY_HEADER), "min reply size %u for code 0x%08x", fixed, code);
    CHECK(out_len >= fixed, "accepted an output of %u for a reply of at least %u", out_len, fixed);
    memcpy(&req, in, sizeof(req));
    out = (uint8_t *)malloc(out_len ? out_len : 1);
    mdlb_reply_begin(&r, out, out_len, fixed, &req);
    mdlb_reply_status(&r, (uint32_t)take(t, 4), (uint32_t)take(t, 1) % 5, (uint32_t)take(t, 2));
    mdlb_reply_object(&r, (uint32_t)take(t, 2));
    mdlb_reply_value(&r, take(t, 8));
    nsnap = (uint32_t)take(t, 1) % (MDLB_MAX_SNAPSHOTS + 1);
    for (i = 0; i < nsnap; i++) {
        mdlb_mdl_view v;
        MDLB_REPLY_HEADER h;
        uint64_t spanned, k;
        uint32_t cap_sel = (uint32_t)take(t, 4);
        memset(&v, 0, sizeof(v));
        v.mdl_address = take(t, 8);
        v.next = take(t, 8);
        v.process = take(t, 8);
        v.mapped_system_va = take(t, 8);
        v.start_va = take(t, 8) & ~(uint64_t)4095u;
        v.byte_offset = (uint32_t)take(t, 2) & 4095u;
        v.byte_count = (uint32_t)take(t, 4);
        if (take(t, 1) & 1)
            v.byte_count &= 0x3FFFFFu; /* mostly small enough that the PFN array is cheap */
        v.size = (uint16_t)take(t, 2);
        v.flags = (uint16_t)take(t, 2);
        v.valid = (uint32_t)take(t, 1) & 7u;
        v.kind = (uint32_t)take(t, 1) % 7u;
        spanned = mdlb_span_pages(v.start_va + v.byte_offset, v.byte_count);
        /* capacity: the span, less, or more, at most 2^20 PFNs (what a 4 GiB - 4 KiB MDL can have) */
        switch (cap_sel & 3u) {
        case 0: v.pfn_capacity = (uint32_t)(spanned < 0x100000u ? spanned : 0x100000u); break;
        case 1: v.pfn_capacity = (uint32_t)((cap_sel >> 2) % 0x100001u); break;
        case 2: v.pfn_capacity = (uint32_t)((spanned / 2) < 0x100000u ? spanned / 2 : 0x100000u); break;
        default: v.pfn_capacity = (cap_sel >> 2) & 0xFFu; break;
        }
        if (v.pfn_capacity > (1u << 17))
            v.pfn_capacity = (v.pfn_capacity & 1u) ? (1u << 17) : v.pfn_capacity; /* keep some huge ones */
        /* exactly pfn_capacity entries: ASan sees any read past them */
        owned[i] = (uint64_t *)malloc(v.pfn_capacity ? (size_t)v.pfn_capacity * 8 : 1);
        for (k = 0; k < v.pfn_capacity; k++)
            owned[i][k] = 0x100000ull + k * 7919ull;
        v.pfns = (take(t, 1) % 8) ? owned[i] : NULL;
        sources[i] = owned[i];
        mdlb_reply_snapshot(&r, &v, 1 + (uint32_t)take(t, 1) % 3, (uint32_t)take(t, 2));
        memcpy(&h, out, sizeof(h));
        written = h.SnapshotCount;
        if (written != i + 1) {
            /* did not fit: nothing may have been written for it */
            free(owned[i]);
            break;
        }
    }
    if (take(t, 1) & 1) {
        uint32_t dlen = (uint32_t)take(t, 3) % (MDLB_MAX_TRANSFER + 1024);
        uint8_t *d = (uint8_t *)mdlb_reply_data(&r, dlen);
        if (d)
            memset(d, 0xD5, dlen);
    }
    total = mdlb_reply_finish(&r);
    CHECK(total <= out_len, "TotalSize %u > output %u", total, out_len);
    decode_reply(out, out_len, total, req.PfnStart, req.PfnMax, sources, written);
    for (i = 0; i < written; i++)
        free(owned[i]);
    free(out);
}

/* ------------------------------------------------------------------------------------- pure helpers */

static void fuzz_helpers(tail_t *t)
{
    uint32_t spanned = (uint32_t)take(t, 4), capacity = (uint32_t)take(t, 4), start = (uint32_t)take(t, 4);
    uint32_t max = (uint32_t)take(t, 4), space = (uint32_t)take(t, 4);
    uint32_t n = mdlb_pfn_window(spanned, capacity, start, max, space);
    uint32_t avail = spanned < capacity ? spanned : capacity;
    uint64_t va = take(t, 8), len = take(t, 4) | (take(t, 1) & 1 ? take(t, 3) << 32 : 0);
    uint16_t size = (uint16_t)take(t, 2);
    uint64_t sp = take(t, 3);
    uint64_t span = mdlb_span_pages(va, len);
    uint32_t pc;

    CHECK(n <= MDLB_MAX_INLINE_PFNS && n <= max && (uint64_t)n * 8 <= space, "window %u", n);
    CHECK(start >= avail ? n == 0 : (uint64_t)start + n <= avail, "window %u from %u of %u", n, start, avail);
    /* the window is as large as the rules allow */
    if (start < avail) {
        uint64_t want = avail - start;
        if (want > max) want = max;
        if (want > MDLB_MAX_INLINE_PFNS) want = MDLB_MAX_INLINE_PFNS;
        if (want > space / 8) want = space / 8;
        CHECK(n == want, "window %u, expected %llu", n, (unsigned long long)want);
    }
    /* lengths below 2^56 bytes: no wrap in 64 bits */
    CHECK(span == ((va & 4095u) + len + 4095u) / 4096u, "span");
    if (len)
        CHECK(span >= 1 && span <= len / 4096 + 2, "span %llu of %llu bytes", (unsigned long long)span,
              (unsigned long long)len);
    pc = mdlb_pfn_capacity_from_size(size, sp);
    CHECK(pc <= sp, "capacity %u > spanned %llu", pc, (unsigned long long)sp);
    if (pc)
        CHECK((uint16_t)(48u + 8u * sp) == size || (uint16_t)(48u + 4u * sp) == size, "capacity from Size");
}

/* ------------------------------------------------------------------------------------------ entry */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t sel, out_sel, code, st, out_len;
    const uint8_t *in;
    size_t in_len;
    tail_t t;

    if (size < 8)
        return 0;
    sel = rd32(data);
    out_sel = rd32(data + 4);
    in = data + 8;
    in_len = size - 8;
    code = (sel >> 16) == MDLB_DEVICE_TYPE ? sel : known_codes[sel % KNOWN_COUNT];
    if ((sel >> 16) != MDLB_DEVICE_TYPE)
        CHECK(mdlb_check_malformed(sel, in, in_len, MDLB_REPLY_BUFFER_SIZE) == MDLB_STATUS_INVALID_DEVICE_REQUEST,
              "foreign code 0x%08x accepted", sel);
    /* output lengths: mostly the whole reply buffer, often small, sometimes anything */
    switch (out_sel >> 30) {
    case 0: out_len = MDLB_REPLY_BUFFER_SIZE; break;
    case 1: out_len = out_sel % 1024u; break;
    case 2: out_len = 64u + 96u * ((out_sel >> 8) % 4u) + (out_sel & 0xFFu); break;
    default: out_len = out_sel % (MDLB_REPLY_BUFFER_SIZE + 1u); break;
    }

    st = mdlb_check_malformed(code, in_len ? in : NULL, in_len, out_len);
    if (!is_known(code)) {
        CHECK(st == MDLB_STATUS_INVALID_DEVICE_REQUEST, "unknown code 0x%08x: 0x%08x", code, st);
        return 0;
    }
    if (in_len < sizeof(MDLB_REQUEST_HEADER))
        CHECK(st == MDLB_STATUS_INFO_LENGTH_MISMATCH, "code 0x%08x with %zu bytes: 0x%08x", code, in_len, st);
    CHECK(st == 0 || st == MDLB_STATUS_INFO_LENGTH_MISMATCH || st == MDLB_STATUS_REVISION_MISMATCH ||
              st == MDLB_STATUS_BUFFER_TOO_SMALL,
          "status 0x%08x", st);
    t.p = in;
    t.n = in_len;
    if (st != 0) {
        fuzz_helpers(&t);
        return 0;
    }
    CHECK(rd32(in) == MDLB_MAGIC && (rd32(in + 4) & 0xFFFFu) == MDLB_PROTOCOL_VERSION, "magic/version accepted");
    CHECK(in_len == oracle_size(code, in, in_len), "code 0x%08x accepted %zu bytes, the header says %llu", code,
          in_len, (unsigned long long)oracle_size(code, in, in_len));

    {
        uint32_t p = mdlb_check_parameters(code, in, in_len);
        CHECK(p <= MDLB_PARAM_PAGE_OFFSET, "parameter detail %u", p);
        if (code == IOCTL_MDLB_PROBE_AND_LOCK && (in[20] > 1 || in[21] > 2))
            CHECK(p != 0, "probe with mode %u operation %u accepted", in[20], in[21]);
        if ((code == IOCTL_MDLB_MAP_USER || code == IOCTL_MDLB_MAP_KERNEL) && rd32(in + 20) > MDLB_MM_WRITE_COMBINED)
            CHECK(p != 0, "cache type %u accepted", rd32(in + 20));
        if (code == IOCTL_MDLB_MAP_KERNEL && rd64(in + 24) != 0)
            CHECK(p != 0, "KernelMode mapping with requested address 0x%llx accepted", (unsigned long long)rd64(in + 24));
        if (code == IOCTL_MDLB_RESERVE && (rd64(in + 16) == 0 || rd64(in + 16) > 0xFFFFFFFFull))
            CHECK(p == MDLB_PARAM_SIZE || p == MDLB_PARAM_RESERVED || p == MDLB_PARAM_PFN_WINDOW,
                  "reservation of 0x%llx bytes: detail %u", (unsigned long long)rd64(in + 16), p);
        if (code == IOCTL_MDLB_POOL_ALLOCATE && (rd32(in + 24) % 16u != 0 || rd32(in + 24) >= 4096u))
            CHECK(p != 0, "pageOffset 0x%x accepted", rd32(in + 24));
        if (code == IOCTL_MDLB_ALLOCATE_PAGES && rd64(in + 32) > rd64(in + 40))
            CHECK(p != 0, "low 0x%llx above high accepted", (unsigned long long)rd64(in + 32));
        if ((code == IOCTL_MDLB_READ_MAPPED || code == IOCTL_MDLB_WRITE_MAPPED) && rd32(in + 28) > MDLB_MAX_TRANSFER)
            CHECK(p != 0, "transfer of %u accepted", rd32(in + 28));
        if (code == IOCTL_MDLB_DESCRIBE_CHAIN && (rd32(in + 16) == 0 || rd32(in + 16) > MDLB_MAX_CHAIN_RANGES) &&
            (rd32(in + 4) >> 16) == 0 && rd32(in + 8) <= MDLB_MAX_PFN_INDEX) /* header fields are checked first */
            CHECK(p == MDLB_PARAM_RANGE_COUNT, "range count %u: detail %u", rd32(in + 16), p);
        if (code == IOCTL_MDLB_ALLOCATE_PAGES && (rd32(in + 24) & MDLB_MM_DONT_ZERO_ALLOCATION))
            CHECK(p != 0, "MM_DONT_ZERO_ALLOCATION accepted");
        if (rd32(in + 4) >> 16)
            CHECK(p == MDLB_PARAM_RESERVED, "header Reserved %u accepted", rd32(in + 4) >> 16);
    }
    if (is_direct(code))
        return 0;
    t.p = in;
    t.n = in_len;
    fuzz_reply(code, in, in_len, out_len, &t);
    return 0;
}
