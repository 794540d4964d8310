package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the explorer believes a sequence has built so far: handles (and which file object each names: a duplicate
 * names its original's), and every named object with its handle, its address, and a coarse state (locked, mapped,
 * nonpaged, partial...). The generator picks plausible ops and
 * arguments from it; the executor resolves names to ids and addresses through it. It is a belief, not a copy of
 * the driver's rules: the driver is the referee, and the model only follows what succeeded.
 */
final class Model {

    enum Kind { USER, KERNEL, MDL, MAPPING, RESERVATION }

    /** One named object. Released objects stay, so that their ids and addresses can still be used. */
    static final class TrackedObject {
        final String name;
        final Kind kind;
        final String handle;
        /** The file object the creating handle named: every handle of it (duplicates) knows the object. */
        final int file;
        boolean created;
        boolean live;
        int id;
        long address;
        long size;
        // MDL state, as far as the model follows it
        boolean locked;
        boolean write;
        boolean nonpaged;
        boolean sysMapped;
        boolean noWrite;
        boolean partial;
        boolean pages;
        boolean pagesFreed;
        boolean initialized;
        String source;
        /** The pages' memory type (MmCached for caller ranges and kernel buffers, a page allocation's own,
         *  a partial's source's); for a mapping, the type it was made with. */
        int cacheType = Protocol.MM_CACHED;
        /** An MDL: the mapping object that is its system mapping (KernelMode or reserved), or null. A mapping:
         *  the MDL it maps. A reservation: the MDL mapped into it, or null. */
        String link;
        /** An MDL or a mapping: the reservation it is mapped through, or null. */
        String reservation;
        /** A mapping: KernelMode (a system mapping) rather than a user mapping. */
        boolean system;
        /** A partial that took its source's MappedSystemVa when it was built. */
        boolean inherited;
        /** A user buffer: the pages (index from its start) the process maps PAGE_NOCACHE or PAGE_WRITECOMBINE. */
        final java.util.Set<Long> uncachedPages = new java.util.TreeSet<>();

        TrackedObject(String name, Kind kind, String handle, int file) {
            this.name = name;
            this.kind = kind;
            this.handle = handle;
            this.file = file;
        }

        boolean kernelRange() {
            return address < 0;
        }

        /** Something holds pages for it: a probe, a nonpaged build, a page allocation, or a partial of those. */
        boolean described() {
            return locked || nonpaged || (pages && !pagesFreed) || partial;
        }
    }

    private final Map<String, TrackedObject> objects = new LinkedHashMap<>();
    private final Set<String> openHandles = new LinkedHashSet<>();
    private final Set<String> handleNames = new LinkedHashSet<>();
    /** The file object each handle name stands for now (main gets a new one when CloseHandle reopens it). */
    private final Map<String, Integer> fileOf = new java.util.HashMap<>();
    /** Handles made by DuplicateHandle, and those of them that live in the other process. */
    private final Set<String> duplicates = new java.util.HashSet<>();
    private final Set<String> otherProcess = new java.util.HashSet<>();
    private int files;
    private final Map<Kind, Integer> counters = new java.util.EnumMap<>(Kind.class);
    /** The highest kernel address the pool has handed out so far (kernel buffers, MDL storage): where the next
     *  block is likely to go. Kernel addresses are negative as a long, so "nothing yet" is MIN_VALUE. */
    private long poolHigh = Long.MIN_VALUE;

    Model() {
        openHandles.add(Action.MAIN);
        handleNames.add(Action.MAIN);
        fileOf.put(Action.MAIN, files++);
    }

    // ------------------------------------------------------------------------------------------- queries

    TrackedObject get(String name) {
        return objects.get(name);
    }

    boolean knows(String name) {
        return objects.containsKey(name);
    }

    List<TrackedObject> all(Kind kind) {
        List<TrackedObject> out = new ArrayList<>();
        for (TrackedObject o : objects.values()) {
            if (o.kind == kind && o.created) {
                out.add(o);
            }
        }
        return out;
    }

    List<TrackedObject> live(Kind kind) {
        List<TrackedObject> out = new ArrayList<>();
        for (TrackedObject o : objects.values()) {
            if (o.kind == kind && o.live) {
                out.add(o);
            }
        }
        return out;
    }

    List<String> openHandles() {
        return new ArrayList<>(openHandles);
    }

    boolean isOpen(String handle) {
        return openHandles.contains(handle);
    }

    boolean handleKnown(String handle) {
        return handleNames.contains(handle);
    }

    int handleCount() {
        return handleNames.size();
    }

    boolean isDuplicate(String handle) {
        return duplicates.contains(handle);
    }

    /** A duplicate in the other process: every request sent on it is denied. */
    boolean inOtherProcess(String handle) {
        return otherProcess.contains(handle);
    }

    /** Open handles of the scenario's process (requests sent on them reach the driver). */
    List<String> ownHandles() {
        List<String> out = new ArrayList<>();
        for (String h : openHandles) {
            if (!otherProcess.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Whether another open handle names the same file object as {@code handle}. */
    boolean fileHasOtherHandles(String handle) {
        Integer f = fileOf.get(handle);
        for (String h : openHandles) {
            if (!h.equals(handle) && f != null && f.equals(fileOf.get(h))) {
                return true;
            }
        }
        return false;
    }

    /** An open handle of the scenario's process that names the object's file object (its own first), or null. */
    String openHandleFor(TrackedObject o) {
        if (openHandles.contains(o.handle) && !otherProcess.contains(o.handle)
                && Integer.valueOf(o.file).equals(fileOf.get(o.handle))) {
            return o.handle;
        }
        for (String h : openHandles) {
            if (!otherProcess.contains(h) && Integer.valueOf(o.file).equals(fileOf.get(h))) {
                return h;
            }
        }
        return null;
    }

    /** Where the pool will probably put its next page-sized block; 0 when nothing was learnt yet. */
    long nextPoolGuess() {
        return poolHigh == Long.MIN_VALUE ? 0 : (poolHigh + 0xFFF) & ~0xFFFL;
    }

    String newName(Kind kind) {
        int n = counters.merge(kind, 1, Integer::sum);
        return switch (kind) {
            case USER -> "u" + n;
            case KERNEL -> "k" + n;
            case MDL -> "m" + n;
            case MAPPING -> "v" + n;
            case RESERVATION -> "r" + n;
        };
    }

    String newHandleName() {
        return "h" + handleNames.size();
    }

    // ------------------------------------------------------------------------------------------- updates

    /** Follows what a step did. Called for every step, also failed ones (a failed creation is remembered as not
     *  created, so later steps naming it are skipped as the scenario runner skips them). */
    void apply(Action a, StepResult r) {
        boolean ok = r.succeeded();
        if (a.has("as") && !a.op().equals("OpenHandle") && !a.op().equals("DuplicateHandle")) {
            TrackedObject o = new TrackedObject(a.name("as"), kindCreatedBy(a.op()), a.handle(),
                    fileOf.getOrDefault(a.handle(), -1));
            o.created = ok;
            o.live = ok;
            objects.put(o.name, o);
            if (ok) {
                created(a, r, o);
            }
            return;
        }
        if (!ok) {
            return;
        }
        switch (a.op()) {
            case "OpenHandle" -> {
                openHandles.add(a.name("as"));
                handleNames.add(a.name("as"));
                fileOf.put(a.name("as"), files++);
            }
            case "DuplicateHandle" -> {
                String d = a.name("as");
                openHandles.add(d);
                handleNames.add(d);
                fileOf.put(d, fileOf.get(a.handle()));
                duplicates.add(d);
                if ("otherProcess".equals(a.symbol("into", ""))) {
                    otherProcess.add(d);
                }
            }
            case "VirtualProtect" -> {
                TrackedObject b = get(a.name("buffer"));
                long off = a.number("offset", 0);
                long size = a.number("size", b.size - off);
                for (long p = off >>> 12; p < (off + size + 0xFFF) >>> 12; p++) {
                    if (uncached(a)) {
                        b.uncachedPages.add(p);
                    } else {
                        b.uncachedPages.remove(p);
                    }
                }
            }
            case "VirtualFree" -> {
                TrackedObject b = get(a.name("buffer"));
                if (a.symbol("type", "MEM_RELEASE").equals("MEM_RELEASE")) {
                    b.live = false;
                } else { // decommitted pages have no protection left, PAGE_NOCACHE included
                    long off = a.number("offset", 0);
                    for (long p = off >>> 12; p < (off + a.number("size", 0) + 0xFFF) >>> 12; p++) {
                        b.uncachedPages.remove(p);
                    }
                }
            }
            case "ExFreePool" -> get(a.has("buffer") ? a.name("buffer") : a.name("mdl")).live = false;
            case "MmProbeAndLockPages" -> {
                TrackedObject m = get(a.name("mdl"));
                m.locked = true;
                m.write = !a.symbol("operation", "IoReadAccess").equals("IoReadAccess");
            }
            case "MmGetSystemAddressForMdlSafe" -> {
                TrackedObject m = get(a.name("mdl"));
                if (!m.sysMapped && !m.nonpaged) {
                    m.noWrite = a.symbol("priority", "").contains("MdlMappingNoWrite");
                }
                m.sysMapped = true;
            }
            case "MmUnmapLockedPages" -> {
                if (a.has("mapping")) {
                    TrackedObject v = get(a.name("mapping"));
                    v.live = false;
                    if (v.system) {
                        unmapped(get(v.link));
                    }
                } else {
                    TrackedObject m = get(a.name("mdl"));
                    endSystemMapping(m);
                    unmapped(m);
                }
            }
            case "MmUnmapReservedMapping" -> {
                TrackedObject res = get(a.name("reservation"));
                TrackedObject m = get(a.name("mdl"));
                endSystemMapping(m);
                unmapped(m);
                res.link = null;
            }
            case "MmFreeMappingAddress" -> get(a.name("reservation")).live = false;
            case "MmBuildMdlForNonPagedPool" -> get(a.name("mdl")).nonpaged = true;
            case "MmUnlockPages" -> {
                TrackedObject m = get(a.name("mdl"));
                m.locked = false;
                endSystemMapping(m);
                unmapped(m);
            }
            case "IoFreeMdl" -> {
                TrackedObject m = get(a.name("mdl"));
                m.live = false;
                endSystemMapping(m); // freeing a mapped partial unmaps it
            }
            case "MmFreePagesFromMdl" -> get(a.name("mdl")).pagesFreed = true;
            case "CloseHandle" -> closeHandle(a.handle());
            case "ProcessExit" -> {
                for (TrackedObject o : objects.values()) {
                    o.live = false;
                }
                openHandles.clear();
            }
            default -> {
            }
        }
    }

    private static boolean uncached(Action a) {
        String p = a.symbol("protect", "");
        return p.contains("PAGE_NOCACHE") || p.contains("PAGE_WRITECOMBINE");
    }

    /** The MDL's system mapping object (KernelMode or reserved), if any, ends with its system mapping. */
    private void endSystemMapping(TrackedObject m) {
        if (m.link != null) {
            TrackedObject v = get(m.link);
            v.live = false;
            if (v.reservation != null) {
                get(v.reservation).link = null;
            }
        }
        m.link = null;
        m.reservation = null;
    }

    private static void unmapped(TrackedObject m) {
        m.sysMapped = false;
        m.noWrite = false;
        m.link = null;
        m.reservation = null;
    }

    private void created(Action a, StepResult r, TrackedObject o) {
        o.id = r.objectId();
        switch (a.op()) {
            case "VirtualAlloc" -> {
                o.address = r.value();
                o.size = a.number("size", 0);
                if (uncached(a)) {
                    for (long p = 0; p < (o.size + 0xFFF) >>> 12; p++) {
                        o.uncachedPages.add(p);
                    }
                }
            }
            case "ExAllocatePool" -> {
                o.address = r.value();
                long pageOffset = a.number("pageOffset", 0);
                // a small block's buffer is exactly its size; a page-aligned one is whole pages (CONTRACT 1)
                o.size = pageOffset != 0 ? a.number("size", 0) : (a.number("size", 0) + 0xFFF) & ~0xFFFL;
                if (o.address < 0) {
                    poolHigh = Math.max(poolHigh, o.address + o.size);
                }
            }
            case "IoAllocateMdl", "MmInitializeMdl" -> {
                o.address = startOf(a);
                o.size = a.number("length", 0);
                o.initialized = a.op().equals("MmInitializeMdl");
                if (r.value() < 0) { // the MDL's own storage comes from the pool too
                    poolHigh = Math.max(poolHigh, r.value() + 0x100);
                }
            }
            case "MmMapLockedPagesSpecifyCache", "MmMapLockedPagesWithReservedMapping" -> {
                o.address = r.value();
                TrackedObject m = get(a.name("mdl"));
                o.size = m != null ? Math.max(m.size, 1) : Protocol.PAGE_SIZE;
                o.link = m != null ? m.name : null;
                o.cacheType = Symbols.cacheType(a.symbol("cacheType", "MmCached"));
                boolean reserved = a.op().equals("MmMapLockedPagesWithReservedMapping");
                o.system = reserved || a.symbol("accessMode", "UserMode").equals("KernelMode");
                if (o.system && m != null) {
                    m.sysMapped = true;
                    m.link = o.name;
                    if (reserved) {
                        o.reservation = a.name("reservation");
                        m.reservation = o.reservation;
                        get(o.reservation).link = m.name;
                    } else {
                        m.noWrite = a.symbol("priority", "").contains("MdlMappingNoWrite");
                        o.noWrite = m.noWrite;
                    }
                }
            }
            case "MmAllocateMappingAddress" -> {
                o.address = r.value();
                o.size = a.number("size", 0);
            }
            case "IoBuildPartialMdl" -> {
                TrackedObject s = get(a.name("source"));
                o.partial = true;
                o.source = s.name;
                o.address = s.address + a.number("offset", 0);
                long len = a.number("length", 0);
                o.size = len != 0 ? len : Math.max(0, s.size - a.number("offset", 0));
                o.sysMapped = s.sysMapped || s.nonpaged;
                o.noWrite = s.noWrite;
                o.cacheType = s.cacheType;
                o.inherited = o.sysMapped;
            }
            case "MmAllocatePagesForMdlEx" -> {
                o.pages = true;
                o.size = r.value();
                o.cacheType = Symbols.cacheType(a.symbol("cacheType", "MmCached"));
            }
            default -> {
            }
        }
    }

    /** Remembered so the explorer knows the address an MDL describes; set by the executor before the call. */
    private final Map<Action, Long> starts = new java.util.IdentityHashMap<>();

    void noteStart(Action a, long start) {
        starts.put(a, start);
    }

    private long startOf(Action a) {
        Long s = starts.remove(a);
        return s == null ? 0 : s;
    }

    /**
     * CloseHandle as the scenario runner does it: an original handle is ReleaseAll (everything of its file object,
     * whichever handle made it), then closed, and main is reopened on a new file object; a duplicate is only closed,
     * and its file object's objects go (the driver's CLEANUP) when no open handle names it any more.
     */
    private void closeHandle(String handle) {
        Integer file = fileOf.get(handle);
        boolean releases = !duplicates.contains(handle) || !fileHasOtherHandles(handle);
        if (handle.equals(Action.MAIN)) {
            fileOf.put(handle, files++);
        } else {
            openHandles.remove(handle);
        }
        if (releases && file != null) {
            for (TrackedObject o : objects.values()) {
                if (o.kind != Kind.USER && o.file == file) {
                    o.live = false;
                }
            }
        }
    }

    private static Kind kindCreatedBy(String op) {
        return switch (op) {
            case "VirtualAlloc" -> Kind.USER;
            case "ExAllocatePool" -> Kind.KERNEL;
            case "MmMapLockedPagesSpecifyCache", "MmMapLockedPagesWithReservedMapping" -> Kind.MAPPING;
            case "MmAllocateMappingAddress" -> Kind.RESERVATION;
            default -> Kind.MDL;
        };
    }
}
