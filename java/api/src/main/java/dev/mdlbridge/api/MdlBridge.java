package dev.mdlbridge.api;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One open handle to mdlbridge, real or simulated: every MDL operation of CONTRACT.md one step at a time, each
 * returning a {@link Step} with the MDL's snapshots. Closing the bridge releases everything the handle holds
 * ({@code ReleaseAll}, then {@code CloseHandle}) and {@link #closeAndReport()} says what that was.
 *
 * <p>Snapshots come back with their whole PFN array: when an MDL spans more pages than one reply carries
 * ({@link Protocol#MAX_INLINE_PFNS}), the rest is read with {@code Query} while it is still valid, and before an
 * unlock the locked PFNs are read first, so the unlock step's {@code before} always holds all of them.
 *
 * <p>A bridge is safe for use by several threads; calls on one bridge run one at a time.
 */
public final class MdlBridge implements AutoCloseable {

    private final BackendSelection selection;
    private final Backend backend;
    private final DeviceChannel channel;
    private final ByteBuffer reply = ByteBuffer.allocate(Protocol.REPLY_BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    private final Map<Integer, Integer> pagesSpanned = new ConcurrentHashMap<>();
    private final Info openInfo;
    private final boolean ownsBackend;
    /** A DuplicateHandle of another bridge's handle: closing it closes only this handle, releasing nothing itself. */
    private final boolean duplicate;
    private boolean closed;

    private MdlBridge(BackendSelection selection, boolean ownsBackend) {
        this.selection = selection;
        this.backend = selection.backend();
        this.ownsBackend = ownsBackend;
        this.duplicate = false;
        this.channel = backend.open();
        Info i = (Info) info().orThrow().extra();
        if (i.protocolVersion() != Protocol.PROTOCOL_VERSION) {
            channel.close();
            throw new dev.mdlbridge.spi.BackendException("the installed driver " + Info.versionText(i.driverVersion())
                    + " speaks protocol " + i.protocolVersion() + "; this library needs protocol "
                    + Protocol.PROTOCOL_VERSION + " (driver " + Info.versionText(Protocol.DRIVER_VERSION)
                    + "): install the driver from the same release (`mdl driver install`)");
        }
        this.openInfo = i;
    }

    /** A bridge on a duplicated handle. No Info is asked: from another process the driver answers every request
     *  with STATUS_ACCESS_DENIED, so the original's Info stands for both (they name one file object). */
    private MdlBridge(MdlBridge original, DeviceChannel duplicated) {
        this.selection = original.selection;
        this.backend = original.backend;
        this.ownsBackend = false;
        this.duplicate = true;
        this.channel = duplicated;
        this.openInfo = original.openInfo;
    }

    /**
     * Opens a bridge on the backend chosen by the system property {@code mdlbridge.backend}, else the environment
     * variable {@code MDLBRIDGE_BACKEND}, else {@code auto} (the driver when {@code \\.\MdlBridge} opens, else the
     * simulator).
     *
     * @return the open bridge; {@link #selection()} says which backend and why
     * @throws dev.mdlbridge.spi.BackendException when no backend satisfies the policy (the message lists why each
     *         could not be used)
     */
    public static MdlBridge open() {
        return open(BackendSelector.configuredPolicy(), BackendOptions.none());
    }

    /**
     * Opens a bridge on the backend a policy chooses.
     *
     * @param policy  {@code auto}, {@code driver}, {@code simulator} or {@code replay:FILE}
     * @param options backend settings ({@link dev.mdlbridge.spi.SimulatorOptions} builds the simulator's), and
     *                {@code record=FILE} to record every call below the seam
     * @return the open bridge; it owns the backend and closes it when it closes
     * @throws dev.mdlbridge.spi.BackendException when the backend asked for is unknown or unavailable, saying why
     */
    public static MdlBridge open(String policy, BackendOptions options) {
        return open(BackendSelector.fromClassPath().select(policy, options));
    }

    /**
     * Opens a bridge on a backend chosen elsewhere, keeping that choice as {@link #selection()}: for a caller that
     * selects with {@link BackendSelector#select} itself and wraps the chosen backend (a test harness that counts
     * user allocations, say) before opening the handle. Pass a {@link BackendSelection} whose {@code backend} is
     * the wrapper and whose policy, reason and {@code notUsed} are the selector's.
     *
     * <p>The bridge owns the selection's backend, as one from {@link #open(String, BackendOptions)} does: closing
     * the bridge closes it, and when the handle cannot be opened the backend is closed before the exception
     * propagates.
     *
     * @param selection the backend to open a handle on, and why it was chosen
     * @return the open bridge
     * @throws dev.mdlbridge.spi.BackendException when the handle cannot be opened or the driver speaks another
     *         protocol version
     */
    public static MdlBridge open(BackendSelection selection) {
        try {
            return new MdlBridge(selection, true);
        } catch (RuntimeException e) {
            selection.backend().close();
            throw e;
        }
    }

    /**
     * Opens a handle on a backend the caller owns: it stays open when the bridge closes.
     *
     * @param backend the backend
     * @return the open bridge; its selection's policy is {@code given}
     */
    public static MdlBridge on(Backend backend) {
        return new MdlBridge(new BackendSelection(backend.name(), backend, "given", List.of()), false);
    }

    /**
     * Which backend this bridge uses, by which policy, and why the others were not used.
     *
     * @return the selection
     */
    public BackendSelection selection() {
        return selection;
    }

    /**
     * The backend below the seam: what opens the device channel and owns the process's memory.
     *
     * @return the backend; {@code backend().capability(SimulatorControl.class)} reaches the simulated machine
     */
    public Backend backend() {
        return backend;
    }

    /**
     * The calling process's memory on this backend ({@code VirtualAlloc}, {@code VirtualProtect}, reads and writes):
     * on Windows the JVM's own process, on the simulator the simulated process.
     *
     * @return the process's memory
     */
    public UserMemory memory() {
        return backend.userMemory();
    }

    /**
     * What the driver said when the handle was opened: driver and protocol versions, OS version and build,
     * architecture, page size, {@code MmUserProbeAddress}, the limits and their use.
     *
     * @return the driver's {@code Info}
     */
    public Info driverInfo() {
        return openInfo;
    }

    /**
     * The page priority this bridge maps with: {@code NormalPagePriority}, with {@code MdlMappingNoExecute} OR-ed in
     * from Windows 8 on (where system mappings should not be executable; earlier versions reject the flag).
     *
     * @return the {@code Priority} argument of {@code MmGetSystemAddressForMdlSafe}
     */
    public int defaultPriority() {
        boolean win8 = openInfo.osMajor() > 6 || (openInfo.osMajor() == 6 && openInfo.osMinor() >= 2);
        return Protocol.NORMAL_PAGE_PRIORITY | (win8 ? Protocol.MAPPING_NO_EXECUTE : 0);
    }

    // ------------------------------------------------------------------------------------------------ calls

    private synchronized Reply call(String op, int code, ByteBuffer request) {
        if (closed) {
            throw new IllegalStateException(op + ": the bridge is closed");
        }
        reply.clear();
        IoResult r = channel.control(code, request, reply);
        if (!r.ok()) {
            throw new DeviceCallException(op, NtStatus.of(r.ntStatus()), r.win32Error());
        }
        return ReplyDecoder.decode(reply, r.bytesReturned());
    }

    private Step step(String op, Reply r, Step.ValueKind kind) {
        MdlSnapshot before = r.before().orElse(null);
        MdlSnapshot after = complete(r.after().orElse(null));
        List<MdlSnapshot> chain = chainOf(r);
        return new Step(op, r.status(), r.stage(), r.detail(), r.objectId(), r.value(), kind, before, after, chain,
                r.data(), null);
    }

    /** The CHAIN-role snapshots, in order. A loop, not a stream: this runs on every call, and the one-page
     *  describe benchmark spent a third of its allocations on the stream's machinery. */
    private static List<MdlSnapshot> chainOf(Reply r) {
        List<MdlSnapshot> chain = null;
        for (MdlSnapshot s : r.snapshots()) {
            if (s.role() == Protocol.ROLE_CHAIN) {
                if (chain == null) {
                    chain = new java.util.ArrayList<>();
                }
                chain.add(s);
            }
        }
        return chain == null ? List.of() : List.copyOf(chain);
    }

    /** Reads the PFNs a reply could not carry, while the snapshot is the MDL's current state. */
    private MdlSnapshot complete(MdlSnapshot s) {
        if (s == null) {
            return null;
        }
        if (s.objectId() != 0) {
            pagesSpanned.put(s.objectId(), s.pfnCount());
        }
        if (!s.pfnsValid() || s.pfnsComplete() || s.objectId() == 0) {
            return s;
        }
        return s.withPfns(allPfns(s.objectId(), s.pfnCount()));
    }

    private long[] allPfns(int mdlId, int count) {
        long[] all = new long[count];
        int at = 0;
        while (at < count) {
            Reply r = call("Query", Protocol.IOCTL_QUERY,
                    Requests.object(new PfnWindow(at, Protocol.MAX_INLINE_PFNS), mdlId));
            MdlSnapshot q = r.after().orElseThrow(() -> new dev.mdlbridge.protocol.ProtocolException(
                    "Query returned no snapshot for MDL " + mdlId));
            if (q.pfns().length == 0 || q.pfnStart() != at) {
                throw new dev.mdlbridge.protocol.ProtocolException("Query of MDL " + mdlId + " at PFN " + at
                        + " returned " + q.pfns().length + " PFNs from " + q.pfnStart());
            }
            System.arraycopy(q.pfns(), 0, all, at, Math.min(q.pfns().length, count - at));
            at += q.pfns().length;
        }
        return all;
    }

    // ------------------------------------------------------------------------------------------ DDI steps

    /**
     * {@code IoAllocateMdl(address, length, FALSE, FALSE, NULL)}: allocates an MDL large enough for the pages the
     * range spans and initializes it ({@code StartVa} = the page of {@code address}, {@code ByteOffset} its low 12
     * bits, {@code ByteCount} = {@code length}, {@code MDL_ALLOCATED_FIXED_SIZE}); no page is touched or locked.
     * Fails with {@code STATUS_INSUFFICIENT_RESOURCES} when {@code IoAllocateMdl} returns NULL.
     *
     * @param address the range's virtual address (user, or a kernel buffer's)
     * @param length  its length in bytes (a ULONG)
     * @return the step; its {@code objectId} names the MDL, {@code after} is the new MDL
     */
    public Step ioAllocateMdl(long address, int length) {
        return step("IoAllocateMdl", call("IoAllocateMdl", Protocol.IOCTL_ALLOCATE_MDL,
                Requests.allocateMdl(PfnWindow.FIRST, address, length)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmSizeOfMdl(address, length)}: the bytes an MDL for the range needs, header plus one PFN per page
     * spanned (48 + 8 &times; pages on x64).
     *
     * @param address the range's virtual address (only its byte offset in the page matters)
     * @param length  its length in bytes
     * @return the step; its value is the size
     */
    public Step mmSizeOfMdl(long address, long length) {
        return step("MmSizeOfMdl", call("MmSizeOfMdl", Protocol.IOCTL_SIZE_OF_MDL, Requests.range(address, length)),
                Step.ValueKind.NUMBER);
    }

    /**
     * {@code MmSizeOfMdl} + nonpaged storage of that size + {@code MmInitializeMdl}: an MDL in the driver's own
     * storage (no {@code MDL_ALLOCATED_FIXED_SIZE}); release it with {@link #exFreePoolMdl}, not {@code IoFreeMdl}.
     *
     * @param address the range's virtual address
     * @param length  its length in bytes
     * @return the step; its {@code objectId} names the MDL
     */
    public Step mmInitializeMdl(long address, int length) {
        return step("MmInitializeMdl", call("MmInitializeMdl", Protocol.IOCTL_INITIALIZE_MDL,
                Requests.allocateMdl(PfnWindow.FIRST, address, length)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmProbeAndLockPages(Mdl, mode, operation)}: probes every page for the access, makes it resident and
     * locks it, fills the PFN array and sets {@code MDL_PAGES_LOCKED} (and {@code MDL_WRITE_OPERATION} for write or
     * modify access); {@code UserMode} also sets {@code Process}. A page that cannot be accessed makes it raise
     * ({@code STATUS_ACCESS_VIOLATION}, the guard-page or in-page status), which the step reports.
     *
     * @param mdl       the MDL's id
     * @param mode      {@code UserMode} (the range must lie below {@code MmUserProbeAddress}) or {@code KernelMode}
     *                  (only over one of this handle's kernel buffers)
     * @param operation the access the pages are locked for
     * @return the step; {@code before} and {@code after} are the MDL around the probe
     */
    public Step mmProbeAndLockPages(int mdl, AccessMode mode, LockOperation operation) {
        return mmProbeAndLockPages(mdl, mode.value(), operation.value());
    }

    /**
     * {@code MmProbeAndLockPages} with raw values, for scripted misuse: an out-of-range value is a bad parameter the
     * driver reports ({@code STATUS_INVALID_PARAMETER}) rather than an exception here.
     *
     * @param mdl        the MDL's id
     * @param accessMode a {@code KPROCESSOR_MODE} value (0 KernelMode, 1 UserMode)
     * @param operation  a {@code LOCK_OPERATION} value (0 IoReadAccess, 1 IoWriteAccess, 2 IoModifyAccess)
     * @return the step
     */
    public Step mmProbeAndLockPages(int mdl, int accessMode, int operation) {
        return step("MmProbeAndLockPages", call("MmProbeAndLockPages", Protocol.IOCTL_PROBE_AND_LOCK,
                Requests.probe(PfnWindow.FIRST, mdl, accessMode, operation)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmGetSystemAddressForMdlSafe(mdl, priority)}: the MDL's system address, mapping its locked pages into
     * system space first unless {@code MDL_MAPPED_TO_SYSTEM_VA} or {@code MDL_SOURCE_IS_NONPAGED_POOL} says they
     * already are. Out of system PTEs it returns NULL: {@code STATUS_INSUFFICIENT_RESOURCES}.
     *
     * @param mdl      the MDL's id
     * @param priority a page priority, with {@code MdlMappingNoExecute}/{@code MdlMappingNoWrite} from Windows 8 on
     *                 ({@link #defaultPriority()})
     * @return the step; its value is the system address ({@code MappedSystemVa} + {@code ByteOffset})
     */
    public Step mmGetSystemAddressForMdlSafe(int mdl, int priority) {
        return step("MmGetSystemAddressForMdlSafe", call("MmGetSystemAddressForMdlSafe", Protocol.IOCTL_MAP_SYSTEM,
                Requests.mapSystem(PfnWindow.FIRST, mdl, priority)), Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmMapLockedPagesSpecifyCache(mdl, UserMode, cacheType, requestedAddress, FALSE, priority)}: maps the
     * locked pages into the calling process.
     *
     * @param mdl              the MDL's id
     * @param cacheType        a {@code MEMORY_CACHING_TYPE}; only {@code MmCached} (1) is allowed
     * @param requestedAddress the user address wanted, or 0 to let Windows choose; one that is taken fails
     *                         ({@code STATUS_CONFLICTING_ADDRESSES})
     * @param priority         a page priority, with {@code MdlMappingNoWrite} for a read-only mapping
     * @return the step; {@code objectId} names the mapping, the value is its user address
     */
    public Step mmMapLockedPagesSpecifyCache(int mdl, int cacheType, long requestedAddress, int priority) {
        return step("MmMapLockedPagesSpecifyCache", call("MmMapLockedPagesSpecifyCache", Protocol.IOCTL_MAP_USER,
                Requests.mapUser(PfnWindow.FIRST, mdl, cacheType, requestedAddress, priority)), Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmMapLockedPagesSpecifyCache(mdl, accessMode, cacheType, requestedAddress, FALSE, priority)}:
     * {@code UserMode} maps the locked pages into the calling process (as
     * {@link #mmMapLockedPagesSpecifyCache(int, int, long, int)}); {@code KernelMode} makes the MDL's one system
     * mapping (it gets {@code MDL_MAPPED_TO_SYSTEM_VA}) as a mapping object of its own, ended with
     * {@link #mmUnmapLockedPages(int)}. The cache type must be the one the pages were made with ({@code MmCached}
     * for caller ranges and kernel buffers, the allocation's for page allocations): anything else is
     * {@code STATUS_INVALID_PARAMETER}. A second system mapping of one MDL is refused.
     *
     * @param mdl              the MDL's id
     * @param accessMode       {@link AccessMode#USER_MODE} or {@link AccessMode#KERNEL_MODE}
     * @param cacheType        {@code Protocol.MM_NON_CACHED}, {@code MM_CACHED} or {@code MM_WRITE_COMBINED}
     * @param requestedAddress UserMode: the user address wanted, or 0; KernelMode: must be 0
     * @param priority         a page priority with the {@code MdlMapping*} modifier bits
     * @return the step; {@code objectId} names the mapping, the value is its address
     */
    public Step mmMapLockedPagesSpecifyCache(int mdl, AccessMode accessMode, int cacheType, long requestedAddress,
                                             int priority) {
        if (accessMode == AccessMode.USER_MODE) {
            return mmMapLockedPagesSpecifyCache(mdl, cacheType, requestedAddress, priority);
        }
        return step("MmMapLockedPagesSpecifyCache", call("MmMapLockedPagesSpecifyCache", Protocol.IOCTL_MAP_KERNEL,
                Requests.mapUser(PfnWindow.FIRST, mdl, cacheType, requestedAddress, priority)), Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmAllocateMappingAddress(size, tag)}: reserves system address space (no page is mapped). Charged to
     * {@code maxSystemMappingBytes} until {@link #mmFreeMappingAddress}.
     *
     * @param size {@code NumberOfBytes}, at least 1 (0 is {@code STATUS_INVALID_PARAMETER}: Windows would bug-check)
     * @return the step; {@code objectId} names the reservation, the value is its address
     */
    public Step mmAllocateMappingAddress(long size) {
        return step("MmAllocateMappingAddress", call("MmAllocateMappingAddress", Protocol.IOCTL_RESERVE,
                Requests.reserve(size)), Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmMapLockedPagesWithReservedMapping(reservation, tag, mdl, cacheType)}: maps a locked MDL into a
     * reservation. The MDL gets {@code MDL_MAPPED_TO_SYSTEM_VA} and {@code MappedSystemVa} = the reservation's address
     * (without {@code ByteOffset}); the value returned includes {@code ByteOffset}. Refused when the reservation is in
     * use or smaller than the MDL's span, or the MDL already has a system mapping.
     *
     * @param reservation the reservation's id
     * @param mdl         the MDL's id
     * @param cacheType   the type the pages were made with
     * @return the step; {@code objectId} names the mapping, the value is the address the DDI returned
     */
    public Step mmMapLockedPagesWithReservedMapping(int reservation, int mdl, int cacheType) {
        return step("MmMapLockedPagesWithReservedMapping", call("MmMapLockedPagesWithReservedMapping",
                Protocol.IOCTL_MAP_RESERVED, Requests.reserved(PfnWindow.FIRST, reservation, mdl, cacheType)),
                Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmUnmapReservedMapping(reservation, tag, mdl)}: unmaps the MDL mapped into the reservation; refused for
     * another MDL, and while a partial that inherited the mapping lives.
     *
     * @param reservation the reservation's id
     * @param mdl         the MDL mapped there
     * @return the step
     */
    public Step mmUnmapReservedMapping(int reservation, int mdl) {
        return step("MmUnmapReservedMapping", call("MmUnmapReservedMapping", Protocol.IOCTL_UNMAP_RESERVED,
                Requests.reserved(PfnWindow.FIRST, reservation, mdl, 0)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmFreeMappingAddress(reservation, tag)}: gives the reserved address space back; refused while mapped.
     *
     * @param reservation the reservation's id
     * @return the step
     */
    public Step mmFreeMappingAddress(int reservation) {
        return step("MmFreeMappingAddress", call("MmFreeMappingAddress", Protocol.IOCTL_FREE_RESERVATION,
                Requests.object(PfnWindow.NONE, reservation)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmUnmapLockedPages(BaseAddress, Mdl)} of a user mapping made by
     * {@link #mmMapLockedPagesSpecifyCache}.
     *
     * @param mappingId the mapping's id
     * @return the step
     */
    public Step mmUnmapLockedPages(int mappingId) {
        return step("MmUnmapLockedPages", call("MmUnmapLockedPages", Protocol.IOCTL_UNMAP,
                Requests.mapping(PfnWindow.FIRST, mappingId, 0)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmUnmapLockedPages(MappedSystemVa, Mdl)} of the MDL's own system mapping: clears
     * {@code MDL_MAPPED_TO_SYSTEM_VA} (or a partial's {@code MDL_PARTIAL_HAS_BEEN_MAPPED}); the pages stay locked.
     *
     * @param mdl the MDL's id
     * @return the step
     */
    public Step mmUnmapSystemAddress(int mdl) {
        return step("MmUnmapLockedPages", call("MmUnmapLockedPages", Protocol.IOCTL_UNMAP,
                Requests.mapping(PfnWindow.FIRST, 0, mdl)), Step.ValueKind.NONE);
    }

    /**
     * Reads through a mapping: a user mapping ({@code mappingId}) or an MDL's system mapping ({@code mappingId} 0).
     *
     * @param mappingId the user mapping's id, or 0 for the system mapping of {@code mdl}
     * @param mdl       the MDL whose system mapping is read, when {@code mappingId} is 0
     * @param offset    bytes from the start of the mapped range ({@code [0, ByteCount)})
     * @param length    bytes to read, at most 64 KiB
     * @return the step; its data is the bytes read
     */
    public Step readMapped(int mappingId, int mdl, int offset, int length) {
        return step("ReadMapped", call("ReadMapped", Protocol.IOCTL_READ_MAPPED,
                Requests.readMapped(mappingId, mdl, offset, length)), Step.ValueKind.BYTES);
    }

    /**
     * Writes through a mapping; refused unless the MDL was locked for write (or is the driver's own pages) and the
     * mapping is not {@code MdlMappingNoWrite}.
     *
     * @param mappingId the user mapping's id, or 0 for the system mapping of {@code mdl}
     * @param mdl       the MDL whose system mapping is written, when {@code mappingId} is 0
     * @param offset    bytes from the start of the mapped range
     * @param data      the bytes, at most 64 KiB
     * @return the step
     */
    public Step writeMapped(int mappingId, int mdl, int offset, byte[] data) {
        return step("WriteMapped", call("WriteMapped", Protocol.IOCTL_WRITE_MAPPED,
                Requests.writeMapped(mappingId, mdl, offset, data)), Step.ValueKind.NONE);
    }

    /**
     * {@code IoAllocateMdl(source VA + offset, length)} + {@code IoBuildPartialMdl(source, target, VA, length)}: a
     * partial MDL ({@code MDL_PARTIAL}) describing part of a locked, nonpaged or page-allocation source and sharing its
     * PFNs. {@link Mdl#buildPartial} is the typed form.
     *
     * @param source the source MDL's id
     * @param offset where the piece starts, in bytes from the source's virtual address
     * @param length the piece's length; 0 means the rest of the source
     * @return the step; {@code objectId} names the partial
     */
    public Step ioBuildPartialMdl(int source, long offset, int length) {
        return step("IoBuildPartialMdl", call("IoBuildPartialMdl", Protocol.IOCTL_BUILD_PARTIAL,
                Requests.buildPartial(PfnWindow.FIRST, source, offset, length)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmBuildMdlForNonPagedPool(Mdl)}: fills the PFN array of an MDL over nonpaged pool and sets
     * {@code MDL_SOURCE_IS_NONPAGED_POOL}; {@code MappedSystemVa} is the pool address; nothing is locked.
     *
     * @param mdl the MDL's id (an {@code IoAllocateMdl} MDL over one of this handle's kernel buffers)
     * @return the step
     */
    public Step mmBuildMdlForNonPagedPool(int mdl) {
        return step("MmBuildMdlForNonPagedPool", call("MmBuildMdlForNonPagedPool", Protocol.IOCTL_BUILD_NONPAGED,
                Requests.object(PfnWindow.FIRST, mdl)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmUnlockPages(Mdl)}: unmaps the system mapping if there is one, releases the page locks and clears
     * {@code MDL_PAGES_LOCKED}; the PFN array is undefined afterwards.
     *
     * @param mdl the MDL's id
     * @return the step; its {@code before} holds every locked PFN
     */
    public Step mmUnlockPages(int mdl) {
        int spanned = pagesSpanned.getOrDefault(mdl, 0);
        long[] locked = null;
        if (spanned > Protocol.MAX_INLINE_PFNS) {
            MdlSnapshot q = query(mdl).after();
            if (q != null && q.pfnsValid()) {
                locked = q.pfns();
            }
        }
        Step s = step("MmUnlockPages", call("MmUnlockPages", Protocol.IOCTL_UNLOCK,
                Requests.object(PfnWindow.FIRST, mdl)), Step.ValueKind.NONE);
        MdlSnapshot before = s.before();
        if (locked != null && before != null && before.pfnsValid() && !before.pfnsComplete()) {
            s = s.withSnapshots(before.withPfns(locked), s.after());
        }
        return s;
    }

    /**
     * {@code IoFreeMdl(Mdl)}: frees an {@code IoAllocateMdl} MDL (a mapped partial's mapping with it).
     *
     * @param mdl the MDL's id
     * @return the step
     */
    public Step ioFreeMdl(int mdl) {
        return free("IoFreeMdl", mdl, Protocol.FREE_IOFREEMDL);
    }

    /**
     * {@code ExFreePool} of MDL storage: an {@code MmInitializeMdl} MDL, or a page allocation's MDL after
     * {@code MmFreePagesFromMdl}.
     *
     * @param mdl the MDL's id
     * @return the step
     */
    public Step exFreePoolMdl(int mdl) {
        return free("ExFreePool", mdl, Protocol.FREE_EXFREEPOOL);
    }

    private Step free(String op, int mdl, int method) {
        Step s = step(op, call(op, Protocol.IOCTL_FREE_MDL, Requests.freeMdl(PfnWindow.FIRST, mdl, method)),
                Step.ValueKind.NONE);
        if (s.succeeded()) {
            pagesSpanned.remove(mdl);
        }
        return s;
    }

    /**
     * {@code ExAllocatePoolWithTag(NonPagedPoolNx)} of whole pages, zeroed: a kernel buffer the driver owns for
     * this handle. {@link #allocateKernelBuffer} is the typed form.
     *
     * @param size bytes, rounded up to whole pages
     * @return the step; {@code objectId} names the buffer, the value is its kernel address
     */
    public Step exAllocatePool(long size) {
        return step("ExAllocatePool", call("ExAllocatePool", Protocol.IOCTL_POOL_ALLOCATE, Requests.poolAllocate(size)),
                Step.ValueKind.ADDRESS);
    }

    /**
     * {@code ExAllocatePoolWithTag(NonPagedPoolNx)} of a small block: the buffer starts {@code pageOffset} bytes into
     * its own zeroed block of {@code ROUND_UP(pageOffset + size, 4096)} bytes, so an MDL over it has that
     * {@code ByteOffset} and never exposes another allocation.
     *
     * @param size       bytes, at least 1
     * @param pageOffset a multiple of 16 below 4096
     * @return the step; {@code objectId} names the buffer, the value is its kernel address (block + pageOffset)
     */
    public Step exAllocatePool(long size, int pageOffset) {
        return step("ExAllocatePool", call("ExAllocatePool", Protocol.IOCTL_POOL_ALLOCATE,
                Requests.poolAllocate(size, pageOffset)), Step.ValueKind.ADDRESS);
    }

    /**
     * {@code ExFreePoolWithTag} of a kernel buffer; refused while an MDL of this handle overlaps it.
     *
     * @param kernelBuffer the buffer's id
     * @return the step
     */
    public Step exFreePool(int kernelBuffer) {
        return step("ExFreePool", call("ExFreePool", Protocol.IOCTL_POOL_FREE,
                Requests.object(PfnWindow.NONE, kernelBuffer)), Step.ValueKind.NONE);
    }

    /**
     * The MDL as it is now, with every PFN; changes nothing.
     *
     * @param mdl the MDL's id
     * @return the step; {@code after} is the MDL
     */
    public Step query(int mdl) {
        return step("Query", call("Query", Protocol.IOCTL_QUERY, Requests.object(PfnWindow.FIRST, mdl)),
                Step.ValueKind.NONE);
    }

    /**
     * DescribeChain with raw protocol values, for scripted misuse (an out-of-range operation or cleanup is a bad
     * parameter the driver reports). {@link #describeChain(List, ChainCleanup)} is the typed form.
     *
     * @param ranges  the ranges, with {@code LOCK_OPERATION} values
     * @param cleanup {@link Protocol#CLEANUP_IO_MANAGER} or {@link Protocol#CLEANUP_DRIVER}
     * @return the step: {@link Step#chain()} holds the chain's snapshots, {@link Step#chainStatuses()} the status
     *         of each range
     */
    public Step describeChain(List<Requests.ChainRange> ranges, int cleanup) {
        Reply r = call("DescribeChain", Protocol.IOCTL_DESCRIBE_CHAIN, Requests.chain(PfnWindow.FIRST, ranges, cleanup));
        Step s = step("DescribeChain", r, Step.ValueKind.NUMBER);
        ByteBuffer d = ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN);
        List<NtStatus> statuses = new ArrayList<>();
        for (int i = 0; i + 4 <= r.data().length; i += 4) {
            statuses.add(NtStatus.of(d.getInt(i)));
        }
        return new Step(s.op(), s.status(), s.stage(), s.detail(), s.objectId(), s.value(), Step.ValueKind.STATUSES,
                null, null, s.chain(), s.data(), List.copyOf(statuses));
    }

    /**
     * DescribeChain, typed: one MDL per range on one IRP, each allocated with {@code IoAllocateMdl(..., Irp)} (the
     * first as the IRP's {@code MdlAddress}, the rest as secondary buffers linked through {@code Next}) and locked
     * with {@code MmProbeAndLockPages(UserMode, operation)}; then released as {@code cleanup} says.
     *
     * @param ranges  1 to {@link Protocol#MAX_CHAIN_RANGES} ranges of the calling process's memory
     * @param cleanup who unlocks and frees the chain afterwards
     * @return every range with its status and, when it was described, its MDL on the chain
     */
    public ChainResult describeChain(List<ChainRange> ranges, ChainCleanup cleanup) {
        Step s = describeChain(ranges.stream().map(ChainRange::toRequest).toList(), cleanup.value());
        return ChainResult.of(s, ranges);
    }

    /**
     * DirectIo: a {@code METHOD_IN_DIRECT} ({@code inDirect}) or {@code METHOD_OUT_DIRECT} call whose output buffer is
     * {@code [address, +length)}, so the I/O manager builds and locks the IRP's MDL before the driver runs. When the
     * I/O manager fails the call first, the step reports that status with no snapshot.
     *
     * @param address  the output buffer's user address
     * @param length   its length (not 0)
     * @param inDirect {@code METHOD_IN_DIRECT} (the buffer is read) rather than {@code METHOD_OUT_DIRECT} (written)
     * @return the step; {@code before} is {@code Irp->MdlAddress} as the driver received it, {@code after} the same
     *         MDL after {@code MmGetSystemAddressForMdlSafe}
     */
    public synchronized Step directIo(long address, int length, boolean inDirect) {
        if (closed) {
            throw new IllegalStateException("DirectIo: the bridge is closed");
        }
        int code = inDirect ? Protocol.IOCTL_DIRECT_IN : Protocol.IOCTL_DIRECT_OUT;
        IoResult r = channel.controlDirect(code, Requests.header(PfnWindow.NONE), address, length);
        if (!r.ok()) {
            NtStatus st = NtStatus.of(r.ntStatus());
            return new Step("DirectIo", st, Protocol.STAGE_DDI, 0, 0, 0, Step.ValueKind.NONE, null, null, List.of(),
                    new byte[0], "the I/O manager failed the request before the driver ran (Win32 error "
                    + r.win32Error() + ")");
        }
        Reply fetched = call("DirectIo", Protocol.IOCTL_DIRECT_FETCH, Requests.header(PfnWindow.FIRST));
        return step("DirectIo", fetched, Step.ValueKind.ADDRESS);
    }

    /**
     * {@code MmAllocatePagesForMdlEx(0, MAXULONG64, 0, size, MmCached, flags)}: physical pages with an MDL that
     * describes them (not mapped); it may describe fewer bytes than asked.
     *
     * @param size  bytes wanted
     * @param flags {@code MM_ALLOCATE_*} flags; {@code MM_DONT_ZERO_ALLOCATION} is refused
     * @return the step; {@code objectId} names the page allocation
     */
    public Step mmAllocatePagesForMdlEx(long size, int flags) {
        return step("MmAllocatePagesForMdlEx", call("MmAllocatePagesForMdlEx", Protocol.IOCTL_ALLOCATE_PAGES,
                Requests.allocatePages(PfnWindow.FIRST, size, flags)), Step.ValueKind.NONE);
    }

    /**
     * {@code MmAllocatePagesForMdlEx(lowAddress, highAddress, skipBytes, size, cacheType, flags)}: physical pages in
     * {@code [lowAddress, highAddress]} (then shifted by {@code skipBytes}, as Windows iterates), zeroed, made with
     * {@code cacheType}. The requested size is charged; the MDL may describe less ({@code ByteCount} says), and
     * every later step is bounded by what it describes.
     *
     * @param lowAddress  lowest physical address, inclusive
     * @param highAddress highest physical address, inclusive ({@code Protocol.HIGHEST_PHYSICAL_ADDRESS}: anywhere)
     * @param skipBytes   a multiple of the page size; 0 for one range
     * @param size        {@code TotalBytes}
     * @param cacheType   {@code Protocol.MM_NON_CACHED}, {@code MM_CACHED} or {@code MM_WRITE_COMBINED}
     * @param flags       {@code MM_ALLOCATE_*} bits of {@code Protocol.MM_ALLOCATE_ACCEPTED_FLAGS}
     * @return the step; {@code objectId} names the page allocation
     */
    public Step mmAllocatePagesForMdlEx(long lowAddress, long highAddress, long skipBytes, long size, int cacheType,
                                        int flags) {
        return step("MmAllocatePagesForMdlEx", call("MmAllocatePagesForMdlEx", Protocol.IOCTL_ALLOCATE_PAGES,
                Requests.allocatePages(PfnWindow.FIRST, size, flags, cacheType, lowAddress, highAddress, skipBytes)),
                Step.ValueKind.NONE);
    }

    /**
     * {@code MmFreePagesFromMdl(Mdl)}: frees the pages of a page allocation; the MDL itself is then released with
     * {@link #exFreePoolMdl}.
     *
     * @param mdl the page allocation's id
     * @return the step
     */
    public Step mmFreePagesFromMdl(int mdl) {
        return step("MmFreePagesFromMdl", call("MmFreePagesFromMdl", Protocol.IOCTL_FREE_PAGES,
                Requests.object(PfnWindow.FIRST, mdl)), Step.ValueKind.NONE);
    }

    /**
     * INFO: what the driver says about itself, the machine, its limits and their use.
     *
     * @return the step; {@code extra} is the {@link Info}
     */
    public Step info() {
        Reply r = call("Info", Protocol.IOCTL_INFO, Requests.header(PfnWindow.NONE));
        Info i = ReplyDecoder.info(r.data());
        return new Step("Info", r.status(), r.stage(), r.detail(), 0, 0, Step.ValueKind.INFO, null, null, List.of(),
                r.data(), i);
    }

    /**
     * The four counters of CONTRACT.md section 8 for the calling process, over all its handles.
     *
     * @return outstanding MDLs, mappings, kernel buffers and locked pages
     */
    public Counters counters() {
        return ((Info) info().orThrow().extra()).processUse().counters();
    }

    /**
     * ReleaseAll: releases everything this handle holds, in dependency order (partials and mappings, then locks,
     * MDLs and kernel buffers).
     *
     * @return what it released
     */
    public Counters releaseAll() {
        Reply r = call("ReleaseAll", Protocol.IOCTL_RELEASE_ALL, Requests.header(PfnWindow.NONE));
        pagesSpanned.clear();
        return ReplyDecoder.counters(r.data());
    }

    // ----------------------------------------------------------------------------------------- one-shot

    /**
     * The one-shot describe: IoAllocateMdl, MmProbeAndLockPages(UserMode), MmGetSystemAddressForMdlSafe,
     * MmUnlockPages (whose {@code before} carries the locked PFNs), IoFreeMdl. Stops early only where Windows would: a
     * failed probe skips the mapping and the unlock; a failed allocation ends it.
     *
     * @param address   the range's user address
     * @param length    its length in bytes
     * @param operation the access the pages are locked for
     * @return every step, in order
     */
    public Describe describe(long address, int length, LockOperation operation) {
        List<Step> steps = new ArrayList<>();
        Step alloc = ioAllocateMdl(address, length);
        steps.add(alloc);
        if (!alloc.succeeded()) {
            return new Describe(steps);
        }
        int mdl = alloc.objectId();
        Step probe = mmProbeAndLockPages(mdl, AccessMode.USER_MODE, operation);
        steps.add(probe);
        if (probe.succeeded()) {
            steps.add(mmGetSystemAddressForMdlSafe(mdl, defaultPriority()));
            steps.add(mmUnlockPages(mdl));
        }
        steps.add(ioFreeMdl(mdl));
        return new Describe(steps);
    }

    // ---------------------------------------------------------------------------------------- typed objects

    /**
     * An MDL from {@code IoAllocateMdl}; closing it releases whatever it still holds (partials, system mapping,
     * locks, itself).
     *
     * @param address the range's virtual address
     * @param length  its length in bytes
     * @return the MDL
     * @throws DdiException when {@code IoAllocateMdl} failed or was refused
     */
    public Mdl allocateMdl(long address, int length) {
        Step s = ioAllocateMdl(address, length).orThrow();
        return new Mdl(this, s.objectId(), s.after());
    }

    /**
     * A committed buffer of the calling process ({@code VirtualAlloc(MEM_RESERVE | MEM_COMMIT)}); closing it
     * releases it.
     *
     * @param size    bytes, rounded up to whole pages
     * @param protect a {@code PAGE_*} protection ({@link UserMemory#PAGE_READWRITE}, ...)
     * @return the buffer
     */
    public UserBuffer allocateUserBuffer(long size, int protect) {
        return new UserBuffer(memory(), memory().allocate(size, protect, false), size);
    }

    /**
     * A zeroed nonpaged kernel buffer owned by the driver for this handle; closing it frees it.
     *
     * @param size bytes, rounded up to whole pages
     * @return the buffer
     * @throws DdiException when the allocation failed or a limit was reached
     */
    public KernelBuffer allocateKernelBuffer(long size) {
        Step s = exAllocatePool(size).orThrow();
        return new KernelBuffer(this, s.objectId(), s.value(), size, 0);
    }

    /**
     * A zeroed nonpaged kernel buffer of {@code size} bytes that starts {@code pageOffset} bytes into a block of its
     * own ({@code ROUND_UP(pageOffset + size, 4096)} bytes, charged to {@code maxKernelBufferBytes}): the shape of a
     * small pool allocation. An MDL over it has {@code ByteOffset} = {@code pageOffset}, and KernelMode probes and
     * nonpaged builds must stay inside {@code [address, address + size)}.
     *
     * <pre>{@code
     * try (KernelBuffer small = bridge.allocateKernelBuffer(100, 0x40);
     *      Mdl mdl = bridge.allocateMdl(small.address(), 100)) {      // ByteOffset 0x40
     *     mdl.buildForNonPagedPool().orThrow();
     * }
     * }</pre>
     *
     * @param size       bytes, at least 1
     * @param pageOffset a multiple of 16 below 4096
     * @return the buffer; its address is the block's + {@code pageOffset}
     * @throws DdiException when a parameter is wrong ({@code PARAM_PAGE_OFFSET}, {@code PARAM_SIZE}), a limit was
     *         reached or the allocation failed
     */
    public KernelBuffer allocateKernelBuffer(long size, int pageOffset) {
        Step s = exAllocatePool(size, pageOffset).orThrow();
        return new KernelBuffer(this, s.objectId(), s.value(), size, pageOffset);
    }

    /**
     * {@code MmAllocateMappingAddress(size, 'bLDM')}: reserves system address space to map MDLs into later with
     * {@link Reservation#map(Mdl, CacheType)}; charged {@code ROUND_UP(size, 4096)} bytes of
     * {@code maxSystemMappingBytes} until it is closed ({@code MmFreeMappingAddress}).
     *
     * <pre>{@code
     * try (Reservation r = bridge.reserveMapping(4 * 4096)) {
     *     try (SystemMapping m = r.map(lockedMdl, CacheType.CACHED)) {
     *         byte[] head = m.read(0, 16);
     *     }                                                      // MmUnmapReservedMapping
     * }                                                          // MmFreeMappingAddress
     * }</pre>
     *
     * @param bytes {@code NumberOfBytes}, at least 1
     * @return the reservation
     * @throws DdiException for a size of 0 ({@code PARAM_SIZE}), over a limit, when the DDI returned NULL
     *         ({@code STATUS_INSUFFICIENT_RESOURCES}), or where Windows does not export it
     *         ({@code STATUS_NOT_SUPPORTED}, {@code DDI_MM_UNAVAILABLE})
     */
    public Reservation reserveMapping(long bytes) {
        Step s = mmAllocateMappingAddress(bytes).orThrow();
        return new Reservation(this, s.objectId(), s.value(), bytes);
    }

    /**
     * {@code MmAllocatePagesForMdlEx} with every argument from a request: physical pages in the request's address
     * range, made with its cache type, and an MDL describing them.
     *
     * <pre>{@code
     * try (PageAllocation pages = bridge.allocatePages(PageAllocationRequest.of(1 << 20)
     *         .flags(AllocationFlag.FULLY_REQUIRED))) {
     *     long[] frames = pages.snapshot().pfns();                  // 256 PFNs
     * }                                                             // MmFreePagesFromMdl, ExFreePool
     * }</pre>
     *
     * @param request the arguments
     * @return the allocation; its {@link PageAllocation#byteCount()} may be less than asked without
     *         {@link AllocationFlag#FULLY_REQUIRED}
     * @throws DdiException for a bad argument (the {@code PARAM_*} detail names it), over
     *         {@code maxPageAllocationBytes}, or when the DDI returned NULL ({@code STATUS_INSUFFICIENT_RESOURCES})
     */
    public PageAllocation allocatePages(PageAllocationRequest request) {
        Step s = mmAllocatePagesForMdlEx(request.lowAddress(), request.highAddress(), request.skipBytes(),
                request.size(), request.cacheType().value(), AllocationFlag.bits(request.flags())).orThrow();
        return new PageAllocation(this, s, request);
    }

    /**
     * The administrator limits in force for this driver (CONTRACT.md section 4): each one's value, whether an
     * administrator configured it (the driver's {@code Parameters} key, or a simulator setting), and whether the
     * configured value was clamped. The driver reads them once at load, so they are those of {@link #driverInfo()}.
     *
     * <pre>{@code
     * AdministratorLimit pages = bridge.limits().get("maxPageAllocationBytes");
     * if (pages.value() < (2L << 30)) { ... }                       // the default is 64 MiB
     * }</pre>
     *
     * @return the limits, by name
     */
    public AdministratorLimits limits() {
        return AdministratorLimits.of(openInfo);
    }

    // -------------------------------------------------------------------------------------------- handles

    /**
     * Opens another handle of the same process on the same backend, as a second {@code CreateFile} of
     * {@code \\.\MdlBridge} would. The new bridge shares this one's backend and {@link #memory() user memory}, so
     * both can describe the same user buffer; each handle keeps its own objects (an id one handle returned means
     * nothing to the other, CONTRACT.md section 1), its own limits and its own release. Closing the new bridge
     * releases and closes only its own handle; the backend stays open until the bridge that opened it (or its
     * owner) closes it, which also closes every handle still open on it.
     *
     * @return a bridge on the new handle; close it when done
     * @throws IllegalStateException when this bridge is closed
     * @throws dev.mdlbridge.spi.BackendException when the backend cannot open another handle
     */
    public MdlBridge openHandle() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("OpenHandle: the bridge is closed");
            }
        }
        return new MdlBridge(selection, false);
    }

    /**
     * DuplicateHandle of this bridge's handle (simulator only): into the same process, two handles then name one
     * file object, which the driver counts as shared (CONTRACT section 1: no new user mapping, and once it holds
     * user mappings no new lock, mapping or page allocation); into another process, every request sent on the
     * duplicate comes from that process and fails with {@code STATUS_ACCESS_DENIED}. The duplicate's
     * {@link #memory()} is still the current process's. Closing the duplicate closes only that handle: the driver
     * releases the file object's objects when its last handle closes or its owner exits.
     *
     * @param intoOtherProcess into a second simulated process, rather than into this one
     * @return a bridge on the duplicated handle
     * @throws UnsupportedOperationException off the simulator, where no test can put a handle into another process
     * @throws IllegalStateException when this bridge is closed
     */
    public synchronized MdlBridge duplicate(boolean intoOtherProcess) {
        if (closed) {
            throw new IllegalStateException("DuplicateHandle: the bridge is closed");
        }
        dev.mdlbridge.spi.SimulatorControl sim = backend.capability(dev.mdlbridge.spi.SimulatorControl.class)
                .orElseThrow(() -> new UnsupportedOperationException("DuplicateHandle is simulator only"));
        DeviceChannel d = intoOtherProcess ? sim.duplicateIntoOtherProcess(channel)
                : sim.duplicateInSameProcess(channel);
        return new MdlBridge(this, d);
    }

    /**
     * Whether this bridge is a {@link #duplicate(boolean) duplicated} handle.
     *
     * @return true for a duplicate
     */
    public boolean isDuplicate() {
        return duplicate;
    }

    // -------------------------------------------------------------------------------------------- closing

    /**
     * The scenario language's {@code CloseHandle}: ReleaseAll, close this handle, open a new one on the same
     * backend.
     *
     * @param released receives what the ReleaseAll released
     * @return the new bridge (this one is closed)
     */
    public synchronized MdlBridge reopen(java.util.function.Consumer<Counters> released) {
        if (closed) {
            throw new IllegalStateException("CloseHandle: the bridge is closed");
        }
        if (duplicate) {
            throw new IllegalStateException("CloseHandle: a duplicated handle is closed, not reopened");
        }
        Counters c = releaseAll();
        closed = true;
        channel.close();
        released.accept(c);
        return new MdlBridge(selection, ownsBackend);
    }

    /**
     * Releases everything ({@code ReleaseAll}), closes the handle, and the backend if the bridge chose it; a
     * duplicated handle is only closed. Does nothing the second time.
     *
     * @return what was released; zero for a duplicate or a closed bridge
     */
    public synchronized Counters closeAndReport() {
        if (closed) {
            return Counters.ZERO;
        }
        if (duplicate) {
            // CloseHandle of one of several handles: no ReleaseAll, which would release what the other handles
            // of the file object still use; the driver's CLEANUP runs if this was the last one
            closed = true;
            channel.close();
            return Counters.ZERO;
        }
        Counters released;
        try {
            released = releaseAll();
        } finally {
            closed = true;
            channel.close();
            if (ownsBackend) {
                backend.close();
            }
        }
        return released;
    }

    /**
     * {@link #closeAndReport()}, discarding the report.
     */
    @Override
    public void close() {
        closeAndReport();
    }
}
