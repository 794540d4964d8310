package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.protocol.Protocol.*;

import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.simulator.driver.TableObject.Kind;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A handle's objects under small ids, and the CONTRACT section 3 refusals as functions of their state: the twin of
 * driver/src/table.c. Nothing here calls the kernel. Not thread-safe: the handle's lock guards it.
 */
final class ObjectTable {

    static final Set<Kind> ANY_MDL = EnumSet.of(Kind.MDL, Kind.INIT_MDL, Kind.PARTIAL, Kind.PAGES);

    enum Release { USER_MAPPING, PARTIAL, SYSTEM_MAPPING, UNLOCK, FREE_PAGES, FREE_MDL, RESERVATION, KERNEL_BUFFER }

    private final Map<Integer, TableObject> objects = new LinkedHashMap<>();
    /** The next id to try, as the C driver's mdlb_u32: 1 .. 2^32 - 1 (an id travels as 32 unsigned bits). */
    private long nextId = 1;
    /** The driver-wide counter every handle's table draws from (ids unique across handles), or null: own counter. */
    private final java.util.function.IntSupplier driverIds;

    /** The slots the C table has: it grows by TABLE_GROW_SLOTS when every slot is taken, and never shrinks. */
    private int capacity;

    /** What the next insert costs the handle in table slots (the twin of mdlb_table_growth_bytes). */
    long growthBytes() {
        return objects.size() >= capacity ? (long) TABLE_GROW_SLOTS * SLOT_CHARGE : 0;
    }

    /** A table with its own counter (tests). */
    ObjectTable() {
        this(null);
    }

    /** A table whose ids come from the driver-wide counter (the twin of mdlb_table.next_id_fn). */
    ObjectTable(java.util.function.IntSupplier driverIds) {
        this.driverIds = driverIds;
    }

    /** Thrown for an id the request names that is unknown or of another kind: the IRP fails. */
    static final class BadId extends Exception {
        final int status;

        BadId(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }

    TableObject lookup(int id, Set<Kind> kinds) throws BadId {
        TableObject o = id == 0 ? null : objects.get(id);
        if (o == null) {
            throw new BadId(NtStatus.NOT_FOUND.value());
        }
        if (!kinds.contains(o.kind)) {
            throw new BadId(NtStatus.OBJECT_TYPE_MISMATCH.value());
        }
        return o;
    }

    TableObject find(int id) {
        return id == 0 ? null : objects.get(id);
    }

    boolean isEmpty() {
        return objects.isEmpty();
    }

    /** For tests: where the id counter stands (1 .. 2^32 - 1), to reach the wrap without 2^32 inserts. */
    void nextIdForTest(long next) {
        nextId = next;
    }

    /**
     * Ids count up from 1 and, after 2^32 - 1 of them, wrap past 0 and past every id still live: an id never names
     * two live objects (the twin of next_free_id in table.c).
     */
    private int nextFreeId() {
        int id;
        do {
            if (driverIds != null) {
                id = driverIds.getAsInt();
            } else {
                id = (int) nextId;
                nextId = nextId == 0xFFFF_FFFFL ? 1 : nextId + 1;
            }
        } while (id == 0 || objects.containsKey(id));
        return id;
    }

    /** Inserts {@code o} under a new id, never that of a live object, and links it to its parent. */
    TableObject insert(TableObject o) {
        if (objects.size() >= capacity) {
            capacity += TABLE_GROW_SLOTS;
        }
        o.id = nextFreeId();
        o.userMappings = o.partials = o.inheritors = 0;
        objects.put(o.id, o);
        link(o, 1);
        return o;
    }

    void remove(TableObject o) {
        link(o, -1);
        objects.remove(o.id);
    }

    private void link(TableObject o, int delta) {
        TableObject p = find(o.parent);
        if (p != null && o.kind == Kind.USER_MAPPING) {
            p.userMappings += delta;
        }
        if (p != null && o.kind == Kind.PARTIAL) {
            p.partials += delta;
            if (o.has(TableObject.ST_INHERITED)) {
                p.inheritors += delta;
            }
        }
    }

    private static boolean inside(long va, long len, long base, long size) {
        long end = va + len;
        if (Long.compareUnsigned(end, va) < 0) {
            return false;
        }
        return Long.compareUnsigned(va, base) >= 0 && Long.compareUnsigned(end, base + size) <= 0;
    }

    private static boolean overlaps(long va, long len, long base, long size) {
        long end = va + (len != 0 ? len : 1);
        if (Long.compareUnsigned(end, va) < 0) {
            end = -1L;
        }
        return Long.compareUnsigned(va, base + size) < 0 && Long.compareUnsigned(end, base) > 0;
    }

    /** The kernel buffer of this handle that contains {@code [va, va+len)} entirely (no wrap), or null. */
    TableObject kernelRange(long va, long len) {
        for (TableObject o : objects.values()) {
            if (o.kind == Kind.KERNEL_BUFFER && inside(va, len, o.va, o.length)) {
                return o;
            }
        }
        return null;
    }

    /** Whether the range lies (even partly) in one of this handle's user mappings, which occupy whole pages. */
    boolean inUserMapping(long va, long len) {
        for (TableObject o : objects.values()) {
            if (o.kind != Kind.USER_MAPPING) {
                continue;
            }
            long base = o.va & ~(long) (PAGE_SIZE - 1);
            long size = ((o.va - base) + o.length + PAGE_SIZE - 1) & ~(long) (PAGE_SIZE - 1);
            if (overlaps(va, len, base, size)) {
                return true;
            }
        }
        return false;
    }

    private static Release releasePhase(TableObject o) {
        if (o.kind == Kind.USER_MAPPING) {
            return Release.USER_MAPPING;
        }
        if (o.kind == Kind.PARTIAL) {
            return Release.PARTIAL;
        }
        if (o.kind == Kind.KERNEL_BUFFER) {
            return Release.KERNEL_BUFFER;
        }
        if (o.kind == Kind.RESERVATION) {
            return Release.RESERVATION;
        }
        if (o.kind == Kind.KERNEL_MAPPING || o.kind == Kind.RESERVED_MAPPING || o.has(TableObject.ST_SYSMAP)) {
            return Release.SYSTEM_MAPPING;
        }
        if (o.has(TableObject.ST_LOCKED)) {
            return Release.UNLOCK;
        }
        if (o.kind == Kind.PAGES && !o.has(TableObject.ST_PAGES_FREED)) {
            return Release.FREE_PAGES;
        }
        return Release.FREE_MDL;
    }

    /** The next object to release in CONTRACT section 1 order with the step that applies, or null when empty. */
    Map.Entry<TableObject, Release> nextRelease() {
        TableObject best = null;
        Release bestPhase = null;
        for (TableObject o : objects.values()) {
            Release p = releasePhase(o);
            // Within a phase the lowest id goes first (unsigned, as table.c compares them).
            if (best == null || p.ordinal() < bestPhase.ordinal()
                    || (p == bestPhase && Integer.compareUnsigned(o.id, best.id) < 0)) {
                best = o;
                bestPhase = p;
            }
        }
        return best == null ? null : Map.entry(best, bestPhase);
    }

    /**
     * How many mappings releasing {@code o} in {@code phase} ends, for OutstandingMappings (asked before the step
     * changes the object; the twin of mdlb_release_mappings): a user mapping; every system-mapping step (an MDL's
     * own mapping and its kernel-mode object are one); a partial's own system mapping, and its reserved mapping,
     * which the partial step ends first (3.13).
     */
    static int releaseMappings(TableObject o, Release phase) {
        return switch (phase) {
            case USER_MAPPING, SYSTEM_MAPPING -> 1;
            case PARTIAL -> (o.has(TableObject.ST_SYSMAP) ? 1 : 0) + (o.has(TableObject.ST_RESERVED_MAP) ? 1 : 0);
            default -> 0;
        };
    }

    private TableObject sourceOf(TableObject mdl) {
        return mdl.kind == Kind.PARTIAL ? find(mdl.parent) : null;
    }

    private static boolean ownPages(TableObject m) {
        if (m.kind == Kind.PAGES) {
            return !m.has(TableObject.ST_PAGES_FREED);
        }
        return m.has(TableObject.ST_LOCKED | TableObject.ST_NONPAGED);
    }

    /** Whether the pages of an MDL (or a partial's source) are locked, built or allocated. */
    boolean hasPages(TableObject mdl) {
        if (mdl.kind == Kind.PARTIAL) {
            TableObject s = sourceOf(mdl);
            return s != null && ownPages(s);
        }
        return ownPages(mdl);
    }

    /** Whether an MDL (or a partial's source) is locked for write or describes driver-owned memory. */
    boolean writable(TableObject mdl) {
        TableObject m = mdl.kind == Kind.PARTIAL ? sourceOf(mdl) : mdl;
        if (m == null) {
            return false;
        }
        if (m.kind == Kind.PAGES || m.has(TableObject.ST_NONPAGED | TableObject.ST_DRIVER_PAGES)) {
            return true; // driver-owned pages: writable through any mapping not made NoWrite
        }
        return m.has(TableObject.ST_LOCKED) && m.has(TableObject.ST_WRITE);
    }

    // ------------------------------------------------------------------------------ section 3 refusals

    private int probeFlags(TableObject mdl) {
        if (mdl.kind == Kind.PARTIAL) {
            return REFUSE_PROBE_PARTIAL;
        }
        if (mdl.kind == Kind.PAGES) {
            return REFUSE_PROBE_NOT_IOALLOCATED;
        }
        if (mdl.has(TableObject.ST_LOCKED)) {
            return REFUSE_PROBE_LOCKED;
        }
        if (mdl.has(TableObject.ST_NONPAGED)) {
            return REFUSE_PROBE_NONPAGED;
        }
        if (mdl.has(TableObject.ST_SYSMAP | TableObject.ST_SYSADDR) || mdl.userMappings != 0) {
            return REFUSE_PROBE_MAPPED;
        }
        return 0;
    }

    /**
     * @param inUserRange the range overlaps a user mapping of the process, on any handle ({@link UserRanges}, asked
     *                    under the range lock the caller keeps until the pages are locked)
     * @param shared      the handle was found shared (CONTRACT section 1): no new lock
     */
    int checkProbe(TableObject mdl, int accessMode, boolean inUserRange, boolean shared) {
        int r = probeFlags(mdl);
        if (r != 0) {
            return r;
        }
        if (shared) {
            return REFUSE_SHARED_HANDLE;
        }
        if (inUserRange || inUserMapping(mdl.va, mdl.length)) {
            return REFUSE_RANGE_IN_USER_MAPPING;
        }
        if (accessMode == KERNEL_MODE) {
            if (mdl.length == 0) {
                return REFUSE_ZERO_LENGTH;
            }
            if (kernelRange(mdl.va, mdl.length) == null) {
                return REFUSE_KERNEL_RANGE_REQUIRED;
            }
        }
        return 0;
    }

    /** MmBuildMdlForNonPagedPool shares MmProbeAndLockPages' preconditions on the flags. */
    int checkBuildNonpaged(TableObject mdl) {
        int r = probeFlags(mdl);
        if (r != 0) {
            return r;
        }
        if (mdl.length == 0) {
            return REFUSE_ZERO_LENGTH;
        }
        if (kernelRange(mdl.va, mdl.length) == null) {
            return REFUSE_KERNEL_RANGE_REQUIRED;
        }
        return 0;
    }

    int checkMap(TableObject mdl, boolean user, boolean sharedHandle) {
        if (!hasPages(mdl)) {
            return REFUSE_MAP_NOT_LOCKED;
        }
        if (mdl.length == 0) {
            return REFUSE_ZERO_LENGTH;
        }
        if (sharedHandle) {
            return REFUSE_SHARED_HANDLE; // a handle found shared makes no new mapping of any kind
        }
        return 0;
    }

    /** MmAllocatePagesForMdlEx on a handle found shared is refused (CONTRACT section 1). */
    static int checkAllocatePages(boolean shared) {
        return shared ? REFUSE_SHARED_HANDLE : 0;
    }

    /**
     * The state a partial starts with: IoBuildPartialMdl copies a mapped source's MappedSystemVa, so the partial
     * writes through the source's mapping and carries its protection (finding 2: NoWrite must not be lost).
     */
    static int partialState(TableObject source, boolean sourceMapped, boolean keepNoWrite) {
        int state = source.state & TableObject.ST_PROC_VALID;
        if (sourceMapped) {
            state |= TableObject.ST_INHERITED | TableObject.ST_SYSADDR | (keepNoWrite ? source.state & TableObject.ST_NOWRITE : 0);
        }
        return state;
    }

    /** The kernel buffer or page allocation whose pages a user mapping of {@code mdl} exposes, or null. */
    TableObject driverPagesOf(TableObject mdl) {
        TableObject m = mdl.kind == Kind.PARTIAL ? sourceOf(mdl) : mdl;
        if (m == null) {
            return null;
        }
        if (m.kind == Kind.PAGES) {
            return m;
        }
        if (m.has(TableObject.ST_NONPAGED | TableObject.ST_DRIVER_PAGES)) {
            return kernelRange(m.va, m.length);
        }
        return null;
    }

    static int checkUnlock(TableObject mdl) {
        if (mdl.has(TableObject.ST_RESERVED_MAP)) {
            return REFUSE_RESERVED_MAPPING_LIVES;
        }
        if (mdl.kind == Kind.PARTIAL) {
            return REFUSE_UNLOCK_PARTIAL;
        }
        if (mdl.kind == Kind.PAGES) {
            return REFUSE_UNLOCK_PAGES;
        }
        if (mdl.has(TableObject.ST_NONPAGED)) {
            return REFUSE_UNLOCK_NONPAGED;
        }
        if (!mdl.has(TableObject.ST_LOCKED)) {
            return REFUSE_UNLOCK_NOT_LOCKED;
        }
        if (mdl.userMappings != 0) {
            return REFUSE_USER_MAPPING_LIVES;
        }
        if (mdl.partials != 0) {
            return REFUSE_PARTIAL_LIVES;
        }
        return 0;
    }

    static int checkFree(TableObject mdl, int method) {
        if (mdl.has(TableObject.ST_RESERVED_MAP)) {
            return REFUSE_RESERVED_MAPPING_LIVES;   // a partial's too: IoFreeMdl does not unmap a reserved mapping
        }
        if (mdl.kind == Kind.PAGES && !mdl.has(TableObject.ST_PAGES_FREED)) {
            return REFUSE_FREE_PAGES_FIRST;
        }
        if ((mdl.kind == Kind.MDL || mdl.kind == Kind.PARTIAL) && method != FREE_IOFREEMDL) {
            return REFUSE_FREE_WRONG_METHOD;
        }
        if ((mdl.kind == Kind.INIT_MDL || mdl.kind == Kind.PAGES) && method != FREE_EXFREEPOOL) {
            return REFUSE_FREE_WRONG_METHOD;
        }
        if (mdl.has(TableObject.ST_LOCKED)) {
            return REFUSE_FREE_LOCKED;
        }
        if (mdl.userMappings != 0) {
            return REFUSE_USER_MAPPING_LIVES;
        }
        if (mdl.partials != 0) {
            return REFUSE_PARTIAL_LIVES;
        }
        if (mdl.kind != Kind.PARTIAL && mdl.has(TableObject.ST_SYSMAP)) {
            return REFUSE_FREE_MAPPED;
        }
        return 0;
    }

    static int checkFreePages(TableObject mdl) {
        if (mdl.has(TableObject.ST_RESERVED_MAP)) {
            return REFUSE_RESERVED_MAPPING_LIVES;
        }
        if (mdl.kind != Kind.PAGES || mdl.has(TableObject.ST_PAGES_FREED)) {
            return REFUSE_NOT_PAGE_ALLOCATION;
        }
        if (mdl.userMappings != 0) {
            return REFUSE_USER_MAPPING_LIVES;
        }
        if (mdl.partials != 0) {
            return REFUSE_PARTIAL_LIVES;
        }
        if (mdl.has(TableObject.ST_SYSMAP)) {
            return REFUSE_SYSTEM_MAPPING_LIVES;
        }
        return 0;
    }

    static int checkUnmapSystem(TableObject mdl) {
        if (mdl.has(TableObject.ST_RESERVED_MAP)) {
            return REFUSE_RESERVED_MAPPING_LIVES;
        }
        if (!mdl.has(TableObject.ST_SYSMAP)) {
            return REFUSE_UNMAP_NOT_OWNED; // inherited, a nonpaged-pool address, or nothing mapped
        }
        if (mdl.inheritors != 0) {
            return REFUSE_UNMAP_INHERITED;
        }
        return 0;
    }

    // ------------------------------------------------ kernel-mode mappings and reservations (the DDI-coverage issue)

    /** The mapping object (MAP_KERNEL or MAP_RESERVED) whose MDL is {@code mdl}, or null. */
    TableObject mappingObjectOf(TableObject mdl) {
        for (TableObject o : objects.values()) {
            if ((o.kind == Kind.KERNEL_MAPPING || o.kind == Kind.RESERVED_MAPPING) && o.parent == mdl.id) {
                return o;
            }
        }
        return null;
    }

    /**
     * One system mapping per MDL (CONTRACT section 2): refused when the MDL holds a system mapping of its own
     * (MAP_SYSTEM, MAP_KERNEL or a reserved one), is built for nonpaged pool (a partial of such a source carries
     * MDL_SOURCE_IS_NONPAGED_POOL too), or is a partial that inherited its source's MappedSystemVa.
     */
    private int alreadyMapped(TableObject mdl) {
        if (mdl.has(TableObject.ST_SYSMAP | TableObject.ST_RESERVED_MAP | TableObject.ST_NONPAGED
                | TableObject.ST_INHERITED)) {
            return REFUSE_ALREADY_MAPPED;
        }
        TableObject src = sourceOf(mdl);
        return src != null && src.has(TableObject.ST_NONPAGED) ? REFUSE_ALREADY_MAPPED : 0;
    }

    /** MAP_KERNEL: the MAP_SYSTEM refusals, then a second system mapping. */
    int checkMapKernel(TableObject mdl, boolean sharedHandle) {
        int r = checkMap(mdl, false, sharedHandle);
        return r != 0 ? r : alreadyMapped(mdl);
    }

    /** MAP_RESERVED: as MAP_KERNEL, then the reservation in use, then too small for the pages the MDL spans. */
    int checkMapReserved(TableObject reservation, TableObject mdl, boolean sharedHandle) {
        int r = checkMapKernel(mdl, sharedHandle);
        if (r != 0) {
            return r;
        }
        if (reservation.reservation != 0) {
            return REFUSE_RESERVATION_IN_USE;
        }
        if (ProtocolRules.spanPages(mdl.va, mdl.length) > ProtocolRules.spanPages(0, reservation.length)) {
            return REFUSE_RESERVATION_TOO_SMALL;
        }
        return 0;
    }

    /** UNMAP_RESERVED: the MDL must be the one mapped there, and no partial may have inherited the mapping. */
    int checkUnmapReserved(TableObject reservation, TableObject mdl) {
        TableObject mapping = find(reservation.reservation);
        if (mapping == null || mapping.parent != mdl.id) {
            return REFUSE_RESERVATION_WRONG_MDL;
        }
        return mdl.inheritors != 0 ? REFUSE_UNMAP_INHERITED : 0;
    }

    static int checkFreeReservation(TableObject reservation) {
        return reservation.reservation != 0 ? REFUSE_RESERVATION_MAPPED : 0;
    }

    /** 0 or a refusal; on 0 {@code effectiveLength[0]} holds the partial's length (0 means the rest). */
    static int checkPartial(TableObject source, long offset, long length, long[] effectiveLength) {
        effectiveLength[0] = 0;
        if (source.kind == Kind.PARTIAL || !ownPages(source)) {
            return REFUSE_PARTIAL_SOURCE;
        }
        if (Long.compareUnsigned(offset, source.length) >= 0) {
            return REFUSE_PARTIAL_RANGE;
        }
        long len = length == 0 ? source.length - offset : length;
        if (len > source.length - offset) {
            return REFUSE_PARTIAL_RANGE;
        }
        effectiveLength[0] = len;
        return 0;
    }

    /**
     * 3.9: refused while any MDL of the handle overlaps the buffer, in any state, whichever was created first.
     * Scanned now rather than linked when an MDL is created: an MDL may be allocated at an address before the pool
     * hands a buffer out there (finding 1). Partials and mappings live inside an MDL that cannot go before them.
     */
    int checkPoolFree(TableObject kbuf) {
        for (TableObject o : objects.values()) {
            if ((o.kind == Kind.MDL || o.kind == Kind.INIT_MDL || o.kind == Kind.PARTIAL)
                    && overlaps(o.va, o.length, kbuf.blockVa(), kbuf.blockBytes())) { // the whole block (spec 12)
                return REFUSE_POOL_IN_USE;
            }
        }
        return 0;
    }

    /** A transfer through {@code mapping} (a user mapping) or through the system address of {@code mdl}. */
    int checkTransfer(TableObject mapping, TableObject mdl, boolean write, long offset, long length) {
        if (mapping == null && !mdl.has(TableObject.ST_SYSADDR)) {
            return REFUSE_MAPPING_ENDED;
        }
        if (write) {
            boolean nowrite = mapping != null ? mapping.nowrite : mdl.has(TableObject.ST_NOWRITE);
            if (nowrite || !writable(mdl)) {
                return REFUSE_WRITE_NOT_ALLOWED;
            }
        }
        if (offset + length > mdl.length) {
            return REFUSE_OUT_OF_RANGE;
        }
        return 0;
    }
}
