/*
 * client.c - Wine smoke client for mdlbridge.sys (mingw, console).
 *
 *   client install PATH_TO_SYS     register and start the MdlBridge kernel service
 *   client main                    every IOCTL Wine can run (expects Wine's answers where Wine stubs Mm*)
 *   client stub NAME               one call into a routine Wine exports only as a stub: MmSizeOfMdl,
 *                                  MmInitializeMdl (sized with MmSizeOfMdl), IoBuildPartialMdl or
 *                                  MmAllocateMappingAddress (RESERVE); the driver host is expected to abort
 *   client limits                  writes administrator limits under the service's Parameters key, restarts
 *                                  the service and checks what INFO reports in force
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

static ULONG pool_alloc_at(HANDLE h, ULONGLONG size, ULONG page_offset)
{
    MDLB_REQ_POOL_ALLOCATE q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 0);
    q.Size = size;
    q.PageOffset = page_offset;
    return call(h, IOCTL_MDLB_POOL_ALLOCATE, &q, sizeof(q));
}

static ULONG pool_alloc(HANDLE h, ULONGLONG size)
{
    return pool_alloc_at(h, size, 0);
}

static ULONG map_kernel(HANDLE h, ULONG id, ULONG cache_type, ULONGLONG requested)
{
    MDLB_REQ_MAP_USER q;
    memset(&q, 0, sizeof(q));
    hdr(&q.Header, 16);
    q.MdlId = id;
    q.CacheType = cache_type;
    q.RequestedAddress = requested;
    q.Priority = MDLB_NORMAL_PAGE_PRIORITY | MDLB_MAPPING_NO_EXECUTE;
    return call(h, IOCTL_MDLB_MAP_KERNEL, &q, sizeof(q));
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
    id2 = alloc_mdl(h, va, 5000); /* the buffer is the 5000 bytes asked for, not the block's two pages */
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
    check(st == MDLB_STATUS_NOT_SUPPORTED && rh()->Stage == MDLB_STAGE_DDI && rh()->Detail == MDLB_DDI_MM_UNAVAILABLE,
          "MmAllocatePagesForMdlEx absent (Wine) -> STATUS_NOT_SUPPORTED / DDI_MM_UNAVAILABLE, image still loads", st);
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

/* The DDI-coverage issue on Wine, on a handle of its own (release_paths counts what the main handle holds):
 * a pageOffset buffer and the ByteOffset of an MDL over it, kernel-mode mappings (Wine's MmMapLockedPagesSpecifyCache
 * returns NULL), every parameter check and object kind the reservation codes have before their DDI (Wine exports the
 * four reserved-mapping routines only as stubs: the one call is `client stub MmAllocateMappingAddress`). */
static void ddi_coverage(unsigned char *buf)
{
    HANDLE h = open_device();
    ULONG st, kb, id, user, objects;
    ULONGLONG va;
    MDLB_INFO i;

    st = pool_alloc_at(h, 100, 0x40);
    kb = rh()->ObjectId;
    va = rh()->Value;
    check(st == 0 && kb != 0 && (va & 0xFFF) == 0x40, "ExAllocatePoolWithTag with pageOffset 0x40: buffer at block + 0x40",
          (unsigned long)(va & 0xFFF));
    i = info_of(h);
    /* One page (Windows); Wine's unaligned pool is asked for one page more, charged too. */
    check(i.HandleUse.KernelBufferBytes == 4096 || i.HandleUse.KernelBufferBytes == 8192,
          "the block is charged: ROUND_UP(0x40 + 100, 4096) (+ 4096 on Wine)", (unsigned long)i.HandleUse.KernelBufferBytes);
    st = pool_alloc_at(h, 100, 0x48);
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_PAGE_OFFSET, "pageOffset 0x48: PARAM_PAGE_OFFSET", st);
    id = alloc_mdl(h, va, 100);
    check(id != 0 && snap(0)->ByteOffset == 0x40 && snap(0)->ByteCount == 100 && snap(0)->PfnCount == 1,
          "IoAllocateMdl over the buffer: ByteOffset = pageOffset", snap(0)->ByteOffset);
    st = probe(h, alloc_mdl(h, va, 101), MDLB_KERNEL_MODE, MDLB_IO_READ_ACCESS);
    check(refused(st, MDLB_REFUSE_KERNEL_RANGE_REQUIRED), "KernelMode probe one byte past the buffer refused", rh()->Detail);
    st = object_call(h, IOCTL_MDLB_BUILD_NONPAGED, id);
    check(st == 0, "MmBuildMdlForNonPagedPool over the pageOffset buffer", st);
    st = map_kernel(h, id, MDLB_MM_CACHED, 0);
    check(refused(st, MDLB_REFUSE_ALREADY_MAPPED), "KernelMode mapping of a nonpaged-pool MDL: ALREADY_MAPPED", rh()->Detail);

    user = alloc_mdl(h, (ULONGLONG)(ULONG_PTR)buf + 0x123, 8192);
    st = map_kernel(h, user, MDLB_MM_CACHED, 0);
    check(refused(st, MDLB_REFUSE_MAP_NOT_LOCKED), "KernelMode mapping of an unlocked MDL refused", rh()->Detail);
    st = probe(h, user, MDLB_USER_MODE, MDLB_IO_WRITE_ACCESS);
    check(st == 0, "UserMode probe of a PAGE_READWRITE caller range (not uncached)", st);
    st = map_kernel(h, user, MDLB_MM_CACHED, 0x10000);
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_REQUESTED_ADDRESS,
          "KernelMode mapping with a requested address: PARAM_REQUESTED_ADDRESS", st);
    st = map_kernel(h, user, MDLB_MM_WRITE_COMBINED, 0);
    check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Stage == MDLB_STAGE_PARAMETER && rh()->Detail == MDLB_PARAM_CACHE_TYPE,
          "write-combined mapping of MmCached pages: PARAM_CACHE_TYPE", st);
    objects = info_of(h).HandleUse.Objects;
    st = map_kernel(h, user, MDLB_MM_CACHED, 0);
    check(st == MDLB_STATUS_INSUFFICIENT_RESOURCES && rh()->Stage == MDLB_STAGE_DDI &&
          rh()->Detail == MDLB_DDI_MM_MAP_LOCKED_PAGES && rh()->SnapshotCount == 2,
          "MmMapLockedPagesSpecifyCache(KernelMode, MmCached) NULL (Wine) -> INSUFFICIENT_RESOURCES, two snapshots", st);
    i = info_of(h);
    check(i.HandleUse.Objects == objects && i.HandleSystemMappingBytes == 0 && i.HandleUse.Counters.OutstandingMappings == 0,
          "the failed mapping gave back its object and its system-mapping bytes", (unsigned long)i.HandleSystemMappingBytes);
    {
        MDLB_REQ_RESERVE r;
        MDLB_REQ_RESERVED m;
        MDLB_REQ_ALLOCATE_PAGES a;
        memset(&r, 0, sizeof(r));
        hdr(&r.Header, 0);
        st = call(h, IOCTL_MDLB_RESERVE, &r, sizeof(r));
        check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_SIZE, "MmAllocateMappingAddress(0): PARAM_SIZE", st);
        memset(&m, 0, sizeof(m));
        hdr(&m.Header, 0);
        m.ReservationId = user;
        m.MdlId = user;
        m.CacheType = MDLB_MM_CACHED;
        st = ioctl(h, IOCTL_MDLB_MAP_RESERVED, &m, sizeof(m), reply, sizeof(reply));
        check(st == MDLB_STATUS_OBJECT_TYPE_MISMATCH, "MAP_RESERVED naming an MDL as the reservation fails the IRP", st);
        m.ReservationId = 0x7FFFFFF0u;
        st = ioctl(h, IOCTL_MDLB_MAP_RESERVED, &m, sizeof(m), reply, sizeof(reply));
        check(st == MDLB_STATUS_NOT_FOUND, "MAP_RESERVED of an unknown reservation: STATUS_NOT_FOUND", st);
        m.ReservationId = user;
        m.CacheType = 1;
        st = ioctl(h, IOCTL_MDLB_UNMAP_RESERVED, &m, sizeof(m), reply, sizeof(reply));
        check(st == MDLB_STATUS_OBJECT_TYPE_MISMATCH, "UNMAP_RESERVED: the object kinds come before the parameters", st);
        st = ioctl(h, IOCTL_MDLB_FREE_RESERVATION, &m, sizeof(MDLB_REQ_OBJECT), reply, sizeof(reply));
        check(st == MDLB_STATUS_OBJECT_TYPE_MISMATCH, "FREE_RESERVATION of an MDL id fails the IRP", st);
        memset(&a, 0, sizeof(a));
        hdr(&a.Header, 0);
        a.Size = 8192;
        a.LowAddress = 0x100000;
        a.HighAddress = 0xFFFFF;
        st = call(h, IOCTL_MDLB_ALLOCATE_PAGES, &a, sizeof(a));
        check(st == MDLB_STATUS_INVALID_PARAMETER && rh()->Detail == MDLB_PARAM_ADDRESS_RANGE,
              "MmAllocatePagesForMdlEx with low above high: PARAM_ADDRESS_RANGE", st);
    }
    i = info_of(h);
    check(i.MaxHandles == MDLB_LIMIT_DRIVER_HANDLES && i.ConfiguredLimits == 0 && i.ClampedLimits == 0,
          "INFO: driverMaxHandles in force, nothing configured or clamped", i.ConfiguredLimits);
    CloseHandle(h);
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
    ddi_coverage(buf);
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
    } else if (strcmp(name, "MmAllocateMappingAddress") == 0) {
        MDLB_REQ_RESERVE q;
        memset(&q, 0, sizeof(q));
        hdr(&q.Header, 0);
        q.Size = 8192;
        st = ioctl(h, IOCTL_MDLB_RESERVE, &q, sizeof(q), reply, sizeof(reply));
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

static int set_dword(HKEY k, const wchar_t *name, DWORD v)
{
    return RegSetValueExW(k, name, 0, REG_DWORD, (const BYTE *)&v, sizeof(v)) == ERROR_SUCCESS;
}

static int set_qword(HKEY k, const wchar_t *name, ULONGLONG v)
{
    return RegSetValueExW(k, name, 0, REG_QWORD, (const BYTE *)&v, sizeof(v)) == ERROR_SUCCESS;
}

/* Restarts the service (stop, wait, start) so DriverEntry reads the Parameters written meanwhile. */
static int restart_service(void)
{
    SC_HANDLE scm = OpenSCManagerW(NULL, NULL, SC_MANAGER_ALL_ACCESS);
    SC_HANDLE svc = scm ? OpenServiceW(scm, MDLB_SERVICE_NAME, SERVICE_ALL_ACCESS) : NULL;
    SERVICE_STATUS ss;
    int tries, ok = 0;
    if (svc != NULL) {
        ControlService(svc, SERVICE_CONTROL_STOP, &ss);
        for (tries = 0; tries < 100 && QueryServiceStatus(svc, &ss) && ss.dwCurrentState != SERVICE_STOPPED; tries++)
            Sleep(50);
        ok = StartServiceW(svc, 0, NULL) != 0;
        if (!ok)
            printf("     StartService failed %lu\n", GetLastError());
        CloseServiceHandle(svc);
    }
    if (scm)
        CloseServiceHandle(scm);
    return ok;
}

/* CONTRACT section 4 end to end: values read by ZwOpenKey / ZwQueryValueKey at load, clamped, the RAM rule. */
static int run_limits(void)
{
    HKEY k;
    HANDLE hs[4];
    MDLB_INFO i;
    MEMORYSTATUSEX ms;
    int n;
    const unsigned long want = (1u << MDLB_LIMIT_NAME_MAX_OBJECTS) | (1u << MDLB_LIMIT_NAME_MAX_LOCKED_BYTES) |
                               (1u << MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES) |
                               (1u << MDLB_LIMIT_NAME_DRIVER_MAX_HANDLES);
    if (RegCreateKeyExW(HKEY_LOCAL_MACHINE, L"System\\CurrentControlSet\\Services\\" MDLB_SERVICE_NAME L"\\" MDLB_PARAMETERS_SUBKEY,
                        0, NULL, 0, KEY_SET_VALUE, NULL, &k, NULL) != ERROR_SUCCESS) {
        printf("FAIL Parameters key not created: %lu\n0 passed, 1 failed\n", GetLastError());
        return 1;
    }
    check(set_dword(k, L"maxObjects", 5) && set_qword(k, L"maxLockedBytes", 0x200000) &&
          set_qword(k, L"driverMaxPageAllocationBytes", 0x4000000000ull) && set_dword(k, L"driverMaxHandles", 3) &&
          RegSetValueExW(k, L"driverMaxLockedBytes", 0, REG_SZ, (const BYTE *)L"1", 4) == ERROR_SUCCESS &&
          set_dword(k, L"noSuchLimit", 1), "administrator limits written under Parameters", 0);
    RegCloseKey(k);
    check(restart_service(), "service restarted to read them", 0);
    hs[0] = open_device();
    i = info_of(hs[0]);
    printf("     configured 0x%X, clamped 0x%X, maxObjects %u, maxLockedBytes 0x%llX, driverMaxPageAllocationBytes "
           "0x%llX, driverMaxHandles %u\n", i.ConfiguredLimits, i.ClampedLimits, i.HandleLimits.MaxObjects,
           i.HandleLimits.MaxLockedBytes, i.DriverLimits.MaxPageAllocationBytes, i.MaxHandles);
    check(i.ConfiguredLimits == want, "ConfiguredLimits: the four REG_DWORD / REG_QWORD values (REG_SZ and unknown names ignored)",
          i.ConfiguredLimits);
    check(i.HandleLimits.MaxObjects == 16, "maxObjects 5 clamped to 16", i.HandleLimits.MaxObjects);
    check(i.HandleLimits.MaxLockedBytes == 0x200000, "maxLockedBytes 2 MiB (REG_QWORD) in force",
          (unsigned long)i.HandleLimits.MaxLockedBytes);
    check(i.DriverLimits.MaxLockedBytes == MDLB_LIMIT_DRIVER_LOCKED_BYTES, "driverMaxLockedBytes as REG_SZ: default stays",
          (unsigned long)(i.DriverLimits.MaxLockedBytes >> 20));
    ms.dwLength = sizeof(ms);
    GlobalMemoryStatusEx(&ms);
    printf("     RAM %llu MiB (GlobalMemoryStatusEx)\n", ms.ullTotalPhys >> 20);
    check(i.DriverLimits.MaxPageAllocationBytes < 0x4000000000ull && i.DriverLimits.MaxPageAllocationBytes >= 0x10000 &&
          (i.ClampedLimits & (1u << MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES)) != 0,
          "256 GiB of page allocations lowered by the RAM rule, reported clamped",
          (unsigned long)(i.DriverLimits.MaxPageAllocationBytes >> 20));
    check(i.ClampedLimits == ((1u << MDLB_LIMIT_NAME_MAX_OBJECTS) | (1u << MDLB_LIMIT_NAME_DRIVER_MAX_PAGE_ALLOCATION_BYTES)),
          "ClampedLimits: exactly maxObjects and driverMaxPageAllocationBytes", i.ClampedLimits);
    check(i.MaxHandles == 3, "driverMaxHandles 3 in force", i.MaxHandles);
    for (n = 1; n < 4; n++)
        hs[n] = open_device();
    i = info_of(hs[0]);
    check(i.OpenHandles == 3, "three handles open: the driver refused the fourth CREATE", i.OpenHandles);
    if (hs[3] != INVALID_HANDLE_VALUE) {
        /* Measured: Wine 8's CreateFile succeeds although the driver failed IRP_MJ_CREATE (STATUS_QUOTA_EXCEEDED);
         * the driver never made that file object a handle, so every request on it fails. Windows fails the open. */
        MDLB_REQUEST_HEADER q;
        ULONG st;
        hdr(&q, 0);
        st = ioctl(hs[3], IOCTL_MDLB_INFO, &q, sizeof(q), reply, sizeof(reply));
        check(st == MDLB_STATUS_INVALID_DEVICE_STATE,
              "the fourth open is no handle of the driver (Wine completes the open anyway): requests fail", st);
    } else {
        check(1, "the fourth open fails", GetLastError());
    }
    check(hs[1] != INVALID_HANDLE_VALUE && hs[2] != INVALID_HANDLE_VALUE, "the second and third opens succeed", 0);
    for (n = 0; n < 4; n++)
        if (hs[n] != INVALID_HANDLE_VALUE)
            CloseHandle(hs[n]);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
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
    if (argc == 2 && strcmp(argv[1], "limits") == 0)
        return run_limits();
    if (argc == 2 && strcmp(argv[1], "stop") == 0)
        return mdlb_wine_service_stop();
    fprintf(stderr, "usage: client install SYS | main | stub NAME | limits | stop\n");
    return 2;
}
