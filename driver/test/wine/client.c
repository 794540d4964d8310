/*
 * client.c - Wine smoke client for mdlbridge.sys (mingw, console).
 *
 *   client install PATH_TO_SYS     register and start the MdlBridge kernel service
 *   client main                    every IOCTL Wine can run (expects Wine's answers where Wine stubs Mm*)
 *   client stub NAME               one call into a routine Wine exports only as a stub: MmSizeOfMdl,
 *                                  MmInitializeMdl (sized with MmSizeOfMdl) or IoBuildPartialMdl; the
 *                                  driver host is expected to abort
 *   client stop                    stop and delete the service
 *
 * Calls NtDeviceIoControlFile so the IRP's NTSTATUS is checked as the driver returned it, not a Win32 error.
 * Prints "ok"/"FAIL" per check and, for main, "N passed, N failed".
 */
#include <windows.h>
#include <winternl.h>
#include <stdio.h>
#include <string.h>
#include "mdlbridge.h"
#include "service.h"

typedef NTSTATUS(NTAPI *nt_ioctl_fn)(HANDLE, HANDLE, PVOID, PVOID, PIO_STATUS_BLOCK, ULONG, PVOID, ULONG, PVOID, ULONG);
static nt_ioctl_fn nt_ioctl;
static int passed, failed;
static unsigned char reply[MDLB_REPLY_BUFFER_SIZE];
static ULONG reply_len;

static void check(int ok, const char *what, unsigned long got)
{
    printf("%s %s (got 0x%08lX)\n", ok ? "ok  " : "FAIL", what, got);
    if (ok)
        passed++;
    else
        failed++;
}

static HANDLE open_device(void)
{
    return CreateFileW(MDLB_USER_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
}

/* Returns the IRP status; the reply lands in 'reply'. */
static ULONG ioctl(HANDLE h, ULONG code, const void *in, ULONG in_len, void *out, ULONG out_len)
{
    IO_STATUS_BLOCK iosb;
    NTSTATUS st;
    memset(&iosb, 0, sizeof(iosb));
    st = nt_ioctl(h, NULL, NULL, NULL, &iosb, code, (PVOID)in, in_len, out, out_len);
    reply_len = (ULONG)iosb.Information;
    return (ULONG)st;
}

static void hdr(MDLB_REQUEST_HEADER *h, ULONG pfn_max)
{
    memset(h, 0, sizeof(*h));
    h->Magic = MDLB_MAGIC;
    h->Version = MDLB_PROTOCOL_VERSION;
    h->PfnMax = pfn_max;
}

static MDLB_REPLY_HEADER *rh(void)
{
    return (MDLB_REPLY_HEADER *)reply;
}

static MDLB_SNAPSHOT *snap(unsigned i)
{
    unsigned char *p = reply + rh()->SnapshotOffset;
    while (i--) {
        MDLB_SNAPSHOT *s = (MDLB_SNAPSHOT *)p;
        p += sizeof(*s) + 8u * s->PfnReturned;
    }
    return (MDLB_SNAPSHOT *)p;
}

/* A buffered call that must complete; returns the reply's Status. */
static ULONG call(HANDLE h, ULONG code, const void *in, ULONG in_len)
{
    ULONG st = ioctl(h, code, in, in_len, reply, sizeof(reply));
    if (st != 0) {
        printf("     IRP of 0x%08lX failed 0x%08lX\n", code, st);
        return 0xFFFFFFFFu;
    }
    if (rh()->Magic != MDLB_MAGIC || rh()->TotalSize != reply_len)
        printf("     reply of 0x%08lX malformed\n", code);
    return rh()->Status;
}

static int refused(ULONG st, ULONG detail)
{
    return st == MDLB_STATUS_INVALID_DEVICE_STATE && rh()->Stage == MDLB_STAGE_REFUSED && rh()->Detail == detail;
}

static ULONG alloc_mdl(HANDLE h, ULONGLONG va, ULONG len)
{
    MDLB_REQ_ALLOCATE_MDL q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 16);
    q.VirtualAddress = va;
    q.Length = len;
    return call(h, IOCTL_MDLB_ALLOCATE_MDL, &q, sizeof(q)) == 0 ? rh()->ObjectId : 0;
}

static ULONG probe(HANDLE h, ULONG id, UCHAR mode, UCHAR op)
{
    MDLB_REQ_PROBE q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 16);
    q.MdlId = id;
    q.AccessMode = mode;
    q.Operation = op;
    return call(h, IOCTL_MDLB_PROBE_AND_LOCK, &q, sizeof(q));
}

static ULONG object_call(HANDLE h, ULONG code, ULONG id)
{
    MDLB_REQ_OBJECT q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 16);
    q.ObjectId = id;
    return call(h, code, &q, sizeof(q));
}

static ULONG free_mdl(HANDLE h, ULONG id, ULONG method)
{
    MDLB_REQ_FREE_MDL q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 0);
    q.MdlId = id;
    q.Method = method;
    return call(h, IOCTL_MDLB_FREE_MDL, &q, sizeof(q));
}

static ULONG map_system(HANDLE h, ULONG id)
{
    MDLB_REQ_MAP_SYSTEM q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 0);
    q.MdlId = id;
    q.Priority = MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_EXECUTE;
    return call(h, IOCTL_MDLB_MAP_SYSTEM, &q, sizeof(q));
}

static ULONG pool_alloc(HANDLE h, ULONGLONG size)
{
    MDLB_REQ_POOL_ALLOCATE q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 0);
    q.Size = size;
    return call(h, IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q));
}

static MDLB_INFO info_of(HANDLE h)
{
    MDLB_REQUEST_HEADER q;
    MDLB_INFO i;
    memset(&i, 0, sizeof(i));
    hdr(&q, 0);
    if (call(h, IOCTL_MDLB_INFO, &q, sizeof(q)) == 0 && rh()->DataLength == sizeof(i))
        memcpy(&i, reply + rh()->DataOffset, sizeof(i));
    return i;
}

static void malformed(HANDLE h)
{
    MDLB_REQUEST_HEADER q;
    MDLB_REQ_PROBE p;
    unsigned char small[63];
    ULONG st;

    hdr(&q, 0);
    st = ioctl(h, MDLB_CTL(0x8FF, MDLB_METHOD_BUFFERED, MDLB_ACCESS_READ), &q, sizeof(q), reply, sizeof(reply));
    check(st == MDLB_STATUS_INVALID_DEVICE_REQUEST, "unknown control code fails the IRP STATUS_INVALID_DEVICE_REQUEST", st);
    st = ioctl(h, IOCTL_MDLB_INFO, &q, 8, reply, sizeof(reply));
    check(st == MDLB_STATUS_INFO_LENGTH_MISMATCH, "short input fails STATUS_INFO_LENGTH_MISMATCH", st);
    st = ioctl(h, IOCTL_MDLB_INFO, &q, sizeof(q), small, sizeof(small));
    check(st == MDLB_STATUS_BUFFER_TOO_SMALL, "small output fails STATUS_BUFFER_TOO_SMALL", st);
    q.Magic = 0x11111111u;
    st = ioctl(h, IOCTL_MDLB_INFO, &q, sizeof(q), reply, sizeof(reply));
    check(st == MDLB_STATUS_REVISION_MISMATCH, "wrong magic fails STATUS_REVISION_MISMATCH", st);
    hdr(&q, 0);
    q.Version = 2;
    st = ioctl(h, IOCTL_MDLB_INFO, &q, sizeof(q), reply, sizeof(reply));
    check(st == MDLB_STATUS_REVISION_MISMATCH, "wrong version fails STATUS_REVISION_MISMATCH", st);
    memset(&p, 0, sizeof(p));
    hdr(&p.Header, 0);
    p.MdlId = 999;
    st = ioctl(h, IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p), reply, sizeof(reply));
    check(st == MDLB_STATUS_NOT_FOUND, "unknown object id fails STATUS_NOT_FOUND", st);
    st = ioctl(h, IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p) + 8, reply, sizeof(reply));
    check(st == MDLB_STATUS_INFO_LENGTH_MISMATCH, "oversized input fails STATUS_INFO_LENGTH_MISMATCH", st);
}

static void info_checks(HANDLE h)
{
    MDLB_INFO i = info_of(h);
    check(i.DriverVersion == MDLB_DRIVER_VERSION && i.ProtocolVersion == MDLB_PROTOCOL_VERSION,
          "INFO: driver and protocol version", i.DriverVersion);
    check(i.Arch == MDLB_ARCH_AMD64 && i.PageSize == 4096 && i.PfnWidth == 8 && i.MdlHeaderSize == 48,
          "INFO: AMD64, 4 KiB pages, 8-byte PFNs, 48-byte MDL header", i.Arch);
    check(i.HandleLimits.MaxObjects == MDLB_LIMIT_HANDLE_OBJECTS &&
          i.DriverLimits.MaxKernelBufferBytes == MDLB_LIMIT_DRIVER_KERNEL_BUFFER_BYTES,
          "INFO: limits of the header", i.HandleLimits.MaxObjects);
    check(i.OsMajor != 0 && i.ProcessId != 0, "INFO: RtlGetVersion and owner reported", i.OsBuild);
}

static void mdl_lifecycle(HANDLE h, unsigned char *buf)
{
    ULONG id, st;
    MDLB_REQ_PROBE p;

    id = alloc_mdl(h, (ULONGLONG)(ULONG_PTR)buf + 0x10, 3 * 4096);
    check(id != 0 && rh()->SnapshotCount == 1 && snap(0)->ByteCount == 3 * 4096 && snap(0)->ByteOffset == 0x10 &&
          snap(0)->PfnCount == 4 && snap(0)->Valid == 0 && snap(0)->Process == 0 && snap(0)->PfnReturned == 0,
          "IoAllocateMdl: header arithmetic, undefined fields reported invalid and zero", id);
    memset(&p, 0, sizeof(p));
    hdr(&p.Header, 0);
    p.MdlId = id;
    p.AccessMode = 7;
    st = call(h, IOCTL_MDLB_PROBE_AND_LOCK, &p, sizeof(p));
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Stage == MDLB_STAGE_PARAMETER &&
          rh()->Detail == MDLB_PARAM_ACCESS_MODE, "bad AccessMode: STATUS_INVALID_PARAMETER / PARAM_ACCESS_MODE", st);
    st = probe(h, id, MDLB_KERNEL_MODE, MDLB_IO_READ_ACCESS);
    check(refused(st, MDLB_REFUSE_KERNEL_RANGE_REQUIRED), "KernelMode probe of a caller range refused", rh()->Detail);
    st = map_system(h, id);
    check(refused(st, MDLB_REFUSE_MAP_NOT_LOCKED), "map of an unlocked MDL refused", rh()->Detail);
    st = probe(h, id, MDLB_USER_MODE, MDLB_IO_WRITE_ACCESS);
    check(st == 0 && rh()->SnapshotCount == 2 && (snap(1)->Valid & MDLB_VALID_PROCESS),
          "UserMode probe completes (Wine: MmProbeAndLockPages is a no-op)", st);
    st = probe(h, id, MDLB_USER_MODE, MDLB_IO_WRITE_ACCESS);
    check(refused(st, MDLB_REFUSE_PROBE_LOCKED), "second probe refused PROBE_LOCKED", rh()->Detail);
    st = map_system(h, id);
    check(st == MDLB_STATUS_INSUFFICIENT_RESOURCES && rh()->Stage == MDLB_STAGE_DDI &&
          rh()->Detail == MDLB_DDI_MM_MAP_LOCKED_PAGES,
          "MmGetSystemAddressForMdlSafe NULL (Wine) -> STATUS_INSUFFICIENT_RESOURCES in the reply", st);
    {
        MDLB_REQ_MAP_USER mu;
        memset(&mu, 0, sizeof(mu));
        hdr(&mu.Header, 0);
        mu.MdlId = id;
        mu.CacheType = 0;
        st = call(h, IOCTL_MDLB_MAP_USER, &mu, sizeof(mu));
        check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_CACHE_TYPE,
              "user mapping with MmNonCached: PARAM_CACHE_TYPE", st);
        mu.CacheType = MDLB_MM_CACHED;
        mu.Priority = MDLB_NORMAL_PAGE_PRIORITY;
        st = call(h, IOCTL_MDLB_MAP_USER, &mu, sizeof(mu));
        check(st == MDLB_STATUS_INSUFFICIENT_RESOURCES && rh()->Stage == MDLB_STAGE_DDI,
              "user mapping: MmMapLockedPagesSpecifyCache NULL (Wine) -> STATUS_INSUFFICIENT_RESOURCES", st);
    }
    {
        st = object_call(h, IOCTL_MDLB_QUERY, id);
        printf("     QUERY: Size %u, PfnCount %u, PfnCapacity %u, PfnReturned %u\n", snap(0)->Size, snap(0)->PfnCount,
               snap(0)->PfnCapacity, snap(0)->PfnReturned);
        check(st == 0 && rh()->SnapshotCount == 1 && (snap(0)->Valid & MDLB_VALID_PFNS) && snap(0)->PfnReturned <= 4,
              "QUERY of a locked MDL: PFNs valid, copy bounded by the recorded capacity", snap(0)->PfnReturned);
    }
    {
        MDLB_REQ_TRANSFER t;
        memset(&t, 0, sizeof(t));
        hdr(&t.Header, 0);
        t.MdlId = id;
        t.Length = 16;
        st = call(h, IOCTL_MDLB_READ_MAPPED, &t, sizeof(t));
        check(refused(st, MDLB_REFUSE_MAPPING_ENDED), "read through no system mapping refused", rh()->Detail);
        t.Length = MDLB_MAX_TRANSFER + 1;
        st = call(h, IOCTL_MDLB_READ_MAPPED, &t, sizeof(t));
        check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_LENGTH, "oversized read: PARAM_LENGTH", st);
    }
    st = free_mdl(h, id, MDLB_FREE_IOFREEMDL);
    check(refused(st, MDLB_REFUSE_FREE_LOCKED), "free of a locked MDL refused", rh()->Detail);
    st = object_call(h, IOCTL_MDLB_FREE_PAGES, id);
    check(refused(st, MDLB_REFUSE_NOT_PAGE_ALLOCATION), "MmFreePagesFromMdl of an IoAllocateMdl MDL refused", rh()->Detail);
    {
        MDLB_REQ_MAPPING u;
        memset(&u, 0, sizeof(u));
        hdr(&u.Header, 0);
        u.MdlId = id;
        st = call(h, IOCTL_MDLB_UNMAP, &u, sizeof(u));
        check(refused(st, MDLB_REFUSE_UNMAP_NOT_OWNED), "unmap of nothing mapped refused", rh()->Detail);
    }
    st = object_call(h, IOCTL_MDLB_UNLOCK, id);
    check(st == 0 && rh()->SnapshotCount == 2 && !(snap(1)->Valid & MDLB_VALID_PFNS),
          "unlock: PFNs reported invalid after", st);
    st = object_call(h, IOCTL_MDLB_UNLOCK, id);
    check(refused(st, MDLB_REFUSE_UNLOCK_NOT_LOCKED), "second unlock refused", rh()->Detail);
    st = free_mdl(h, id, MDLB_FREE_EXFREEPOOL);
    check(refused(st, MDLB_REFUSE_FREE_WRONG_METHOD), "ExFreePool of an IoAllocateMdl MDL refused", rh()->Detail);
    st = free_mdl(h, id, MDLB_FREE_IOFREEMDL);
    check(st == 0, "IoFreeMdl", st);
    st = object_call(h, IOCTL_MDLB_QUERY, id);
    check(st == 0xFFFFFFFFu, "freed id is gone (IRP fails)", st);
}

static void kernel_buffers(HANDLE h)
{
    ULONG st, kb, id, id2, mdl_for_pool;
    ULONGLONG va;
    st = pool_alloc(h, 5000);
    kb = rh()->ObjectId;
    va = rh()->Value;
    /* Windows returns page-aligned blocks for page-multiple requests; Wine's pool is a heap, so only report. */
    printf("     kernel buffer at 0x%llX (%s)\n", va, (va & 0xFFF) ? "not page aligned: Wine's heap-backed pool" : "page aligned");
    check(st == 0 && kb != 0 && va != 0, "ExAllocatePoolWithTag(NonPagedPoolNx) kernel buffer", st);
    st = pool_alloc(h, 0);
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_SIZE, "pool size 0: PARAM_SIZE", st);
    st = pool_alloc(h, MDLB_LIMIT_HANDLE_KERNEL_BUFFER_BYTES + 4096);
    check(st == MDLB_STATUS_QUOTA_EXCEEDED && rh()->Stage == MDLB_STAGE_LIMIT &&
          rh()->Detail == MDLB_LIMIT_KERNEL_BUFFER_BYTES, "kernel buffer over the handle limit: QUOTA_EXCEEDED", st);
    id = alloc_mdl(h, va + 100, 4000);
    st = probe(h, id, MDLB_KERNEL_MODE, MDLB_IO_READ_ACCESS);
    check(st == 0, "KernelMode probe inside a live kernel buffer allowed", st);
    id2 = alloc_mdl(h, va, 8192);
    st = object_call(h, IOCTL_MDLB_BUILD_NONPAGED, id2);
    check(st == 0, "MmBuildMdlForNonPagedPool on a kernel buffer", st);
    st = probe(h, id2, MDLB_USER_MODE, MDLB_IO_READ_ACCESS);
    check(refused(st, MDLB_REFUSE_PROBE_NONPAGED), "probe of a nonpaged-pool MDL refused", rh()->Detail);
    st = object_call(h, IOCTL_MDLB_UNLOCK, id2);
    check(refused(st, MDLB_REFUSE_UNLOCK_NONPAGED), "unlock of a nonpaged-pool MDL refused", rh()->Detail);
    mdl_for_pool = alloc_mdl(h, va + 4096 * 3, 16);
    st = object_call(h, IOCTL_MDLB_BUILD_NONPAGED, mdl_for_pool);
    check(refused(st, MDLB_REFUSE_KERNEL_RANGE_REQUIRED), "nonpaged build outside the buffer refused", rh()->Detail);
    st = object_call(h, IOCTL_MDLB_POOL_FREE, kb);
    check(refused(st, MDLB_REFUSE_POOL_IN_USE), "ExFreePool of a described kernel buffer refused", rh()->Detail);
    st = object_call(h, IOCTL_MDLB_POOL_FREE, id);
    check(st == 0xFFFFFFFFu, "POOL_FREE of an MDL id fails the IRP (type mismatch)", st);
}

/* CONTRACT section 2: a kernel buffer outlives every MDL over it, whichever was created first. An MDL
 * allocated at an address where no buffer is yet, and a buffer then allocated over it, must keep ExFreePool
 * of the buffer refused once the MDL is built for nonpaged pool. Wine's pool is a heap that hands a freed
 * block's address out again, which lets the test learn where the next buffer goes. On a handle of its own
 * so the counters the other checks expect are untouched. */
#define MDL_FIRST_TRIES 8
static void mdl_before_buffer(void)
{
    HANDLE h = open_device();
    ULONG st, kb, mdl, kept[MDL_FIRST_TRIES];
    ULONGLONG target, va = 0, seen[MDL_FIRST_TRIES];
    int tries, nkept = 0, i;
    MDLB_INFO before, after;

    st = pool_alloc(h, 4096);
    kb = rh()->ObjectId;
    target = rh()->Value;
    st = st == 0 ? object_call(h, IOCTL_MDLB_POOL_FREE, kb) : st;
    mdl = st == 0 ? alloc_mdl(h, target, 256) : 0;
    check(mdl != 0, "MDL allocated where the pool will put the next kernel buffer, no buffer there yet", st);
    if (mdl == 0) {
        CloseHandle(h);
        return;
    }
    kb = 0;
    for (tries = 0; tries < MDL_FIRST_TRIES; tries++) {
        if (pool_alloc(h, 4096) != 0)
            break;
        seen[tries] = va = rh()->Value;
        if (va <= target && target + 256 <= va + 4096) {
            kb = rh()->ObjectId;
            break;
        }
        kept[nkept++] = rh()->ObjectId; /* kept, so that the next allocation is somewhere else */
    }
    if (kb == 0) {
        printf("skip MDL-before-buffer (finding 1) not reproduced: the pool never put a buffer over 0x%llX in %d "
               "allocations (got", target, tries);
        for (i = 0; i < tries; i++)
            printf(" 0x%llX", seen[i]);
        printf(")\n");
    } else {
        st = object_call(h, IOCTL_MDLB_BUILD_NONPAGED, mdl);
        check(st == 0, "MmBuildMdlForNonPagedPool of the MDL, now inside the later buffer", st);
        before = info_of(h);
        st = object_call(h, IOCTL_MDLB_POOL_FREE, kb);
        printf("     ExFreePool of the buffer: status 0x%08lX, stage %u, detail 0x%04X\n", st, rh()->Stage, rh()->Detail);
        check(refused(st, MDLB_REFUSE_POOL_IN_USE),
              "ExFreePool of a kernel buffer under an MDL allocated before it: refused POOL_IN_USE", st);
        after = info_of(h);
        check(after.HandleUse.Counters.OutstandingKernelBuffers == before.HandleUse.Counters.OutstandingKernelBuffers &&
              after.HandleUse.KernelBufferBytes == before.HandleUse.KernelBufferBytes,
              "the kernel buffer is still there (Info counters unchanged)",
              after.HandleUse.Counters.OutstandingKernelBuffers);
    }
    for (i = 0; i < nkept; i++)
        object_call(h, IOCTL_MDLB_POOL_FREE, kept[i]);
    CloseHandle(h);
}

static void pages_and_chain(HANDLE h, unsigned char *buf)
{
    MDLB_REQ_ALLOCATE_PAGES a;
    struct { MDLB_REQ_CHAIN c; MDLB_CHAIN_RANGE r[2]; } ch;
    ULONGLONG locked_before;
    ULONG st;
    memset(&a, 0, sizeof(a));
    hdr(&a.Header, 0);
    a.Size = 8192;
    a.Flags = MDLB_MM_DONT_ZERO_ALLOCATION;
    st = call(h, IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a));
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_FLAGS, "MM_DONT_ZERO_ALLOCATION refused", st);
    a.Flags = 0;
    st = call(h, IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a));
    check(st == 0xC00000BBu && rh()->Stage == MDLB_STAGE_DDI,
          "MmAllocatePagesForMdlEx absent (Wine) -> STATUS_NOT_SUPPORTED, image still loads", st);
    locked_before = info_of(h).HandleUse.LockedBytes;
    memset(&ch, 0, sizeof(ch));
    hdr(&ch.c.Header, 4);
    ch.c.RangeCount = 2;
    ch.c.Cleanup = MDLB_CLEANUP_DRIVER;
    ch.r[0].VirtualAddress = (ULONGLONG)(ULONG_PTR)buf;
    ch.r[0].Length = 4096;
    ch.r[1].VirtualAddress = (ULONGLONG)(ULONG_PTR)buf + 8192;
    ch.r[1].Length = 100;
    ch.r[1].Operation = MDLB_IO_WRITE_ACCESS;
    st = call(h, IOCTL_MDLB_DESCRIBE_CHAIN, &ch, sizeof(ch));
    check(st == 0 && rh()->SnapshotCount == 2 && rh()->Value == 2 && rh()->DataLength == 8 &&
          snap(0)->Role == MDLB_ROLE_CHAIN && snap(1)->ByteCount == 100,
          "DescribeChain (driver cleanup): two snapshots in range order, statuses", st);
    ch.c.Cleanup = MDLB_CLEANUP_IO_MANAGER;
    st = call(h, IOCTL_MDLB_DESCRIBE_CHAIN, &ch, sizeof(ch));
    check(st == 0 && rh()->SnapshotCount == 2, "DescribeChain (I/O manager cleanup) completes", st);
    {
        MDLB_INFO i = info_of(h);
        check(i.HandleUse.LockedBytes == locked_before, "a chain's locked bytes are given back when the request ends",
              (unsigned long)i.HandleUse.LockedBytes);
        st = call(h, IOCTL_MDLB_DESCRIBE_CHAIN, &ch, sizeof(ch));
    }
    ch.c.RangeCount = 0;
    st = ioctl(h, IOCTL_MDLB_DESCRIBE_CHAIN, &ch, sizeof(MDLB_REQ_CHAIN), reply, sizeof(reply));
    check(st == 0 && rh()->Status == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_RANGE_COUNT,
          "DescribeChain with 0 ranges: PARAM_RANGE_COUNT", rh()->Detail);
}

static void direct(HANDLE h, unsigned char *buf)
{
    MDLB_REQUEST_HEADER q;
    ULONG st;
    hdr(&q, 8);
    st = call(h, IOCTL_MDLB_DIRECT_FETCH, &q, sizeof(q));
    check(refused(st, MDLB_REFUSE_NO_DIRECT_RECORD), "DIRECT_FETCH before any DIRECT call refused", rh()->Detail);
    st = ioctl(h, IOCTL_MDLB_DIRECT_IN, &q, sizeof(q), buf, 4096);
    check(st == 0, "METHOD_IN_DIRECT call completes", st);
    st = call(h, IOCTL_MDLB_DIRECT_FETCH, &q, sizeof(q));
    check(st != 0xFFFFFFFFu && rh()->SnapshotCount == 2 && snap(0)->Kind == MDLB_KIND_IO_MANAGER &&
          snap(0)->ByteCount == 4096, "DIRECT_FETCH after IN_DIRECT: the I/O manager's MDL", st);
    st = ioctl(h, IOCTL_MDLB_DIRECT_OUT, &q, sizeof(q), buf, 8192);
    check(st == 0, "METHOD_OUT_DIRECT call completes", st);
    st = call(h, IOCTL_MDLB_DIRECT_FETCH, &q, sizeof(q));
    check(st != 0xFFFFFFFFu && rh()->SnapshotCount == 2 && snap(0)->Kind == MDLB_KIND_IO_MANAGER &&
          snap(0)->ByteCount == 8192, "DIRECT_FETCH: the I/O manager's MDL before and after", st);
}

static void release_paths(HANDLE h, unsigned char *buf)
{
    MDLB_REQUEST_HEADER q;
    MDLB_COUNTERS c;
    MDLB_INFO i;
    HANDLE h2;
    ULONG st, id;

    hdr(&q, 0);
    st = call(h, IOCTL_MDLB_RELEASE_ALL, &q, sizeof(q));
    memcpy(&c, reply + rh()->DataOffset, sizeof(c));
    check(st == 0 && c.OutstandingMdls == 3 && c.OutstandingKernelBuffers == 1,
          "RELEASE_ALL frees the MDLs and kernel buffer left", c.OutstandingMdls);
    i = info_of(h);
    check(i.HandleUse.Objects == 0 && i.HandleUse.KernelBufferBytes == 0, "INFO after RELEASE_ALL: nothing held",
          i.HandleUse.Objects);
    h2 = open_device();
    id = alloc_mdl(h2, (ULONGLONG)(ULONG_PTR)buf, 4096);
    probe(h2, id, MDLB_USER_MODE, MDLB_IO_READ_ACCESS);
    pool_alloc(h2, 4096);
    i = info_of(h2);
    check(i.HandleUse.Objects == 2 && i.DriverUse.Counters.OutstandingKernelBuffers == 1, "second handle holds objects",
          i.HandleUse.Objects);
    printf("     closing the second handle\n");
    CloseHandle(h2);
    printf("     closed\n");
    i = info_of(h);
    check(i.DriverUse.Objects == 0 && i.DriverUse.LockedBytes == 0,
          "handle closed while holding a locked MDL and a buffer: CLEANUP released them", i.DriverUse.Objects);
}

static int run_main(void)
{
    unsigned char *buf = VirtualAlloc(NULL, 65536, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    HANDLE h = open_device();
    if (h == INVALID_HANDLE_VALUE) {
        printf("FAIL open %ls: error %lu\n", MDLB_USER_DEVICE_PATH, GetLastError());
        printf("0 passed, 1 failed\n");
        return 1;
    }
    check(1, "device opened", 0);
    malformed(h);
    info_checks(h);
    mdl_lifecycle(h, buf);
    kernel_buffers(h);
    mdl_before_buffer();
    pages_and_chain(h, buf);
    direct(h, buf);
    release_paths(h, buf);
    CloseHandle(h);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}

/* One call into a Wine stub; the test script judges what happened to the driver host. */
static int run_stub(const char *name)
{
    unsigned char *buf = VirtualAlloc(NULL, 65536, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    HANDLE h = open_device();
    ULONG st;
    if (h == INVALID_HANDLE_VALUE) {
        printf("stub %s: open failed %lu\n", name, GetLastError());
        return 3;
    }
    if (strcmp(name, "MmSizeOfMdl") == 0) {
        MDLB_REQ_RANGE q;
        memset(&q, 0, sizeof(q));
        hdr(&q.Header, 0);
        q.VirtualAddress = (ULONGLONG)(ULONG_PTR)buf;
        q.Length = 4096;
        st = ioctl(h, IOCTL_MDLB_SIZE_OF_MDL, &q, sizeof(q), reply, sizeof(reply));
    } else if (strcmp(name, "MmInitializeMdl") == 0) {
        MDLB_REQ_ALLOCATE_MDL q;
        memset(&q, 0, sizeof(q));
        hdr(&q.Header, 0);
        q.VirtualAddress = (ULONGLONG)(ULONG_PTR)buf;
        q.Length = 4096;
        st = ioctl(h, IOCTL_MDLB_INITIALIZE_MDL, &q, sizeof(q), reply, sizeof(reply));
    } else {
        MDLB_REQ_BUILD_PARTIAL q;
        ULONG id = alloc_mdl(h, (ULONGLONG)(ULONG_PTR)buf, 8192);
        probe(h, id, MDLB_USER_MODE, MDLB_IO_READ_ACCESS);
        memset(&q, 0, sizeof(q));
        hdr(&q.Header, 0);
        q.SourceId = id;
        q.Offset = 4096;
        st = ioctl(h, IOCTL_MDLB_BUILD_PARTIAL, &q, sizeof(q), reply, sizeof(reply));
    }
    printf("stub %s: IRP status 0x%08lX, reply status 0x%08X\n", name, st, rh()->Status);
    return st == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    nt_ioctl = (nt_ioctl_fn)(void *)GetProcAddress(GetModuleHandleA("ntdll.dll"), "NtDeviceIoControlFile");
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc == 3 && strcmp(argv[1], "install") == 0)
        return mdlb_wine_service_install(argv[2]);
    if (argc == 2 && strcmp(argv[1], "main") == 0)
        return run_main();
    if (argc == 3 && strcmp(argv[1], "stub") == 0)
        return run_stub(argv[2]);
    if (argc == 2 && strcmp(argv[1], "stop") == 0)
        return mdlb_wine_service_stop();
    fprintf(stderr, "usage: client install SYS | main | stub NAME | stop\n");
    return 2;
}
