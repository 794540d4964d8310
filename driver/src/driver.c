/*
 * driver.c - entry, unload, dispatch, device security and the owner-exit callback of mdlbridge.sys.
 *
 * WARNING: this driver hands kernel addresses and physical page numbers to its callers. It exists for test
 * machines only and must never be installed on a production machine.
 */
#include "internal.h"

DRIVER_INITIALIZE DriverEntry;
static DRIVER_UNLOAD mdlb_unload;
/* The role annotations the WDK's code analysis (and Static Driver Verifier) check dispatch routines against. */
_Dispatch_type_(IRP_MJ_CREATE) static DRIVER_DISPATCH mdlb_create;
_Dispatch_type_(IRP_MJ_CLEANUP) static DRIVER_DISPATCH mdlb_cleanup;
_Dispatch_type_(IRP_MJ_CLOSE) static DRIVER_DISPATCH mdlb_close;
_Dispatch_type_(IRP_MJ_DEVICE_CONTROL) static DRIVER_DISPATCH mdlb_device_control;
static void mdlb_process_notify(HANDLE parent, HANDLE pid, BOOLEAN create);

KSPIN_LOCK g_use_lock;
mdlb_u32 g_pfn_width;
LIST_ENTRY g_handles;
mdlb_use g_driver_use;
mdlb_limits g_handle_limits, g_driver_limits;
mdlb_u32 g_max_handles = MDLB_LIMIT_DRIVER_HANDLES, g_configured_limits, g_clamped_limits;
mdlb_range_set g_ranges;
ERESOURCE g_ranges_lock;
LIST_ENTRY g_quarantine;
mdlb_u64 g_quarantined_bytes;
BOOLEAN g_readonly_user_mappings;
static LONG g_open_handles;
static LONG g_next_id;

/* Every table draws from this one counter (see mdlb_id_fn): ids are unique across handles. It wraps after 2^32;
 * the table skips 0 and ids still live in it. */
static mdlb_u32 mdlb_driver_next_id(void)
{
    return (mdlb_u32)InterlockedIncrement(&g_next_id);
}
static PDEVICE_OBJECT g_device;
static BOOLEAN g_notify_registered;
static BOOLEAN g_ranges_lock_ready;

/* clang 14 does not know alloc_text; MSVC (WDK build) does. */
#if defined(ALLOC_PRAGMA) && !defined(__clang__)
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, mdlb_unload)
/* The dispatch routines take g_use_lock (a spin lock), so they stay resident; PAGED_CODE still asserts. */
#endif

/* S-1-5-18 (LocalSystem) and S-1-5-32-544 (BUILTIN\Administrators), written out so no SID routine that
 * allocates is needed. Layout: Revision, SubAuthorityCount, IdentifierAuthority[6], SubAuthority[]. */
static const ULONG g_sid_system[3] = { 0x00000101u, 0x05000000u, 18u };
static const ULONG g_sid_admins[4] = { 0x00000201u, 0x05000000u, 32u, 544u };

/* The equivalent of SDDL_DEVOBJ_SYS_ALL_ADM_ALL, applied after IoCreateDevice because IoCreateDeviceSecure
 * lives in wdmsec.lib (a static library the real ntoskrnl does not export). */
_IRQL_requires_(PASSIVE_LEVEL)
static NTSTATUS mdlb_secure_device(PDEVICE_OBJECT dev)
{
    UCHAR acl_buf[sizeof(ACL) + 2 * (sizeof(ACCESS_ALLOWED_ACE) + 4 * sizeof(ULONG))];
    SECURITY_DESCRIPTOR sd;
    PACL acl = (PACL)acl_buf;
    HANDLE handle = NULL;
    NTSTATUS st;

    st = RtlCreateSecurityDescriptor(&sd, SECURITY_DESCRIPTOR_REVISION);
    if (NT_SUCCESS(st))
        st = RtlCreateAcl(acl, sizeof(acl_buf), ACL_REVISION);
    if (NT_SUCCESS(st))
        st = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, (PSID)g_sid_system);
    if (NT_SUCCESS(st))
        st = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, (PSID)g_sid_admins);
    if (NT_SUCCESS(st))
        st = RtlSetDaclSecurityDescriptor(&sd, TRUE, acl, FALSE);
    if (NT_SUCCESS(st))
        st = ObOpenObjectByPointer(dev, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, NULL, KernelMode, &handle);
    if (NT_SUCCESS(st)) {
        st = ZwSetSecurityObject(handle, DACL_SECURITY_INFORMATION, &sd);
        ZwClose(handle);
    }
    return st;
}

static void mdlb_handle_deref(mdlb_handle *h)
{
    if (InterlockedDecrement(&h->refs) != 0)
        return;
    mdlb_table_destroy(&h->table);
    mdlb_handle_uncharge_table(h);
    if (h->direct)
        ExFreePoolWithTag(h->direct, MDLB_TAG_DIRECT);
    if (h->owner)
        ObDereferenceObject(h->owner);
    ExFreePoolWithTag(h, MDLB_TAG_HANDLE);
    InterlockedDecrement(&g_open_handles);
}

static void *mdlb_table_alloc(size_t bytes)
{
    return ExAllocatePoolWithTag(NonPagedPoolNx, bytes, MDLB_TAG_TABLE);
}

static void mdlb_table_free(void *p)
{
    ExFreePoolWithTag(p, MDLB_TAG_TABLE);
}

LONG mdlb_open_handles(void)
{
    return InterlockedCompareExchange(&g_open_handles, 0, 0);
}

static void *mdlb_ranges_alloc(size_t bytes)
{
    return ExAllocatePoolWithTag(NonPagedPoolNx, bytes, MDLB_TAG_RANGES);
}

static void mdlb_ranges_free(void *p)
{
    ExFreePoolWithTag(p, MDLB_TAG_RANGES);
}

/* How many handles refer to the handle's file object, asked of the object manager (the one we open to ask is
 * not counted). A duplicate in the same process, or an inherited handle that has not sent a request yet, shows
 * here and nowhere else. When the question cannot be asked, the handle counts as shared: refusing is safe.
 * Never call it holding the handle's lock: if the caller closes its handle meanwhile, our ZwClose is the last
 * close of the file object and sends IRP_MJ_CLEANUP on this thread, whose release takes that lock. */
int mdlb_handle_is_shared(mdlb_handle *h)
{
    OBJECT_BASIC_INFORMATION obi;
    HANDLE kh = NULL;
    ULONG got = 0;
    NTSTATUS st;

    if (h->file == NULL)
        return 1;
    st = ObOpenObjectByPointer(h->file, OBJ_KERNEL_HANDLE, NULL, 0, NULL, KernelMode, &kh);
    if (!NT_SUCCESS(st))
        return 1;
    RtlZeroMemory(&obi, sizeof(obi));
    st = ZwQueryObject(kh, ObjectBasicInformation, &obi, sizeof(obi), &got);
    ZwClose(kh);
    if (!NT_SUCCESS(st))
        return 1;
    return obi.HandleCount > 2;
}

static NTSTATUS mdlb_complete(PIRP irp, NTSTATUS st, ULONG_PTR info)
{
    irp->IoStatus.Status = st;
    irp->IoStatus.Information = info;
    IoCompleteRequest(irp, IO_NO_INCREMENT);
    return st;
}

_Use_decl_annotations_
static NTSTATUS mdlb_create(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    mdlb_handle *h;
    KIRQL irql;

    UNREFERENCED_PARAMETER(dev);
    PAGED_CODE();
    /* The handle itself is an allocation a caller makes us do: a driver-wide limit bounds it (section 1). */
    if (InterlockedIncrement(&g_open_handles) > (LONG)g_max_handles) {
        InterlockedDecrement(&g_open_handles);
        return mdlb_complete(irp, (NTSTATUS)MDLB_STATUS_QUOTA_EXCEEDED, 0);
    }
    h = (mdlb_handle *)ExAllocatePoolWithTag(NonPagedPoolNx, sizeof(*h), MDLB_TAG_HANDLE);
    if (h == NULL) {
        InterlockedDecrement(&g_open_handles);
        return mdlb_complete(irp, STATUS_INSUFFICIENT_RESOURCES, 0);
    }
    RtlZeroMemory(h, sizeof(*h));
    h->file = sl->FileObject;
    h->refs = 1;
    h->owner_pid = PsGetCurrentProcessId();
    h->owner = IoGetCurrentProcess();
    ObReferenceObject(h->owner);
    ExInitializeFastMutex(&h->lock);
    mdlb_table_init(&h->table, mdlb_table_alloc, mdlb_table_free);
    h->table.next_id_fn = mdlb_driver_next_id;
    sl->FileObject->FsContext = h;
    KeAcquireSpinLock(&g_use_lock, &irql);
    InsertTailList(&g_handles, &h->link);
    KeReleaseSpinLock(&g_use_lock, irql);
    MDLB_TRACE(DPFLTR_TRACE_LEVEL, "open by pid %p", h->owner_pid);
    return mdlb_complete(irp, STATUS_SUCCESS, 0);
}

/* Runs the release path under the handle lock, so it waits for a request in flight on the handle. */
static void mdlb_release_locked(mdlb_handle *h, MDLB_COUNTERS *released)
{
    KeEnterCriticalRegion();
    ExAcquireFastMutexUnsafe(&h->lock);
    mdlb_release_all(h, released);
    h->released = 1; /* under the lock: a request queued behind the release finds it and creates nothing */
    ExReleaseFastMutexUnsafe(&h->lock);
    KeLeaveCriticalRegion();
}

/* Releases everything and takes the handle off the list. CLEANUP does it; CLOSE does it again (a no-op then)
 * so that no freed handle can stay on g_handles whatever order the I/O manager sends. */
static void mdlb_retire(mdlb_handle *h)
{
    MDLB_COUNTERS released;
    KIRQL irql;

    mdlb_release_locked(h, &released);
    KeAcquireSpinLock(&g_use_lock, &irql);
    if (!IsListEmpty(&h->link)) {
        RemoveEntryList(&h->link);
        InitializeListHead(&h->link);
    }
    KeReleaseSpinLock(&g_use_lock, irql);
    MDLB_TRACE(DPFLTR_TRACE_LEVEL, "released %u MDLs, %u mappings, %u buffers", released.OutstandingMdls,
               released.OutstandingMappings, released.OutstandingKernelBuffers);
}

_Use_decl_annotations_
static NTSTATUS mdlb_cleanup(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    mdlb_handle *h = (mdlb_handle *)sl->FileObject->FsContext;

    UNREFERENCED_PARAMETER(dev);
    PAGED_CODE();
    if (h != NULL)
        mdlb_retire(h);
    return mdlb_complete(irp, STATUS_SUCCESS, 0);
}

_Use_decl_annotations_
static NTSTATUS mdlb_close(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    mdlb_handle *h = (mdlb_handle *)sl->FileObject->FsContext;

    UNREFERENCED_PARAMETER(dev);
    PAGED_CODE();
    if (h != NULL) {
        mdlb_retire(h);
        sl->FileObject->FsContext = NULL;
        mdlb_handle_deref(h);
    }
    return mdlb_complete(irp, STATUS_SUCCESS, 0);
}

_Use_decl_annotations_
static NTSTATUS mdlb_device_control(PDEVICE_OBJECT dev, PIRP irp)
{
    PIO_STACK_LOCATION sl = IoGetCurrentIrpStackLocation(irp);
    mdlb_handle *h = (mdlb_handle *)sl->FileObject->FsContext;
    ULONG_PTR info = 0;
    ULONG code;
    NTSTATUS st;

    UNREFERENCED_PARAMETER(dev);
    PAGED_CODE();
    if (h == NULL)
        return mdlb_complete(irp, STATUS_INVALID_DEVICE_STATE, 0);
    if (PsGetCurrentProcessId() != h->owner_pid) {
        /* A duplicated or inherited handle: refuse, and remember so no user mapping is made on it. */
        InterlockedExchange(&h->shared, 1);
        return mdlb_complete(irp, STATUS_ACCESS_DENIED, 0);
    }
    /* Counted at user-mapping time and at every request while the handle holds user mappings (a duplicate made
     * since must stop new locks and mappings), before the lock is taken (see mdlb_handle_is_shared). */
    code = sl->Parameters.DeviceIoControl.IoControlCode;
    if ((code == IOCTL_MDLB_MAP_USER || h->user_mappings != 0) && !h->shared && mdlb_handle_is_shared(h))
        InterlockedExchange(&h->shared, 1);
    KeEnterCriticalRegion();
    ExAcquireFastMutexUnsafe(&h->lock);
    if (h->released) {
        st = STATUS_INVALID_HANDLE; /* CONTRACT order: after another process, before anything else */
    } else {
        st = mdlb_dispatch_ioctl(h, irp, sl->Parameters.DeviceIoControl.IoControlCode,
                                 irp->AssociatedIrp.SystemBuffer, sl->Parameters.DeviceIoControl.InputBufferLength,
                                 sl->Parameters.DeviceIoControl.OutputBufferLength, &info);
    }
    ExReleaseFastMutexUnsafe(&h->lock);
    KeLeaveCriticalRegion();
    return mdlb_complete(irp, st, NT_SUCCESS(st) ? info : 0);
}

/* Finds one handle of 'pid' not yet released for its exit, and takes a reference on it. */
static mdlb_handle *mdlb_next_exiting(HANDLE pid)
{
    mdlb_handle *found = NULL;
    PLIST_ENTRY e;
    KIRQL irql;

    KeAcquireSpinLock(&g_use_lock, &irql);
    for (e = g_handles.Flink; e != &g_handles; e = e->Flink) {
        mdlb_handle *h = CONTAINING_RECORD(e, mdlb_handle, link);
        if (h->owner_pid == pid && !h->released_on_exit) {
            h->released_on_exit = 1;
            InterlockedIncrement(&h->refs);
            found = h;
            break;
        }
    }
    KeReleaseSpinLock(&g_use_lock, irql);
    return found;
}

/* The owner died without closing (or after duplicating) its handle: release what it held, so no page
 * stays locked for a dead process (bug check 0x76). */
static void mdlb_process_notify(HANDLE parent, HANDLE pid, BOOLEAN create)
{
    MDLB_COUNTERS released;
    mdlb_handle *h;

    UNREFERENCED_PARAMETER(parent);
    if (create)
        return;
    while ((h = mdlb_next_exiting(pid)) != NULL) {
        mdlb_release_locked(h, &released);
        MDLB_TRACE(DPFLTR_TRACE_LEVEL, "owner %p exited: released %u MDLs", pid, released.OutstandingMdls);
        mdlb_handle_deref(h);
    }
    /* The process is gone, and with it every mapping through which someone could have locked its pages. */
    mdlb_quarantine_release(pid, 0);
}

_Use_decl_annotations_
static void mdlb_unload(PDRIVER_OBJECT drv)
{
    UNICODE_STRING link;

    UNREFERENCED_PARAMETER(drv);
    PAGED_CODE();
    if (g_notify_registered)
        PsSetCreateProcessNotifyRoutine(mdlb_process_notify, TRUE);
    mdlb_quarantine_release(NULL, 1);
    mdlb_ranges_destroy(&g_ranges);
    if (g_ranges_lock_ready)
        ExDeleteResourceLite(&g_ranges_lock);
    RtlInitUnicodeString(&link, MDLB_DOS_DEVICE_NAME);
    IoDeleteSymbolicLink(&link);
    if (g_device)
        IoDeleteDevice(g_device);
    MDLB_TRACE(DPFLTR_INFO_LEVEL, "unloaded%s", "");
}

_Use_decl_annotations_
/* Windows x64 MDLs carry 8-byte PFNs; Wine's carry 4. A Size alone cannot always tell them apart (it is 16 bits),
 * so the width is measured once on a 1-page MDL; when that fails, capacities fall back to the reading that is
 * safe for both layouts. */
static void mdlb_measure_pfn_width(void)
{
    PMDL probe = IoAllocateMdl((PVOID)(ULONG_PTR)0x10000, PAGE_SIZE, FALSE, FALSE, NULL);
    g_pfn_width = 0;
    if (probe != NULL) {
        g_pfn_width = mdlb_pfn_width_from_one_page_size((mdlb_u16)probe->Size);
        IoFreeMdl(probe);
    }
    MDLB_TRACE(DPFLTR_INFO_LEVEL, "PFN width %u", (unsigned)g_pfn_width);
}

/* The value names of MDLB_LIMIT_NAME_*, by index (the header's comments; Java: Protocol.LIMIT_NAMES). */
static const PCWSTR g_limit_names[MDLB_LIMIT_NAME_COUNT] = {
    L"maxObjects", L"maxLockedBytes", L"maxKernelBufferBytes", L"maxPageAllocationBytes", L"maxMdlPoolBytes",
    L"maxSystemMappingBytes", L"driverMaxObjects", L"driverMaxLockedBytes", L"driverMaxKernelBufferBytes",
    L"driverMaxPageAllocationBytes", L"driverMaxMdlPoolBytes", L"driverMaxSystemMappingBytes", L"driverMaxHandles",
};

/* One REG_DWORD or REG_QWORD value; any other type or size is ignored (CONTRACT section 4: the default stays). */
_IRQL_requires_(PASSIVE_LEVEL)
static int mdlb_read_limit(HANDLE key, PCWSTR name, mdlb_u64 *value)
{
    union {
        KEY_VALUE_PARTIAL_INFORMATION info;
        UCHAR bytes[sizeof(KEY_VALUE_PARTIAL_INFORMATION) + sizeof(ULONGLONG)];
    } v;
    UNICODE_STRING n;
    ULONG got = 0;
    ULONG d32;
    ULONGLONG d64;

    RtlInitUnicodeString(&n, name);
    RtlZeroMemory(&v, sizeof(v));
    if (!NT_SUCCESS(ZwQueryValueKey(key, &n, KeyValuePartialInformation, &v, sizeof(v), &got)))
        return 0;
    if (v.info.Type == REG_DWORD && v.info.DataLength == sizeof(d32)) {
        RtlCopyMemory(&d32, v.info.Data, sizeof(d32));
        *value = d32;
        return 1;
    }
    if (v.info.Type == REG_QWORD && v.info.DataLength == sizeof(d64)) {
        RtlCopyMemory(&d64, v.info.Data, sizeof(d64));
        *value = d64;
        return 1;
    }
    return 0;
}

/* Reads <RegistryPath>\Parameters once, at load. A missing key means nothing was configured. */
_IRQL_requires_(PASSIVE_LEVEL)
static void mdlb_read_limits(PCUNICODE_STRING reg, mdlb_limit_config *cfg)
{
    static const WCHAR suffix[] = L"\\" MDLB_PARAMETERS_SUBKEY;
    OBJECT_ATTRIBUTES oa;
    UNICODE_STRING path;
    HANDLE key = NULL;
    USHORT bytes;
    mdlb_u32 i;

    RtlZeroMemory(cfg, sizeof(*cfg));
    if (reg == NULL || reg->Length > 0xFFFFu - sizeof(suffix))
        return;
    bytes = (USHORT)(reg->Length + sizeof(suffix));
    path.Buffer = (PWCH)ExAllocatePoolWithTag(PagedPool, bytes, MDLB_TAG_SCRATCH);
    if (path.Buffer == NULL)
        return;
    path.Length = 0;
    path.MaximumLength = bytes;
    RtlCopyUnicodeString(&path, reg);
    (void)RtlAppendUnicodeToString(&path, suffix);
    InitializeObjectAttributes(&oa, &path, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    if (NT_SUCCESS(ZwOpenKey(&key, KEY_QUERY_VALUE, &oa))) {
        for (i = 0; i < MDLB_LIMIT_NAME_COUNT; i++)
            if (mdlb_read_limit(key, g_limit_names[i], &cfg->value[i]))
                cfg->present |= 1u << i;
        ZwClose(key);
    }
    ExFreePoolWithTag(path.Buffer, MDLB_TAG_SCRATCH);
}

/* The machine's RAM for the RAM rule: SystemBasicInformation's NumberOfPhysicalPages x PageSize, from
 * ZwQuerySystemInformation (documented in the WDK; Wine implements the class too). 0 when it cannot say. */
_IRQL_requires_(PASSIVE_LEVEL)
static mdlb_u64 mdlb_physical_memory_bytes(void)
{
    MDLB_SYSTEM_BASIC_INFORMATION sbi;
    ULONG got = 0;
    RtlZeroMemory(&sbi, sizeof(sbi));
    if (!NT_SUCCESS(ZwQuerySystemInformation(MDLB_SYSTEM_BASIC_INFORMATION_CLASS, &sbi, sizeof(sbi), &got)))
        return 0;
    return (mdlb_u64)sbi.NumberOfPhysicalPages * sbi.PageSize;
}

/* The limits in force for the driver's life (CONTRACT section 4): the defaults, the administrator's values
 * clamped to their ranges, then the RAM rule; the computation is table.c's, tested on the host. */
_IRQL_requires_(PASSIVE_LEVEL)
static void mdlb_apply_limits(PCUNICODE_STRING reg)
{
    mdlb_limit_config cfg;
    mdlb_limits_in_force f;
    mdlb_u64 ram;
    mdlb_read_limits(reg, &cfg);
    ram = mdlb_physical_memory_bytes();
    mdlb_limits_configure(&cfg, ram, &f);
    g_handle_limits = f.handle;
    g_driver_limits = f.driver;
    g_max_handles = f.max_handles;
    g_configured_limits = f.configured;
    g_clamped_limits = f.clamped;
    MDLB_TRACE(DPFLTR_INFO_LEVEL, "limits: configured 0x%X, clamped 0x%X, RAM %llu bytes", (unsigned)f.configured,
               (unsigned)f.clamped, (unsigned long long)ram);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT drv, PUNICODE_STRING reg)
{
    UNICODE_STRING name, link;
    NTSTATUS st;

    KeInitializeSpinLock(&g_use_lock);
    InitializeListHead(&g_handles);
    InitializeListHead(&g_quarantine);
    RtlZeroMemory(&g_driver_use, sizeof(g_driver_use));
    mdlb_apply_limits(reg);
    mdlb_ranges_init(&g_ranges, mdlb_ranges_alloc, mdlb_ranges_free);
    st = ExInitializeResourceLite(&g_ranges_lock);
    if (!NT_SUCCESS(st))
        return st;
    g_ranges_lock_ready = TRUE;
    mdlb_resolve_optional();
    mdlb_measure_pfn_width();
    mdlb_verify_readonly_user_mappings();

    RtlInitUnicodeString(&name, MDLB_DEVICE_NAME);
    RtlInitUnicodeString(&link, MDLB_DOS_DEVICE_NAME);
    st = IoCreateDevice(drv, 0, &name, MDLB_DEVICE_TYPE, FILE_DEVICE_SECURE_OPEN, FALSE, &g_device);
    if (!NT_SUCCESS(st)) {
        ExDeleteResourceLite(&g_ranges_lock);
        return st;
    }
    st = mdlb_secure_device(g_device);
    if (NT_SUCCESS(st))
        st = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(st)) {
        MDLB_TRACE(DPFLTR_ERROR_LEVEL, "device setup failed 0x%08X", (unsigned)st);
        IoDeleteDevice(g_device);
        g_device = NULL;
        ExDeleteResourceLite(&g_ranges_lock);
        return st;
    }
    st = PsSetCreateProcessNotifyRoutine(mdlb_process_notify, FALSE);
    if (!NT_SUCCESS(st)) {
        IoDeleteSymbolicLink(&link);
        IoDeleteDevice(g_device);
        g_device = NULL;
        ExDeleteResourceLite(&g_ranges_lock);
        return st;
    }
    g_notify_registered = TRUE;
    drv->MajorFunction[IRP_MJ_CREATE] = mdlb_create;
    drv->MajorFunction[IRP_MJ_CLEANUP] = mdlb_cleanup;
    drv->MajorFunction[IRP_MJ_CLOSE] = mdlb_close;
    drv->MajorFunction[IRP_MJ_DEVICE_CONTROL] = mdlb_device_control;
    drv->DriverUnload = mdlb_unload;
    g_device->Flags &= ~DO_DEVICE_INITIALIZING;
    MDLB_TRACE(DPFLTR_INFO_LEVEL, "loaded, protocol %u", MDLB_PROTOCOL_VERSION);
    return STATUS_SUCCESS;
}
