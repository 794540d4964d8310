package dev.mdlbridge.simulator.driver;

import static dev.mdlbridge.simulator.driver.TwinRules.*;

import dev.mdlbridge.simulator.driver.TwinRules.Check;
import dev.mdlbridge.simulator.driver.TwinRules.Side;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.StringJoiner;

/**
 * The action vocabulary of the table comparison, seeded sequence generation, and the runner that applies every
 * action to both twins and compares what each decided.
 *
 * <p>An {@link Action} is applied through {@link Side}, once per twin, and returns its decisions as a string
 * (refusal codes, lookup statuses, ids assigned, release choice and phase, limit results). After every action the
 * runner also compares every object ever assigned: lookup status, state bits and link counters.
 */
final class TableActions {

    private TableActions() {
    }

    static String hex(long v) {
        return v >= 0 && v < 10 ? Long.toString(v) : "0x" + Long.toHexString(v);
    }

    static String args(long[] a) {
        StringJoiner j = new StringJoiner(",", "(", ")");
        for (long v : a) {
            j.add(hex(v));
        }
        return j.toString();
    }

    /** What the generator knows of the table: the C side's objects, as inserted (fields never change after). */
    static final class Model {
        record Info(int kind, int parent, long va, long length) {
        }

        final Map<Integer, Info> live = new LinkedHashMap<>();
        final Set<Integer> ever = new LinkedHashSet<>();
        /** The C side's state bits as last set: lets the generator aim operations at objects they can succeed on. */
        final Map<Integer, Integer> state = new LinkedHashMap<>();
        /** The C side's mapping links and cache types as last set (table.h mapping, cache_type). */
        final Map<Integer, Integer> mapping = new LinkedHashMap<>();
        final Map<Integer, Integer> cache = new LinkedHashMap<>();

        /** Live ids of these kinds whose state satisfies {@code p}. */
        List<Integer> ids(int kinds, java.util.function.IntPredicate p) {
            List<Integer> out = new ArrayList<>();
            for (int id : ids(kinds)) {
                if (p.test(state.getOrDefault(id, 0))) {
                    out.add(id);
                }
            }
            return out;
        }

        List<Integer> ids(int kinds) {
            List<Integer> out = new ArrayList<>();
            for (Map.Entry<Integer, Info> e : live.entrySet()) {
                if ((kinds & bit(e.getValue().kind)) != 0) {
                    out.add(e.getKey());
                }
            }
            return out;
        }

        Info info(long id) {
            return live.get((int) id);
        }
    }

    /** The C side, recording inserts and removals into the model the generator reads. */
    static final class Tracking implements Side {
        final Side s;
        final Model m;

        Tracking(Side s, Model m) {
            this.s = s;
            this.m = m;
        }

        @Override
        public int insert(int kind, int state, int parent, long va, long length, boolean nowrite) {
            int id = s.insert(kind, state, parent, va, length, nowrite);
            m.live.put(id, new Model.Info(kind, parent, va, length));
            m.ever.add(id);
            m.state.put(id, state);
            return id;
        }

        @Override
        public void remove(int id) {
            s.remove(id);
            m.live.remove(id);
        }

        @Override
        public int state(int id) {
            return s.state(id);
        }

        @Override
        public void setState(int id, int state) {
            s.setState(id, state);
            m.state.put(id, state);
        }

        @Override
        public int releaseMappings(int id, int phase) {
            return s.releaseMappings(id, phase);
        }

        @Override
        public int cacheType(int id) {
            return s.cacheType(id);
        }

        @Override
        public void setCacheType(int id, int cacheType) {
            s.setCacheType(id, cacheType);
            m.cache.put(id, cacheType);
        }

        @Override
        public int mapping(int id) {
            return s.mapping(id);
        }

        @Override
        public void setMapping(int id, int mapping) {
            s.setMapping(id, mapping);
            m.mapping.put(id, mapping);
        }

        @Override
        public int lookup(int id, int kinds) {
            return s.lookup(id, kinds);
        }

        @Override
        public long nextRelease() {
            return s.nextRelease();
        }

        @Override
        public int[] counters(int id) {
            return s.counters(id);
        }

        @Override
        public long call(Check k, long[] a) {
            return s.call(k, a);
        }

        @Override
        public void setNextId(long next) {
            s.setNextId(next);
        }

        @Override
        public int limitCheck(long[] hu, long[] hl, long[] du, long[] dl, long[] add) {
            return s.limitCheck(hu, hl, du, dl, add);
        }

        @Override
        public long[] useApply(long[] use, long[] delta, int sign) {
            return s.useApply(use, delta, sign);
        }
    }

    /** One step of a sequence; {@code apply} runs on the Java twin first, then on the C twin (which the model tracks). */
    interface Action {
        String apply(Side s, Model m);
    }

    /** Looks up a check's subject as the drivers do before a check; null when found, else the status. */
    static String lookupSubject(Side s, int kinds, long[] a) {
        if (kinds == 0) {
            return null;
        }
        int st = s.lookup((int) a[0], kinds);
        return st == 0 ? null : "lookup " + hex(Integer.toUnsignedLong(st));
    }

    /** The second id of MAP_RESERVED / UNMAP_RESERVED (an MDL), looked up after the reservation as ops.c does. */
    static String lookupMdl(Side s, long id) {
        int st = s.lookup((int) id, ANY_MDL);
        return st == 0 ? null : "lookup mdl " + hex(Integer.toUnsignedLong(st));
    }

    /**
     * An object as ops.c insert_mdl / op_pool_allocate / op_reserve build it, with its pages' memory type (MDLs
     * over caller ranges and kernel buffers MmCached, a page allocation its request's).
     */
    record Insert(int kind, int state, int parent, long va, long length, boolean nowrite, int cacheType)
            implements Action {
        Insert(int kind, int state, int parent, long va, long length, boolean nowrite) {
            this(kind, state, parent, va, length, nowrite, MM_CACHED);
        }

        @Override
        public String apply(Side s, Model m) {
            int id = s.insert(kind, state, parent, va, length, nowrite);
            s.setCacheType(id, cacheType);
            return "id=" + Integer.toUnsignedString(id);
        }

        @Override
        public String toString() {
            return "Insert(kind=" + kind + ", state=" + hex(state) + ", parent=" + parent + ", va=" + hex(va)
                    + ", length=" + hex(length) + ", nowrite=" + nowrite + ", cacheType=" + cacheType + ")";
        }
    }

    static final int MM_CACHED = dev.mdlbridge.protocol.Protocol.MM_CACHED;

    /** Runs one rule function on both twins, with no effect: any check on any id, as a question. */
    record Ask(Check k, long[] a) implements Action {
        @Override
        public String apply(Side s, Model m) {
            if (k == TRANSFER && a[1] != 0) {
                int st = s.lookup((int) a[1], bit(USER_MAPPING));
                if (st != 0) {
                    return "lookup mapping " + hex(Integer.toUnsignedLong(st));
                }
            }
            String l = lookupSubject(s, k.subjectKinds(), a);
            if (l == null && namesMdlSecond(k)) {
                l = lookupMdl(s, a[1]);
            }
            return l != null ? l : k.name() + "=" + hex(s.call(k, a));
        }

        @Override
        public String toString() {
            return "Ask " + k + args(a);
        }
    }

    /** What a driver operation does after its check passed (ops.c / Operations.java), on one twin. */
    interface Effect {
        String apply(Side s, long[] a, Model m);
    }

    static void orState(Side s, long id, int bits) {
        s.setState((int) id, s.state((int) id) | bits);
    }

    static void clearState(Side s, long id, int bits) {
        s.setState((int) id, s.state((int) id) & ~bits);
    }

    static final int UNLOCK_CLEARS = ST_LOCKED | ST_WRITE | ST_SYSMAP | ST_SYSADDR | ST_NOWRITE;
    static final int UNMAP_CLEARS = ST_SYSMAP | ST_SYSADDR | ST_NOWRITE;
    static final int RESMAP_CLEARS = ST_RESMAP | ST_SYSADDR | ST_NOWRITE;

    static boolean live(Side s, int id, int kinds) {
        return id != 0 && s.lookup(id, kinds) == 0;
    }

    /** ops.c end_system_mapping: the MDL's own system mapping ended, and the kernel-mode mapping object naming it. */
    static void endSystemMapping(Side s, long mdl) {
        int k = s.mapping((int) mdl);
        if (live(s, k, bit(KERNEL_MAPPING))) {
            s.remove(k);
        }
        s.setMapping((int) mdl, 0);
    }

    /** ops.c unmap_system. */
    static void unmapSystem(Side s, long mdl) {
        clearState(s, mdl, UNMAP_CLEARS);
        endSystemMapping(s, mdl);
    }

    /** ops.c unlock_mdl. */
    static void unlockMdl(Side s, long mdl) {
        if ((s.state((int) mdl) & ST_SYSMAP) != 0) {
            endSystemMapping(s, mdl);
        }
        clearState(s, mdl, UNLOCK_CLEARS);
    }

    /** ops.c unmap_reserved: the reserved mapping object ends, the reservation is empty, the MDL unmapped. */
    static void unmapReserved(Side s, long res, long mdl) {
        int map = s.mapping((int) res);
        if (live(s, map, bit(RESERVED_MAPPING))) {
            s.remove(map);
        }
        s.setMapping((int) res, 0);
        s.setMapping((int) mdl, 0);
        clearState(s, mdl, RESMAP_CLEARS);
    }

    /** ops.c release_reserved_mapping. */
    static void releaseReservedMapping(Side s, long mdl) {
        int map = s.mapping((int) mdl);
        int res = live(s, map, ANY_KIND) ? s.mapping(map) : 0;
        if (live(s, res, bit(RESERVATION))) {
            unmapReserved(s, res, mdl);
            return;
        }
        if (live(s, map, ANY_KIND)) {
            s.remove(map);
        }
        s.setMapping((int) mdl, 0);
        clearState(s, mdl, RESMAP_CLEARS);
    }

    /** ops.c release_system_mapping (phase 3): the subject is an MDL or its kernel-mode / reserved mapping object. */
    static void releaseSystemMapping(Side s, int id, Model m) {
        long mdl = id;
        if (live(s, id, bit(KERNEL_MAPPING) | bit(RESERVED_MAPPING))) {
            mdl = m.info(id).parent();
        }
        if (live(s, (int) mdl, ANY_MDL)) {
            int st = s.state((int) mdl);
            if ((st & ST_RESMAP) != 0) {
                releaseReservedMapping(s, mdl);
            } else if ((st & ST_SYSMAP) != 0) {
                unmapSystem(s, mdl);
            }
        }
        if (mdl != id && live(s, id, ANY_KIND)) {
            s.remove(id); // a mapping object its MDL no longer named
        }
    }

    static final long KMAP_BASE = 0xFFFF_F880_0000_0000L;
    static final long RES_BASE = 0xFFFF_F8A0_0000_0000L;

    /** Driver operations: a check (or none), the kinds the subject is looked up with, and the effect. */
    enum Op {
        /** a = {mdl, access mode, operation}. */
        PROBE(TwinRules.PROBE, ANY_MDL, (s, a, m) -> {
            orState(s, a[0], ST_LOCKED | ST_PROC_VALID | (a[2] != 0 ? ST_WRITE : 0)
                    | (a[1] == dev.mdlbridge.protocol.Protocol.KERNEL_MODE ? TableObject.ST_DRIVER_PAGES : 0));
            return "";
        }),
        BUILD_NONPAGED(TwinRules.BUILD_NONPAGED, ANY_MDL, (s, a, m) -> {
            orState(s, a[0], ST_NONPAGED | ST_PROC_VALID);
            return "";
        }),
        /** a = {mdl, 0 (system), 0, NoWrite asked}; "had" stands for MDL_MAPPED_TO_SYSTEM_VA / SOURCE_IS_NONPAGED_POOL. */
        MAP_SYSTEM(TwinRules.MAP, ANY_MDL, (s, a, m) -> {
            int st = s.state((int) a[0]);
            if ((st & (ST_SYSMAP | ST_NONPAGED | ST_INHERITED | ST_RESMAP)) == 0) {
                st |= ST_SYSMAP | (a[3] != 0 ? ST_NOWRITE : 0);
            }
            s.setState((int) a[0], st | ST_SYSADDR);
            return "";
        }),
        /** a = {mdl, 1 (user), shared handle, user address, NoWrite asked, cache type}. */
        MAP_USER(TwinRules.MAP, ANY_MDL, (s, a, m) -> {
            boolean nowrite = s.call(WRITABLE, new long[] {a[0]}) == 0 || a[4] != 0;
            int id = s.insert(USER_MAPPING, 0, (int) a[0], a[3], m.info(a[0]).length(), nowrite);
            return "mapping=" + id + " nowrite=" + nowrite;
        }),
        UNMAP_SYSTEM(TwinRules.UNMAP_SYSTEM, ANY_MDL, (s, a, m) -> {
            unmapSystem(s, a[0]);
            return "";
        }),
        /** a = {kernel-mode or reserved mapping}: UNMAP by the mapping's id, decided on its MDL (ops.c op_unmap). */
        UNMAP_MAPPING(TwinRules.UNMAP_SYSTEM, bit(KERNEL_MAPPING) | bit(RESERVED_MAPPING), (s, a, m) -> {
            unmapSystem(s, a[0]);
            return "";
        }),
        /** a = {mdl, shared handle, NoWrite asked, cache type, address the DDI returns}. */
        MAP_KERNEL(TwinRules.MAP_KERNEL, ANY_MDL, (s, a, m) -> {
            Model.Info i = m.info(a[0]);
            boolean nowrite = a[2] != 0;
            int id = s.insert(KERNEL_MAPPING, 0, (int) a[0], a[4] + (i.va() & (PAGE - 1)), i.length(), nowrite);
            orState(s, a[0], ST_SYSMAP | ST_SYSADDR | (nowrite ? ST_NOWRITE : 0));
            s.setMapping((int) a[0], id);
            return "mapping=" + id;
        }),
        /** a = {size, base the DDI returns}: no refusal (not even on a shared handle). */
        RESERVE(null, 0, (s, a, m) -> {
            int id = s.insert(RESERVATION, 0, 0, a[1], a[0], false);
            return "reservation=" + id;
        }),
        /** a = {reservation, mdl, shared handle, cache type}. */
        MAP_RESERVED(TwinRules.MAP_RESERVED, bit(RESERVATION), (s, a, m) -> {
            Model.Info i = m.info(a[1]);
            int id = s.insert(RESERVED_MAPPING, 0, (int) a[1], m.info(a[0]).va() + (i.va() & (PAGE - 1)), i.length(),
                    false);
            s.setMapping(id, (int) a[0]);
            orState(s, a[1], ST_RESMAP);
            s.setMapping((int) a[1], id);
            s.setMapping((int) a[0], id);
            return "mapping=" + id;
        }),
        /** a = {reservation, mdl}. */
        UNMAP_RESERVED(TwinRules.UNMAP_RESERVED, bit(RESERVATION), (s, a, m) -> {
            unmapReserved(s, a[0], a[1]);
            return "";
        }),
        FREE_RESERVATION(TwinRules.FREE_RESERVATION, bit(RESERVATION), (s, a, m) -> {
            s.remove((int) a[0]);
            return "";
        }),
        /** a = {user mapping}: no refusal applies to unmapping a user mapping. */
        UNMAP_USER(null, bit(USER_MAPPING), (s, a, m) -> {
            s.remove((int) a[0]);
            return "";
        }),
        UNLOCK(TwinRules.UNLOCK, ANY_MDL, (s, a, m) -> {
            unlockMdl(s, a[0]);
            return "";
        }),
        /** a = {mdl, method}. */
        FREE(TwinRules.FREE, ANY_MDL, (s, a, m) -> {
            if (m.info(a[0]).kind() == TwinRules.PARTIAL && (s.state((int) a[0]) & ST_SYSMAP) != 0) {
                endSystemMapping(s, a[0]); // IoFreeMdl unmaps a mapped partial
            }
            s.remove((int) a[0]);
            return "";
        }),
        FREE_PAGES(TwinRules.FREE_PAGES, ANY_MDL, (s, a, m) -> {
            orState(s, a[0], ST_PAGES_FREED);
            return "";
        }),
        POOL_FREE(TwinRules.POOL_FREE, bit(KERNEL_BUFFER), (s, a, m) -> {
            s.remove((int) a[0]);
            return "";
        }),
        /** a = {source, offset, length}: the partial inherits the source's system mapping (ops.c op_build_partial). */
        PARTIAL(TwinRules.PARTIAL_CHECK, ANY_MDL, (s, a, m) -> {
            long eff = s.call(TwinRules.PARTIAL_CHECK, a) & 0xFFFF_FFFFL;
            int src = s.state((int) a[0]);
            // each side's own partial_state: a difference shows in the partial's state bits, compared after this
            // MDL_MAPPED_TO_SYSTEM_VA: its own system mapping or a reserved one (the partial inherits either)
            int st = (int) s.call(TwinRules.PARTIAL_STATE,
                    new long[] {a[0], (src & (ST_SYSMAP | ST_RESMAP)) != 0 ? 1 : 0});
            int id = s.insert(TwinRules.PARTIAL, st, (int) a[0], m.info(a[0]).va() + a[1], eff, false);
            s.setCacheType(id, s.cacheType((int) a[0])); // the same pages, the same memory type
            return "partial=" + id;
        });

        final Check check;
        final int kinds;
        final Effect effect;

        Op(Check check, int kinds, Effect effect) {
            this.check = check;
            this.kinds = kinds;
            this.effect = effect;
        }
    }

    /** A driver operation: lookup, check, and on success its effect. */
    record Drive(Op op, long[] a) implements Action {
        @Override
        public String apply(Side s, Model m) {
            String l = lookupSubject(s, op.kinds, a);
            if (l != null) {
                return l;
            }
            long[] ca = a;
            if (op == Op.UNMAP_MAPPING) {
                // ops.c looks the mapping's MDL up and decides on it; the mapping's parent never changes
                Model.Info i = m.info(a[0]);
                if (i == null) {
                    return "no such object in the model";
                }
                ca = new long[] {Integer.toUnsignedLong(i.parent())};
            }
            if (op == Op.MAP_RESERVED || op == Op.UNMAP_RESERVED || op == Op.UNMAP_MAPPING) {
                l = lookupMdl(s, ca == a ? a[1] : ca[0]);
                if (l != null) {
                    return l;
                }
            }
            // The parameter stage after the lookup: the memory type asked for must be the pages' own.
            long cache = switch (op) {
                case MAP_SYSTEM -> MM_CACHED;
                case MAP_USER -> a[5];
                case MAP_KERNEL -> a[3];
                case MAP_RESERVED -> a[3];
                default -> -1;
            };
            if (cache >= 0) {
                long p = s.call(TwinRules.CACHE_TYPE, new long[] {op == Op.MAP_RESERVED ? a[1] : a[0], cache});
                if (p != 0) {
                    return "param " + hex(p);
                }
            }
            long why = op.check == null ? 0 : s.call(op.check, ca);
            if (op == Op.PARTIAL) {
                why >>>= 32;
            }
            if (why != 0) {
                return "refused " + hex(why);
            }
            return "ok " + op.effect.apply(s, ca, m);
        }

        @Override
        public String toString() {
            return op + args(a);
        }
    }

    /**
     * One step of RELEASE_ALL (ops.c release_one / Operations.releaseAll), or the whole drain when {@code all}.
     * Unless {@code exactOrder}, ids are reported sorted within each run of one phase: the twins pick among equal
     * phases in a different order (C: slot order, slots are reused; Java: insertion order), see
     * DifferentialTest.releaseOrderWithinAPhase. Phases never decrease during a drain, so the runs are well defined.
     */
    record Release(boolean all, boolean exactOrder) implements Action {
        @Override
        public String apply(Side s, Model m) {
            StringBuilder out = new StringBuilder();
            long mappings = 0; // RELEASE_ALL's OutstandingMappings
            for (int guard = 0; guard < 10_000; guard++) {
                long next = s.nextRelease();
                int id = (int) next;
                int phase = (int) (next >>> 32);
                out.append(Integer.toUnsignedString(id)).append('/').append(phase).append(' ');
                if (id == 0) {
                    break;
                }
                mappings += s.releaseMappings(id, phase);
                switch (phase) {
                    case 2 -> { // ops.c release_one, MDLB_REL_PARTIAL
                        if ((s.state(id) & ST_RESMAP) != 0) {
                            releaseReservedMapping(s, id); // IoFreeMdl would not end it (3.13)
                        }
                        if ((s.state(id) & ST_SYSMAP) != 0) {
                            endSystemMapping(s, id);
                        }
                        s.remove(id);
                    }
                    case 3 -> releaseSystemMapping(s, id, m);
                    case 4 -> unlockMdl(s, id);
                    case 5 -> orState(s, id, ST_PAGES_FREED);
                    default -> s.remove(id); // user mapping, free MDL, reservation, kernel buffer
                }
                if (!all) {
                    break;
                }
            }
            return (exactOrder ? out.toString().trim() : sortWithinPhases(out.toString().trim())) + " mappings="
                    + mappings;
        }
    }

    static String sortWithinPhases(String steps) {
        Map<String, List<Long>> runs = new LinkedHashMap<>();
        String last = null;
        int run = 0;
        for (String step : steps.split(" ")) {
            String phase = step.substring(step.indexOf('/') + 1);
            if (!phase.equals(last)) {
                run++;
                last = phase;
            }
            runs.computeIfAbsent(run + ":" + phase, k -> new ArrayList<>())
                    .add(Long.parseLong(step.substring(0, step.indexOf('/'))));
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, List<Long>> e : runs.entrySet()) {
            java.util.Collections.sort(e.getValue());
            b.append("phase ").append(e.getKey().substring(e.getKey().indexOf(':') + 1)).append(": ")
                    .append(e.getValue()).append("; ");
        }
        return b.toString().trim();
    }

    /** State bits set and cleared directly: states the operations reach only through DDI failures or bugs. */
    record SetBits(int id, int set, int clear) implements Action {
        @Override
        public String apply(Side s, Model m) {
            s.setState(id, (s.state(id) | set) & ~clear);
            return "";
        }
    }

    record Lookup(int id, int kinds) implements Action {
        @Override
        public String apply(Side s, Model m) {
            return hex(Integer.toUnsignedLong(s.lookup(id, kinds)));
        }
    }

    /** Section 4: the limit check and the use arithmetic, on values given. */
    record Limit(long[] hu, long[] hl, long[] du, long[] dl, long[] add) implements Action {
        @Override
        public String apply(Side s, Model m) {
            int lim = s.limitCheck(hu, hl, du, dl, add);
            if (lim != 0) {
                return "limit=" + lim;
            }
            // What reserve() adds when the check passes, then unreserve() of the same charge: the drivers pair them.
            long[] plus = s.useApply(hu, add, 1);
            return "limit=0 use+add=" + args(plus) + " use+add-add=" + args(s.useApply(plus, add, -1));
        }

        @Override
        public String toString() {
            return "Limit(handleUse=" + args(hu) + ", handleLimits=" + args(hl) + ", driverUse=" + args(du)
                    + ", driverLimits=" + args(dl) + ", add=" + args(add) + ")";
        }
    }

    /** Sets both tables' next id (the id-wrap cases). */
    record NextId(long next) implements Action {
        @Override
        public String apply(Side s, Model m) {
            s.setNextId(next);
            return "";
        }
    }

    // ------------------------------------------------------------------------------------------ generation

    static final long KB_BASE = 0xFFFF_9000_0010_0000L;
    static final long USER_BASE = 0x0000_0000_0001_0000L;
    static final long MAP_BASE = 0x0000_7FF0_0001_0000L;
    static final long PAGE = 4096;

    /** Seeded generator of plausible actions, with a share of ids and values no driver would produce. */
    static final class Generator {
        final Random r;
        /**
         * Exact release order, single release steps, and kernel buffers that touch: the cases where the twins'
         * different iteration orders show (see DifferentialTest). Off, buffers keep a page apart and RELEASE_ALL
         * is compared as a whole drain with ids sorted within a phase.
         */
        final boolean orderSensitive;
        long nextKb = KB_BASE;
        long nextMap = MAP_BASE;
        long nextKmap = KMAP_BASE;
        long nextRes = RES_BASE;

        Generator(long seed) {
            this(seed, false);
        }

        Generator(long seed, boolean orderSensitive) {
            this.r = new Random(seed);
            this.orderSensitive = orderSensitive;
        }

        <T> T pick(List<T> l) {
            return l.get(r.nextInt(l.size()));
        }

        /** An id: mostly a live object of the wanted kinds, else every class (other kind, released, 0, never used). */
        long id(Model m, int kinds) {
            List<Integer> want = m.ids(kinds);
            int p = r.nextInt(100);
            if (p < 70 && !want.isEmpty()) {
                return Integer.toUnsignedLong(pick(want));
            }
            if (p < 80 && !m.live.isEmpty()) {
                return Integer.toUnsignedLong(pick(new ArrayList<>(m.live.keySet())));
            }
            if (p < 88 && !m.ever.isEmpty()) {
                return Integer.toUnsignedLong(pick(new ArrayList<>(m.ever))); // often released by now
            }
            return switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> m.ever.size() + 1 + r.nextInt(3); // not assigned yet
                case 2 -> 0xFFFF_FFFFL;
                default -> 0x8000_0000L;
            };
        }

        long u32(long... usual) {
            return r.nextInt(4) == 0 ? pick(List.of(0L, 1L, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL))
                    : usual[r.nextInt(usual.length)];
        }

        /** An MDL's range: in a kernel buffer, across its end, in user space, in a user mapping, or at the top. */
        long[] mdlRange(Model m) {
            List<Integer> kbs = m.ids(bit(KERNEL_BUFFER));
            List<Integer> maps = m.ids(bit(USER_MAPPING));
            int p = r.nextInt(100);
            long len = r.nextInt(8) == 0 ? 0 : 1 + r.nextInt((int) (3 * PAGE));
            if (p < 40 && !kbs.isEmpty()) {
                Model.Info b = m.info(pick(kbs));
                long off = r.nextInt((int) b.length());
                long inside = Math.max(b.length() - off, 1);
                len = r.nextInt(6) == 0 ? len : (r.nextInt(8) == 0 ? 0 : 1 + (long) r.nextInt((int) inside));
                return new long[] {b.va() + off, len}; // sometimes past the end, or over the next buffer
            }
            if (p < 55 && !maps.isEmpty()) {
                Model.Info u = m.info(pick(maps));
                return new long[] {u.va() - PAGE + r.nextInt((int) (3 * PAGE)), len};
            }
            if (p < 60) {
                return new long[] {-1L - r.nextInt(5000), len}; // wraps the address space
            }
            return new long[] {USER_BASE + PAGE * r.nextInt(4096) + r.nextInt((int) PAGE), len};
        }

        Action next(Model m) {
            int p = r.nextInt(100);
            if (p < 7) {
                long size = PAGE * (1 + r.nextInt(8));
                if (!orderSensitive || r.nextInt(3) != 0) {
                    // Apart by more than an MDL spans here (3 pages + offset), so one MDL overlaps one buffer.
                    nextKb += PAGE * (orderSensitive ? r.nextInt(3) : 5 + r.nextInt(2));
                }
                // A small pool block now and then: the buffer starts PageOffset (a multiple of 16) into its block.
                long pageOffset = r.nextInt(3) == 0 ? 16L * r.nextInt(256) : 0;
                if (pageOffset != 0) {
                    size = 1 + r.nextInt((int) (2 * PAGE));
                }
                long va = nextKb + pageOffset;
                nextKb += (pageOffset + size + PAGE - 1) & ~(PAGE - 1);
                return new Insert(KERNEL_BUFFER, 0, 0, va, size, false);
            }
            if (p < 20) {
                long[] range = mdlRange(m);
                return new Insert(r.nextInt(3) == 0 ? INIT_MDL : MDL, 0, 0, range[0], range[1], false);
            }
            if (p < 23) {
                // MmNonCached, MmCached or MmWriteCombined pages
                return new Insert(PAGES, 0, 0, 0, PAGE * (1 + r.nextInt(16)), false, r.nextInt(3));
            }
            if (p < 73) {
                return drive(m);
            }
            if (p < 85) {
                return ask(m);
            }
            if (p < 88) {
                return orderSensitive ? new Release(r.nextInt(4) == 0, true) : new Release(true, false);
            }
            if (p < 90) {
                int bits = 1 << r.nextInt(9);
                return r.nextBoolean() ? new SetBits((int) id(m, ANY_KIND), bits, 0)
                        : new SetBits((int) id(m, ANY_KIND), 0, bits);
            }
            if (p < 95) {
                return limit(m);
            }
            return new Lookup((int) id(m, ANY_KIND), r.nextInt(5) == 0 ? r.nextInt() : 1 << (1 + r.nextInt(6)));
        }

        /** Mostly an object the operation can succeed on, so sequences reach deep states; else any id class. */
        long subject(Model m, Op op) {
            java.util.function.IntPredicate p = switch (op) {
                case PROBE, BUILD_NONPAGED -> st -> (st & (ST_LOCKED | ST_NONPAGED | ST_SYSADDR)) == 0;
                case MAP_SYSTEM, MAP_USER, PARTIAL, MAP_KERNEL -> st -> (st & (ST_LOCKED | ST_NONPAGED)) != 0;
                case UNLOCK -> st -> (st & (ST_LOCKED | ST_RESMAP)) != 0;
                case UNMAP_SYSTEM -> st -> (st & ST_SYSMAP) != 0;
                default -> st -> true;
            };
            int kinds = op == Op.FREE_PAGES ? bit(PAGES) : op == Op.PROBE || op == Op.BUILD_NONPAGED
                    ? bit(MDL) | bit(INIT_MDL) : op.kinds;
            List<Integer> good = m.ids(kinds, p);
            if (op == Op.MAP_SYSTEM || op == Op.MAP_USER || op == Op.PARTIAL || op == Op.MAP_KERNEL) {
                good.addAll(m.ids(bit(PAGES), st -> (st & ST_PAGES_FREED) == 0));
            }
            if (op == Op.MAP_SYSTEM || op == Op.MAP_USER || op == Op.MAP_KERNEL) {
                good.addAll(m.ids(bit(TwinRules.PARTIAL))); // mapped through their source's pages
            }
            if (op == Op.FREE) { // mapped partials and MDLs: the free refusals that depend on the kind
                good = m.ids(ANY_MDL, st -> (st & (ST_SYSMAP | ST_SYSADDR | ST_RESMAP)) != 0);
            }
            if (op == Op.FREE_PAGES || op == Op.UNMAP_SYSTEM) {
                good.addAll(m.ids(ANY_MDL, st -> (st & ST_RESMAP) != 0)); // 3.13: refused while mapped there
            }
            if (op == Op.MAP_RESERVED) { // empty reservations
                good = new ArrayList<>();
                for (int res : m.ids(bit(RESERVATION))) {
                    if (m.mapping.getOrDefault(res, 0) == 0) {
                        good.add(res);
                    }
                }
            }
            if (op == Op.UNMAP_RESERVED) { // reservations with something mapped
                good = new ArrayList<>();
                for (int res : m.ids(bit(RESERVATION))) {
                    if (m.mapping.getOrDefault(res, 0) != 0) {
                        good.add(res);
                    }
                }
            }
            return !good.isEmpty() && r.nextInt(100) < 65 ? Integer.toUnsignedLong(pick(good)) : id(m, op.kinds);
        }

        /** The operations before the DDI-coverage issue keep most of the picks, so their deep states stay reached. */
        static final List<Op> FIRST_OPS = List.of(Op.PROBE, Op.BUILD_NONPAGED, Op.MAP_SYSTEM, Op.MAP_USER,
                Op.UNMAP_SYSTEM, Op.UNMAP_USER, Op.UNLOCK, Op.FREE, Op.FREE_PAGES, Op.POOL_FREE, Op.PARTIAL);
        static final List<Op> RESERVATION_OPS = List.of(Op.UNMAP_MAPPING, Op.MAP_KERNEL, Op.RESERVE, Op.MAP_RESERVED,
                Op.MAP_RESERVED, Op.UNMAP_RESERVED, Op.FREE_RESERVATION);

        Action drive(Model m) {
            Op op = r.nextInt(100) < 65 ? pick(FIRST_OPS) : pick(RESERVATION_OPS);
            long id = subject(m, op);
            long[] a = switch (op) {
                case PROBE -> new long[] {id, r.nextInt(2), r.nextInt(3)};
                case MAP_SYSTEM -> new long[] {id, 0, 0, r.nextInt(2)};
                case MAP_USER -> {
                    Model.Info i = m.info(id);
                    long va = nextMap + (i == null ? 0 : i.va() & (PAGE - 1));
                    nextMap += PAGE * (1 + (i == null ? 0 : ProtocolRules.spanPages(i.va(), i.length())));
                    yield new long[] {id, 1, r.nextInt(10) == 0 ? 1 : 0, va, r.nextInt(4) == 0 ? 1 : 0,
                        cacheFor(m, id)};
                }
                case MAP_KERNEL -> {
                    Model.Info i = m.info(id);
                    long va = nextKmap;
                    nextKmap += PAGE * (1 + (i == null ? 0 : ProtocolRules.spanPages(i.va(), i.length())));
                    yield new long[] {id, r.nextInt(10) == 0 ? 1 : 0, r.nextInt(4) == 0 ? 1 : 0, cacheFor(m, id), va};
                }
                case RESERVE -> {
                    long size = r.nextInt(4) == 0 ? 1 + r.nextInt((int) (6 * PAGE)) : PAGE * (1 + r.nextInt(18));
                    long va = nextRes;
                    nextRes += PAGE * (1 + ProtocolRules.spanPages(0, size));
                    yield new long[] {size, va};
                }
                case MAP_RESERVED -> {
                    long mdl = mappable(m);
                    yield new long[] {id, mdl, r.nextInt(10) == 0 ? 1 : 0, cacheFor(m, mdl)};
                }
                case UNMAP_RESERVED -> {
                    int map = m.mapping.getOrDefault((int) id, 0);
                    Model.Info mi = m.info(map);
                    long mdl = mi != null && r.nextInt(100) < 75 ? Integer.toUnsignedLong(mi.parent()) : id(m, ANY_MDL);
                    yield new long[] {id, mdl};
                }
                case FREE -> {
                    Model.Info i = m.info(id);
                    boolean pool = i != null && (i.kind() == INIT_MDL || i.kind() == PAGES);
                    long method = r.nextInt(5) == 0 ? u32(0, 1, 2) : (pool ? 1 : 0);
                    yield new long[] {id, method};
                }
                case PARTIAL -> {
                    Model.Info i = m.info(id);
                    long len = i == null ? PAGE : i.length();
                    yield new long[] {id, partialOffset(len), partialLength(len)};
                }
                default -> new long[] {id};
            };
            return new Drive(op, a);
        }

        /** The pages' memory type of the MDL mostly, else another one (PARAM_CACHE_TYPE). */
        long cacheFor(Model m, long mdl) {
            Integer ct = m.cache.get((int) mdl);
            return ct != null && r.nextInt(100) < 80 ? ct : r.nextInt(3);
        }

        /** An MDL a system mapping can succeed on, mostly; else any id class. */
        long mappable(Model m) {
            List<Integer> good = m.ids(ANY_MDL, st -> (st & (ST_LOCKED | ST_NONPAGED)) != 0);
            good.addAll(m.ids(bit(PAGES), st -> (st & ST_PAGES_FREED) == 0));
            good.addAll(m.ids(bit(TwinRules.PARTIAL)));
            return !good.isEmpty() && r.nextInt(100) < 75 ? Integer.toUnsignedLong(pick(good)) : id(m, ANY_MDL);
        }

        long partialOffset(long len) {
            return switch (r.nextInt(6)) {
                case 0 -> 0;
                case 1 -> len;
                case 2 -> len + 1;
                case 3 -> pick(List.of(0xFFFF_FFFFL, 1L << 32, Long.MIN_VALUE, -1L));
                default -> len == 0 ? 0 : (long) (r.nextDouble() * len);
            };
        }

        long partialLength(long len) {
            return switch (r.nextInt(5)) {
                case 0 -> 0;
                case 1 -> len;
                case 2 -> len + 1;
                case 3 -> 0xFFFF_FFFFL;
                default -> 1 + (long) (r.nextDouble() * Math.max(len, 1));
            };
        }

        Action ask(Model m) {
            Check k = r.nextInt(100) < 75 ? pick(ALL.subList(0, ALL.size() - 5)) : pick(ALL.subList(ALL.size() - 5, ALL.size()));
            if (k.subjectKinds() == 0) {
                long[] range = mdlRange(m);
                return new Ask(k, new long[] {range[0], range[1]});
            }
            long id = id(m, k.subjectKinds());
            if (k == TRANSFER && r.nextBoolean()) {
                List<Integer> mapped = m.ids(ANY_MDL, st -> (st & ST_SYSADDR) != 0);
                for (int mid : m.ids(bit(USER_MAPPING))) {
                    mapped.add(m.info(mid).parent());
                }
                id = mapped.isEmpty() ? id : Integer.toUnsignedLong(pick(mapped));
            }
            long[] a;
            if (k == PROBE) {
                a = new long[] {id, r.nextInt(3), 0, r.nextInt(2), r.nextInt(2)};
            } else if (k == TwinRules.PARTIAL_STATE) {
                a = new long[] {id, r.nextInt(2)};
            } else if (k == MAP) {
                a = new long[] {id, r.nextInt(2), r.nextInt(2)};
            } else if (k == TwinRules.MAP_KERNEL) {
                a = new long[] {id, r.nextInt(2)};
            } else if (k == TwinRules.MAP_RESERVED) {
                a = new long[] {id, mappable(m), r.nextInt(2)};
            } else if (k == TwinRules.UNMAP_RESERVED) {
                Model.Info mi = m.info(m.mapping.getOrDefault((int) id, 0));
                a = new long[] {id, mi != null && r.nextBoolean() ? Integer.toUnsignedLong(mi.parent()) : mappable(m)};
            } else if (k == TwinRules.CACHE_TYPE) {
                a = new long[] {id, r.nextInt(5) == 0 ? u32(0, 1, 2) : r.nextInt(3)};
            } else if (k == FREE) {
                a = new long[] {id, u32(0, 1)};
            } else if (k == PARTIAL_CHECK) {
                Model.Info i = m.info(id);
                long len = i == null ? PAGE : i.length();
                a = new long[] {id, partialOffset(len), partialLength(len)};
            } else if (k == TRANSFER) {
                List<Integer> maps = new ArrayList<>();
                for (int mid : m.ids(bit(USER_MAPPING))) {
                    if (m.info(mid).parent() == (int) id) {
                        maps.add(mid);
                    }
                }
                long mapping = maps.isEmpty() || r.nextInt(10) < 3 ? 0 : pick(maps);
                Model.Info i = m.info(id);
                long len = i == null ? PAGE : i.length();
                long off = u32(0, len / 2, len, len + 1);
                long n = u32(0, 1, len, Math.max(len - off, 0), 65536);
                a = new long[] {id, mapping, r.nextInt(2), off & 0xFFFF_FFFFL, n & 0xFFFF_FFFFL};
            } else {
                a = new long[] {id};
            }
            return new Ask(k, a);
        }

        /** Use near the limits, limits default or tight, and an addition of what one operation charges. */
        Action limit(Model m) {
            long[] hl = {4096, 1L << 32, 64L << 20, 64L << 20, 16L << 20, 1L << 32};
            long[] dl = {65536, 8L << 30, 256L << 20, 256L << 20, 64L << 20, 8L << 30};
            if (r.nextInt(3) == 0) {
                for (int k = 0; k < 6; k++) {
                    hl[k] = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(1 << 20);
                }
            }
            long[] hu = new long[9];
            long[] du = new long[9];
            long[] add = new long[9];
            int[] limitOf = {0, 0, 0, 0, 1, 2, 3, 4, 5}; // use field -> limits field (mdls, mappings, buffers: none)
            for (int k = 0; k < 9; k++) {
                long cap = hl[limitOf[k]];
                hu[k] = near(cap);
                du[k] = hu[k] + (r.nextBoolean() ? 0 : near(dl[limitOf[k]] - hu[k]));
                add[k] = r.nextInt(3) == 0 ? 0 : pick(List.of(1L, PAGE, 48 + 8L, cap - hu[k], cap - hu[k] + 1));
                if (k < 4) { // u32 counters in mdlb_use
                    hu[k] &= 0xFFFF_FFFFL;
                    du[k] &= 0xFFFF_FFFFL;
                    add[k] &= 0xFFFF_FFFFL;
                }
            }
            return new Limit(hu, hl, du, dl, add);
        }

        long near(long cap) {
            return switch (r.nextInt(5)) {
                case 0 -> 0;
                case 1 -> Math.max(cap - 1, 0);
                case 2 -> cap;
                default -> cap <= 0 ? 0 : (long) (r.nextDouble() * cap);
            };
        }
    }

    // ---------------------------------------------------------------------------------------------- runner

    /** Where the twins first disagreed. */
    record Divergence(int index, String what, String c, String j) {
    }

    /**
     * Applies {@code actions} to fresh twins; each generated action (when {@code gen} is given) is appended to
     * {@code actions}. Returns the first divergence, or null.
     */
    static Divergence run(NativeRules.Lib lib, List<Action> actions, Generator gen, int length, long startId) {
        return run(lib, actions, gen, length, startId, s -> s);
    }

    /** As above, with the Java twin seen through {@code javaView} (the test that proves a divergence is caught). */
    static Divergence run(NativeRules.Lib lib, List<Action> actions, Generator gen, int length, long startId,
            java.util.function.UnaryOperator<Side> javaView) {
        Model m = new Model();
        try (TwinRules.C c = new TwinRules.C(lib)) {
            Side j = javaView.apply(new TwinRules.J());
            Side cs = new Tracking(c, m);
            if (startId != 1) {
                new NextId(startId).apply(cs, m);
                new NextId(startId).apply(j, m);
            }
            int n = gen != null ? length : actions.size();
            for (int i = 0; i < n; i++) {
                if (gen != null) {
                    actions.add(gen.next(m));
                }
                Action a = actions.get(i);
                String jd = a.apply(j, m); // Java first: the C side then updates the model both read
                String cd = a.apply(cs, m);
                if (!cd.equals(jd)) {
                    return new Divergence(i, "decision", cd, jd);
                }
                Divergence d = observe(c, j, m, i);
                if (d != null) {
                    return d;
                }
            }
            return null;
        }
    }

    /** Compares every object ever assigned: lookup status, state bits, link counters. */
    static Divergence observe(Side c, Side j, Model m, int i) {
        for (int id : m.ever) {
            int cl = c.lookup(id, ANY_KIND);
            int jl = j.lookup(id, ANY_KIND);
            if (cl != jl) {
                return new Divergence(i, "lookup of id " + Integer.toUnsignedString(id), hex(cl & 0xFFFF_FFFFL),
                        hex(jl & 0xFFFF_FFFFL));
            }
            if (cl != 0) {
                continue;
            }
            // The memory type matters for MDLs only (the C side leaves it 0 elsewhere, the simulator MmCached).
            boolean mdl = c.lookup(id, ANY_MDL) == 0;
            String cs = hex(c.state(id)) + " " + Arrays.toString(c.counters(id)) + " mapping=" + c.mapping(id)
                    + (mdl ? " cache=" + c.cacheType(id) : "");
            String js = hex(j.state(id)) + " " + Arrays.toString(j.counters(id)) + " mapping=" + j.mapping(id)
                    + (mdl ? " cache=" + j.cacheType(id) : "");
            if (!cs.equals(js)) {
                return new Divergence(i, "state/counters of id " + Integer.toUnsignedString(id), cs, js);
            }
        }
        return null;
    }

    /** Drops actions one at a time while the replay still diverges (ids shift, which keeps replays valid). */
    static List<Action> shrink(NativeRules.Lib lib, List<Action> actions, long startId) {
        List<Action> cur = new ArrayList<>(actions);
        boolean changed = true;
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (changed && System.nanoTime() < deadline) {
            changed = false;
            for (int k = cur.size() - 1; k >= 0 && System.nanoTime() < deadline; k--) {
                List<Action> tryList = new ArrayList<>(cur);
                tryList.remove(k);
                Divergence d;
                try {
                    d = run(lib, tryList, null, 0, startId);
                } catch (RuntimeException e) {
                    d = null; // an action that now names a missing object: keep it
                }
                if (d != null) {
                    cur = new ArrayList<>(tryList.subList(0, d.index() + 1));
                    changed = true;
                }
            }
        }
        return cur;
    }

    static String describe(long seed, List<Action> actions, Divergence d, NativeRules.Lib lib, long startId) {
        List<Action> small = shrink(lib, actions.subList(0, d.index() + 1), startId);
        Divergence sd = run(lib, small, null, 0, startId);
        StringBuilder b = new StringBuilder();
        b.append("C and Java rules diverge (seed ").append(seed).append(", action ").append(d.index())
                .append(" of the generated sequence): ").append(d.what()).append("\n  C:    ").append(d.c())
                .append("\n  Java: ").append(d.j()).append("\nShrunk sequence (").append(small.size())
                .append(" actions):\n");
        for (int k = 0; k < small.size(); k++) {
            b.append("  ").append(k).append(": ").append(small.get(k)).append('\n');
        }
        if (sd != null) {
            b.append("  -> at action ").append(sd.index()).append(": ").append(sd.what()).append("; C: ")
                    .append(sd.c()).append("; Java: ").append(sd.j()).append('\n');
        }
        return b.toString();
    }
}
