package dev.mdlbridge.protocol;

import java.util.Map;

/** Words for the reply's Stage and Detail codes, so a refusal says which rule and why. */
public final class Explanations {

    private Explanations() {
    }

    private static final Map<Integer, String> PARAMS = Map.ofEntries(
            Map.entry(Protocol.PARAM_ACCESS_MODE, "accessMode (KernelMode or UserMode)"),
            Map.entry(Protocol.PARAM_OPERATION, "operation (IoReadAccess, IoWriteAccess or IoModifyAccess)"),
            Map.entry(Protocol.PARAM_PRIORITY, "priority (a page priority; MdlMappingNoExecute/NoWrite only from Windows 8)"),
            Map.entry(Protocol.PARAM_CACHE_TYPE, "cacheType (MmNonCached, MmCached or MmWriteCombined, and the type the pages were made with: MmCached for caller ranges and kernel buffers, the allocation's own for page allocations; MmGetSystemAddressForMdlSafe needs MmCached pages)"),
            Map.entry(Protocol.PARAM_LENGTH, "length"),
            Map.entry(Protocol.PARAM_FLAGS, "flags (only MM_ALLOCATE_FULLY_REQUIRED, NO_WAIT, PREFER_CONTIGUOUS and REQUIRE_CONTIGUOUS_CHUNKS, bits of 0x3C, and none before Windows 7; MM_DONT_ZERO_ALLOCATION is refused)"),
            Map.entry(Protocol.PARAM_METHOD, "method"),
            Map.entry(Protocol.PARAM_CLEANUP, "cleanup (IoManager or Driver)"),
            Map.entry(Protocol.PARAM_RESERVED, "a reserved field (must be 0)"),
            Map.entry(Protocol.PARAM_SIZE, "size"),
            Map.entry(Protocol.PARAM_OFFSET, "offset"),
            Map.entry(Protocol.PARAM_RANGE_COUNT, "ranges (1 to " + Protocol.MAX_CHAIN_RANGES + ")"),
            Map.entry(Protocol.PARAM_PFN_WINDOW, "the PFN window"),
            Map.entry(Protocol.PARAM_REQUESTED_ADDRESS, "requestedAddress (must be 0 for a KernelMode mapping)"),
            Map.entry(Protocol.PARAM_ADDRESS_RANGE, "lowAddress/highAddress (lowAddress must not be above highAddress)"),
            Map.entry(Protocol.PARAM_SKIP_BYTES, "skipBytes (a multiple of 4096; with MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS a power of two that divides the size)"),
            Map.entry(Protocol.PARAM_PAGE_OFFSET, "pageOffset (a multiple of 16 below 4096)"));

    private static final Map<Integer, String> REFUSALS = Map.ofEntries(
            Map.entry(Protocol.REFUSE_PROBE_LOCKED, "the MDL is already locked: unlock it before probing or building it again (driver/CONTRACT.md §3.1)"),
            Map.entry(Protocol.REFUSE_PROBE_MAPPED, "the MDL is mapped: a probe or a nonpaged build needs a fresh MDL (driver/CONTRACT.md §3.1)"),
            Map.entry(Protocol.REFUSE_PROBE_PARTIAL, "a partial MDL is never probed or built: probe or build its source (driver/CONTRACT.md §3.1)"),
            Map.entry(Protocol.REFUSE_PROBE_NONPAGED, "the MDL is already built for nonpaged pool: it is never probed or built again (driver/CONTRACT.md §3.1)"),
            Map.entry(Protocol.REFUSE_PROBE_NOT_IOALLOCATED, "a page allocation is never probed or built for nonpaged pool (driver/CONTRACT.md §3.1)"),
            Map.entry(Protocol.REFUSE_KERNEL_RANGE_REQUIRED, "KernelMode probes and MmBuildMdlForNonPagedPool need a range inside one of this handle's kernel buffers (driver/CONTRACT.md §3.2)"),
            Map.entry(Protocol.REFUSE_MAP_NOT_LOCKED, "the MDL is not locked, built for nonpaged pool, a page allocation or a partial of one: nothing to map (driver/CONTRACT.md §3.3)"),
            Map.entry(Protocol.REFUSE_UNLOCK_NOT_LOCKED, "the MDL is not locked by a probe (never locked or already unlocked) (driver/CONTRACT.md §3.4)"),
            Map.entry(Protocol.REFUSE_UNLOCK_PARTIAL, "a partial MDL is never unlocked: free it, then unlock its source (driver/CONTRACT.md §3.4)"),
            Map.entry(Protocol.REFUSE_UNLOCK_NONPAGED, "an MDL built for nonpaged pool holds no locks to release (driver/CONTRACT.md §3.4)"),
            Map.entry(Protocol.REFUSE_UNLOCK_PAGES, "a page allocation is released with MmFreePagesFromMdl, not unlocked (driver/CONTRACT.md §3.4)"),
            Map.entry(Protocol.REFUSE_USER_MAPPING_LIVES, "a user mapping of this MDL is still live: unmap it first (driver/CONTRACT.md §3.5)"),
            Map.entry(Protocol.REFUSE_PARTIAL_LIVES, "a partial MDL built from this one is still live: free it first (driver/CONTRACT.md §3.5)"),
            Map.entry(Protocol.REFUSE_NOT_PAGE_ALLOCATION, "MmFreePagesFromMdl takes only MDLs from MmAllocatePagesForMdlEx (driver/CONTRACT.md §3.5)"),
            Map.entry(Protocol.REFUSE_SYSTEM_MAPPING_LIVES, "the page allocation is still mapped: unmap it first (driver/CONTRACT.md §3.5)"),
            Map.entry(Protocol.REFUSE_FREE_LOCKED, "the MDL is locked: unlock it before freeing, or its pages stay locked (driver/CONTRACT.md §3.6)"),
            Map.entry(Protocol.REFUSE_FREE_MAPPED, "the MDL still has a system mapping that IoFreeMdl would leak: unmap or unlock first (driver/CONTRACT.md §3.6)"),
            Map.entry(Protocol.REFUSE_FREE_WRONG_METHOD, "wrong release: IoFreeMdl for IoAllocateMdl MDLs, ExFreePool for MmInitializeMdl storage and page allocations (driver/CONTRACT.md §3.6)"),
            Map.entry(Protocol.REFUSE_FREE_PAGES_FIRST, "call MmFreePagesFromMdl before ExFreePool of a page allocation (driver/CONTRACT.md §3.6)"),
            Map.entry(Protocol.REFUSE_UNMAP_NOT_OWNED, "that mapping is not the MDL's own (inherited by a partial, the nonpaged pool address, or nothing mapped) (driver/CONTRACT.md §3.7)"),
            Map.entry(Protocol.REFUSE_UNMAP_INHERITED, "a partial MDL inherited this system mapping: free the partial first (driver/CONTRACT.md §3.7)"),
            Map.entry(Protocol.REFUSE_PARTIAL_SOURCE, "the source MDL is neither locked, built for nonpaged pool nor a page allocation (driver/CONTRACT.md §3.8)"),
            Map.entry(Protocol.REFUSE_PARTIAL_RANGE, "the partial range lies outside the source MDL (driver/CONTRACT.md §3.8)"),
            Map.entry(Protocol.REFUSE_POOL_IN_USE, "an MDL of this handle still overlaps the kernel buffer (whichever was created first): free the MDL, its partials and mappings first (driver/CONTRACT.md §3.9)"),
            Map.entry(Protocol.REFUSE_MAPPING_ENDED, "the mapping has ended (unmapped, its MDL unlocked, or its partial freed) (driver/CONTRACT.md §3.10)"),
            Map.entry(Protocol.REFUSE_WRITE_NOT_ALLOWED, "writes need an MDL locked for write (or the driver's own pages) and a mapping without MdlMappingNoWrite; a partial carries its source mapping's NoWrite (driver/CONTRACT.md §3.11)"),
            Map.entry(Protocol.REFUSE_OUT_OF_RANGE, "the access lies outside [0, ByteCount) of the mapping or exceeds 64 KiB (driver/CONTRACT.md §3.11)"),
            Map.entry(Protocol.REFUSE_RANGE_IN_USER_MAPPING, "the range overlaps a user mapping the driver made in this process, on any of its handles: unmap it first (driver/CONTRACT.md §2, §3.12)"),
            Map.entry(Protocol.REFUSE_ZERO_LENGTH, "a zero-length MDL may only be allocated and probed with UserMode (driver/CONTRACT.md §2)"),
            Map.entry(Protocol.REFUSE_SHARED_HANDLE, "the handle is shared (duplicated, inherited or used by another process): no new mapping, lock or page allocation on it; open a handle of your own (driver/CONTRACT.md §1, §3.12)"),
            Map.entry(Protocol.REFUSE_USER_MAPPING_WRITABLE, "read-only user mappings are refused on this machine: the driver could not verify at load that MdlMappingNoWrite makes them read-only (driver/CONTRACT.md §2)"),
            Map.entry(Protocol.REFUSE_NO_DIRECT_RECORD, "no DirectIo call to report on this handle (driver/CONTRACT.md §5)"),
            Map.entry(Protocol.REFUSE_ALREADY_MAPPED, "the MDL already has a system mapping (its own, a reservation's, its source's inherited one, or the nonpaged pool address): an MDL has at most one; unmap it first (driver/CONTRACT.md §2)"),
            Map.entry(Protocol.REFUSE_IO_SPACE, "the probe found device memory (MDL_IO_SPACE): it was unlocked again; such pages are never mapped here (driver/CONTRACT.md §2)"),
            Map.entry(Protocol.REFUSE_UNCACHED_RANGE, "the range has PAGE_NOCACHE or PAGE_WRITECOMBINE pages: mapping them cached would alias memory types (driver/CONTRACT.md §2)"),
            Map.entry(Protocol.REFUSE_RESERVATION_IN_USE, "the reservation already holds a mapping: MmUnmapReservedMapping it first (driver/CONTRACT.md §3.13)"),
            Map.entry(Protocol.REFUSE_RESERVATION_TOO_SMALL, "the MDL spans more pages than the reservation (driver/CONTRACT.md §3.13)"),
            Map.entry(Protocol.REFUSE_RESERVATION_WRONG_MDL, "that MDL is not the one mapped into the reservation (or nothing is) (driver/CONTRACT.md §3.13)"),
            Map.entry(Protocol.REFUSE_RESERVATION_MAPPED, "the reservation is still mapped: MmUnmapReservedMapping before MmFreeMappingAddress (driver/CONTRACT.md §3.13)"),
            Map.entry(Protocol.REFUSE_RESERVED_MAPPING_LIVES, "the MDL is mapped through a reservation: MmUnmapReservedMapping first (driver/CONTRACT.md §3.13)"));

    private static final Map<Integer, String> LIMITS = Map.of(
            Protocol.LIMIT_OBJECTS, "too many objects",
            Protocol.LIMIT_LOCKED_BYTES, "too many bytes locked",
            Protocol.LIMIT_KERNEL_BUFFER_BYTES, "too many bytes of kernel buffers",
            Protocol.LIMIT_PAGE_ALLOC_BYTES, "too many bytes of page allocations",
            Protocol.LIMIT_MDL_POOL_BYTES, "too much MDL pool",
            Protocol.LIMIT_SYSTEM_MAPPING_BYTES, "too much system address space mapped (maxSystemMappingBytes)");

    private static final Map<Integer, String> DDIS = Map.ofEntries(
            Map.entry(Protocol.DDI_IO_ALLOCATE_MDL, "IoAllocateMdl"),
            Map.entry(Protocol.DDI_MM_PROBE_AND_LOCK_PAGES, "MmProbeAndLockPages"),
            Map.entry(Protocol.DDI_MM_MAP_LOCKED_PAGES, "MmMapLockedPagesSpecifyCache"),
            Map.entry(Protocol.DDI_MM_UNMAP_LOCKED_PAGES, "MmUnmapLockedPages"),
            Map.entry(Protocol.DDI_IO_BUILD_PARTIAL_MDL, "IoBuildPartialMdl"),
            Map.entry(Protocol.DDI_MM_BUILD_MDL_NONPAGED, "MmBuildMdlForNonPagedPool"),
            Map.entry(Protocol.DDI_MM_UNLOCK_PAGES, "MmUnlockPages"),
            Map.entry(Protocol.DDI_IO_FREE_MDL, "IoFreeMdl"),
            Map.entry(Protocol.DDI_EX_ALLOCATE_POOL, "ExAllocatePoolWithTag"),
            Map.entry(Protocol.DDI_EX_FREE_POOL, "ExFreePoolWithTag"),
            Map.entry(Protocol.DDI_MM_ALLOCATE_PAGES, "MmAllocatePagesForMdlEx"),
            Map.entry(Protocol.DDI_MM_FREE_PAGES, "MmFreePagesFromMdl"),
            Map.entry(Protocol.DDI_MM_ALLOCATE_MAPPING_ADDRESS, "MmAllocateMappingAddress"),
            Map.entry(Protocol.DDI_MM_MAP_RESERVED, "MmMapLockedPagesWithReservedMapping"),
            Map.entry(Protocol.DDI_MM_UNAVAILABLE, "a routine this Windows does not export"),
            Map.entry(Protocol.DDI_MM_SIZE_OF_MDL, "MmSizeOfMdl"),
            Map.entry(Protocol.DDI_MEMORY_ACCESS, "the copy through the mapping"),
            Map.entry(Protocol.DDI_ZW_QUERY_VIRTUAL_MEMORY, "ZwQueryVirtualMemory"));

    private static final Map<Integer, String> STATUSES = Map.ofEntries(
            Map.entry(0x80000001, "the range touches a PAGE_GUARD page: touching it cleared the guard and raised this one-shot exception (a second attempt goes through)"),
            Map.entry(0x8000000D, "only part of the copy was done: a page of the range could not be read or written"),
            Map.entry(0xC0000001, "the operation failed without a more precise status"),
            Map.entry(0xC0000004, "a length given does not match the structure's size"),
            Map.entry(0xC0000005, "a page of the range is not accessible for this access: not committed (reserved, decommitted or released), PAGE_NOACCESS, read-only for IoWriteAccess/IoModifyAccess, or above MmUserProbeAddress for a UserMode probe"),
            Map.entry(0xC0000006, "a page of the range could not be brought in from its backing store (paging file or mapped file): an I/O error paging it in"),
            Map.entry(0xC0000008, "the handle is not valid (closed, or released by CloseHandle)"),
            Map.entry(0xC000000D, "a parameter is not one the DDI or the driver accepts"),
            Map.entry(0xC0000010, "the device does not know this control code"),
            Map.entry(0xC0000017, "not enough virtual memory or paging file to commit the allocation"),
            Map.entry(0xC0000018, "the requested address range is already in use in the process"),
            Map.entry(0xC0000019, "the address is not the base of a view or allocation"),
            Map.entry(0xC0000022, "the caller may not use this object: the handle belongs to another process, or the access was not granted"),
            Map.entry(0xC0000023, "the output buffer is too small for the reply"),
            Map.entry(0xC0000024, "the id names another kind of object (a mapping where an MDL is expected, say)"),
            Map.entry(0xC000002D, "the address range is reserved but not committed"),
            Map.entry(0xC0000044, "a quota or a limit of the driver was reached (see the limit named)"),
            Map.entry(0xC0000045, "the page protection is not one VirtualAlloc/VirtualProtect accepts"),
            Map.entry(0xC0000059, "the driver and the library speak different protocol versions: install the matching driver"),
            Map.entry(0xC000009A, "the system is out of a resource the DDI needs: nonpaged pool for the MDL, system PTEs for a kernel mapping, or pages that can still be locked; the DDI returned NULL (or MmProbeAndLockPages raised it)"),
            Map.entry(0xC00000A1, "locking the pages would push the process's working set past its quota (a larger minimum working set, SetProcessWorkingSetSize, lets more pages be locked)"),
            Map.entry(0xC00000BB, "the request is not supported on this machine or backend"),
            Map.entry(0xC000010A, "the process is exiting: no new mapping or lock is made for it"),
            Map.entry(0xC0000141, "the address does not lie in any allocation of the process"),
            Map.entry(0xC0000184, "the object is not in a state that allows the request (the driver's refusals, CONTRACT.md section 3)"),
            Map.entry(0xC0000225, "the object id is unknown or was already released"));

    /**
     * What an NTSTATUS means for an MDL DDI, in Windows terms.
     *
     * @param status the status
     * @return one sentence ({@code STATUS_ACCESS_VIOLATION}: "a page of the range is not accessible for this access:
     *         ..."); empty for success and for a status this table does not know
     */
    public static String status(NtStatus status) {
        return STATUSES.getOrDefault(status.value(), "");
    }

    /**
     * Whether the DDI reports failure by raising an exception (the driver catches it in {@code __try}) rather than
     * by returning NULL or a status: {@code MmProbeAndLockPages} and the copy through a mapping.
     *
     * @param ddi a {@code Protocol.DDI_*} code (a reply's Detail under {@link Protocol#STAGE_DDI})
     * @return true when that DDI raises
     */
    public static boolean raises(int ddi) {
        return ddi == Protocol.DDI_MM_PROBE_AND_LOCK_PAGES || ddi == Protocol.DDI_MEMORY_ACCESS;
    }

    /**
     * A failed DDI in words: which DDI, how it failed, the status by name and value, and what that status means.
     *
     * @param ddi    a {@code Protocol.DDI_*} code
     * @param status what the DDI returned or raised
     * @return {@code "MmProbeAndLockPages raised STATUS_ACCESS_VIOLATION (0xC0000005): a page of the range is not
     *         accessible ..."}
     */
    public static String ddiFailure(int ddi, NtStatus status) {
        String meaning = status(status);
        return DDIS.getOrDefault(ddi, "DDI #" + ddi) + (raises(ddi) ? " raised " : " failed with ") + status
                + (meaning.isEmpty() ? "" : ": " + meaning);
    }

    /**
     * One sentence for a reply's (stage, detail): the wrong field, the contract rule, the limit or the DDI.
     *
     * @param stage  the reply's {@code Protocol.STAGE_*}
     * @param detail the reply's detail, a code of the kind the stage names
     * @return {@code "refused: ..."} and the like; empty when the step simply succeeded
     */
    public static String explain(int stage, int detail) {
        return switch (stage) {
            case Protocol.STAGE_DONE -> "";
            case Protocol.STAGE_PARAMETER -> "bad parameter: " + PARAMS.getOrDefault(detail, "field #" + detail);
            case Protocol.STAGE_REFUSED -> "refused: " + REFUSALS.getOrDefault(detail,
                    String.format("rule 0x%04X", detail));
            case Protocol.STAGE_LIMIT -> "limit reached: " + LIMITS.getOrDefault(detail, "limit #" + detail)
                    + " (see `mdl` Info for the limits; release objects first)";
            case Protocol.STAGE_DDI -> DDIS.getOrDefault(detail, "DDI #" + detail) + " failed";
            default -> "stage " + stage + ", detail " + detail;
        };
    }

    /**
     * The {@code Protocol} constant name of a refusal code.
     *
     * @param detail a reply's detail under {@link Protocol#STAGE_REFUSED}
     * @return {@code "REFUSE_FREE_LOCKED"}, or the code in hex when no constant has it
     */
    public static String refusalName(int detail) {
        for (var f : Protocol.class.getFields()) {
            try {
                if (f.getName().startsWith("REFUSE_") && f.getInt(null) == detail) {
                    return f.getName();
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.format("0x%04X", detail);
    }
}
