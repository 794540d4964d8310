package dev.mdlbridge.cli.explore;

import dev.mdlbridge.cli.explore.Model.Kind;
import dev.mdlbridge.cli.explore.Model.TrackedObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Picks the next step from what the model says exists: ops whose objects are there, objects in a state where the op
 * means something (a lock for an unlocked MDL, a partial of a mapped one), and now and then the misuse a reviewer
 * would try (a released object, another handle's object, a range over someone else's mapping, the address where the
 * pool will put its next block). Deterministic for a random source.
 */
final class OpGenerator {

    private final SplittableRandom random;
    private final boolean simulator;
    /** The profile has MdlMappingNoExecute / MdlMappingNoWrite (Windows 8 on); before, they are a bad parameter. */
    private final boolean mappingModifiers;

    OpGenerator(SplittableRandom random, boolean simulator) {
        this(random, simulator, true);
    }

    OpGenerator(SplittableRandom random, boolean simulator, boolean mappingModifiers) {
        this.random = random;
        this.simulator = simulator;
        this.mappingModifiers = mappingModifiers;
    }

    /** Weights of the ops; an op whose objects do not exist yet falls back to one that creates them. */
    private static final Map<String, Integer> WEIGHTS = new LinkedHashMap<>();
    static {
        WEIGHTS.put("VirtualAlloc", 5);
        WEIGHTS.put("VirtualProtect", 2);
        WEIGHTS.put("VirtualFree", 2);
        WEIGHTS.put("WriteUser", 2);
        WEIGHTS.put("ReadUser", 2);
        WEIGHTS.put("ExAllocatePool", 7);
        WEIGHTS.put("ExFreePool", 6);
        WEIGHTS.put("IoAllocateMdl", 12);
        WEIGHTS.put("MmSizeOfMdl", 1);
        WEIGHTS.put("MmInitializeMdl", 2);
        WEIGHTS.put("MmProbeAndLockPages", 10);
        WEIGHTS.put("MmGetSystemAddressForMdlSafe", 8);
        WEIGHTS.put("MmMapLockedPagesSpecifyCache", 7);
        WEIGHTS.put("MmUnmapLockedPages", 5);
        WEIGHTS.put("ReadMapped", 7);
        WEIGHTS.put("WriteMapped", 7);
        WEIGHTS.put("IoBuildPartialMdl", 7);
        WEIGHTS.put("MmBuildMdlForNonPagedPool", 6);
        WEIGHTS.put("MmUnlockPages", 5);
        WEIGHTS.put("IoFreeMdl", 5);
        WEIGHTS.put("Query", 2);
        WEIGHTS.put("DescribeChain", 3);
        WEIGHTS.put("DirectIo", 3);
        WEIGHTS.put("MmAllocatePagesForMdlEx", 5);
        WEIGHTS.put("MmFreePagesFromMdl", 4);
        WEIGHTS.put("MmAllocateMappingAddress", 3);
        WEIGHTS.put("MmMapLockedPagesWithReservedMapping", 6);
        WEIGHTS.put("MmUnmapReservedMapping", 4);
        WEIGHTS.put("MmFreeMappingAddress", 3);
        WEIGHTS.put("Info", 1);
        WEIGHTS.put("CloseHandle", 1);
        WEIGHTS.put("ProcessExit", 1);
        WEIGHTS.put("PageOut", 1);
        WEIGHTS.put("OpenHandle", 3);
        // rare: a duplicate in the same process makes its file object shared for good (no more user mappings)
        WEIGHTS.put("DuplicateHandle", 1);
    }

    private static final int TOTAL;
    static {
        int t = 0;
        for (int w : WEIGHTS.values()) {
            t += w;
        }
        TOTAL = t;
    }

    Action next(Model m) {
        if (m.ownHandles().isEmpty()) {
            return openHandle(m); // after ProcessExit: a new handle in the new process
        }
        for (int attempt = 0; attempt < 8; attempt++) {
            Action a = build(pickOp(), m);
            if (a != null) {
                return a;
            }
        }
        return random.nextBoolean() ? virtualAlloc(m) : exAllocatePool(m);
    }

    private String pickOp() {
        int r = random.nextInt(TOTAL);
        for (Map.Entry<String, Integer> e : WEIGHTS.entrySet()) {
            r -= e.getValue();
            if (r < 0) {
                return e.getKey();
            }
        }
        return "Info";
    }

    private Action build(String op, Model m) {
        return switch (op) {
            case "VirtualAlloc" -> virtualAlloc(m);
            case "VirtualProtect" -> withUser(m, b -> Action.of(op, Action.MAIN, "buffer", b.name, "offset",
                    pick(0L, 0x1000L), "size", 0x1000L, "protect", pick("PAGE_READONLY", "PAGE_NOACCESS",
                            "PAGE_READWRITE|PAGE_GUARD", "PAGE_READWRITE", "PAGE_READWRITE|PAGE_NOCACHE",
                            "PAGE_READWRITE|PAGE_WRITECOMBINE")));
            case "VirtualFree" -> withUser(m, b -> random.nextInt(3) == 0
                    ? Action.of(op, Action.MAIN, "buffer", b.name, "type", "MEM_DECOMMIT", "offset", 0L, "size",
                    0x1000L) : Action.of(op, Action.MAIN, "buffer", b.name));
            case "WriteUser", "ReadUser" -> {
                TrackedObject b = pickObj(m.all(Kind.USER).isEmpty() || random.nextInt(3) == 0 ? m.all(Kind.MAPPING)
                        : m.all(Kind.USER), o -> o.live);
                yield b == null ? null : Action.of(op, Action.MAIN, "buffer", b.name, "offset",
                        pick(0L, 0x10L, 0x800L), "size", pick(1L, 0x10L, 0x100L));
            }
            case "ExAllocatePool" -> exAllocatePool(m);
            case "ExFreePool" -> {
                if (random.nextInt(5) == 0) {
                    TrackedObject md = pickObj(m.all(Kind.MDL), o -> o.initialized || o.pagesFreed);
                    yield md == null ? null : Action.of(op, md.handle, "mdl", md.name);
                }
                // half the time a buffer something still describes: the free a reviewer would try
                TrackedObject k = random.nextBoolean() ? pickObj(m.all(Kind.KERNEL), o -> o.live && describedBuffer(m, o))
                        : null;
                if (k == null) {
                    k = pickObj(m.all(Kind.KERNEL), o -> o.live);
                }
                yield k == null ? null : Action.of(op, handleFor(m, k), "buffer", k.name);
            }
            case "IoAllocateMdl", "MmInitializeMdl", "MmSizeOfMdl" -> describe(op, m);
            case "MmProbeAndLockPages" -> withMdl(m, o -> !o.locked && !o.partial && !o.nonpaged && !o.pages,
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name, "accessMode",
                            o.kernelRange() ? (random.nextInt(5) == 0 ? "UserMode" : "KernelMode")
                                    : (random.nextInt(10) == 0 ? "KernelMode" : "UserMode"),
                            "operation", mappingModifiers ? pick("IoReadAccess", "IoWriteAccess", "IoModifyAccess")
                                    : pick("IoReadAccess", "IoReadAccess", "IoWriteAccess")));
            case "MmGetSystemAddressForMdlSafe" -> withMdl(m, stale(m, TrackedObject::described),
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name, "priority", priority()));
            // before Windows 8 a read-locked MDL cannot be mapped read-only into user space (refused): try that
            case "MmMapLockedPagesSpecifyCache" -> {
                boolean kernel = random.nextInt(5) < 2;
                yield withMdl(m, !kernel && !mappingModifiers && random.nextBoolean()
                        ? o -> o.locked && !o.write : kernel ? systemMappable(m) : stale(m, TrackedObject::described),
                        o -> {
                            Action a = Action.of(op, handleFor(m, o), "as", m.newName(Kind.MAPPING), "mdl", o.name);
                            if (kernel) {
                                a = a.with("accessMode", "KernelMode");
                            }
                            a = a.with("cacheType", cacheTypeFor(o)).with("priority", priority());
                            if (kernel && random.nextInt(20) == 0) {
                                a = a.with("requestedAddress", 0x10000L); // a KernelMode mapping takes none
                            }
                            return a;
                        });
            }
            case "MmUnmapLockedPages" -> {
                if (random.nextBoolean()) {
                    TrackedObject v = pickObj(m.all(Kind.MAPPING), o -> o.live);
                    if (v != null) {
                        yield Action.of(op, handleFor(m, v), "mapping", v.name);
                    }
                }
                yield withMdl(m, o -> o.sysMapped, o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            }
            case "ReadMapped", "WriteMapped" -> transfer(op, m);
            case "IoBuildPartialMdl" -> withMdl(m, random.nextInt(3) == 0
                    ? o -> o.reservation != null && !o.partial : o -> o.described() && !o.partial, o -> {
                long off = pick(0L, 0L, 0x10L, 0x1000L);
                long len = pick(0L, 0L, 0x10L, 0x1000L);
                return Action.of(op, handleFor(m, o), "as", m.newName(Kind.MDL), "source", o.name, "offset", off,
                        "length", len);
            });
            case "MmBuildMdlForNonPagedPool" -> withMdl(m, o -> o.kernelRange() && !o.described(),
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            case "MmUnlockPages" -> withMdl(m, reservedOr(o -> o.locked),
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            case "IoFreeMdl" -> withMdl(m, reservedOr(o -> !o.locked || o.partial),
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            case "Query" -> withMdl(m, o -> true, o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            case "DescribeChain" -> chain(m);
            case "DirectIo" -> {
                TrackedObject b = anyRange(m);
                yield b == null ? null : Action.of(op, openHandle(m, random), "buffer", b.name, "offset",
                        pick(0L, 0x10L), "length", pick(0x10L, 0x1000L, 0x1000L, 0L), "method",
                        pick("InDirect", "OutDirect"));
            }
            case "MmAllocatePagesForMdlEx" -> allocatePages(m);
            case "MmFreePagesFromMdl" -> withMdl(m, reservedOr(o -> o.pages && !o.pagesFreed),
                    o -> Action.of(op, handleFor(m, o), "mdl", o.name));
            case "MmAllocateMappingAddress" -> Action.of(op, openHandle(m, random), "as", m.newName(Kind.RESERVATION),
                    "size", random.nextInt(30) == 0 ? 0L : pick(0x1000L, 0x1000L, 0x2000L, 0x3000L, 0x10000L, 0x800L));
            case "MmMapLockedPagesWithReservedMapping" -> mapReserved(m);
            case "MmUnmapReservedMapping" -> unmapReserved(m);
            case "MmFreeMappingAddress" -> {
                TrackedObject r = pickObj(m.all(Kind.RESERVATION), random.nextInt(3) == 0
                        ? o -> o.live && o.link != null : o -> o.live && o.link == null);
                yield r == null ? null : Action.of(op, handleFor(m, r), "reservation", r.name);
            }
            case "Info" -> Action.of(op, openHandle(m, random));
            case "CloseHandle" -> Action.of(op, openHandle(m, random));
            case "ProcessExit" -> simulator && random.nextInt(3) == 0 ? Action.of(op, Action.MAIN) : null;
            case "PageOut" -> simulator ? withUser(m, b -> Action.of(op, Action.MAIN, "buffer", b.name,
                    "failPageIn", random.nextBoolean())) : null;
            case "OpenHandle" -> m.handleCount() < 4 || random.nextInt(8) == 0 ? openHandle(m) : null;
            case "DuplicateHandle" -> simulator && (m.handleCount() < 5 || random.nextInt(8) == 0)
                    ? duplicateHandle(m) : null;
            default -> null;
        };
    }

    // ------------------------------------------------------------------------------------------ creators

    private Action openHandle(Model m) {
        return Action.of("OpenHandle", Action.MAIN, "as", m.newHandleName());
    }

    /**
     * DuplicateHandle of a handle of the process, half the time one that holds a user mapping (its next request then
     * finds it shared); one in four goes into the other process, whose requests are denied and mark it shared.
     */
    private Action duplicateHandle(Model m) {
        List<String> own = m.ownHandles();
        String source = own.get(random.nextInt(own.size()));
        if (random.nextBoolean()) {
            TrackedObject v = pickObj(m.all(Kind.MAPPING), o -> o.live && m.openHandleFor(o) != null);
            if (v != null) {
                source = m.openHandleFor(v);
            }
        }
        return Action.of("DuplicateHandle", source, "as", m.newHandleName(), "into",
                random.nextInt(4) == 0 ? "otherProcess" : "sameProcess");
    }

    private Action virtualAlloc(Model m) {
        Action a = Action.of("VirtualAlloc", Action.MAIN, "as", m.newName(Kind.USER), "size",
                pick(0x1000L, 0x3000L, 0x10000L));
        int p = random.nextInt(20);
        return p < 2 ? a.with("protect", "PAGE_READONLY") : p < 4 ? a.with("protect", "PAGE_NOACCESS")
                : p == 4 ? a.with("protect", pick("PAGE_READWRITE|PAGE_NOCACHE", "PAGE_READWRITE|PAGE_WRITECOMBINE"))
                : a;
    }

    private Action exAllocatePool(Model m) {
        // An MDL waiting at a kernel address no buffer covers yet: allocate on its handle, so the block lands there.
        String handle = openHandle(m, random);
        TrackedObject waiting = random.nextBoolean() ? pickObj(m.all(Kind.MDL), o -> o.live && o.kernelRange()
                && !covered(m, o) && m.isOpen(o.handle)) : null;
        if (waiting != null) {
            handle = waiting.handle;
        }
        Action a = Action.of("ExAllocatePool", handle, "as", m.newName(Kind.KERNEL), "size",
                random.nextInt(40) == 0 ? 0L : pick(0x1000L, 0x1000L, 0x2000L, 0x3000L, 0x10L));
        if (waiting == null && random.nextInt(3) == 0) {
            // a small block: the buffer starts inside its page (one in ten offsets is not a multiple of 16 below 4096)
            a = a.with("pageOffset", random.nextInt(10) == 0 ? pick(0x8L, 0x1000L)
                    : pick(0x10L, 0x100L, 0x800L, 0xFF0L)).with("size", pick(0x10L, 0x20L, 0x100L, 0x1000L, 0x1800L));
        }
        return a;
    }

    /**
     * MmAllocatePagesForMdlEx in full, half the time: an address window (anywhere, below 16 MB, a 2 MB window that
     * may run short, above 4 GB, or inverted), a skip (one in eight not a page multiple or not a power of two),
     * a cache type, and flags (mostly valid ones, sometimes a bit outside 0x3C).
     */
    private Action allocatePages(Model m) {
        Action a = Action.of("MmAllocatePagesForMdlEx", openHandle(m, random), "as", m.newName(Kind.MDL),
                "size", pick(0x1000L, 0x2000L, 0x3000L));
        if (random.nextBoolean()) {
            return a.with("flags", random.nextInt(12) == 0 ? 1L : 0L);
        }
        long[][] windows = {{0, dev.mdlbridge.protocol.Protocol.HIGHEST_PHYSICAL_ADDRESS}, {0, 0xFFFFFFL},
                {0x200000L, 0x3FFFFFL}, {0x100000000L, dev.mdlbridge.protocol.Protocol.HIGHEST_PHYSICAL_ADDRESS},
                {0x400000L, 0x1FFFFFL}};
        long[] w = windows[random.nextInt(10) < 6 ? random.nextInt(3) : random.nextInt(windows.length)];
        long skip = random.nextInt(8) == 0 ? pick(0x800L, 0x3000L) : pick(0L, 0L, 0L, 0x1000L, 0x10000L);
        long flags = random.nextInt(10) == 0 ? pick(0x1L, 0x2L, 0x40L, 0x100L)
                : pick(0L, 0L, 0x4L, 0x8L, 0x10L, 0x20L, 0x24L, 0x14L);
        long size = random.nextInt(6) == 0 ? pick(0x10000L, 0x400000L) : a.number("size", 0x1000);
        return a.with("lowAddress", w[0]).with("highAddress", w[1]).with("skipBytes", skip).with("size", size)
                .with("cacheType", pick("MmCached", "MmCached", "MmNonCached", "MmWriteCombined")).with("flags", flags);
    }

    /** A reservation (mostly a free one of the MDL's handle) and an MDL (mostly locked or built, with no system
     *  mapping yet; now and then a mapped or unlocked one, or a reservation in use), with the pages' cache type
     *  mostly. */
    private Action mapReserved(Model m) {
        TrackedObject r = pickObj(m.all(Kind.RESERVATION), random.nextInt(4) == 0 ? o -> o.live && o.link != null
                : o -> o.live && o.link == null);
        if (r == null) {
            return null;
        }
        TrackedObject md = pickObj(m.all(Kind.MDL), random.nextInt(6) == 0 ? o -> o.live && o.file == r.file
                : o -> o.live && o.file == r.file && o.described() && !o.sysMapped);
        if (md == null) {
            return null;
        }
        return Action.of("MmMapLockedPagesWithReservedMapping", handleFor(m, r), "as", m.newName(Kind.MAPPING),
                "reservation", r.name, "mdl", md.name, "cacheType", cacheTypeFor(md));
    }

    /** The pair mapped there mostly; now and then another MDL, or a reservation nothing is mapped into. */
    private Action unmapReserved(Model m) {
        TrackedObject r = pickObj(m.all(Kind.RESERVATION), random.nextInt(5) == 0 ? o -> o.live
                : o -> o.live && o.link != null);
        if (r == null) {
            return null;
        }
        TrackedObject md = r.link != null && random.nextInt(5) != 0 ? m.get(r.link)
                : pickObj(m.all(Kind.MDL), o -> o.live && o.file == r.file);
        return md == null ? null : Action.of("MmUnmapReservedMapping", handleFor(m, r), "reservation", r.name,
                "mdl", md.name);
    }

    /** The pages' own type mostly; one in six another one (a memory-type alias the driver must reject). */
    private String cacheTypeFor(TrackedObject o) {
        String[] names = {"MmNonCached", "MmCached", "MmWriteCombined"};
        return random.nextInt(6) == 0 ? pick(names) : names[o.cacheType];
    }

    /** For a KernelMode mapping: mostly an MDL that holds pages and has no system mapping yet; one in four one
     *  that has (a second system mapping must be refused). */
    private Predicate<TrackedObject> systemMappable(Model m) {
        return random.nextInt(4) == 0 ? o -> o.described() && (o.sysMapped || o.nonpaged)
                : o -> o.described() && !o.sysMapped && !o.nonpaged;
    }

    /** One time in three only MDLs mapped through a reservation (every release of them must be refused). */
    private Predicate<TrackedObject> reservedOr(Predicate<TrackedObject> plausible) {
        return random.nextInt(3) == 0 ? o -> o.reservation != null : plausible;
    }

    /** Half the time, only MDLs over a kernel buffer that was freed: what a reviewer touches next. */
    private Predicate<TrackedObject> stale(Model m, Predicate<TrackedObject> plausible) {
        if (random.nextBoolean()) {
            return plausible;
        }
        List<TrackedObject> freed = new ArrayList<>();
        for (TrackedObject k : m.all(Kind.KERNEL)) {
            if (!k.live) {
                freed.add(k);
            }
        }
        if (freed.isEmpty()) {
            return plausible;
        }
        return o -> {
            if (!plausible.test(o)) {
                return false;
            }
            for (TrackedObject k : freed) {
                if (o.address >= k.address && o.address < k.address + k.size) {
                    return true;
                }
            }
            return false;
        };
    }

    private static boolean covered(Model m, TrackedObject mdl) {
        for (TrackedObject k : m.live(Kind.KERNEL)) {
            if (k.handle.equals(mdl.handle) && mdl.address >= k.address && mdl.address < k.address + k.size) {
                return true;
            }
        }
        return false;
    }

    private static boolean describedBuffer(Model m, TrackedObject k) {
        for (TrackedObject o : m.live(Kind.MDL)) {
            if (o.described() && o.address >= k.address && o.address < k.address + k.size) {
                return true;
            }
        }
        return false;
    }

    /** IoAllocateMdl / MmInitializeMdl / MmSizeOfMdl over a plausible range: a buffer, a mapping, a kernel buffer
     *  (live or released, any handle's), or where the pool will put its next block. */
    private Action describe(String op, Model m) {
        String handle = openHandle(m, random);
        Action a = op.equals("MmSizeOfMdl") ? Action.of(op, handle)
                : Action.of(op, handle, "as", m.newName(Kind.MDL));
        long guess = m.nextPoolGuess();
        if (guess != 0 && random.nextInt(6) == 0) {
            long at = guess + pick(0L, 0L, 0x1000L, -0x1000L) + pick(0L, 0L, 0x10L);
            return a.with("address", at).with("length", pick(0x10L, 0x800L, 0x1000L));
        }
        TrackedObject b = anyRange(m);
        if (b == null) {
            return null;
        }
        long off = pick(0L, 0L, 0x10L, 0x800L, 0xFF0L);
        long rest = Math.max(b.size - off, 0);
        long len = pick(rest, rest, 0x10L, 0x1000L, 0x2000L, 0L);
        return a.with("buffer", b.name).with("offset", off).with("length", len);
    }

    private Action transfer(String op, Model m) {
        Action a;
        TrackedObject target;
        if (random.nextInt(3) == 0 && !m.all(Kind.MAPPING).isEmpty()) {
            target = pickObj(m.all(Kind.MAPPING), o -> o.live);
            if (target == null) {
                return null;
            }
            a = Action.of(op, handleFor(m, target), "mapping", target.name);
        } else {
            target = pickObj(m.all(Kind.MDL), stale(m, o -> o.sysMapped || o.partial));
            if (target == null) {
                return null;
            }
            a = Action.of(op, handleFor(m, target), "mdl", target.name);
        }
        long size = Math.max(target.size, 1);
        long off = pick(0L, 0L, 0x10L, size - 1, size);
        long len = random.nextInt(200) == 0 ? 0x10001L : pick(1L, 0x10L, 0x100L, 0x1000L);
        a = a.with("offset", Math.max(off, 0));
        if (op.equals("ReadMapped")) {
            return a.with("size", len);
        }
        return a.with("hex", "A5".repeat((int) len));
    }

    private Action chain(Model m) {
        int n = random.nextInt(40) == 0 ? 0 : 1 + random.nextInt(3); // no range at all: MDLB_PARAM_RANGE_COUNT
        List<Map<String, Object>> ranges = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TrackedObject b = anyRange(m);
            if (b == null) {
                return null;
            }
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("buffer", b.name);
            r.put("offset", pick(0L, 0x10L));
            r.put("length", pick(0x10L, 0x1000L, 0L));
            r.put("operation", pick("IoReadAccess", "IoWriteAccess"));
            ranges.add(r);
        }
        return Action.of("DescribeChain", openHandle(m, random), "ranges", ranges, "cleanup",
                pick("IoManager", "Driver"));
    }

    // ------------------------------------------------------------------------------------------ choices

    private String priority() {
        String base = pick("NormalPagePriority", "NormalPagePriority", "LowPagePriority", "HighPagePriority");
        if (!mappingModifiers && random.nextInt(10) != 0) {
            return base; // older profiles: a modifier is only a parameter error, so send one now and then
        }
        if (random.nextInt(10) < 7) {
            base += "|MdlMappingNoExecute";
        }
        if (random.nextInt(10) < 3) {
            base += "|MdlMappingNoWrite";
        }
        return base;
    }

    /** A handle of the object's file object mostly (its own while open, else a duplicate's); sometimes another
     *  one (the driver must answer for an unknown id). */
    private String handleFor(Model m, TrackedObject o) {
        String h = m.openHandleFor(o);
        if (random.nextInt(20) == 0 || h == null) {
            return openHandle(m, random);
        }
        return h;
    }

    /** Any open handle; one in the other process only now and then (all it gets is STATUS_ACCESS_DENIED). */
    private static String openHandle(Model m, SplittableRandom random) {
        List<String> open = m.openHandles();
        String h = open.isEmpty() ? Action.MAIN : open.get(random.nextInt(open.size()));
        if (m.inOtherProcess(h) && random.nextInt(4) != 0) {
            List<String> own = m.ownHandles();
            h = own.isEmpty() ? h : own.get(random.nextInt(own.size()));
        }
        return h;
    }

    /** A range a caller could name: user buffers, user mappings, kernel buffers of any handle, live or not. */
    private TrackedObject anyRange(Model m) {
        int k = random.nextInt(10);
        List<TrackedObject> from = k < 4 ? m.all(Kind.USER) : k < 7 ? m.all(Kind.KERNEL) : m.all(Kind.MAPPING);
        if (from.isEmpty()) {
            from = m.all(Kind.USER);
        }
        return pickObj(from, o -> o.live);
    }

    private Action withUser(Model m, java.util.function.Function<TrackedObject, Action> f) {
        TrackedObject b = pickObj(m.all(Kind.USER), o -> o.live);
        return b == null ? null : f.apply(b);
    }

    private Action withMdl(Model m, Predicate<TrackedObject> plausible, java.util.function.Function<TrackedObject, Action> f) {
        TrackedObject o = pickObj(m.all(Kind.MDL), x -> x.live && plausible.test(x));
        return o == null ? null : f.apply(o);
    }

    /** Mostly an object that fits, the newest ones first; now and then any object (released ones included). */
    private TrackedObject pickObj(List<TrackedObject> from, Predicate<TrackedObject> fits) {
        if (from.isEmpty()) {
            return null;
        }
        if (random.nextInt(12) == 0) {
            return from.get(random.nextInt(from.size()));
        }
        List<TrackedObject> good = new ArrayList<>();
        for (TrackedObject o : from) {
            if (fits.test(o)) {
                good.add(o);
            }
        }
        if (good.isEmpty()) {
            return random.nextInt(4) == 0 ? from.get(random.nextInt(from.size())) : null;
        }
        int n = good.size();
        // newer objects are likelier: half the time one of the last three
        return random.nextBoolean() ? good.get(n - 1 - random.nextInt(Math.min(3, n))) : good.get(random.nextInt(n));
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }
}
