package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.simulator.driver.TableObject.Kind;
import dev.mdlbridge.simulator.driver.ObjectTable.Release;
import dev.mdlbridge.simulator.kernel.Irp;
import dev.mdlbridge.simulator.kernel.Kernel;
import dev.mdlbridge.simulator.kernel.Mdl;
import dev.mdlbridge.simulator.kernel.NtStatusException;
import dev.mdlbridge.simulator.kernel.SimProcess;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * One method per IOCTL of mdlbridge.h: the CONTRACT section 3 checks in their order, the DDI, the snapshots
 * before and after. The twin of driver/src/ops.c. Runs under the handle's lock.
 */
final class Operations {

    static final int TAG_MDL_STORAGE = 0x534C444D; // 'MDLS'
    static final int TAG_KERNEL_BUFFER = 0x424C444D; // 'MDLB'
    static final int TAG_RESERVATION = 0x624C444D;   // 'bLDM': MmAllocateMappingAddress and its siblings

    private boolean removed(SafetyRefusal r) {
        return driver.removed.contains(r);
    }

    /** Under {@link UserRanges#lock}: whether the range overlaps a user mapping of the handle's process. */
    private boolean inUserRange(FileHandle h, long va, long len) {
        return !removed(SafetyRefusal.PROCESS_WIDE_USER_RANGES) && driver.userRanges.overlaps(h.owner, va, len);
    }

    private final MdlBridgeDriver driver;
    private final Kernel k;

    Operations(MdlBridgeDriver driver) {
        this.driver = driver;
        this.k = driver.kernel;
    }

    /** Everything one request needs; the request is a private copy (the reply overwrites the system buffer). */
    static final class Op {
        final FileHandle h;
        final SimProcess caller;
        final int code;
        final ByteBuffer in;
        final ReplyWriter r;
        /** The limit a table growth hit ({@link #tableInsert}), else 0. */
        int insertLimit;

        Op(FileHandle h, SimProcess caller, int code, ByteBuffer in, ReplyWriter r) {
            this.h = h;
            this.caller = caller;
            this.code = code;
            this.in = in;
            this.r = r;
        }
    }

    // ------------------------------------------------------------------------------------------ accounting

    private int reserve(FileHandle h, ResourceUse add) {
        return driver.reserve(h, add);
    }

    private void unreserve(FileHandle h, ResourceUse sub) {
        driver.unreserve(h, sub);
    }

    /**
     * A system mapping of an MDL takes system address space for the pages it spans: charged to
     * maxSystemMappingBytes before the DDI runs, given back when the mapping ends (CONTRACT section 4; the twin of
     * mapping_use / end_mapping in ops.c).
     */
    private static ResourceUse mappingUse(TableObject m) {
        ResourceUse d = new ResourceUse();
        d.mappings = 1;
        d.systemMappingBytes = ProtocolRules.spanPages(m.va, m.length) * PAGE_SIZE;
        return d;
    }

    /** The MDL's system mapping ended: its charge back, and its mapping object (MAP_KERNEL) with it. */
    private void endMapping(FileHandle h, TableObject m) {
        unreserve(h, mappingUse(m));
        TableObject obj = h.table.mappingObjectOf(m);
        if (obj != null && obj.kind == Kind.KERNEL_MAPPING) {
            ResourceUse d = new ResourceUse();
            d.objects = 1;
            unreserve(h, d);
            h.table.remove(obj);
        }
    }

    /** What an object holds, so that its release gives back exactly what it took. */
    private static ResourceUse chargeOf(TableObject o) {
        ResourceUse d = new ResourceUse();
        d.objects = 1;
        if (o.kind == Kind.KERNEL_BUFFER) {
            d.kernelBuffers = 1;
            d.kernelBufferBytes = o.pageBytes;
        } else if (o.kind == Kind.USER_MAPPING || o.kind == Kind.RESERVED_MAPPING) {
            d.mappings = 1;   // a reserved mapping object (a kernel-mode one goes with endMapping)
        } else if (o.kind == Kind.RESERVATION) {
            d.systemMappingBytes = reservationBytes(o.length);
        } else {
            d.mdls = 1;
            d.poolBytes = o.poolBytes;
            d.pageBytes = o.pageBytes;
            d.lockedBytes = o.lockedBytes; // non-zero only when unchecked mode freed a locked MDL
        }
        return d;
    }

    // --------------------------------------------------------------------------------------------- replies

    private static void refuse(Op o, int why) {
        o.r.status(NtStatus.INVALID_DEVICE_STATE.value(), STAGE_REFUSED, why);
    }

    private static void overLimit(Op o, int which) {
        o.r.status(NtStatus.QUOTA_EXCEEDED.value(), STAGE_LIMIT, which);
    }

    private static void ddiFailed(Op o, int status, int ddi) {
        o.r.status(status, STAGE_DDI, ddi);
    }

    /** A section 3 refusal, unless the driver runs unchecked (misuse then reaches the kernel). */
    private boolean refused(Op o, int why) {
        if (why == 0 || driver.unchecked) {
            return false;
        }
        refuse(o, why);
        return true;
    }

    private static int kindOf(TableObject m) {
        return switch (m.kind) {
            case INIT_MDL -> KIND_INITIALIZED;
            case PARTIAL -> KIND_PARTIAL;
            case PAGES -> KIND_PAGES;
            default -> KIND_IO_ALLOCATED;
        };
    }

    /** Reads an MDL the way CONTRACT section 6 says: fields Windows leaves undefined are not read at all. */
    static MdlView view(Mdl mdl, int kind, long capacity, int valid) {
        int flags = mdl.flags();
        if ((flags & 0x0005) != 0) { // MDL_MAPPED_TO_SYSTEM_VA | MDL_SOURCE_IS_NONPAGED_POOL
            valid |= VALID_MAPPED_SYSTEM_VA;
        } else {
            valid &= ~VALID_MAPPED_SYSTEM_VA;
        }
        long process = (valid & VALID_PROCESS) != 0 ? mdl.process() : 0;
        long msv = (valid & VALID_MAPPED_SYSTEM_VA) != 0 ? mdl.mappedSystemVa() : 0;
        MdlView.PfnSource pfns = (valid & VALID_PFNS) != 0 ? (start, t, n) -> mdl.copyPfns(start, t, 0, n) : null;
        return new MdlView(mdl.address(), mdl.next(), process, msv, mdl.startVa(), mdl.size(), flags,
                mdl.allocationProcessorNumber(), Integer.toUnsignedLong(mdl.byteCount()), mdl.byteOffset(), valid,
                kind, capacity, pfns);
    }

    private static int validOf(ObjectTable t, TableObject m) {
        int v = 0;
        if (m.has(TableObject.ST_PROC_VALID)) {
            v |= VALID_PROCESS;
        }
        if (t.hasPages(m)) {
            v |= VALID_PFNS;
        }
        return v | VALID_MAPPED_SYSTEM_VA; // view() decides from the flags
    }

    private static void snap(Op o, TableObject m, int role) {
        if (m == null) {
            return;
        }
        o.r.snapshot(view(m.mdl, kindOf(m), m.pfnCapacity, validOf(o.h.table, m)), role, m.id);
    }

    /** PFN slots recorded at allocation: pages spanned, never more than the kernel allocated, never Size. */
    private static long capacityOf(Mdl mdl, long va, long len) {
        return Math.min(ProtocolRules.spanPages(va, len), Integer.toUnsignedLong(mdl.pfnCapacity()));
    }

    private static long mdlPoolBytes(long va, long len) {
        return MDL_HEADER_SIZE + (long) PFN_WIDTH * ProtocolRules.spanPages(va, len);
    }

    // -------------------------------------------------------------------------------------- INFO, RELEASE_ALL

    void info(Op o) {
        long[] os = driver.osVersion();
        ResourceUse hu;
        ResourceUse du;
        ResourceUse pu;
        synchronized (driver.useLock) {
            hu = o.h.use.copy();
            du = driver.driverUse.copy();
        }
        pu = driver.processUse(o.h.owner);
        int at = o.r.data(INFO_SIZE);
        if (at >= 0) {
            ByteBuffer b = o.r.buffer();
            DataEncoder.info(b, at, new DataEncoder.InfoData((int) os[0], (int) os[1], (int) os[2], ARCH_AMD64,
                    k.highestUserAddress(), k.userProbeAddress(), o.h.owner.id(), o.h.shared, driver.handleLimits,
                    driver.driverLimits, hu, pu, du, driver.quarantine.bytes(), driver.readOnlyUserMappings,
                    driver.openHandles(), hu.systemMappingBytes, pu.systemMappingBytes, du.systemMappingBytes,
                    new DataEncoder.AdministratorMasks(driver.adminLimits.maxHandles(),
                            driver.adminLimits.configuredMask(), driver.adminLimits.clampedMask())));
        }
        o.r.value(os[2]);
    }

    void releaseAll(Op o) {
        long[] c = release(o.h);
        int at = o.r.data(COUNTERS_SIZE);
        if (at >= 0) {
            DataEncoder.counters(o.r.buffer(), at, c[0], c[1], c[2], c[3]);
        }
        o.r.value(c[0] + c[1] + c[2]);
    }

    // ------------------------------------------------------------------------------------------- allocation

    void sizeOfMdl(Op o) {
        RequestDecoder.Range q = RequestDecoder.range(o.in);
        o.r.value(k.mmSizeOfMdl(q.virtualAddress(), q.length()));
    }

    private TableObject insertMdl(Op o, Kind kind, Mdl mdl, long va, long len, long capacity, ResourceUse charged, int parent,
                          int state) {
        TableObject p = new TableObject(kind);
        p.mdl = mdl;
        p.va = va;
        p.length = len;
        p.pfnCapacity = capacity;
        p.poolBytes = charged.poolBytes;
        p.pageBytes = charged.pageBytes;
        p.parent = parent;
        p.state = state;
        return tableInsert(o, p);
    }

    /**
     * Every insert goes through here: when the table must grow, its new slots are charged to the handle's MDL-pool
     * bytes first (CONTRACT.md §1: every allocation for a handle counts against a limit), given back when the handle
     * goes. Null when over a limit ({@code o.insertLimit} says which). The twin of table_insert in ops.c.
     */
    private TableObject tableInsert(Op o, TableObject p) {
        ResourceUse grow = new ResourceUse();
        grow.poolBytes = o.h.table.growthBytes();
        o.insertLimit = grow.poolBytes != 0 ? reserve(o.h, grow) : 0;
        if (o.insertLimit != 0) {
            return null;
        }
        o.h.tableCharge += grow.poolBytes;
        return o.h.table.insert(p);
    }

    void allocateMdl(Op o) {
        RequestDecoder.AllocateMdl q = RequestDecoder.allocateMdl(o.in);
        Mdl mdl = k.ioAllocateMdl(q.virtualAddress(), (int) q.length(), false, null);
        if (mdl == null) {
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_IO_ALLOCATE_MDL);
            return;
        }
        // The limit is checked on the MDL the DDI returned, so the operating system's own limit shows first.
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.mdls = 1;
        add.poolBytes = mdlPoolBytes(q.virtualAddress(), q.length());
        int lim = reserve(o.h, add);
        if (lim != 0) {
            k.ioFreeMdl(mdl);
            overLimit(o, lim);
            return;
        }
        TableObject m = insertMdl(o, Kind.MDL, mdl, q.virtualAddress(), q.length(),
                capacityOf(mdl, q.virtualAddress(), q.length()), add, 0, 0);
        if (m == null) {
            k.ioFreeMdl(mdl);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        o.r.object(m.id);
        o.r.value(mdl.address());
        snap(o, m, ROLE_AFTER);
    }

    void initializeMdl(Op o) {
        RequestDecoder.AllocateMdl q = RequestDecoder.allocateMdl(o.in);
        long size = k.mmSizeOfMdl(q.virtualAddress(), q.length());
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.mdls = 1;
        add.poolBytes = size;
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        // Separate storage, never inside a kernel buffer the caller can write.
        Mdl mdl = k.allocateAndInitializeMdl(q.virtualAddress(), (int) q.length(), TAG_MDL_STORAGE);
        if (mdl == null) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_EX_ALLOCATE_POOL);
            return;
        }
        TableObject m = insertMdl(o, Kind.INIT_MDL, mdl, q.virtualAddress(), q.length(),
                capacityOf(mdl, q.virtualAddress(), q.length()), add, 0, 0);
        if (m == null) {
            k.exFreePoolMdl(mdl);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        o.r.object(m.id);
        o.r.value(mdl.address());
        snap(o, m, ROLE_AFTER);
    }

    // ---------------------------------------------------------------------------------- probe, build, unlock

    /** The driver's __try/__except around a DDI that raises; a bug check is not an exception and passes. */
    interface Raising {
        void run() throws NtStatusException;
    }

    static int guarded(Raising body) {
        try {
            body.run();
            return 0;
        } catch (NtStatusException e) {
            return e.status() == 0 ? 0xC0000001 : e.status(); // STATUS_UNSUCCESSFUL for a code-less raise
        }
    }

    void probe(Op o, TableObject m) {
        RequestDecoder.Probe q = RequestDecoder.probe(o.in);
        // Shared from the range check until the pages are locked: no user mapping can appear over them between.
        var ranges = driver.userRanges.lock.readLock();
        ranges.lock();
        int st;
        ResourceUse add = new ResourceUse();
        try {
            int why = o.h.table.checkProbe(m, q.accessMode(), inUserRange(o.h, m.va, m.length), o.h.shared);
            if (why == 0 && q.accessMode() == USER_MODE) {
                why = uncachedRange(o.caller, m.va, m.length);
            }
            if (refused(o, why)) {
                return;
            }
            add.lockedBytes = ProtocolRules.spanPages(m.va, m.length) * PAGE_SIZE;
            int lim = reserve(o.h, add);
            if (lim != 0) {
                overLimit(o, lim);
                return;
            }
            snap(o, m, ROLE_BEFORE);
            st = guarded(() -> k.mmProbeAndLockPages(m.mdl, o.caller, q.accessMode(), q.operation()));
        } finally {
            ranges.unlock();
        }
        if (st >= 0 && (m.mdl.flags() & MDL_IO_SPACE_FLAG) != 0 && !driver.unchecked) {
            // Device memory: unlocked again at once, the MDL as after a failed probe (CONTRACT section 2).
            k.mmUnlockPages(m.mdl);
            m.state &= ~TableObject.ST_PROC_VALID;
            unreserve(o.h, add);
            refuse(o, REFUSE_IO_SPACE);
            o.r.object(m.id);
            snap(o, m, ROLE_AFTER);
            return;
        }
        if (st >= 0) {
            if (q.accessMode() == KERNEL_MODE) {
                m.state |= TableObject.ST_DRIVER_PAGES; // only kernel-buffer ranges get here (3.2)
            }
            m.state |= TableObject.ST_LOCKED | TableObject.ST_PROC_VALID;
            if (q.operation() != IO_READ_ACCESS) {
                m.state |= TableObject.ST_WRITE;
            } else {
                m.state &= ~TableObject.ST_WRITE;
            }
            m.lockedBytes += add.lockedBytes;
        } else {
            m.state &= ~TableObject.ST_PROC_VALID;
            unreserve(o.h, add);
            ddiFailed(o, st, DDI_MM_PROBE_AND_LOCK_PAGES);
        }
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    void buildNonpaged(Op o, TableObject m) {
        if (refused(o, o.h.table.checkBuildNonpaged(m))) {
            return;
        }
        snap(o, m, ROLE_BEFORE);
        k.mmBuildMdlForNonPagedPool(m.mdl);
        m.state |= TableObject.ST_NONPAGED | TableObject.ST_PROC_VALID;
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    /** The common part of an unlock, for the IOCTL and the release path. */
    private void unlockMdl(FileHandle h, TableObject m) {
        k.mmUnlockPages(m.mdl);
        if (m.has(TableObject.ST_SYSMAP)) {
            endMapping(h, m); // MmUnlockPages removes the system mapping of a full MDL
        }
        ResourceUse d = new ResourceUse();
        d.lockedBytes = m.lockedBytes;
        unreserve(h, d);
        m.lockedBytes = 0;
        m.state &= ~(TableObject.ST_LOCKED | TableObject.ST_WRITE | TableObject.ST_SYSMAP | TableObject.ST_SYSADDR | TableObject.ST_NOWRITE);
    }

    void unlock(Op o, TableObject m) {
        int why = ObjectTable.checkUnlock(m);
        if (why == REFUSE_RESERVED_MAPPING_LIVES && removed(SafetyRefusal.RESERVED_MAPPING_LIVES_ON_UNLOCK)) {
            // the mutation drops this one refusal only: the unlock's other checks still apply
            m.state &= ~TableObject.ST_RESERVED_MAP;
            why = ObjectTable.checkUnlock(m);
            m.state |= TableObject.ST_RESERVED_MAP;
        }
        if (refused(o, why)) {
            return;
        }
        snap(o, m, ROLE_BEFORE); // the locked PFNs, before MmUnlockPages makes them undefined
        unlockMdl(o.h, m);
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    // ------------------------------------------------------------------------------------------ mappings

    /** Every system mapping is never executable, on profiles where the modifier exists. */
    private int noExecute() {
        return k.profile().mappingModifiers() ? MAPPING_NO_EXECUTE : 0;
    }

    void mapSystem(Op o, TableObject m) {
        RequestDecoder.MapSystem q = RequestDecoder.mapSystem(o.in);
        if (refused(o, o.h.table.checkMap(m, false, o.h.shared))) {
            return;
        }
        boolean had = (m.mdl.flags() & 0x0005) != 0;
        ResourceUse add = mappingUse(m);
        if (!had) {
            int lim = reserve(o.h, add);
            if (lim != 0) {
                overLimit(o, lim);
                return;
            }
        }
        snap(o, m, ROLE_BEFORE);
        long va = k.mmGetSystemAddressForMdlSafe(m.mdl, q.priority() | noExecute());
        if (va == 0) {
            if (!had) {
                unreserve(o.h, add);
            }
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_MM_MAP_LOCKED_PAGES);
        } else {
            if (!had) {
                m.state |= TableObject.ST_SYSMAP;
                if ((q.priority() & MAPPING_NO_WRITE) != 0) {
                    m.state |= TableObject.ST_NOWRITE;
                }
            }
            m.state |= TableObject.ST_SYSADDR;
            m.systemVa = va;
            o.r.value(va);
        }
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    void mapUser(Op o, TableObject m) {
        RequestDecoder.MapUser q = RequestDecoder.mapUser(o.in);
        // o.h.shared was counted for this request before the handle's lock was taken (MdlBridgeDriver.countHandles)
        boolean nowrite = !o.h.table.writable(m) || (q.priority() & MAPPING_NO_WRITE) != 0;
        int why = o.h.table.checkMap(m, true, o.h.shared);
        if (why == 0 && nowrite && !driver.readOnlyUserMappings) {
            why = REFUSE_USER_MAPPING_WRITABLE;
        }
        if (refused(o, why)) {
            return;
        }
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.mappings = 1;
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        int modifiers = k.profile().mappingModifiers() ? MAPPING_NO_EXECUTE | (nowrite ? MAPPING_NO_WRITE : 0) : 0;
        snap(o, m, ROLE_BEFORE);
        long[] va = new long[1];
        int st;
        var ranges = driver.userRanges.lock.writeLock(); // no probe of this process checks its range meanwhile
        ranges.lock();
        try {
            st = guarded(() -> va[0] = k.mmMapLockedPagesUser(m.mdl, o.caller, q.cacheType(), q.requestedAddress(),
                    q.priority() | modifiers));
            if (st == 0 && va[0] == 0) {
                st = NtStatus.INSUFFICIENT_RESOURCES.value();
            }
            if (st >= 0) {
                driver.userRanges.add(o.h.owner, va[0], m.length);
            }
        } finally {
            ranges.unlock();
        }
        if (st < 0) {
            unreserve(o.h, add);
            ddiFailed(o, st, DDI_MM_MAP_LOCKED_PAGES);
        } else {
            TableObject pages = o.h.table.driverPagesOf(m);
            if (pages != null) {
                pages.state |= TableObject.ST_USER_MAPPED; // quarantined when freed (section 2)
            }
            TableObject p = new TableObject(Kind.USER_MAPPING);
            p.parent = m.id;
            p.va = va[0];
            p.length = m.length;
            p.nowrite = nowrite;
            TableObject n = tableInsert(o, p);
            if (n == null) {
                var undo = driver.userRanges.lock.writeLock();
                undo.lock();
                try {
                    k.mmUnmapLockedPages(va[0], m.mdl, o.caller);
                    driver.userRanges.remove(o.h.owner, va[0], m.length);
                } finally {
                    undo.unlock();
                }
                unreserve(o.h, add);
                overLimit(o, o.insertLimit);
            } else {
                o.h.userMappings++;
                o.r.object(n.id);
                o.r.value(va[0]);
            }
        }
        snap(o, m, ROLE_AFTER);
    }

    private void unmapUser(FileHandle h, TableObject map) {
        TableObject m = h.table.find(map.parent);
        var ranges = driver.userRanges.lock.writeLock();
        ranges.lock();
        try {
            if (m != null && m.isMdl()) {
                k.mmUnmapLockedPages(map.va, m.mdl, h.owner); // a user address means something only in its process
            }
            driver.userRanges.remove(h.owner, map.va, map.length);
        } finally {
            ranges.unlock();
        }
        h.userMappings--;
        unreserve(h, chargeOf(map));
        h.table.remove(map);
    }

    private void unmapSystem(FileHandle h, TableObject m) {
        k.mmUnmapLockedPages(m.mdl.mappedSystemVa(), m.mdl, h.owner);
        if (m.has(TableObject.ST_SYSMAP)) {
            endMapping(h, m);
        }
        m.state &= ~(TableObject.ST_SYSMAP | TableObject.ST_SYSADDR | TableObject.ST_NOWRITE);
    }

    void unmap(Op o, TableObject map, TableObject m) {
        int mdlId;
        if (map != null && (map.kind == Kind.KERNEL_MAPPING || map.kind == Kind.RESERVED_MAPPING)) {
            // A kernel-mode mapping's id names the MDL's system mapping; a reserved one is not unmapped here.
            if (map.kind == Kind.RESERVED_MAPPING) {
                if (refused(o, REFUSE_RESERVED_MAPPING_LIVES)) {
                    return;
                }
            }
            unmap(o, null, m);
            return;
        }
        if (map != null) {
            mdlId = map.parent;
            snap(o, o.h.table.find(mdlId), ROLE_BEFORE);
            unmapUser(o.h, map);
        } else {
            mdlId = m.id;
            if (refused(o, ObjectTable.checkUnmapSystem(m))) {
                return;
            }
            snap(o, m, ROLE_BEFORE);
            unmapSystem(o.h, m);
        }
        o.r.object(mdlId);
        snap(o, o.h.table.find(mdlId), ROLE_AFTER);
    }

    void transfer(Op o, TableObject map, TableObject m, boolean write) {
        RequestDecoder.Transfer q = RequestDecoder.transfer(o.in);
        if (refused(o, o.h.table.checkTransfer(map, m, write, q.offset(), q.length()))) {
            return;
        }
        long base = map != null ? map.va : m.systemVa;
        int len = (int) q.length();
        snap(o, m, ROLE_AFTER);
        int st;
        if (write) {
            byte[] data = new byte[len];
            o.in.get(REQ_TRANSFER_SIZE, data);
            st = guarded(() -> {
                if (map != null && map.kind == Kind.USER_MAPPING) {
                    k.writeUser(o.caller, base + q.offset(), data, 0, len);
                } else {
                    k.writeKernel(base + q.offset(), data, 0, len);
                }
            });
        } else {
            int at = o.r.data(len);
            byte[] data = new byte[len];
            st = guarded(() -> {
                if (map != null && map.kind == Kind.USER_MAPPING) {
                    k.readUser(o.caller, base + q.offset(), data, 0, len);
                } else {
                    k.readKernel(base + q.offset(), data, 0, len);
                }
            });
            if (at >= 0 && st >= 0) {
                o.r.buffer().put(at, data);
            }
        }
        if (st < 0) {
            ddiFailed(o, st, DDI_MEMORY_ACCESS);
        } else {
            o.r.value(len);
        }
        o.r.object(map != null ? map.id : m.id);
    }

    // ----------------------------------------------------------------------------- partials, frees, pool

    void buildPartial(Op o, TableObject src) {
        RequestDecoder.BuildPartial q = RequestDecoder.buildPartial(o.in);
        long[] eff = new long[1];
        int why = ObjectTable.checkPartial(src, q.offset(), q.length(), eff);
        if (refused(o, why)) {
            return;
        }
        long len = why == 0 ? eff[0] : (q.length() != 0 ? q.length() : Math.max(src.length - q.offset(), 0));
        long va = src.mdl.virtualAddress() + q.offset();
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.mdls = 1;
        add.poolBytes = mdlPoolBytes(va, len);
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        Mdl tgt = k.ioAllocateMdl(va, (int) len, false, null);
        if (tgt == null) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_IO_ALLOCATE_MDL);
            return;
        }
        // Guarded as in the C driver; the simulated IoBuildPartialMdl does not raise, but the path is the twin's.
        int built = guarded(() -> k.ioBuildPartialMdl(src.mdl, tgt, va, (int) len));
        if (built < 0) {
            k.ioFreeMdl(tgt);
            unreserve(o.h, add);
            ddiFailed(o, built, DDI_IO_BUILD_PARTIAL_MDL);
            return;
        }
        int state = ObjectTable.partialState(src, (src.mdl.flags() & 0x0001) != 0,
                !removed(SafetyRefusal.PARTIAL_CARRIES_NOWRITE));
        TableObject n = insertMdl(o, Kind.PARTIAL, tgt, va, len, capacityOf(tgt, va, len), add, src.id, state);
        if (n == null) {
            k.ioFreeMdl(tgt);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        n.cacheType = src.cacheType;   // the partial describes the source's pages
        if ((state & TableObject.ST_INHERITED) != 0) {
            n.systemVa = tgt.mappedSystemVa();
        }
        o.r.object(n.id);
        o.r.value(tgt.address());
        snap(o, n, ROLE_AFTER);
        snap(o, o.h.table.find(src.id), ROLE_AFTER);
    }

    /** Frees an MDL object (the IOCTL and the release path). */
    private void freeMdl(FileHandle h, TableObject m) {
        if (m.kind == Kind.PARTIAL && m.has(TableObject.ST_SYSMAP)) {
            endMapping(h, m); // IoFreeMdl unmaps a mapped partial
        }
        if (m.kind == Kind.PAGES && m.has(TableObject.ST_QUARANTINED)) {
            // its quarantine record frees it at the owner's exit
        } else if (m.kind == Kind.INIT_MDL || m.kind == Kind.PAGES) {
            k.exFreePoolMdl(m.mdl);
        } else {
            k.ioFreeMdl(m.mdl);
        }
        unreserve(h, chargeOf(m));
        h.table.remove(m);
    }

    void freeMdl(Op o, TableObject m) {
        RequestDecoder.FreeMdl q = RequestDecoder.freeMdl(o.in);
        if (refused(o, ObjectTable.checkFree(m, q.method()))) {
            return;
        }
        int id = m.id;
        snap(o, m, ROLE_BEFORE);
        if (driver.unchecked && q.method() == FREE_IOFREEMDL && m.kind != Kind.MDL && m.kind != Kind.PARTIAL) {
            k.ioFreeMdl(m.mdl); // the misuse the caller asked for, unguarded
            unreserve(o.h, chargeOf(m));
            o.h.table.remove(m);
        } else {
            freeMdl(o.h, m);
        }
        o.r.object(id);
    }

    /**
     * A kernel buffer of Size bytes at PageOffset into its own block of ROUND_UP(PageOffset + Size, 4096) bytes:
     * the block is charged, zeroed and freed; Value and every range check use the buffer (spec 12, small pool
     * blocks).
     */
    void poolAllocate(Op o) {
        RequestDecoder.PoolAllocate q = RequestDecoder.poolAllocate(o.in);
        long pageOffset = Integer.toUnsignedLong(q.pageOffset());
        long size = (pageOffset + q.size() + PAGE_SIZE - 1) & ~(long) (PAGE_SIZE - 1);
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.kernelBuffers = 1;
        add.kernelBufferBytes = size;
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        long p = k.exAllocatePool(size, TAG_KERNEL_BUFFER);
        if (p == 0) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_EX_ALLOCATE_POOL);
            return;
        }
        // The kernel does not zero pool; kernel buffers are zeroed before anyone sees them.
        byte[] zeros = new byte[(int) Math.min(size, 1 << 20)];
        for (long at = 0; at < size; at += zeros.length) {
            k.writeKernel(p + at, zeros, 0, (int) Math.min(zeros.length, size - at));
        }
        TableObject b = new TableObject(Kind.KERNEL_BUFFER);
        b.va = p + pageOffset;
        b.pageOffset = (int) pageOffset;
        b.length = q.size();
        b.pageBytes = size;
        TableObject n = tableInsert(o, b);
        if (n == null) {
            k.exFreePool(p, TAG_KERNEL_BUFFER);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        o.r.object(n.id);
        o.r.value(b.va);
    }

    private void freeKernelBuffer(FileHandle h, TableObject b) {
        ResourceUse d = chargeOf(b);
        if (b.has(TableObject.ST_USER_MAPPED) && !removed(SafetyRefusal.PROCESS_WIDE_USER_RANGES)) {
            // The object goes (its counts with it); its bytes stay charged to the driver while quarantined.
            ResourceUse bytes = new ResourceUse();
            bytes.kernelBufferBytes = d.kernelBufferBytes;
            driver.quarantine.keep(h.owner, b.blockVa(), null, bytes);
            driver.unchargeHandleOnly(h, bytes);
            d.kernelBufferBytes = 0;
            unreserve(h, d);
        } else {
            k.exFreePool(b.blockVa(), TAG_KERNEL_BUFFER);
            unreserve(h, d);
        }
        h.table.remove(b);
    }

    void poolFree(Op o, TableObject b) {
        if (!removed(SafetyRefusal.KERNEL_BUFFER_OUTLIVES_MDLS) && refused(o, o.h.table.checkPoolFree(b))) {
            return;
        }
        int id = b.id;
        freeKernelBuffer(o.h, b);
        o.r.object(id);
    }

    void query(Op o, TableObject m) {
        o.r.object(m.id);
        o.r.value(m.mdl.address());
        snap(o, m, ROLE_AFTER);
    }

    // ------------------------------------------------------------------------------------ page allocations

    /**
     * MmAllocatePagesForMdlEx with every argument of the request. Charged for the size asked for (ROUND_UP(Size,
     * 4096) page-allocation bytes, the MDL pool of that many pages), whatever comes back; everything after is
     * bounded by the ByteCount the DDI returned, which a short allocation makes smaller (spec 12).
     */
    void allocatePages(Op o) {
        RequestDecoder.AllocatePages q = RequestDecoder.allocatePages(o.in);
        if (refused(o, ObjectTable.checkAllocatePages(o.h.shared))) {
            return;
        }
        long size = (q.size() + PAGE_SIZE - 1) & ~(long) (PAGE_SIZE - 1);
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.mdls = 1;
        add.pageBytes = size;
        add.poolBytes = mdlPoolBytes(0, size);
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        // q.flags() never holds MM_DONT_ZERO_ALLOCATION (a parameter error): the pages always come zeroed.
        Mdl mdl = k.mmAllocatePagesForMdlEx(q.lowAddress(), q.highAddress(), q.skipBytes(), q.size(), q.cacheType(),
                q.flags());
        if (mdl == null) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_MM_ALLOCATE_PAGES);
            return;
        }
        long byteCount = Integer.toUnsignedLong(mdl.byteCount());
        TableObject n = insertMdl(o, Kind.PAGES, mdl, 0, byteCount, capacityOf(mdl, 0, size), add, 0,
                TableObject.ST_PROC_VALID);
        if (n == null) {
            k.mmFreePagesFromMdl(mdl);
            k.exFreePoolMdl(mdl);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        n.cacheType = q.cacheType();
        o.r.object(n.id);
        o.r.value(byteCount);
        snap(o, n, ROLE_AFTER);
    }

    private void freePages(FileHandle h, TableObject m) {
        ResourceUse d = new ResourceUse();
        d.pageBytes = m.pageBytes;
        if (m.has(TableObject.ST_USER_MAPPED) && !removed(SafetyRefusal.PROCESS_WIDE_USER_RANGES)) {
            // The quarantine record owns the MDL from now on: MmFreePagesFromMdl and ExFreePool run at exit.
            driver.quarantine.keep(h.owner, 0, m.mdl, d);
            driver.unchargeHandleOnly(h, d);
            m.state |= TableObject.ST_QUARANTINED;
        } else {
            k.mmFreePagesFromMdl(m.mdl);
            unreserve(h, d);
        }
        m.pageBytes = 0;
        m.state |= TableObject.ST_PAGES_FREED;
    }

    void freePages(Op o, TableObject m) {
        if (refused(o, ObjectTable.checkFreePages(m))) {
            return;
        }
        snap(o, m, ROLE_BEFORE);
        freePages(o.h, m);
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    // ------------------------------------------------------------------------------------------- chains

    /** Removes a failed MDL from the IRP's chain so that the I/O manager never sees it. */
    private static void chainDetach(Irp irp, Mdl mdl) {
        if (irp.mdlAddress() == mdl) {
            irp.setMdlAddress(mdl.nextMdl());
            return;
        }
        Mdl prev = irp.mdlAddress();
        while (prev != null && prev.nextMdl() != mdl) {
            prev = prev.nextMdl();
        }
        if (prev != null) {
            prev.setNext(mdl.nextMdl());   // Next is driver-writable: detach the failed range
        }
    }

    /** A chain's pages count against the locked-bytes limit while the request runs; {@code held} collects the
     *  charge, given back when the request ends (the chain never enters the handle table). */
    private int chainOne(Op o, Irp irp, RequestDecoder.ChainRange r, Mdl[] out, ResourceUse held) {
        boolean secondary = irp.mdlAddress() != null; // never TRUE on an IRP without MdlAddress
        out[0] = null;
        ResourceUse add = new ResourceUse();
        add.lockedBytes = ProtocolRules.spanPages(r.virtualAddress(), r.length()) * PAGE_SIZE;
        if (reserve(o.h, add) != 0) {
            return NtStatus.QUOTA_EXCEEDED.value();
        }
        Mdl mdl = k.ioAllocateMdl(r.virtualAddress(), (int) r.length(), secondary, irp);
        if (mdl == null) {
            unreserve(o.h, add);
            return NtStatus.INSUFFICIENT_RESOURCES.value();
        }
        int st = guarded(() -> k.mmProbeAndLockPages(mdl, o.caller, USER_MODE, r.operation()));
        if (st < 0) {
            chainDetach(irp, mdl);
            k.ioFreeMdl(mdl);
            unreserve(o.h, add);
            return st;
        }
        held.add(add);
        out[0] = mdl;
        return 0;
    }

    private void chainFreeByDriver(Irp irp) {
        Mdl mdl = irp.mdlAddress();
        irp.setMdlAddress(null);
        while (mdl != null) {
            Mdl next = mdl.nextMdl();
            if ((mdl.flags() & 0x0002) != 0) { // MDL_PAGES_LOCKED
                k.mmUnlockPages(mdl);
            }
            k.ioFreeMdl(mdl);
            mdl = next;
        }
    }

    void chain(Op o) {
        RequestDecoder.Chain q = RequestDecoder.chain(o.in);
        RequestDecoder.ChainRange[] r = q.ranges();
        ResourceUse held = new ResourceUse();
        Irp irp;
        int[] statuses = new int[r.length];
        Mdl[] mdls = new Mdl[r.length];
        long built = 0;
        var ranges = driver.userRanges.lock.readLock(); // from the check until every range is locked
        ranges.lock();
        try {
            for (RequestDecoder.ChainRange range : r) {
                boolean overlap = inUserRange(o.h, range.virtualAddress(), range.length())
                        || o.h.table.inUserMapping(range.virtualAddress(), range.length());
                int why = overlap ? REFUSE_RANGE_IN_USER_MAPPING
                        : uncachedRange(o.caller, range.virtualAddress(), range.length());
                if (refused(o, why)) {
                    return;
                }
            }
            // The request's own IRP: the chain rides on it until it completes.
            irp = k.allocateIrp(o.caller);
            for (int i = 0; i < r.length; i++) {
                Mdl[] out = new Mdl[1];
                statuses[i] = chainOne(o, irp, r[i], out, held);
                mdls[i] = out[0];
                built += out[0] != null ? 1 : 0;
            }
        } finally {
            ranges.unlock();
        }
        // Snapshots after the whole chain is built and locked, in range order.
        for (int i = 0; i < r.length; i++) {
            if (mdls[i] != null) {
                o.r.snapshot(view(mdls[i], KIND_CHAIN, capacityOf(mdls[i], r[i].virtualAddress(), r[i].length()),
                        VALID_PROCESS | VALID_PFNS | VALID_MAPPED_SYSTEM_VA), ROLE_CHAIN, 0);
            }
        }
        int at = o.r.data(4 * r.length);
        if (at >= 0) {
            for (int i = 0; i < r.length; i++) {
                o.r.buffer().putInt(at + 4 * i, statuses[i]);
            }
        }
        o.r.value(built);
        if (q.cleanup() == CLEANUP_DRIVER) {
            chainFreeByDriver(irp);
        }
        // CLEANUP_IO_MANAGER: the chain stays on the IRP; completion unlocks and frees it.
        k.completeIrp(irp);
        unreserve(o.h, held);
    }

    // ---------------------------------------------------------------------------------------- DIRECT pair

    /** Copies what the view shows (its PFNs too), because the MDL is gone after completion. */
    private static MdlView keep(MdlView v) {
        int n = ProtocolRules.pfnWindow(v.spanned(), v.pfnCapacity(), 0, MAX_INLINE_PFNS, (long) MAX_INLINE_PFNS * PFN_WIDTH);
        long[] pfns = new long[n];
        if (n > 0 && v.pfns() != null) {
            v.pfns().copy(0, pfns, n);
        }
        return new MdlView(v.mdlAddress(), v.next(), v.process(), v.mappedSystemVa(), v.startVa(), v.size(),
                v.flags(), v.allocationProcessorNumber(), v.byteCount(), v.byteOffset(), v.valid(), v.kind(), n,
                MdlView.PfnSource.of(pfns));
    }

    /** The driver's part of DIRECT_IN / DIRECT_OUT: Irp->MdlAddress as received, then after its mapping. */
    void direct(FileHandle h, Irp irp) {
        FileHandle.DirectRecord rec = new FileHandle.DirectRecord();
        h.direct = rec;
        Mdl mdl = irp.mdlAddress();
        if (mdl == null) {
            // A zero-length output buffer: the I/O manager built no MDL.
            rec.status = NtStatus.INVALID_PARAMETER.value();
            rec.stage = STAGE_PARAMETER;
            rec.detail = PARAM_LENGTH;
            return;
        }
        int why;
        var ranges = driver.userRanges.lock.readLock();
        ranges.lock();
        try {
            long len = Integer.toUnsignedLong(mdl.byteCount());
            why = inUserRange(h, mdl.virtualAddress(), len) ? REFUSE_RANGE_IN_USER_MAPPING
                    : uncachedRange(h.owner, mdl.virtualAddress(), len);
        } finally {
            ranges.unlock();
        }
        if (why != 0) {
            // The I/O manager locked it already and unlocks it at completion; the driver does not touch it.
            rec.status = NtStatus.INVALID_DEVICE_STATE.value();
            rec.stage = STAGE_REFUSED;
            rec.detail = why;
            return;
        }
        if (!h.directCharged) {
            // The kept snapshots are the driver's allocation: charged the first time they are taken, given back with
            // the release (driver/CONTRACT.md §1); a rejected or refused DIRECT call takes none and charges nothing.
            ResourceUse charge = new ResourceUse();
            charge.poolBytes = DIRECT_RECORD_CHARGE;
            int lim = reserve(h, charge);
            if (lim != 0) {
                rec.status = NtStatus.QUOTA_EXCEEDED.value();
                rec.stage = STAGE_LIMIT;
                rec.detail = lim;
                return;
            }
            h.directCharged = true;
        }
        int valid = VALID_PROCESS | VALID_PFNS | VALID_MAPPED_SYSTEM_VA;
        long cap = capacityOf(mdl, mdl.virtualAddress(), Integer.toUnsignedLong(mdl.byteCount()));
        rec.before = keep(view(mdl, KIND_IO_MANAGER, cap, valid));
        long va = k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PAGE_PRIORITY | noExecute());
        if (va == 0) {
            rec.status = NtStatus.INSUFFICIENT_RESOURCES.value();
            rec.stage = STAGE_DDI;
            rec.detail = DDI_MM_MAP_LOCKED_PAGES;
        }
        rec.value = va;
        rec.after = keep(view(mdl, KIND_IO_MANAGER, cap, valid));
    }

    void directFetch(Op o) {
        FileHandle.DirectRecord rec = o.h.direct;
        if (rec == null) {
            refuse(o, REFUSE_NO_DIRECT_RECORD);
            return;
        }
        o.r.status(rec.status, rec.stage, rec.detail);
        o.r.value(rec.value);
        if (rec.before != null) {
            o.r.snapshot(rec.before, ROLE_BEFORE, 0);
        }
        if (rec.after != null) {
            o.r.snapshot(rec.after, ROLE_AFTER, 0);
        }
    }

    // ----------------------------------------------------------------- release (CLEANUP, owner exit, RELEASE_ALL)

    /** Releases everything in CONTRACT section 1 order; returns mdls, mappings, kernel buffers, locked pages. */
    long[] release(FileHandle h) {
        long[] c = new long[4];
        Map.Entry<TableObject, Release> next;
        while ((next = h.table.nextRelease()) != null) {
            TableObject o = next.getKey();
            c[1] += ObjectTable.releaseMappings(o, next.getValue()); // before the step changes the object
            switch (next.getValue()) {
                case USER_MAPPING -> unmapUser(h, o);
                case PARTIAL -> {
                    if (o.has(TableObject.ST_RESERVED_MAP)) {
                        unmapReserved(h, h.table.mappingObjectOf(o)); // IoFreeMdl would not unmap it
                    }
                    freeMdl(h, o);
                    c[0]++;
                }
                case SYSTEM_MAPPING -> releaseSystemMapping(h, o);
                case RESERVATION -> freeReservation(h, o);
                case UNLOCK -> {
                    c[3] += o.lockedBytes / PAGE_SIZE;
                    unlockMdl(h, o);
                }
                case FREE_PAGES -> freePages(h, o);
                case FREE_MDL -> {
                    freeMdl(h, o);
                    c[0]++;
                }
                default -> {
                    freeKernelBuffer(h, o);
                    c[2]++;
                }
            }
        }
        if (h.directCharged) {
            ResourceUse charge = new ResourceUse();
            charge.poolBytes = DIRECT_RECORD_CHARGE;
            unreserve(h, charge);
            h.directCharged = false;
        }
        h.direct = null;
        return c;
    }

    // ------------------------------------------ kernel-mode mappings and reservations (the DDI-coverage issue)

    /** MDL_IO_SPACE: a probe that locked device memory (no PFN entries). */
    private static final int MDL_IO_SPACE_FLAG = 0x0800;

    /** A caller range whose pages carry PAGE_NOCACHE or PAGE_WRITECOMBINE is refused (CONTRACT section 2). */
    private int uncachedRange(dev.mdlbridge.simulator.kernel.SimProcess process, long va, long len) {
        return k.rangeCacheModifiers(process, va, len) != 0 ? REFUSE_UNCACHED_RANGE : 0;
    }

    /** A reservation is charged its whole pages of system address space when it is made (CONTRACT section 2). */
    private static long reservationBytes(long size) {
        return ProtocolRules.spanPages(0, size) * PAGE_SIZE;
    }

    /** In the release's system-mapping phase: a mapping object, or an MDL's own system mapping. */
    private void releaseSystemMapping(FileHandle h, TableObject o) {
        if (o.kind != Kind.KERNEL_MAPPING && o.kind != Kind.RESERVED_MAPPING) {
            unmapSystem(h, o);
        } else if (o.kind == Kind.RESERVED_MAPPING) {
            unmapReserved(h, o);
        } else {
            unmapSystem(h, h.table.find(o.parent));
        }
    }

    void mapKernel(Op o, TableObject m) {
        RequestDecoder.MapUser q = RequestDecoder.mapUser(o.in);
        int why = o.h.table.checkMapKernel(m, o.h.shared);
        if (why == REFUSE_ALREADY_MAPPED && removed(SafetyRefusal.ALREADY_MAPPED)) {
            why = 0; // MAP_KERNEL's last check
        }
        if (refused(o, why)) {
            return;
        }
        ResourceUse add = mappingUse(m);
        add.objects = 1;   // the mapping object
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        snap(o, m, ROLE_BEFORE);
        long va = k.mmMapLockedPagesSpecifyCache(m.mdl, q.cacheType(), q.priority() | noExecute());
        if (va == 0) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_MM_MAP_LOCKED_PAGES);
            o.r.object(m.id);
            snap(o, m, ROLE_AFTER);
            return;
        }
        TableObject p = new TableObject(Kind.KERNEL_MAPPING);
        p.parent = m.id;
        p.va = va;
        p.length = m.length;
        p.nowrite = (q.priority() & MAPPING_NO_WRITE) != 0;
        TableObject n = tableInsert(o, p);
        if (n == null) {
            k.mmUnmapLockedPages(va, m.mdl, o.caller);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            snap(o, m, ROLE_AFTER); // as ops.c: the mapping was made and undone, the MDL is shown as it is now
            return;
        }
        // The MDL's one system mapping is this one: MAP_SYSTEM returns it, UNMAP by either id ends it.
        m.state |= TableObject.ST_SYSMAP | TableObject.ST_SYSADDR | (p.nowrite ? TableObject.ST_NOWRITE : 0);
        m.systemVa = va;
        o.r.object(n.id);
        o.r.value(va);
        snap(o, m, ROLE_AFTER);
    }

    void reserve(Op o) {
        long size = RequestDecoder.reserve(o.in).size();
        ResourceUse add = new ResourceUse();
        add.objects = 1;
        add.systemMappingBytes = reservationBytes(size);
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        // As ops.c resolves them: a reservation is made only when it can also be freed.
        if (!k.ddiExported("MmAllocateMappingAddress") || !k.ddiExported("MmFreeMappingAddress")) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.NOT_SUPPORTED.value(), DDI_MM_UNAVAILABLE);
            return;
        }
        long base = k.mmAllocateMappingAddress(size, TAG_RESERVATION);
        if (base == 0) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_MM_ALLOCATE_MAPPING_ADDRESS);
            return;
        }
        TableObject r = new TableObject(Kind.RESERVATION);
        r.va = base;
        r.length = size;
        TableObject n = tableInsert(o, r);
        if (n == null) {
            k.mmFreeMappingAddress(base, TAG_RESERVATION);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            return;
        }
        o.r.object(n.id);
        o.r.value(base);
    }

    void mapReserved(Op o, TableObject res, TableObject m) {
        RequestDecoder.Reserved q = RequestDecoder.reserved(o.in);
        if (refused(o, o.h.table.checkMapReserved(res, m, o.h.shared))) {
            return;
        }
        ResourceUse add = new ResourceUse();
        add.objects = 1;    // the mapping object; the reservation was charged the address space
        add.mappings = 1;
        int lim = reserve(o.h, add);
        if (lim != 0) {
            overLimit(o, lim);
            return;
        }
        // A missing routine after the limits (the DDI stage), as ops.c: a mapping only when it can be unmapped.
        if (!k.ddiExported("MmMapLockedPagesWithReservedMapping") || !k.ddiExported("MmUnmapReservedMapping")) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.NOT_SUPPORTED.value(), DDI_MM_UNAVAILABLE);
            return;
        }
        snap(o, m, ROLE_BEFORE);
        long va = k.mmMapLockedPagesWithReservedMapping(res.va, TAG_RESERVATION, m.mdl, q.cacheType());
        if (va == 0) {
            unreserve(o.h, add);
            ddiFailed(o, NtStatus.INSUFFICIENT_RESOURCES.value(), DDI_MM_MAP_RESERVED);
            o.r.object(m.id);
            snap(o, m, ROLE_AFTER);
            return;
        }
        TableObject p = new TableObject(Kind.RESERVED_MAPPING);
        p.parent = m.id;
        p.reservation = res.id;
        p.va = va;
        p.length = m.length;
        TableObject n = tableInsert(o, p);
        if (n == null) {
            k.mmUnmapReservedMapping(res.va, TAG_RESERVATION, m.mdl);
            unreserve(o.h, add);
            overLimit(o, o.insertLimit);
            snap(o, m, ROLE_AFTER); // as ops.c: the mapping was made and undone
            return;
        }
        res.reservation = n.id;
        m.state |= TableObject.ST_RESERVED_MAP;
        o.r.object(n.id);
        o.r.value(va);
        snap(o, m, ROLE_AFTER);
    }

    /** MmUnmapReservedMapping of a reserved mapping object: the IOCTL and the release path. */
    private void unmapReserved(FileHandle h, TableObject mapping) {
        TableObject res = h.table.find(mapping.reservation);
        k.mmUnmapReservedMapping(res.va, TAG_RESERVATION, h.table.find(mapping.parent).mdl);
        endReservedMapping(h, mapping);
    }

    /** The reservation's PTEs are empty again: the mapping object ends and its MDL is no longer mapped there. */
    private void endReservedMapping(FileHandle h, TableObject mapping) {
        TableObject m = h.table.find(mapping.parent);
        h.table.find(mapping.reservation).reservation = 0;
        // MAP_SYSTEM may have handed out MappedSystemVa (the reservation's base): that address ended too.
        m.state &= ~(TableObject.ST_RESERVED_MAP | TableObject.ST_SYSADDR | TableObject.ST_NOWRITE);
        unreserve(h, chargeOf(mapping));
        h.table.remove(mapping);
    }

    void unmapReserved(Op o, TableObject res, TableObject m) {
        if (refused(o, o.h.table.checkUnmapReserved(res, m))) {
            return;
        }
        snap(o, m, ROLE_BEFORE);
        TableObject mapping = o.h.table.find(res.reservation);
        if (mapping != null && mapping.parent == m.id) {
            unmapReserved(o.h, mapping);
        } else {
            // Unchecked: the misuse the caller asked for reaches the kernel (0x10B, 0x10C, or another MDL of the
            // same size, which Windows accepts: the reservation is then empty whatever MDL was mapped there).
            k.mmUnmapReservedMapping(res.va, TAG_RESERVATION, m.mdl);
            if (mapping != null) {
                endReservedMapping(o.h, mapping);
            }
        }
        o.r.object(m.id);
        snap(o, m, ROLE_AFTER);
    }

    private void freeReservation(FileHandle h, TableObject res) {
        k.mmFreeMappingAddress(res.va, TAG_RESERVATION);
        unreserve(h, chargeOf(res));
        h.table.remove(res);
    }

    void freeReservation(Op o, TableObject res) {
        if (!removed(SafetyRefusal.RESERVATION_MAPPED) && refused(o, ObjectTable.checkFreeReservation(res))) {
            return;
        }
        int id = res.id;
        freeReservation(o.h, res);
        o.r.object(id);
    }
}
