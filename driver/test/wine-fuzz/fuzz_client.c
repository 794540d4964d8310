/*
 * fuzz_client.c - feeds the real mdlbridge.sys, hosted by Wine's winedevice.exe, seeded random and mutated
 * requests (mingw, console). Built and run by driver/test/wine-fuzz/run.sh.
 *
 *   fuzz_client install PATH_TO_SYS      register and start the MdlBridge kernel service
 *   fuzz_client run SEED COUNT SECONDS [avoid-known]
 *                                        send up to COUNT requests for at most SECONDS; prints the tally
 *                                        (avoid-known: no span of a multiple of 16384 pages, see avoid_span)
 *   fuzz_client one CODE HEX OUTLEN      one request (hex bytes) on a fresh handle, then INFO: did the host survive?
 *   fuzz_client stop                     stop and delete the service
 *
 * Requests: every control code except the three that reach routines Wine exports only as aborting stubs
 * (IOCTL_MDLB_BUILD_PARTIAL -> IoBuildPartialMdl, IOCTL_MDLB_SIZE_OF_MDL and IOCTL_MDLB_INITIALIZE_MDL ->
 * MmSizeOfMdl: EXCEPTION_WINE_STUB kills winedevice.exe, which says nothing about the driver); unknown vendor
 * codes and foreign device types; sizes 0..64 KiB, truncated and oversized inputs, wrong magic, version and
 * reserved fields; live, stale and other-handle ids; user, kernel, wrapping and null addresses; huge lengths and
 * transfer sizes; output buffers from 0 bytes to the full reply size. Calls go through NtDeviceIoControlFile so
 * the IRP's own NTSTATUS is seen.
 *
 * Checked for every answer: a failed IRP carries one of the statuses mdlbridge.h lists for malformed requests
 * (or one Wine's I/O manager gives for a bad buffer) and returns no bytes; a completed IRP returns a reply that
 * fits the output buffer and decodes (magic, version, header size, TotalSize = Information, snapshots and data
 * inside it, PFN windows inside each snapshot's span and capacity, undefined fields zero), with a known status
 * and a stage that agrees with it. At the end: ReleaseAll on every handle, then INFO on a fresh handle must
 * answer (winedevice.exe survived) with nothing held by the driver.
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mdlbridge.h"
#include "../wine/service.h"

typedef NTSTATUS(NTAPI *nt_ioctl_fn)(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, ULONG, PVOID, ULONG, PVOID, ULONG);
static nt_ioctl_fn nt_ioctl;

/* ------------------------------------------------------------------------------------------- random */

static unsigned long long rng_state;

static unsigned long long rnd(void)
{
    /* splitmix64: the same seed gives the same run on every machine */
    unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return n ? (unsigned)(rnd() % n) : 0;
}

/* ---------------------------------------------------------------------------------------- the codes */

static const ULONG codes[] = {
    IOCTL_MDLB_INFO, IOCTL_MDLB_RELEASE_ALL, IOCTL_MDLB_ALLOCATE_MDL, IOCTL_MDLB_PROBE_AND_LOCK,
    IOCTL_MDLB_MAP_SYSTEM, IOCTL_MDLB_MAP_USER, IOCTL_MDLB_UNMAP, IOCTL_MDLB_READ_MAPPED, IOCTL_MDLB_WRITE_MAPPED,
    IOCTL_MDLB_BUILD_NONPAGED, IOCTL_MDLB_UNLOCK, IOCTL_MDLB_FREE_MDL, IOCTL_MDLB_POOL_ALLOCATE,
    IOCTL_MDLB_POOL_FREE, IOCTL_MDLB_QUERY, IOCTL_MDLB_DESCRIBE_CHAIN, IOCTL_MDLB_ALLOCATE_PAGES,
    IOCTL_MDLB_FREE_PAGES, IOCTL_MDLB_DIRECT_FETCH, IOCTL_MDLB_DIRECT_IN, IOCTL_MDLB_DIRECT_OUT,
    IOCTL_MDLB_MAP_KERNEL, IOCTL_MDLB_MAP_RESERVED, IOCTL_MDLB_UNMAP_RESERVED, IOCTL_MDLB_FREE_RESERVATION};
#define NCODES (sizeof(codes) / sizeof(codes[0]))

/* Left out: they reach Wine's aborting stubs (IoBuildPartialMdl, MmSizeOfMdl, MmAllocateMappingAddress). Without a
 * reservation, the other three reservation codes never get past their object lookup, so they stay in. */
static int excluded(ULONG code)
{
    return code == IOCTL_MDLB_BUILD_PARTIAL || code == IOCTL_MDLB_SIZE_OF_MDL || code == IOCTL_MDLB_INITIALIZE_MDL ||
           code == IOCTL_MDLB_RESERVE;
}

static int known(ULONG code)
{
    unsigned i;
    for (i = 0; i < NCODES; i++)
        if (codes[i] == code)
            return 1;
    return 0;
}

static ULONG fixed_size(ULONG code)
{
    switch (code) {
    case IOCTL_MDLB_INFO: case IOCTL_MDLB_RELEASE_ALL: case IOCTL_MDLB_DIRECT_FETCH:
    case IOCTL_MDLB_DIRECT_IN: case IOCTL_MDLB_DIRECT_OUT: return 16;
    case IOCTL_MDLB_ALLOCATE_MDL: case IOCTL_MDLB_READ_MAPPED: case IOCTL_MDLB_WRITE_MAPPED:
    case IOCTL_MDLB_POOL_ALLOCATE: case IOCTL_MDLB_MAP_RESERVED: case IOCTL_MDLB_UNMAP_RESERVED: return 32;
    case IOCTL_MDLB_ALLOCATE_PAGES: return 64;
    case IOCTL_MDLB_MAP_USER: case IOCTL_MDLB_MAP_KERNEL: return 40;
    case IOCTL_MDLB_DESCRIBE_CHAIN: return 24;
    default: return 24;
    }
}

/* ------------------------------------------------------------------------------------------- state */

#define MAX_IDS 256
static ULONG live_ids[MAX_IDS], stale_ids[MAX_IDS], other_ids[MAX_IDS];
static unsigned nlive, nstale, nother;
static ULONGLONG kernel_addrs[64];
static unsigned nkernel;
static unsigned char *user_buf;
#define USER_BUF_SIZE (256 * 1024)

static void push(ULONG *arr, unsigned *n, ULONG id)
{
    if (*n < MAX_IDS)
        arr[(*n)++] = id;
    else
        arr[below(MAX_IDS)] = id;
}

static ULONG pick_id(void)
{
    unsigned p = below(100);
    if (p < 45 && nlive)
        return live_ids[below(nlive)];
    if (p < 60 && nstale)
        return stale_ids[below(nstale)];
    if (p < 70 && nother)
        return other_ids[below(nother)]; /* an id of the other handle */
    switch (below(5)) {
    case 0: return 0;
    case 1: return 1 + below(64);
    case 2: return 0xFFFFFFFFu;
    case 3: return 0x7FFFFFFFu;
    default: return (ULONG)rnd();
    }
}

static ULONGLONG pick_address(void)
{
    unsigned p = below(100);
    if (p < 40)
        return (ULONGLONG)(ULONG_PTR)user_buf + below(USER_BUF_SIZE + 8192);
    if (p < 50 && nkernel)
        return kernel_addrs[below(nkernel)] + below(16384);
    switch (below(6)) {
    case 0: return 0;
    case 1: return 0xFFFF800000000000ull + (rnd() & 0xFFFFFFFFFFull);
    case 2: return 0xFFFFFFFFFFFFF000ull + below(4096);
    case 3: return 0x00007FFFFFFF0000ull + below(1 << 17);
    case 4: return below(1 << 16);
    default: return rnd();
    }
}

/* avoid_known: no range spans a multiple of 16384 pages (the shape of the fixed finding
 * fuzz-chain-4gib-pfn-width.vec); kept so that, should that shape fail again, a run can still look past it. */
static int avoid_known;

static ULONG avoid_span(ULONGLONG va, ULONG len)
{
    ULONGLONG pages = ((va & 4095u) + (ULONGLONG)len + 4095u) >> 12;
    if (!avoid_known || pages == 0 || pages % 16384u != 0)
        return len;
    return len - 4096u; /* one page fewer: never a multiple of 16384 again */
}

static ULONG pick_length_raw(void)
{
    switch (below(10)) {
    case 0: return 0;
    case 1: return 0xFFFFFFFFu;
    case 2: return 0xFFFFF000u;
    case 3: return (ULONG)rnd();
    case 4: return 4096u * (1 + below(16)) + below(3) - 1;
    default: return 1 + below(1u << (1 + below(18)));
    }
}

static ULONG pick_length(void)
{
    return pick_length_raw();
}

static ULONG pick_priority(void)
{
    switch (below(5)) {
    case 0: return (ULONG)rnd();
    case 1: return MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_WRITE;
    case 2: return below(64);
    default: return MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_EXECUTE;
    }
}

static void put32(unsigned char *b, size_t off, ULONG v) { memcpy(b + off, &v, 4); }
static void put64(unsigned char *b, size_t off, ULONGLONG v) { memcpy(b + off, &v, 8); }
static ULONG get32(const unsigned char *b, size_t off) { ULONG v; memcpy(&v, b + off, 4); return v; }
static ULONGLONG get64(const unsigned char *b, size_t off) { ULONGLONG v; memcpy(&v, b + off, 8); return v; }

static unsigned char req[70000];
static unsigned char out[MDLB_REPLY_BUFFER_SIZE + 64];

/* Builds a request for 'code' into req; returns its length. */
static ULONG build(ULONG code)
{
    ULONG len = fixed_size(code), i, n, count;
    memset(req, 0, 64 + 16 * 20);
    if (code == IOCTL_MDLB_WRITE_MAPPED) {
        n = below(10) == 0 ? (ULONG)rnd() : below(MDLB_MAX_TRANSFER + 1);
        len = 32 + (n <= MDLB_MAX_TRANSFER + 64 ? n : below(256));
        for (i = 32; i < len; i += 61)
            req[i] = (unsigned char)rnd();
        put32(req, 16, below(2) ? 0 : pick_id());
        put32(req, 20, pick_id());
        put32(req, 24, below(8) == 0 ? (ULONG)rnd() : below(1u << (1 + below(17))));
        put32(req, 28, n);
    } else if (code == IOCTL_MDLB_DESCRIBE_CHAIN) {
        count = below(10) == 0 ? (ULONG)rnd() : below(MDLB_MAX_CHAIN_RANGES + 2);
        n = count <= MDLB_MAX_CHAIN_RANGES + 1 ? count : below(4);
        len = 24 + 16 * n;
        memset(req, 0, len);
        put32(req, 16, count);
        put32(req, 20, below(8) == 0 ? (ULONG)rnd() : below(2));
        for (i = 0; i < n; i++) {
            ULONGLONG va = pick_address();
            put64(req, 24 + 16 * i, va);
            put32(req, 24 + 16 * i + 8, avoid_span(va, pick_length()));
            req[24 + 16 * i + 12] = (unsigned char)(below(8) == 0 ? rnd() : below(3));
        }
    } else {
        switch (code) {
        case IOCTL_MDLB_ALLOCATE_MDL: {
            ULONGLONG va = pick_address();
            put64(req, 16, va);
            put32(req, 24, avoid_span(va, pick_length()));
            break;
        }
        case IOCTL_MDLB_PROBE_AND_LOCK:
            put32(req, 16, pick_id());
            req[20] = (unsigned char)(below(10) == 0 ? rnd() : (below(4) == 0 ? 0 : 1));
            req[21] = (unsigned char)(below(10) == 0 ? rnd() : below(3));
            break;
        case IOCTL_MDLB_MAP_SYSTEM:
            put32(req, 16, pick_id());
            put32(req, 20, pick_priority());
            break;
        case IOCTL_MDLB_MAP_USER:
            put32(req, 16, pick_id());
            put32(req, 20, below(8) == 0 ? below(4) : MDLB_MM_CACHED);
            put64(req, 24, below(6) == 0 ? pick_address() : 0);
            put32(req, 32, pick_priority());
            break;
        case IOCTL_MDLB_UNMAP:
            n = below(2);
            put32(req, 16, n ? pick_id() : 0);
            put32(req, 20, n && below(4) ? 0 : pick_id());
            break;
        case IOCTL_MDLB_READ_MAPPED:
            put32(req, 16, below(2) ? 0 : pick_id());
            put32(req, 20, pick_id());
            put32(req, 24, below(8) == 0 ? (ULONG)rnd() : below(1u << (1 + below(17))));
            put32(req, 28, below(10) == 0 ? (ULONG)rnd() : below(MDLB_MAX_TRANSFER + 2));
            break;
        case IOCTL_MDLB_FREE_MDL:
            put32(req, 16, pick_id());
            put32(req, 20, below(8) == 0 ? (ULONG)rnd() : below(2));
            break;
        case IOCTL_MDLB_POOL_ALLOCATE:
            put64(req, 16, below(8) == 0 ? rnd() : 1 + below(below(2) ? 8192 : 1u << 22));
            put32(req, 24, below(4) == 0 ? 16u * below(256) : below(8) == 0 ? (ULONG)rnd() : 0);
            break;
        case IOCTL_MDLB_ALLOCATE_PAGES:
            put64(req, 16, below(8) == 0 ? rnd() : below(1u << 21));
            put32(req, 24, below(4) == 0 ? (ULONG)rnd() : 0);
            break;
        default:
            if (len >= 24)
                put32(req, 16, pick_id());
            break;
        }
    }
    put32(req, 0, MDLB_MAGIC);
    put32(req, 4, MDLB_PROTOCOL_VERSION);
    put32(req, 8, below(6) == 0 ? (below(3) == 0 ? (ULONG)rnd() : below(1u << 21)) : 0);
    put32(req, 12, below(6) == 0 ? (below(3) == 0 ? (ULONG)rnd() : below(3 * MDLB_MAX_INLINE_PFNS)) : 64);
    /* mutations */
    n = below(100);
    if (n < 8) {
        len = below(len ? len : 1);                             /* truncated */
    } else if (n < 14) {
        ULONG extra = below(4) == 0 ? below(65536) : 1 + below(64); /* oversized */
        ULONG to = len + extra > 65536 ? 65536 : len + extra;
        for (i = len; i < to; i++)
            req[i] = (unsigned char)(i % 97 == 0 ? rnd() : 0);
        len = to;
    } else if (n < 17) {
        len = below(4) == 0 ? below(65537) : below(96);         /* random bytes, random size */
        for (i = 0; i < len; i++)
            req[i] = (unsigned char)rnd();
    } else if (n < 20 && len >= 4) {
        req[below(4)] ^= (unsigned char)(1 + below(255));        /* magic */
    } else if (n < 23 && len >= 6) {
        req[4 + below(2)] ^= (unsigned char)(1 + below(255));    /* version */
    } else if (n < 26 && len >= 8) {
        req[6 + below(2)] = (unsigned char)(1 + below(255));     /* header reserved */
    } else if (n < 34 && len > 0) {
        for (i = 1 + below(4); i > 0; i--)
            req[below(len)] ^= (unsigned char)(1u << below(8));
    }
    return len;
}

static ULONG pick_code(void)
{
    unsigned p = below(100);
    ULONG c;
    do {
        if (p < 85)
            c = codes[below(NCODES)];
        else if (p < 93)
            c = MDLB_CTL(0x7F0 + below(0x40), below(4), below(4)); /* our device type, other functions */
        else if (p < 97)
            c = codes[below(NCODES)] ^ (1u << below(32));
        else
            c = (ULONG)rnd();
        p = below(100);
    } while (excluded(c));
    return c;
}

/* ----------------------------------------------------------------------------------------- checking */

static unsigned long long sent, completed, irp_failed, violations;
static unsigned long long by_status[8];
static ULONG other_statuses[32];
static unsigned long long other_counts[32];
static unsigned nother_statuses;

static void violation(const char *what, ULONG code, ULONG in_len, ULONG out_len, ULONG st)
{
    violations++;
    if (violations <= 20)
        printf("VIOLATION #%llu: %s (code 0x%08lX, in %lu, out %lu, status 0x%08lX)\n", sent, what, code, in_len,
               out_len, st);
}

static void count_status(ULONG st)
{
    unsigned i;
    static const ULONG malformed[8] = {MDLB_STATUS_INFO_LENGTH_MISMATCH, MDLB_STATUS_BUFFER_TOO_SMALL,
                                       MDLB_STATUS_REVISION_MISMATCH, MDLB_STATUS_INVALID_DEVICE_REQUEST,
                                       MDLB_STATUS_NOT_FOUND, MDLB_STATUS_OBJECT_TYPE_MISMATCH,
                                       MDLB_STATUS_ACCESS_DENIED, 0};
    for (i = 0; i < 7; i++)
        if (malformed[i] == st) {
            by_status[i]++;
            return;
        }
    for (i = 0; i < nother_statuses; i++)
        if (other_statuses[i] == st) {
            other_counts[i]++;
            return;
        }
    if (nother_statuses < 32) {
        other_statuses[nother_statuses] = st;
        other_counts[nother_statuses++] = 1;
    }
}

static int known_reply_status(ULONG s)
{
    static const ULONG ok[] = {MDLB_STATUS_SUCCESS, MDLB_STATUS_GUARD_PAGE_VIOLATION, MDLB_STATUS_ACCESS_VIOLATION,
        MDLB_STATUS_IN_PAGE_ERROR, MDLB_STATUS_INVALID_PARAMETER, MDLB_STATUS_NO_MEMORY,
        MDLB_STATUS_CONFLICTING_ADDRESSES, MDLB_STATUS_ACCESS_DENIED, MDLB_STATUS_QUOTA_EXCEEDED,
        MDLB_STATUS_INSUFFICIENT_RESOURCES, MDLB_STATUS_WORKING_SET_QUOTA, MDLB_STATUS_PROCESS_IS_TERMINATING,
        MDLB_STATUS_INVALID_ADDRESS, MDLB_STATUS_INVALID_DEVICE_STATE, MDLB_STATUS_NOT_FOUND,
        0xC0000002u /* NOT_IMPLEMENTED: a Wine DDI */, 0xC00000BBu /* NOT_SUPPORTED: Wine's MmAllocatePagesForMdlEx */, 0xC0000008u /* INVALID_HANDLE */,
        0x80000100u /* EXCEPTION_WINE_STUB caught by the driver's __except */};
    unsigned i;
    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (ok[i] == s)
            return 1;
    return 0;
}

static void check_reply(ULONG code, ULONG in_len, ULONG out_len, ULONG info)
{
    ULONG total, count, snap_off, data_off, data_len, status, stage, i;
    unsigned long long at;
    if (info < 64 || info > out_len) {
        violation("completed IRP with a reply size outside [64, output]", code, in_len, out_len, info);
        return;
    }
    if (get32(out, 0) != MDLB_MAGIC || (get32(out, 4) & 0xFFFF) != MDLB_PROTOCOL_VERSION || (get32(out, 4) >> 16) != 64) {
        violation("reply magic/version/header size", code, in_len, out_len, get32(out, 0));
        return;
    }
    total = get32(out, 8);
    status = get32(out, 12);
    stage = get32(out, 16);
    count = get32(out, 28);
    snap_off = get32(out, 40);
    data_off = get32(out, 44);
    data_len = get32(out, 48);
    if (total != info)
        violation("TotalSize differs from IoStatus.Information", code, in_len, out_len, total);
    if (!known_reply_status(status))
        violation("reply carries an unknown status", code, in_len, out_len, status);
    if (stage > MDLB_STAGE_DDI || (stage == MDLB_STAGE_PARAMETER && status != MDLB_STATUS_INVALID_PARAMETER) ||
        (stage == MDLB_STAGE_REFUSED && status != MDLB_STATUS_INVALID_DEVICE_STATE) ||
        (stage == MDLB_STAGE_LIMIT && status != MDLB_STATUS_QUOTA_EXCEEDED) || (status == 0 && stage != 0))
        violation("stage and status disagree", code, in_len, out_len, stage);
    if (count > MDLB_MAX_SNAPSHOTS) {
        violation("too many snapshots", code, in_len, out_len, count);
        return;
    }
    at = snap_off;
    for (i = 0; i < count; i++) {
        ULONG valid, pfn_count, cap, start, returned;
        if (at + 96 > total) {
            violation("snapshot past the reply", code, in_len, out_len, i);
            return;
        }
        valid = get32(out, (size_t)at + 8);
        pfn_count = get32(out, (size_t)at + 80);
        cap = get32(out, (size_t)at + 84);
        start = get32(out, (size_t)at + 88);
        returned = get32(out, (size_t)at + 92);
        if (at + 96 + 8ull * returned > total)
            violation("snapshot PFNs past the reply", code, in_len, out_len, returned);
        if (!(valid & MDLB_VALID_PFNS) && returned)
            violation("PFNs returned although invalid", code, in_len, out_len, returned);
        if (!(valid & MDLB_VALID_PROCESS) && get64(out, (size_t)at + 32))
            violation("Process not zeroed although invalid", code, in_len, out_len, valid);
        if (!(valid & MDLB_VALID_MAPPED_SYSTEM_VA) && get64(out, (size_t)at + 40))
            violation("MappedSystemVa not zeroed although invalid", code, in_len, out_len, valid);
        if (returned && ((unsigned long long)start + returned > (pfn_count < cap ? pfn_count : cap) ||
                         returned > MDLB_MAX_INLINE_PFNS))
            violation("PFN window outside the MDL's span or capacity", code, in_len, out_len, returned);
        at += 96 + 8ull * returned;
    }
    if (data_len && ((unsigned long long)data_off + data_len > total || data_off < 64))
        violation("data outside the reply", code, in_len, out_len, data_len);
    if (status == 0 && get32(out, 24)) {
        ULONG id = get32(out, 24);
        push(live_ids, &nlive, id);
        if (code == IOCTL_MDLB_POOL_ALLOCATE && nkernel < 64 && get64(out, 32))
            kernel_addrs[nkernel++] = get64(out, 32);
    }
}

/* The last requests sent, printed when the device stops answering. */
#define HISTORY 4
static struct { unsigned long long n; ULONG code, in_len, out_len, which, irp, status, stage, detail; unsigned char bytes[96]; } history[HISTORY];

static void remember_request(ULONG code, ULONG in_len, ULONG out_len, unsigned which)
{
    unsigned slot = (unsigned)(sent % HISTORY);
    history[slot].n = sent;
    history[slot].code = code;
    history[slot].in_len = in_len;
    history[slot].out_len = out_len;
    history[slot].which = which;
    history[slot].irp = history[slot].status = history[slot].stage = history[slot].detail = 0xFFFFFFFFu;
    memcpy(history[slot].bytes, req, in_len < 96 ? in_len : 96);
}

static void print_history(void)
{
    unsigned k, i;
    for (k = 0; k < HISTORY; k++) {
        unsigned slot = (unsigned)((sent + 1 + k) % HISTORY);
        if (history[slot].n == 0)
            continue;
        printf("  request #%llu on handle %lu: code 0x%08lX, %lu bytes in, %lu out; IRP 0x%08lX, reply status "
               "0x%08lX stage %lu detail 0x%lX; request:", history[slot].n, history[slot].which, history[slot].code,
               history[slot].in_len, history[slot].out_len, history[slot].irp, history[slot].status,
               history[slot].stage, history[slot].detail);
        for (i = 0; i < history[slot].in_len && i < 96; i++)
            printf("%s%02X", i % 16 ? "" : " ", history[slot].bytes[i]);
        printf("\n");
    }
}

static HANDLE open_device(void)
{
    return CreateFileW(MDLB_USER_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
}

static ULONG do_ioctl(HANDLE h, ULONG code, const void *in, ULONG in_len, void *o, ULONG out_len, ULONG *info)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS st;
    memset(&iosb, 0, sizeof(iosb));
    st = nt_ioctl(h, NULL, NULL, NULL, &iosb, code, (PVOID)in, in_len, o, out_len);
    *info = (ULONG)iosb.Information;
    return (ULONG)st;
}

static void release_all(HANDLE h)
{
    unsigned char q[16];
    ULONG info;
    memset(q, 0, sizeof(q));
    put32(q, 0, MDLB_MAGIC);
    put32(q, 4, MDLB_PROTOCOL_VERSION);
    do_ioctl(h, IOCTL_MDLB_RELEASE_ALL, q, 16, out, sizeof(out), &info);
}

static int run(unsigned long long seed, unsigned long long count, unsigned seconds)
{
    HANDLE h[2];
    ULONGLONG start = GetTickCount64(), now;
    unsigned i;
    unsigned long long reopens = 0;
    ULONG info, st;
    unsigned char q[16];

    rng_state = seed;
    user_buf = (unsigned char *)VirtualAlloc(NULL, USER_BUF_SIZE, MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);
    h[0] = open_device();
    h[1] = open_device();
    if (h[0] == INVALID_HANDLE_VALUE || h[1] == INVALID_HANDLE_VALUE) {
        printf("cannot open %ls: error %lu\n", MDLB_USER_DEVICE_PATH, GetLastError());
        return 2;
    }
    for (sent = 0; sent < count; ) {
        unsigned which = below(10) == 0;
        ULONG code, in_len, out_len;
        if ((sent & 255) == 0) {
            now = GetTickCount64();
            if (now - start >= (ULONGLONG)seconds * 1000)
                break;
        }
        if (below(2000) == 0) {
            /* close a handle holding whatever it holds (CLEANUP releases it), open a fresh one */
            CloseHandle(h[0]);
            h[0] = open_device();
            reopens++;
            for (i = 0; i < nlive; i++)
                push(stale_ids, &nstale, live_ids[i]);
            nlive = 0;
            nkernel = 0;
            if (h[0] == INVALID_HANDLE_VALUE) {
                violation("reopening the device failed", 0, 0, 0, GetLastError());
                break;
            }
            continue;
        }
        if (below(500) == 0) {
            release_all(h[0]);
            for (i = 0; i < nlive; i++)
                push(stale_ids, &nstale, live_ids[i]);
            nlive = 0;
            nkernel = 0;
        }
        code = pick_code();
        in_len = build(code);
        switch (below(12)) {
        case 0: out_len = below(1200); break;
        case 1: out_len = 0; break;
        default: out_len = MDLB_REPLY_BUFFER_SIZE; break;
        }
        if (code == IOCTL_MDLB_DIRECT_IN || code == IOCTL_MDLB_DIRECT_OUT)
            out_len = below(4) == 0 ? 0 : 1 + below(65536);
        sent++;
        remember_request(code, in_len, out_len, which);
        memset(out, 0xCC, 96);
        st = do_ioctl(h[which], code, in_len ? req : NULL, in_len, out_len ? out : NULL, out_len, &info);
        {
            unsigned slot = (unsigned)(sent % HISTORY);
            history[slot].irp = st;
            if (st == 0 && info >= 64 && out_len >= 64) {
                history[slot].status = get32(out, 12);
                history[slot].stage = get32(out, 16);
                history[slot].detail = get32(out, 20);
            }
        }
        if (which) {
            /* ids of the second handle, to be tried on the first */
            if (st == 0 && info >= 64 && get32(out, 12) == 0 && get32(out, 24))
                push(other_ids, &nother, get32(out, 24));
            if (st == 0)
                completed++;
            else
                irp_failed++, count_status(st);
            continue;
        }
        if (st == 0) {
            completed++;
            if (!known(code))
                violation("an unknown control code completed", code, in_len, out_len, st);
            else if (code != IOCTL_MDLB_DIRECT_IN && code != IOCTL_MDLB_DIRECT_OUT)
                check_reply(code, in_len, out_len, info);
        } else {
            irp_failed++;
            count_status(st);
            if (!known(code) && st != MDLB_STATUS_INVALID_DEVICE_REQUEST)
                violation("an unknown code failed with something else than STATUS_INVALID_DEVICE_REQUEST", code, in_len,
                          out_len, st);
            if (known(code) && in_len < 16 && st != MDLB_STATUS_INFO_LENGTH_MISMATCH &&
                code != IOCTL_MDLB_DIRECT_IN && code != IOCTL_MDLB_DIRECT_OUT)
                violation("a short request failed with something else than STATUS_INFO_LENGTH_MISMATCH", code, in_len,
                          out_len, st);
            if ((LONG)st >= 0)
                violation("a failed IRP with a success status", code, in_len, out_len, st);
            if (st == 0xC0000008u /* STATUS_INVALID_HANDLE */ || st == 0xC00000B0u /* PIPE_DISCONNECTED */ ||
                st == 0xC000014Bu /* PIPE_BROKEN */ || st == 0xC0000001u /* UNSUCCESSFUL */ ||
                st == 0xC0000123u /* FILE_DELETED: Wine's answer once the driver host has died */) {
                violation("the device stopped answering (winedevice.exe gone?); the last requests were", code, in_len,
                          out_len, st);
                print_history();
                break;
            }
        }
    }
    now = GetTickCount64();
    release_all(h[0]);
    release_all(h[1]);
    CloseHandle(h[0]);
    CloseHandle(h[1]);

    /* winedevice.exe survived, and the driver holds nothing */
    h[0] = open_device();
    memset(q, 0, sizeof(q));
    put32(q, 0, MDLB_MAGIC);
    put32(q, 4, MDLB_PROTOCOL_VERSION);
    st = h[0] == INVALID_HANDLE_VALUE ? 0xFFFFFFFFu : do_ioctl(h[0], IOCTL_MDLB_INFO, q, 16, out, sizeof(out), &info);
    if (st != 0 || info < 64 + sizeof(MDLB_INFO)) {
        violation("INFO on a fresh handle after the run failed: the driver host did not survive", IOCTL_MDLB_INFO, 16,
                  sizeof(out), st);
    } else {
        MDLB_INFO inf;
        memcpy(&inf, out + get32(out, 44), sizeof(inf));
        printf("driver use after the run: %u MDLs, %u mappings, %u kernel buffers, %llu locked pages, %u objects\n",
               inf.DriverUse.Counters.OutstandingMdls, inf.DriverUse.Counters.OutstandingMappings,
               inf.DriverUse.Counters.OutstandingKernelBuffers, (unsigned long long)inf.DriverUse.Counters.LockedPages,
               inf.DriverUse.Objects);
        if (inf.DriverUse.Objects || inf.DriverUse.Counters.OutstandingMdls || inf.DriverUse.Counters.LockedPages ||
            inf.DriverUse.Counters.OutstandingMappings || inf.DriverUse.Counters.OutstandingKernelBuffers)
            violation("the driver still holds objects after ReleaseAll and close", IOCTL_MDLB_INFO, 16, 0, 0);
    }
    if (h[0] != INVALID_HANDLE_VALUE)
        CloseHandle(h[0]);

    printf("wine-fuzz: seed %llu: %llu requests in %.1f s (%llu completed, %llu IRP failures, %llu handle closes)\n",
           seed, sent, (now - start) / 1000.0, completed, irp_failed, reopens);
    printf("wine-fuzz: IRP failures: INFO_LENGTH_MISMATCH %llu, BUFFER_TOO_SMALL %llu, REVISION_MISMATCH %llu, "
           "INVALID_DEVICE_REQUEST %llu, NOT_FOUND %llu, OBJECT_TYPE_MISMATCH %llu, ACCESS_DENIED %llu",
           by_status[0], by_status[1], by_status[2], by_status[3], by_status[4], by_status[5], by_status[6]);
    for (i = 0; i < nother_statuses; i++)
        printf(", 0x%08lX %llu", other_statuses[i], other_counts[i]);
    printf("\nwine-fuzz: %llu violations\n", violations);
    return violations ? 1 : 0;
}

/* One request given as hex, on a fresh handle, then INFO on another fresh handle: did the host survive? */
static int one(ULONG code, const char *hex, ULONG out_len)
{
    HANDLE h = open_device();
    ULONG len = 0, st, info;
    unsigned char q[16];
    const char *p;
    for (p = hex; p[0] && p[1]; p += 2) {
        unsigned v;
        if (sscanf(p, "%2x", &v) != 1)
            break;
        req[len++] = (unsigned char)v;
    }
    st = do_ioctl(h, code, len ? req : NULL, len, out_len ? out : NULL, out_len, &info);
    printf("one: code 0x%08lX, %lu bytes: IRP 0x%08lX, %lu bytes back, reply status 0x%08lX stage %lu detail 0x%lX\n",
           code, len, st, info, st == 0 && info >= 64 ? get32(out, 12) : 0, st == 0 && info >= 64 ? get32(out, 16) : 0,
           st == 0 && info >= 64 ? get32(out, 20) : 0);
    CloseHandle(h);
    h = open_device();
    memset(q, 0, sizeof(q));
    put32(q, 0, MDLB_MAGIC);
    put32(q, 4, MDLB_PROTOCOL_VERSION);
    st = h == INVALID_HANDLE_VALUE ? 0xFFFFFFFFu : do_ioctl(h, IOCTL_MDLB_INFO, q, 16, out, sizeof(out), &info);
    printf("one: INFO afterwards: 0x%08lX (%s)\n", st, st == 0 ? "the driver host is alive" : "the driver host died");
    return st == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    nt_ioctl = (nt_ioctl_fn)(void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "NtDeviceIoControlFile");
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "install") == 0)
        return mdlb_wine_service_install(argv[2]);
    if (argc == 2 && strcmp(argv[1], "stop") == 0)
        return mdlb_wine_service_stop();
    if (argc == 5 && strcmp(argv[1], "one") == 0)
        return one((ULONG)strtoul(argv[2], NULL, 0), argv[3], (ULONG)strtoul(argv[4], NULL, 0));
    if ((argc == 5 || argc == 6) && strcmp(argv[1], "run") == 0) {
        avoid_known = argc == 6 && strcmp(argv[5], "avoid-known") == 0;
        return run(strtoull(argv[2], NULL, 0), strtoull(argv[3], NULL, 0), (unsigned)strtoul(argv[4], NULL, 0));
    }
    fprintf(stderr, "usage: fuzz_client install SYS | run SEED COUNT SECONDS [avoid-known] | one CODE HEX OUTLEN | stop\n");
    return 2;
}
