package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.simulator.driver.TableObject.Kind;
import dev.mdlbridge.simulator.kernel.Kernel;
import dev.mdlbridge.simulator.kernel.SimProcess;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The simulated mdlbridge.sys: driver-wide state and the dispatch routines IRP_MJ_CREATE, CLEANUP, CLOSE and
 * DEVICE_CONTROL, plus the process-notify callback that releases what a dead owner left. The twin of
 * driver/src/driver.c and the dispatch part of ops.c.
 */
public final class MdlBridgeDriver {

    /** STATUS_INTERNAL_ERROR: what an unexpected Java exception inside the simulated driver completes the IRP with. */
    public static final int STATUS_INTERNAL_ERROR = 0xC00000E5;

    final Kernel kernel;
    final boolean unchecked;
    /** Refusals a mutation test removed; always empty on a user's machine. */
    final java.util.Set<SafetyRefusal> removed;
    final Object useLock = new Object();
    final ResourceUse driverUse = new ResourceUse();
    private final List<FileHandle> handles = new CopyOnWriteArrayList<>();
    /** Process-wide user-mapping ranges and their reader/writer lock (CONTRACT section 2). */
    final UserRanges userRanges = new UserRanges();
    /** One id counter for every handle's table: an id names at most one live object of the driver. */
    private final java.util.concurrent.atomic.AtomicInteger nextId = new java.util.concurrent.atomic.AtomicInteger();
    /** Pages once mapped into user space, freed by the caller but kept until the process exits. */
    final Quarantine quarantine;
    /** Whether a NoWrite user mapping came out read-only when checked at load; if not, such mappings are refused. */
    final boolean readOnlyUserMappings;
    private final List<Throwable> internalErrors = new CopyOnWriteArrayList<>();
    private final Operations ops;
    /** The administrator limits in force, fixed at load as DriverEntry reads them once. */
    final AdminLimits adminLimits;
    final Limits handleLimits;
    final Limits driverLimits;

    /**
     * DriverEntry: registers the process-notify callback.
     *
     * @param unchecked skip the CONTRACT section 3 refusals so that misuse reaches the kernel (simulator only)
     */
    public MdlBridgeDriver(Kernel kernel, boolean unchecked) {
        this(kernel, unchecked, java.util.Set.of());
    }

    /** As above, with refusals removed for the explorer's mutation tests ({@link SafetyRefusal}). */
    public MdlBridgeDriver(Kernel kernel, boolean unchecked, java.util.Set<SafetyRefusal> removed) {
        this(kernel, unchecked, removed, AdminLimits.DEFAULT);
    }

    /** As above, with the administrator limits read at load (CONTRACT section 4). */
    public MdlBridgeDriver(Kernel kernel, boolean unchecked, java.util.Set<SafetyRefusal> removed,
                           AdminLimits limits) {
        this.kernel = kernel;
        this.adminLimits = limits;
        this.handleLimits = limits.handle();
        this.driverLimits = limits.driver();
        this.unchecked = unchecked;
        this.removed = removed.isEmpty() ? java.util.EnumSet.noneOf(SafetyRefusal.class)
                : java.util.EnumSet.copyOf(removed);
        this.quarantine = new Quarantine(kernel);
        this.readOnlyUserMappings = verifyReadOnlyUserMappings();
        this.ops = new Operations(this);
        kernel.registerProcessNotify(this::onProcessExit);
    }

    /** Java exceptions the driver turned into IRP failures: a defect of the simulated driver, never expected. */
    public List<Throwable> internalErrors() {
        return List.copyOf(internalErrors);
    }

    // ------------------------------------------------------------------------------------------- accounting

    int reserve(FileHandle h, ResourceUse add) {
        synchronized (useLock) {
            int lim = handleLimits.check(h.use, add);
            if (lim == 0) {
                lim = driverLimits.check(driverUse, add);
            }
            if (lim == 0) {
                h.use.add(add);
                driverUse.add(add);
            }
            return lim;
        }
    }

    void charge(FileHandle h, ResourceUse add) {
        synchronized (useLock) {
            h.use.add(add);
            driverUse.add(add);
        }
    }

    /** Quarantine: the handle lets go of what the driver-wide use keeps until the owner exits. */
    void unchargeHandleOnly(FileHandle h, ResourceUse sub) {
        synchronized (useLock) {
            h.use.sub(sub);
        }
    }

    void unreserve(FileHandle h, ResourceUse sub) {
        synchronized (useLock) {
            h.use.sub(sub);
            driverUse.sub(sub);
        }
    }

    ResourceUse processUse(SimProcess owner) {
        ResourceUse u = new ResourceUse();
        synchronized (useLock) {
            for (FileHandle h : handles) {
                if (h.owner == owner) {
                    u.add(h.use);
                }
            }
        }
        return u;
    }

    /** RtlGetVersion of the profile's Windows: major, minor, build. */
    long[] osVersion() {
        return switch (kernel.profile().name()) {
            case "win7-x64" -> new long[] {6, 1, 7601};
            case "nt52-x64" -> new long[] {5, 2, 3790};
            default -> new long[] {10, 0, 19045};
        };
    }

    // -------------------------------------------------------------------------------------------- dispatch

    /**
     * At load the C driver maps a scratch page into the System process with MdlMappingNoWrite and asks what
     * protection it got (mdlb_verify_readonly_user_mappings); checking each mapping after it was made left a window
     * for another thread to write. The simulated memory manager always honours NoWrite where the modifier exists
     * (Windows 8 and later), so the answer here is the profile's; before Windows 8 read-locked user mappings are
     * refused, as the C driver refuses them when its check fails.
     */
    private boolean verifyReadOnlyUserMappings() {
        return kernel.profile().mappingModifiers();
    }

    /** IRP_MJ_CREATE: the handle belongs to the opening process; a driver-wide limit bounds open handles. */
    public FileHandle create(SimProcess caller) {
        FileHandle h = new FileHandle(caller, nextId::incrementAndGet);
        synchronized (useLock) {
            if (handles.size() >= adminLimits.maxHandles()) {
                return null; // STATUS_QUOTA_EXCEEDED for the CreateFile
            }
            handles.add(h);
        }
        return h;
    }

    /** IRP_MJ_CLEANUP: the last user handle closed; release everything, waiting for requests in flight. */
    public void cleanup(FileHandle h) {
        release(h);
    }

    /** IRP_MJ_CLOSE: the file object goes (Wine sends no CLEANUP, so the release runs here too if needed). */
    public void close(FileHandle h) {
        release(h);
        // The file object goes, and the table's slots with it: their charge is given back (ops.c does it when the
        // handle's last reference goes).
        ResourceUse slots = new ResourceUse();
        synchronized (useLock) {
            slots.poolBytes = h.tableCharge;
            h.tableCharge = 0;
        }
        unreserve(h, slots);
        handles.remove(h);
    }

    private void release(FileHandle h) {
        h.lock.lock();
        try {
            if (!h.released) {
                ops.release(h);
                h.released = true;
            }
        } finally {
            h.lock.unlock();
        }
    }

    /** PsSetCreateProcessNotifyRoutine: the owner died without closing (or after duplicating) its handles. */
    private void onProcessExit(SimProcess process) {
        for (FileHandle h : handles) {
            if (h.owner == process) {
                release(h);
            }
        }
        // The process is gone, and with it every mapping through which someone could have locked its pages.
        quarantine.release(process, driverUse, useLock);
    }

    /** IRP_MJ_DEVICE_CONTROL with a METHOD_BUFFERED code from {@code caller}. */
    public IoResult deviceControl(FileHandle h, SimProcess caller, int code, ByteBuffer request, ByteBuffer reply) {
        try {
            if (caller != h.owner) {
                h.shared = true;
                return fail(NtStatus.ACCESS_DENIED.value());
            }
            if (code == dev.mdlbridge.protocol.Protocol.IOCTL_DIRECT_IN
                    || code == dev.mdlbridge.protocol.Protocol.IOCTL_DIRECT_OUT) {
                // The output buffer of a DIRECT code is the caller's memory, which a ByteBuffer is not. An unknown
                // code with DIRECT method bits is simply unknown: STATUS_INVALID_DEVICE_REQUEST, as the C driver says.
                return fail(NtStatus.INVALID_PARAMETER.value());
            }
            ByteBuffer in = copy(request);
            int st = ProtocolRules.checkMalformed(code, in, reply.capacity());
            if (st != 0) {
                return fail(st);
            }
            in.limit(ProtocolRules.requestCopyLength(code, in));
            countHandles(h, code);
            h.lock.lock();
            try {
                if (h.released) {
                    return fail(0xC0000008); // STATUS_INVALID_HANDLE: released by CLEANUP or the owner's exit
                }
                return dispatchLocked(h, caller, code, in, reply);
            } finally {
                h.lock.unlock();
            }
        } catch (SimulatedBugCheckException e) {
            throw e; // the machine stopped: nothing completes any more
        } catch (RuntimeException | Error e) {
            internalErrors.add(e);
            return fail(STATUS_INTERNAL_ERROR);
        }
    }

    /** The driver's part of a METHOD_IN_DIRECT / METHOD_OUT_DIRECT request, called by the I/O manager. */
    public IoResult deviceControlDirect(FileHandle h, SimProcess caller, int code, ByteBuffer request,
                                        long outputAddress, int outputLength) {
        if (!isDirectMethod(code)) {
            return fail(NtStatus.INVALID_PARAMETER.value());
        }
        ByteBuffer in = copy(request);
        int st = kernel.dispatchDirectIo(caller, (code & 3) == METHOD_IN_DIRECT, outputAddress, outputLength, irp -> {
            try {
                if (caller != h.owner) {
                    h.shared = true;
                    return NtStatus.ACCESS_DENIED.value();
                }
                int malformed = ProtocolRules.checkMalformed(code, in, 0);
                if (malformed != 0) {
                    return malformed;
                }
                countHandles(h, code);
                h.lock.lock();
                try {
                    if (h.released) {
                        return 0xC0000008;
                    }
                    ops.direct(h, irp);
                    return 0;
                } finally {
                    h.lock.unlock();
                }
            } catch (SimulatedBugCheckException e) {
                throw e;
            } catch (RuntimeException | Error e) {
                internalErrors.add(e);
                return STATUS_INTERNAL_ERROR;
            }
        });
        return st >= 0 ? IoResult.success(0) : fail(st);
    }

    /**
     * CONTRACT 1: the file object's handles are counted at user-mapping time and at every request while the handle
     * holds user mappings (a duplicate made since must stop new locks and mappings). Done before the handle's lock,
     * as the C driver must: closing the handle it opens to ask can send that handle's CLEANUP on the same thread.
     */
    private static void countHandles(FileHandle h, int code) {
        if ((code == IOCTL_MAP_USER || h.userMappings != 0) && !h.shared && h.handleCount() > 1) {
            h.shared = true;
        }
    }

    private static boolean isDirectMethod(int code) {
        int method = code & 3;
        return method == METHOD_IN_DIRECT || method == METHOD_OUT_DIRECT;
    }

    private static IoResult fail(int status) {
        return IoResult.failure(status, dev.mdlbridge.protocol.DosErrors.of(status));
    }

    private static ByteBuffer copy(ByteBuffer request) {
        ByteBuffer src = request.duplicate();
        ByteBuffer in = ByteBuffer.allocate(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
        in.put(src).flip();
        return in;
    }

    /** Looks up the ids a request names: an unknown id fails the IRP before any parameter check. */
    private static TableObject[] lookupObjects(ObjectTable t, int code, ByteBuffer in) throws ObjectTable.BadId {
        if (code == IOCTL_PROBE_AND_LOCK || code == IOCTL_MAP_SYSTEM || code == IOCTL_MAP_USER
                || code == IOCTL_BUILD_PARTIAL || code == IOCTL_BUILD_NONPAGED || code == IOCTL_UNLOCK
                || code == IOCTL_QUERY || code == IOCTL_FREE_PAGES || code == IOCTL_FREE_MDL) {
            return new TableObject[] {null, t.lookup(in.getInt(16), ObjectTable.ANY_MDL)};
        }
        if (code == IOCTL_POOL_FREE) {
            return new TableObject[] {null, t.lookup(in.getInt(16), java.util.EnumSet.of(Kind.KERNEL_BUFFER))};
        }
        if (code == IOCTL_UNMAP || code == IOCTL_READ_MAPPED || code == IOCTL_WRITE_MAPPED) {
            // MDLB_REQ_MAPPING and MDLB_REQ_TRANSFER start alike: MappingId, then MdlId.
            int mappingId = in.getInt(16);
            if (mappingId != 0) {
                TableObject map = t.lookup(mappingId, java.util.EnumSet.of(Kind.USER_MAPPING, Kind.KERNEL_MAPPING,
                        Kind.RESERVED_MAPPING));
                return new TableObject[] {map, t.lookup(map.parent, ObjectTable.ANY_MDL)};
            }
            return new TableObject[] {null, t.lookup(in.getInt(20), ObjectTable.ANY_MDL)};
        }
        return lookupReservationObjects(t, code, in);
    }

    /** MAP_KERNEL names an MDL; MAP_RESERVED / UNMAP_RESERVED a reservation, then an MDL; FREE_RESERVATION one. */
    private static TableObject[] lookupReservationObjects(ObjectTable t, int code, ByteBuffer in)
            throws ObjectTable.BadId {
        java.util.Set<Kind> reservation = java.util.EnumSet.of(Kind.RESERVATION);
        if (code == IOCTL_MAP_KERNEL) {
            return new TableObject[] {null, t.lookup(in.getInt(16), ObjectTable.ANY_MDL)};
        }
        if (code == IOCTL_MAP_RESERVED || code == IOCTL_UNMAP_RESERVED) {
            TableObject res = t.lookup(in.getInt(16), reservation);
            return new TableObject[] {res, t.lookup(in.getInt(20), ObjectTable.ANY_MDL)};
        }
        if (code == IOCTL_FREE_RESERVATION) {
            return new TableObject[] {t.lookup(in.getInt(16), reservation), null};
        }
        return new TableObject[] {null, null};
    }

    private IoResult dispatchLocked(FileHandle h, SimProcess caller, int code, ByteBuffer in, ByteBuffer reply) {
        TableObject[] ab;
        try {
            ab = lookupObjects(h.table, code, in);
        } catch (ObjectTable.BadId e) {
            return fail(e.status);
        }
        RequestDecoder.Header hdr = RequestDecoder.Header.of(in);
        ReplyWriter r = new ReplyWriter(reply, ProtocolRules.minReplySize(code, in), hdr.pfnStart(), hdr.pfnMax());
        Operations.Op o = new Operations.Op(h, caller, code, in, r);
        int param = ProtocolRules.checkParameters(code, in, kernel.profile().mappingModifiers(),
                dev.mdlbridge.simulator.kernel.PageAllocationProfile.of(kernel.profile()).windows7Flags());
        if (param == 0) {
            param = ProtocolRules.checkCacheType(code, in, ab[1]);   // after the lookup, before refusals
        }
        if (param != 0) {
            r.status(NtStatus.INVALID_PARAMETER.value(), STAGE_PARAMETER, param);
        } else {
            run(o, ab[0], ab[1]);
        }
        return IoResult.success(r.finish());
    }

    private void run(Operations.Op o, TableObject a, TableObject b) {
        int c = o.code;
        if (c == IOCTL_INFO) {
            ops.info(o);
        } else if (c == IOCTL_RELEASE_ALL) {
            ops.releaseAll(o);
        } else if (c == IOCTL_SIZE_OF_MDL) {
            ops.sizeOfMdl(o);
        } else if (c == IOCTL_ALLOCATE_MDL) {
            ops.allocateMdl(o);
        } else if (c == IOCTL_INITIALIZE_MDL) {
            ops.initializeMdl(o);
        } else if (c == IOCTL_PROBE_AND_LOCK) {
            ops.probe(o, b);
        } else if (c == IOCTL_MAP_SYSTEM) {
            ops.mapSystem(o, b);
        } else if (c == IOCTL_MAP_USER) {
            ops.mapUser(o, b);
        } else if (c == IOCTL_UNMAP) {
            ops.unmap(o, a, b);
        } else if (c == IOCTL_READ_MAPPED) {
            ops.transfer(o, a, b, false);
        } else if (c == IOCTL_WRITE_MAPPED) {
            ops.transfer(o, a, b, true);
        } else if (c == IOCTL_BUILD_PARTIAL) {
            ops.buildPartial(o, b);
        } else if (c == IOCTL_BUILD_NONPAGED) {
            ops.buildNonpaged(o, b);
        } else if (c == IOCTL_UNLOCK) {
            ops.unlock(o, b);
        } else if (c == IOCTL_FREE_MDL) {
            ops.freeMdl(o, b);
        } else if (c == IOCTL_POOL_ALLOCATE) {
            ops.poolAllocate(o);
        } else if (c == IOCTL_POOL_FREE) {
            ops.poolFree(o, b);
        } else if (c == IOCTL_QUERY) {
            ops.query(o, b);
        } else if (c == IOCTL_DESCRIBE_CHAIN) {
            ops.chain(o);
        } else if (c == IOCTL_ALLOCATE_PAGES) {
            ops.allocatePages(o);
        } else if (c == IOCTL_FREE_PAGES) {
            ops.freePages(o, b);
        } else if (c == IOCTL_DIRECT_FETCH) {
            ops.directFetch(o);
        } else {
            runReservationOps(o, a, b);
        }
    }

    /** MAP_KERNEL and the reservation codes (the DDI-coverage issue). */
    private void runReservationOps(Operations.Op o, TableObject a, TableObject b) {
        int c = o.code;
        if (c == IOCTL_MAP_KERNEL) {
            ops.mapKernel(o, b);
        } else if (c == IOCTL_RESERVE) {
            ops.reserve(o);
        } else if (c == IOCTL_MAP_RESERVED) {
            ops.mapReserved(o, a, b);
        } else if (c == IOCTL_UNMAP_RESERVED) {
            ops.unmapReserved(o, a, b);
        } else if (c == IOCTL_FREE_RESERVATION) {
            ops.freeReservation(o, a);
        }
    }

    /** driverMaxHandles in force: CREATE beyond it fails. */
    public int maxHandles() {
        return adminLimits.maxHandles();
    }

    /** Driver-wide open handles (Info). */
    int openHandles() {
        return handles.size();
    }

    /** Handles still open (for tests and the backend's leak views). */
    List<FileHandle> handles() {
        return new ArrayList<>(handles);
    }
}
