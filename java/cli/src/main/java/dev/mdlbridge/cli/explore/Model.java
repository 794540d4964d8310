package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.Protocol;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the explorer believes a sequence has built so far: handles, and every named object with its handle, its
 * address, and a coarse state (locked, mapped, nonpaged, partial...). The generator picks plausible ops and
 * arguments from it; the executor resolves names to ids and addresses through it. It is a belief, not a copy of
 * the driver's rules: the driver is the referee, and the model only follows what succeeded.
 */
final class Model {

    enum Kind { USER, KERNEL, MDL, MAPPING }

    /** One named object. Released objects stay, so that their ids and addresses can still be used. */
    static final class TableObject {
        final String name;
        final Kind kind;
        final String handle;
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

        TableObject(String name, Kind kind, String handle) {
            this.name = name;
            this.kind = kind;
            this.handle = handle;
        }

        boolean kernelRange() {
            return address < 0;
        }

        /** Something holds pages for it: a probe, a nonpaged build, a page allocation, or a partial of those. */
        boolean described() {
            return locked || nonpaged || (pages && !pagesFreed) || partial;
        }
    }

    private final Map<String, TableObject> objects = new LinkedHashMap<>();
    private final Set<String> openHandles = new LinkedHashSet<>();
    private final Set<String> handleNames = new LinkedHashSet<>();
    private final Map<Kind, Integer> counters = new java.util.EnumMap<>(Kind.class);
    /** The highest kernel address the pool has handed out so far (kernel buffers, MDL storage): where the next
     *  block is likely to go. Kernel addresses are negative as a long, so "nothing yet" is MIN_VALUE. */
    private long poolHigh = Long.MIN_VALUE;

    Model() {
        openHandles.add(Action.MAIN);
        handleNames.add(Action.MAIN);
    }

    // ------------------------------------------------------------------------------------------- queries

    TableObject get(String name) {
        return objects.get(name);
    }

    boolean knows(String name) {
        return objects.containsKey(name);
    }

    List<TableObject> all(Kind kind) {
        List<TableObject> out = new ArrayList<>();
        for (TableObject o : objects.values()) {
            if (o.kind == kind && o.created) {
                out.add(o);
            }
        }
        return out;
    }

    List<TableObject> live(Kind kind) {
        List<TableObject> out = new ArrayList<>();
        for (TableObject o : objects.values()) {
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
        if (a.has("as") && !a.op().equals("OpenHandle")) {
            TableObject o = new TableObject(a.name("as"), kindCreatedBy(a.op()), a.handle());
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
            }
            case "VirtualFree" -> {
                if (a.symbol("type", "MEM_RELEASE").equals("MEM_RELEASE")) {
                    get(a.name("buffer")).live = false;
                }
            }
            case "ExFreePool" -> get(a.has("buffer") ? a.name("buffer") : a.name("mdl")).live = false;
            case "MmProbeAndLockPages" -> {
                TableObject m = get(a.name("mdl"));
                m.locked = true;
                m.write = !a.symbol("operation", "IoReadAccess").equals("IoReadAccess");
            }
            case "MmGetSystemAddressForMdlSafe" -> {
                TableObject m = get(a.name("mdl"));
                if (!m.sysMapped && !m.nonpaged) {
                    m.noWrite = a.symbol("priority", "").contains("MdlMappingNoWrite");
                }
                m.sysMapped = true;
            }
            case "MmUnmapLockedPages" -> {
                if (a.has("mapping")) {
                    get(a.name("mapping")).live = false;
                } else {
                    TableObject m = get(a.name("mdl"));
                    m.sysMapped = false;
                    m.noWrite = false;
                }
            }
            case "MmBuildMdlForNonPagedPool" -> get(a.name("mdl")).nonpaged = true;
            case "MmUnlockPages" -> {
                TableObject m = get(a.name("mdl"));
                m.locked = false;
                m.sysMapped = false;
                m.noWrite = false;
            }
            case "IoFreeMdl" -> get(a.name("mdl")).live = false;
            case "MmFreePagesFromMdl" -> get(a.name("mdl")).pagesFreed = true;
            case "CloseHandle" -> releaseHandle(a.handle());
            case "ProcessExit" -> {
                for (TableObject o : objects.values()) {
                    o.live = false;
                }
                openHandles.clear();
            }
            default -> {
            }
        }
    }

    private void created(Action a, StepResult r, TableObject o) {
        o.id = r.objectId();
        switch (a.op()) {
            case "VirtualAlloc" -> {
                o.address = r.value();
                o.size = a.number("size", 0);
            }
            case "ExAllocatePool" -> {
                o.address = r.value();
                o.size = (a.number("size", 0) + 0xFFF) & ~0xFFFL;
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
            case "MmMapLockedPagesSpecifyCache" -> {
                o.address = r.value();
                TableObject m = get(a.name("mdl"));
                o.size = m != null ? Math.max(m.size, 1) : Protocol.PAGE_SIZE;
            }
            case "IoBuildPartialMdl" -> {
                TableObject s = get(a.name("source"));
                o.partial = true;
                o.source = s.name;
                o.address = s.address + a.number("offset", 0);
                long len = a.number("length", 0);
                o.size = len != 0 ? len : Math.max(0, s.size - a.number("offset", 0));
                o.sysMapped = s.sysMapped || s.nonpaged;
                o.noWrite = s.noWrite;
            }
            case "MmAllocatePagesForMdlEx" -> {
                o.pages = true;
                o.size = r.value();
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

    private void releaseHandle(String handle) {
        for (TableObject o : objects.values()) {
            if (o.kind != Kind.USER && o.handle.equals(handle)) {
                o.live = false;
            }
        }
    }

    private static Kind kindCreatedBy(String op) {
        return switch (op) {
            case "VirtualAlloc" -> Kind.USER;
            case "ExAllocatePool" -> Kind.KERNEL;
            case "MmMapLockedPagesSpecifyCache" -> Kind.MAPPING;
            default -> Kind.MDL;
        };
    }
}
