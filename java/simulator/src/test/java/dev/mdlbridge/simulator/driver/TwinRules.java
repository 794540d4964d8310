package dev.mdlbridge.simulator.driver;

import com.sun.jna.Pointer;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.simulator.driver.TableObject.Kind;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One handle's object table seen through the same calls on either twin: {@link C} (table.c through JNA) and
 * {@link J} (ObjectTable). Actions are written once against {@link Side}, so the same action always means the
 * same thing to both.
 *
 * <p>Kinds and phases are C's numbers on both sides: C kind = {@code Kind.ordinal() + 1}, release phase =
 * {@code Release.ordinal() + 1}, kinds masks are {@code 1 << kind}.
 */
final class TwinRules {

    private TwinRules() {
    }

    // C's enum mdlb_obj_kind
    static final int MDL = 1;
    static final int INIT_MDL = 2;
    static final int PARTIAL = 3;
    static final int PAGES = 4;
    static final int USER_MAPPING = 5;
    static final int KERNEL_BUFFER = 6;
    static final int KERNEL_MAPPING = 7;
    static final int RESERVATION = 8;
    static final int RESERVED_MAPPING = 9;

    static int bit(int kind) {
        return 1 << kind;
    }

    static final int ANY_MDL = bit(MDL) | bit(INIT_MDL) | bit(PARTIAL) | bit(PAGES);
    static final int ANY_KIND = 0xFFFFFFFF;

    /**
     * One rule function of table.c and its ObjectTable twin. {@code a} holds the arguments both receive; when
     * {@code subjectKinds != 0}, {@code a[0]} is an object id that the action first looks up on both sides with
     * that kinds mask (as ops.c / MdlBridgeDriver do before any check) and the functions run only when both find
     * it. The result is the decision as a number (a refusal code, a boolean as 0/1, an object id).
     */
    record Check(String name, int subjectKinds, CCall c, JCall j) {
        @Override
        public String toString() {
            return name;
        }
    }

    interface CCall {
        long call(C c, long[] a);
    }

    interface JCall {
        long call(ObjectTable t, long[] a);
    }

    private static int i(long v) {
        return (int) v;
    }

    /** a[k], or 0 when the recipe gave fewer arguments (older recipes of PROBE). */
    private static int arg(long[] a, int k) {
        return a.length > k ? (int) a[k] : 0;
    }

    /* ----------------------------------------------------------------------------------------------------
     * THE REGISTRY. To compare a new table function: declare it in NativeRules.Lib (if diff_shim.c must wrap
     * it, add the wrapper there), then add one entry here. The generator (TableActions) asks every entry on
     * live, removed and unknown ids; give it an argument recipe in TableActions.args if a[1..] need one.
     * ---------------------------------------------------------------------------------------------------- */
    static final Check PROBE = new Check("check_probe", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_probe(c.t, c.obj(a[0]), i(a[1]), arg(a, 3), arg(a, 4)),
            (t, a) -> t.checkProbe(t.find(i(a[0])), i(a[1]), arg(a, 3) != 0, arg(a, 4) != 0));
    static final Check BUILD_NONPAGED = new Check("check_build_nonpaged", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_build_nonpaged(c.t, c.obj(a[0])),
            (t, a) -> t.checkBuildNonpaged(t.find(i(a[0]))));
    static final Check MAP = new Check("check_map", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_map(c.t, c.obj(a[0]), i(a[1]), i(a[2])),
            (t, a) -> t.checkMap(t.find(i(a[0])), a[1] != 0, a[2] != 0));
    static final Check UNLOCK = new Check("check_unlock", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_unlock(c.obj(a[0])),
            (t, a) -> ObjectTable.checkUnlock(t.find(i(a[0]))));
    static final Check FREE = new Check("check_free", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_free(c.obj(a[0]), i(a[1])),
            (t, a) -> ObjectTable.checkFree(t.find(i(a[0])), i(a[1])));
    static final Check FREE_PAGES = new Check("check_free_pages", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_free_pages(c.obj(a[0])),
            (t, a) -> ObjectTable.checkFreePages(t.find(i(a[0]))));
    static final Check UNMAP_SYSTEM = new Check("check_unmap_system", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_unmap_system(c.obj(a[0])),
            (t, a) -> ObjectTable.checkUnmapSystem(t.find(i(a[0]))));
    /** Refusal << 32 | effective length: both must agree on the length a partial gets, not only on "ok". */
    static final Check PARTIAL_CHECK = new Check("check_partial", ANY_MDL,
            (c, a) -> {
                int[] eff = new int[1];
                int why = c.lib.mdlb_check_partial(c.t, c.obj(a[0]), a[1], i(a[2]), eff);
                return (long) why << 32 | Integer.toUnsignedLong(eff[0]);
            },
            (t, a) -> {
                long[] eff = new long[1];
                int why = ObjectTable.checkPartial(t.find(i(a[0])), a[1], Integer.toUnsignedLong(i(a[2])), eff);
                return (long) why << 32 | (eff[0] & 0xFFFF_FFFFL);
            });
    static final Check POOL_FREE = new Check("check_pool_free", bit(KERNEL_BUFFER),
            (c, a) -> c.lib.mdlb_check_pool_free(c.t, c.obj(a[0])),
            (t, a) -> t.checkPoolFree(t.find(i(a[0]))));
    /** a = {source, source mapped}: the state a partial of it starts with (its NoWrite inherited). */
    static final Check PARTIAL_STATE = new Check("partial_state", ANY_MDL,
            (c, a) -> Integer.toUnsignedLong(c.lib.dt_partial_state(c.t, i(a[0]), i(a[1]))),
            (t, a) -> Integer.toUnsignedLong(ObjectTable.partialState(t.find(i(a[0])), a[1] != 0, true)));
    /** The kernel buffer or page allocation whose pages a user mapping of the MDL exposes (quarantine). */
    static final Check DRIVER_PAGES_OF = new Check("driver_pages_of", ANY_MDL,
            (c, a) -> Integer.toUnsignedLong(c.lib.dt_driver_pages_of(c.t, i(a[0]))),
            (t, a) -> idOf(t.driverPagesOf(t.find(i(a[0])))));
    /** a = {mdl, mapping id or 0, write, offset, length}; the mapping was looked up by the action. */
    static final Check TRANSFER = new Check("check_transfer", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_transfer(c.t, a[1] == 0 ? null : c.obj(a[1]), c.obj(a[0]), i(a[2]),
                    i(a[3]), i(a[4])),
            (t, a) -> t.checkTransfer(a[1] == 0 ? null : t.find(i(a[1])), t.find(i(a[0])), a[2] != 0,
                    Integer.toUnsignedLong(i(a[3])), Integer.toUnsignedLong(i(a[4]))));
    static final Check WRITABLE = new Check("mdl_writable", ANY_MDL,
            (c, a) -> c.lib.mdlb_mdl_writable(c.t, c.obj(a[0])),
            (t, a) -> t.writable(t.find(i(a[0]))) ? 1 : 0);
    static final Check HAS_PAGES = new Check("mdl_has_pages", ANY_MDL,
            (c, a) -> c.lib.mdlb_mdl_has_pages(c.t, c.obj(a[0])),
            (t, a) -> t.hasPages(t.find(i(a[0]))) ? 1 : 0);
    /** a = {mdl, shared handle}: MAP_KERNEL's refusals (the MAP_SYSTEM ones, then ALREADY_MAPPED). */
    static final Check MAP_KERNEL = new Check("check_map_kernel", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_map_kernel(c.t, c.obj(a[0]), i(a[1])),
            (t, a) -> t.checkMapKernel(t.find(i(a[0])), a[1] != 0));
    /** a = {reservation, mdl, shared handle}; the MDL was looked up by the action too. */
    static final Check MAP_RESERVED = new Check("check_map_reserved", bit(RESERVATION),
            (c, a) -> c.lib.mdlb_check_map_reserved(c.t, c.obj(a[0]), c.obj(a[1]), i(a[2])),
            (t, a) -> t.checkMapReserved(t.find(i(a[0])), t.find(i(a[1])), a[2] != 0));
    /** a = {reservation, mdl}. */
    static final Check UNMAP_RESERVED = new Check("check_unmap_reserved", bit(RESERVATION),
            (c, a) -> c.lib.mdlb_check_unmap_reserved(c.t, c.obj(a[0]), c.obj(a[1])),
            (t, a) -> t.checkUnmapReserved(t.find(i(a[0])), t.find(i(a[1]))));
    static final Check FREE_RESERVATION = new Check("check_free_reservation", bit(RESERVATION),
            (c, a) -> c.lib.mdlb_check_free_reservation(c.obj(a[0])),
            (t, a) -> ObjectTable.checkFreeReservation(t.find(i(a[0]))));
    /** a = {mdl, cache type asked}: the parameter stage after the lookup (MDLB_PARAM_CACHE_TYPE or 0). */
    static final Check CACHE_TYPE = new Check("check_cache_type", ANY_MDL,
            (c, a) -> c.lib.mdlb_check_cache_type(c.obj(a[0]), i(a[1])),
            (t, a) -> {
                java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(dev.mdlbridge.protocol.Protocol.REQ_MAP_USER_SIZE)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
                in.putInt(20, i(a[1])); // MDLB_REQ_MAP_USER.CacheType
                return ProtocolRules.checkCacheType(dev.mdlbridge.protocol.Protocol.IOCTL_MAP_KERNEL, in,
                        t.find(i(a[0])));
            });
    // Table scans: no subject; a = {va, len}; the result is the id found (0: none) or a boolean.
    static final Check KERNEL_RANGE = new Check("table_kernel_range", 0,
            (c, a) -> Integer.toUnsignedLong(c.lib.dt_kernel_range(c.t, a[0], a[1])),
            (t, a) -> idOf(t.kernelRange(a[0], a[1])));
    /** What the next insert costs in table slots (the arguments are ignored: a table-wide answer). */
    static final Check GROWTH_BYTES = new Check("table_growth_bytes", 0,
            (c, a) -> c.lib.mdlb_table_growth_bytes(c.t),
            (t, a) -> t.growthBytes());
    static final Check IN_USER_MAPPING = new Check("table_in_user_mapping", 0,
            (c, a) -> c.lib.mdlb_table_in_user_mapping(c.t, a[0], a[1]),
            (t, a) -> t.inUserMapping(a[0], a[1]) ? 1 : 0);

    static final List<Check> ALL = List.of(PROBE, BUILD_NONPAGED, MAP, UNLOCK, FREE, FREE_PAGES, UNMAP_SYSTEM,
            PARTIAL_CHECK, POOL_FREE, TRANSFER, WRITABLE, HAS_PAGES, KERNEL_RANGE, IN_USER_MAPPING, PARTIAL_STATE,
            DRIVER_PAGES_OF, GROWTH_BYTES, MAP_KERNEL, MAP_RESERVED, UNMAP_RESERVED, FREE_RESERVATION, CACHE_TYPE);

    /** Checks whose a[1] names an MDL the drivers look up after the reservation in a[0]. */
    static boolean namesMdlSecond(Check k) {
        return k == MAP_RESERVED || k == UNMAP_RESERVED;
    }

    private static long idOf(TableObject o) {
        return o == null ? 0 : Integer.toUnsignedLong(o.id);
    }

    /** What an action may do to a table; implemented once per twin. Ids are u32 carried in Java ints. */
    interface Side {
        /** Inserts an object from fields (counters start at 0, as both inserts reset them); returns its id. */
        int insert(int kind, int state, int parent, long va, long length, boolean nowrite);

        void remove(int id);

        int state(int id);

        void setState(int id, int state);

        /** The pages' memory type of an MDL object (table.h cache_type, TableObject.cacheType). */
        int cacheType(int id);

        void setCacheType(int id, int cacheType);

        /**
         * The mapping link as table.h keeps it: MDL -> its kernel-mode or reserved mapping object, reserved mapping
         * -> its reservation, reservation -> the reserved mapping in it; 0 for none and for other kinds.
         */
        int mapping(int id);

        void setMapping(int id, int mapping);

        /** 0, STATUS_NOT_FOUND or STATUS_OBJECT_TYPE_MISMATCH. */
        int lookup(int id, int kinds);

        /** What releasing the object in that phase adds to OutstandingMappings (mdlb_release_mappings). */
        int releaseMappings(int id, int phase);

        /** id | phase << 32 of the next object RELEASE_ALL handles; 0 when the table is empty. */
        long nextRelease();

        /** user mappings, partials, inheritors; null when no such object. */
        int[] counters(int id);

        long call(Check k, long[] a);

        void setNextId(long next);

        /** The section 4 check of ops.c reserve() / MdlBridgeDriver.reserve(): handle first, then driver. */
        int limitCheck(long[] handleUse, long[] handleLimits, long[] driverUse, long[] driverLimits, long[] add);

        /** use +/-= delta as mdlb_use_add/sub or ResourceUse.add/sub compute it; returns the new use. */
        long[] useApply(long[] use, long[] delta, int sign);
    }

    /** table.c through JNA; one mdlb_table allocated by the shim. */
    static final class C implements Side, AutoCloseable {
        final NativeRules.Lib lib;
        final Pointer t;

        C(NativeRules.Lib lib) {
            this.lib = lib;
            this.t = lib.dt_new();
        }

        Pointer obj(long id) {
            return lib.dt_find(t, (int) id);
        }

        @Override
        public int insert(int kind, int state, int parent, long va, long length, boolean nowrite) {
            return lib.dt_insert(t, kind, state, parent, va, length, nowrite ? 1 : 0);
        }

        @Override
        public void remove(int id) {
            lib.dt_remove(t, id);
        }

        @Override
        public int releaseMappings(int id, int phase) {
            return lib.dt_release_mappings(t, id, phase);
        }

        @Override
        public int cacheType(int id) {
            return lib.dt_get_cache_type(t, id);
        }

        @Override
        public void setCacheType(int id, int cacheType) {
            lib.dt_set_cache_type(t, id, cacheType);
        }

        @Override
        public int mapping(int id) {
            return lib.dt_get_mapping(t, id);
        }

        @Override
        public void setMapping(int id, int mapping) {
            lib.dt_set_mapping(t, id, mapping);
        }

        @Override
        public int state(int id) {
            return lib.dt_get_state(t, id);
        }

        @Override
        public void setState(int id, int state) {
            lib.dt_set_state(t, id, state);
        }

        @Override
        public int lookup(int id, int kinds) {
            return lib.dt_lookup(t, id, kinds);
        }

        @Override
        public long nextRelease() {
            int[] phase = new int[1];
            int id = lib.dt_next_release(t, phase);
            return Integer.toUnsignedLong(id) | (long) phase[0] << 32;
        }

        @Override
        public int[] counters(int id) {
            if (lib.dt_find(t, id) == null) {
                return null;
            }
            int[] c = new int[3];
            lib.dt_counters(t, id, c);
            return c;
        }

        @Override
        public long call(Check k, long[] a) {
            return k.c().call(this, a);
        }

        @Override
        public void setNextId(long next) {
            lib.dt_set_next_id(t, (int) next);
        }

        @Override
        public int limitCheck(long[] hu, long[] hl, long[] du, long[] dl, long[] add) {
            return lib.dt_limit_check(hu, hl, du, dl, add);
        }

        @Override
        public long[] useApply(long[] use, long[] delta, int sign) {
            long[] u = use.clone();
            lib.dt_use_apply(u, delta, sign);
            return u;
        }

        @Override
        public void close() {
            lib.dt_delete(t);
        }
    }

    /** The simulated driver's ObjectTable. */
    static class J implements Side {
        final ObjectTable t = new ObjectTable();

        private static final Kind[] KINDS = Kind.values();

        static Set<Kind> kinds(int mask) {
            Set<Kind> s = EnumSet.noneOf(Kind.class);
            for (Kind k : KINDS) {
                if ((mask & bit(k.ordinal() + 1)) != 0) {
                    s.add(k);
                }
            }
            return s;
        }

        @Override
        public int insert(int kind, int state, int parent, long va, long length, boolean nowrite) {
            TableObject o = new TableObject(KINDS[kind - 1]);
            o.state = state;
            o.parent = parent;
            o.va = va;
            o.length = length;
            o.nowrite = nowrite;
            if (o.kind == Kind.KERNEL_BUFFER) {
                o.pageOffset = (int) (va & 0xFFF); // the block is page-aligned; the buffer starts PageOffset in
            }
            return t.insert(o).id;
        }

        @Override
        public int releaseMappings(int id, int phase) {
            TableObject o = t.find(id);
            return o == null ? 0 : ObjectTable.releaseMappings(o, ObjectTable.Release.values()[phase - 1]);
        }

        @Override
        public int cacheType(int id) {
            TableObject o = t.find(id);
            return o == null ? 0 : o.cacheType;
        }

        @Override
        public void setCacheType(int id, int cacheType) {
            TableObject o = t.find(id);
            if (o != null) {
                o.cacheType = cacheType;
            }
        }

        /** The simulator finds an MDL's mapping object by its parent link and keeps the rest in 'reservation'. */
        @Override
        public int mapping(int id) {
            TableObject o = t.find(id);
            if (o == null) {
                return 0;
            }
            if (o.isMdl()) {
                TableObject m = t.mappingObjectOf(o);
                return m == null ? 0 : m.id;
            }
            return o.kind == Kind.RESERVATION || o.kind == Kind.RESERVED_MAPPING ? o.reservation : 0;
        }

        @Override
        public void setMapping(int id, int mapping) {
            TableObject o = t.find(id);
            if (o != null && (o.kind == Kind.RESERVATION || o.kind == Kind.RESERVED_MAPPING)) {
                o.reservation = mapping;
            }
        }

        @Override
        public void remove(int id) {
            TableObject o = t.find(id);
            if (o != null) {
                t.remove(o);
            }
        }

        @Override
        public int state(int id) {
            TableObject o = t.find(id);
            return o == null ? 0 : o.state;
        }

        @Override
        public void setState(int id, int state) {
            TableObject o = t.find(id);
            if (o != null) {
                o.state = state;
            }
        }

        @Override
        public int lookup(int id, int kinds) {
            try {
                t.lookup(id, kinds(kinds));
                return 0;
            } catch (ObjectTable.BadId e) {
                return e.status;
            }
        }

        @Override
        public long nextRelease() {
            Map.Entry<TableObject, ObjectTable.Release> e = t.nextRelease();
            return e == null ? 0
                    : Integer.toUnsignedLong(e.getKey().id) | (long) (e.getValue().ordinal() + 1) << 32;
        }

        @Override
        public int[] counters(int id) {
            TableObject o = t.find(id);
            return o == null ? null : new int[] {o.userMappings, o.partials, o.inheritors};
        }

        @Override
        public long call(Check k, long[] a) {
            return k.j().call(t, a);
        }

        @Override
        public void setNextId(long next) {
            t.nextIdForTest(next);
        }

        @Override
        public int limitCheck(long[] hu, long[] hl, long[] du, long[] dl, long[] add) {
            ResourceUse a = use(add);
            int lim = limits(hl).check(use(hu), a);
            return lim != 0 ? lim : limits(dl).check(use(du), a);
        }

        @Override
        public long[] useApply(long[] use, long[] delta, int sign) {
            ResourceUse u = use(use);
            if (sign > 0) {
                u.add(use(delta));
            } else {
                u.sub(use(delta));
            }
            return new long[] {u.objects, u.mdls, u.mappings, u.kernelBuffers, u.lockedBytes, u.kernelBufferBytes,
                u.pageBytes, u.poolBytes, u.systemMappingBytes};
        }

        static ResourceUse use(long[] a) {
            ResourceUse u = new ResourceUse();
            u.objects = a[0];
            u.mdls = a[1];
            u.mappings = a[2];
            u.kernelBuffers = a[3];
            u.lockedBytes = a[4];
            u.kernelBufferBytes = a[5];
            u.pageBytes = a[6];
            u.poolBytes = a[7];
            u.systemMappingBytes = a[8];
            return u;
        }

        static Limits limits(long[] a) {
            return new Limits(a[0], a[1], a[2], a[3], a[4], a[5]);
        }
    }

    static final int NOT_FOUND = NtStatus.NOT_FOUND.value();

    /** State bits both twins use (table.h MDLB_ST_* = TableObject.ST_*). */
    static final int ST_LOCKED = TableObject.ST_LOCKED;
    static final int ST_WRITE = TableObject.ST_WRITE;
    static final int ST_NONPAGED = TableObject.ST_NONPAGED;
    static final int ST_SYSMAP = TableObject.ST_SYSMAP;
    static final int ST_INHERITED = TableObject.ST_INHERITED;
    static final int ST_SYSADDR = TableObject.ST_SYSADDR;
    static final int ST_NOWRITE = TableObject.ST_NOWRITE;
    static final int ST_PAGES_FREED = TableObject.ST_PAGES_FREED;
    static final int ST_PROC_VALID = TableObject.ST_PROC_VALID;
    static final int ST_RESMAP = TableObject.ST_RESERVED_MAP;
}
