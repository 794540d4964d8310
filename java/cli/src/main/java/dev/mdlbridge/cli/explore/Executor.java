package dev.mdlbridge.cli.explore;

import dev.mdlbridge.api.DeviceCallException;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.Backend;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import dev.mdlbridge.spi.SimulatorControl;
import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs actions on one machine, one handle per scenario handle name, with the scenario runner's meaning for every
 * op (so that a finding replays with {@code mdl run}): names resolve to ids and addresses through the {@link Model},
 * a step naming an object whose creation failed is skipped, an IOCTL that fails (unknown id, released handle)
 * is the step's status. Never throws for what the device or the machine did; a bug check is the step's result.
 */
final class Executor implements AutoCloseable {

    private final Backend backend;
    private final Optional<SimulatorControl> sim;
    private final Model model;
    private final Map<String, MdlBridge> bridges = new HashMap<>();
    private final List<MdlBridge> everOpened = new ArrayList<>();
    /**
     * A handle of the process that is not part of the sequence, holds nothing and asks only Info: what the driver
     * holds is read through it, so observing never sends a request on a handle of the sequence. (A request on a
     * handle that holds user mappings while duplicated marks it shared, CONTRACT 1: an Info there would change
     * what the next step does, and a replay without the Info would differ.)
     */
    private MdlBridge observer;
    private boolean crashed;

    Executor(Backend backend, Model model) {
        this.backend = backend;
        this.sim = backend.capability(SimulatorControl.class);
        this.model = model;
        open(Action.MAIN);
    }

    Model model() {
        return model;
    }

    Optional<SimulatorControl> simulator() {
        return sim;
    }

    private MdlBridge open(String name) {
        MdlBridge b = MdlBridge.on(backend);
        bridges.put(name, b);
        everOpened.add(b);
        return b;
    }

    /** The driver's Info through the observer handle (reopened in the new process after a process exit), or
     *  empty after a bug check. */
    Optional<Info> observe() {
        if (crashed) {
            return Optional.empty();
        }
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                if (observer == null) {
                    observer = MdlBridge.on(backend);
                    everOpened.add(observer);
                }
                return Optional.of((Info) observer.info().extra());
            } catch (DeviceCallException | IllegalStateException e) {
                observer = null; // its process exited: open one in the current process
            } catch (SimulatedBugCheckException e) {
                crashed = true;
                return Optional.empty();
            } catch (dev.mdlbridge.spi.BackendException e) {
                return Optional.empty(); // no handle can be opened (driver-wide limit)
            }
        }
        return Optional.empty();
    }

    /** The Info of one handle of the sequence, or empty (closed, denied, stopped). */
    Optional<Info> info(String handle) {
        MdlBridge b = bridges.get(handle);
        if (crashed || b == null) {
            return Optional.empty();
        }
        try {
            return Optional.of((Info) b.info().extra());
        } catch (DeviceCallException | IllegalStateException e) {
            return Optional.empty();
        } catch (SimulatedBugCheckException e) {
            crashed = true;
            return Optional.empty();
        }
    }

    /** Whether every name the action refers to was created (else it is skipped); unknown names make it invalid. */
    private Boolean runnable(Action a) {
        if (!a.op().equals("OpenHandle") && !model.handleKnown(a.handle())) {
            return null;
        }
        for (String n : a.references()) {
            Model.TrackedObject o = model.get(n);
            if (o == null) {
                return null;
            }
            if (!o.created) {
                return false;
            }
        }
        return true;
    }

    /** Runs one action; null when it is not well formed here (a name or handle no earlier step made). */
    StepResult run(Action a) {
        Boolean ok = runnable(a);
        if (ok == null) {
            return null;
        }
        StepResult r;
        if (!ok) {
            r = StepResult.SKIPPED;
        } else if (crashed) {
            r = StepResult.crashed(sim.flatMap(SimulatorControl::bugCheck).orElse(null));
        } else {
            r = execute(a);
        }
        model.apply(a, r);
        return r;
    }

    private StepResult execute(Action a) {
        try {
            StepResult r = dispatch(a);
            Optional<dev.mdlbridge.spi.BugCheck> b = sim.flatMap(SimulatorControl::bugCheck);
            if (b.isPresent()) {
                crashed = true;
                return StepResult.crashed(b.get());
            }
            return r;
        } catch (SimulatedBugCheckException e) {
            crashed = true;
            return StepResult.crashed(e.bugCheck());
        } catch (DeviceCallException e) {
            return StepResult.irpFailure(e.status().value());
        } catch (UserMemoryException e) {
            return StepResult.local(Symbols.userMemoryStatus(e));
        } catch (IllegalStateException e) {
            return StepResult.irpFailure(NtStatus.INVALID_HANDLE.value()); // the bridge closed with its process
        }
    }

    private static StepResult of(Step s) {
        return new StepResult(s.status().value(), s.stage(), s.detail(), s.objectId(), s.value(), false, false, null);
    }

    private MdlBridge bridge(Action a) {
        MdlBridge b = bridges.get(a.handle());
        if (b == null) {
            throw new IllegalStateException("handle " + a.handle() + " is not open");
        }
        return b;
    }

    private int id(Action a, String field) {
        return model.get(a.name(field)).id;
    }

    private long address(Object v) {
        if (v instanceof Action.Of o) {
            return model.get(o.name()).address + o.offset();
        }
        return (Long) v;
    }

    private long start(Action a) {
        if (a.has("buffer")) {
            return model.get(a.name("buffer")).address + a.number("offset", 0);
        }
        return address(a.get("address"));
    }

    private StepResult dispatch(Action a) {
        UserMemory mem = backend.userMemory();
        String op = a.op();
        return switch (op) {
            case "OpenHandle" -> {
                open(a.name("as"));
                yield StepResult.local(0);
            }
            case "DuplicateHandle" -> {
                MdlBridge d;
                try {
                    d = bridge(a).duplicate(a.symbol("into", "sameProcess").equals("otherProcess"));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    // closed under the bridge (ProcessExit) or by CloseHandle: as the scenario runner answers
                    yield StepResult.local(NtStatus.INVALID_HANDLE.value());
                }
                bridges.put(a.name("as"), d);
                everOpened.add(d);
                yield StepResult.local(0);
            }
            case "VirtualAlloc" -> StepResult.local(0, mem.allocate(a.number("size", 0),
                    Symbols.protect(a.symbol("protect", "PAGE_READWRITE")), false));
            case "VirtualProtect" -> {
                Model.TrackedObject b = model.get(a.name("buffer"));
                mem.protect(b.address + a.number("offset", 0), a.number("size", b.size - a.number("offset", 0)),
                        Symbols.protect(a.symbol("protect", "PAGE_READWRITE")));
                yield StepResult.local(0);
            }
            case "VirtualFree" -> {
                Model.TrackedObject b = model.get(a.name("buffer"));
                if (a.symbol("type", "MEM_RELEASE").equals("MEM_RELEASE")) {
                    mem.release(b.address);
                } else {
                    mem.decommit(b.address + a.number("offset", 0), a.number("size", 0));
                }
                yield StepResult.local(0);
            }
            case "WriteUser" -> {
                byte[] d = new byte[(int) a.number("size", 0)];
                java.util.Arrays.fill(d, (byte) 0x5A);
                mem.write(start(a), d, 0, d.length);
                yield StepResult.local(0);
            }
            case "ReadUser" -> {
                mem.read(start(a), new byte[(int) a.number("size", 0)], 0, (int) a.number("size", 0));
                yield StepResult.local(0);
            }
            case "ExAllocatePool" -> of(a.has("pageOffset")
                    ? bridge(a).exAllocatePool(a.number("size", 0), (int) a.number("pageOffset", 0))
                    : bridge(a).exAllocatePool(a.number("size", 0)));
            case "ExFreePool" -> of(a.has("mdl") ? bridge(a).exFreePoolMdl(id(a, "mdl"))
                    : bridge(a).exFreePool(id(a, "buffer")));
            case "IoAllocateMdl" -> {
                long s = start(a);
                model.noteStart(a, s);
                yield of(bridge(a).ioAllocateMdl(s, (int) a.number("length", 0)));
            }
            case "MmInitializeMdl" -> {
                long s = start(a);
                model.noteStart(a, s);
                yield of(bridge(a).mmInitializeMdl(s, (int) a.number("length", 0)));
            }
            case "MmSizeOfMdl" -> of(bridge(a).mmSizeOfMdl(start(a), a.number("length", 0)));
            case "MmProbeAndLockPages" -> of(bridge(a).mmProbeAndLockPages(id(a, "mdl"),
                    Symbols.accessMode(a.symbol("accessMode", "UserMode")),
                    Symbols.operation(a.symbol("operation", "IoReadAccess"))));
            case "MmGetSystemAddressForMdlSafe" -> of(bridge(a).mmGetSystemAddressForMdlSafe(id(a, "mdl"),
                    priority(a)));
            case "MmMapLockedPagesSpecifyCache" -> of(bridge(a).mmMapLockedPagesSpecifyCache(id(a, "mdl"),
                    Symbols.mode(a.symbol("accessMode", "UserMode")), Symbols.cacheType(a.symbol("cacheType", "MmCached")),
                    a.has("requestedAddress") ? address(a.get("requestedAddress")) : 0, priority(a)));
            case "MmAllocateMappingAddress" -> of(bridge(a).mmAllocateMappingAddress(a.number("size", 0)));
            case "MmMapLockedPagesWithReservedMapping" -> of(bridge(a).mmMapLockedPagesWithReservedMapping(
                    id(a, "reservation"), id(a, "mdl"), Symbols.cacheType(a.symbol("cacheType", "MmCached"))));
            case "MmUnmapReservedMapping" -> of(bridge(a).mmUnmapReservedMapping(id(a, "reservation"),
                    id(a, "mdl")));
            case "MmFreeMappingAddress" -> of(bridge(a).mmFreeMappingAddress(id(a, "reservation")));
            case "MmUnmapLockedPages" -> of(a.has("mapping") ? bridge(a).mmUnmapLockedPages(id(a, "mapping"))
                    : bridge(a).mmUnmapSystemAddress(id(a, "mdl")));
            case "ReadMapped" -> of(bridge(a).readMapped(a.has("mapping") ? id(a, "mapping") : 0,
                    a.has("mdl") ? id(a, "mdl") : 0, (int) a.number("offset", 0), (int) a.number("size", 0)));
            case "WriteMapped" -> of(bridge(a).writeMapped(a.has("mapping") ? id(a, "mapping") : 0,
                    a.has("mdl") ? id(a, "mdl") : 0, (int) a.number("offset", 0),
                    java.util.HexFormat.of().parseHex(a.name("hex"))));
            case "IoBuildPartialMdl" -> of(bridge(a).ioBuildPartialMdl(id(a, "source"), a.number("offset", 0),
                    (int) a.number("length", 0)));
            case "MmBuildMdlForNonPagedPool" -> of(bridge(a).mmBuildMdlForNonPagedPool(id(a, "mdl")));
            case "MmUnlockPages" -> of(bridge(a).mmUnlockPages(id(a, "mdl")));
            case "IoFreeMdl" -> of(bridge(a).ioFreeMdl(id(a, "mdl")));
            case "Query" -> of(bridge(a).query(id(a, "mdl")));
            case "DescribeChain" -> {
                List<Requests.ChainRange> ranges = new ArrayList<>();
                for (Object o : (List<?>) a.get("ranges")) {
                    Map<?, ?> r = (Map<?, ?>) o;
                    Model.TrackedObject b = model.get((String) r.get("buffer"));
                    Object off = r.get("offset");
                    Object op2 = r.get("operation");
                    ranges.add(new Requests.ChainRange(b.address + (off == null ? 0 : (Long) off),
                            (int) (long) (Long) r.get("length"),
                            Symbols.operation(op2 == null ? "IoReadAccess" : (String) op2)));
                }
                yield of(bridge(a).describeChain(ranges, a.symbol("cleanup", "IoManager").equals("Driver")
                        ? Protocol.CLEANUP_DRIVER : Protocol.CLEANUP_IO_MANAGER));
            }
            case "DirectIo" -> of(bridge(a).directIo(start(a), (int) a.number("length", 0),
                    a.symbol("method", "InDirect").equals("InDirect")));
            case "MmAllocatePagesForMdlEx" -> of(a.has("lowAddress") || a.has("highAddress") || a.has("skipBytes")
                    || a.has("cacheType")
                    ? bridge(a).mmAllocatePagesForMdlEx(a.number("lowAddress", 0),
                    a.number("highAddress", Protocol.HIGHEST_PHYSICAL_ADDRESS), a.number("skipBytes", 0),
                    a.number("size", 0), Symbols.cacheType(a.symbol("cacheType", "MmCached")),
                    (int) a.number("flags", 0))
                    : bridge(a).mmAllocatePagesForMdlEx(a.number("size", 0), (int) a.number("flags", 0)));
            case "MmFreePagesFromMdl" -> of(bridge(a).mmFreePagesFromMdl(id(a, "mdl")));
            case "Info" -> of(bridge(a).info());
            case "CloseHandle" -> {
                // as the scenario runner: main is ReleaseAll, close, reopen; another original is ReleaseAll and
                // close; a duplicate is only closed (the driver's CLEANUP runs if it was the file object's last)
                MdlBridge old = bridge(a);
                if (a.handle().equals(Action.MAIN)) {
                    MdlBridge fresh = old.reopen(c -> { });
                    bridges.put(a.handle(), fresh);
                    everOpened.add(fresh);
                } else {
                    bridges.remove(a.handle());
                    old.closeAndReport();
                }
                yield StepResult.local(0);
            }
            case "ProcessExit" -> {
                sim.orElseThrow().processExit();
                yield StepResult.local(0);
            }
            case "PageOut" -> {
                Model.TrackedObject b = model.get(a.name("buffer"));
                sim.orElseThrow().pageOut(b.address, Math.max(b.size, 1),
                        Boolean.TRUE.equals(a.get("failPageIn")));
                yield StepResult.local(0);
            }
            default -> throw new IllegalArgumentException("unknown op " + op);
        };
    }

    private int priority(Action a) {
        return a.has("priority") ? Symbols.priority(a.symbol("priority", "")) : bridge(a).defaultPriority();
    }

    /** A new handle of the current process, not part of the sequence (the final counters are read on it). */
    MdlBridge freshBridge() {
        MdlBridge b = MdlBridge.on(backend);
        everOpened.add(b);
        return b;
    }

    boolean crashed() {
        return crashed;
    }

    /** Releases every handle still open (ReleaseAll, close); false when the machine stopped on the way. */
    boolean releaseAll() {
        if (crashed) {
            return false;
        }
        try {
            for (String h : model.openHandles()) {
                MdlBridge b = bridges.get(h);
                if (b != null) {
                    b.closeAndReport();
                }
            }
            bridges.clear();
            return sim.flatMap(SimulatorControl::bugCheck).isEmpty();
        } catch (SimulatedBugCheckException e) {
            crashed = true;
            return false;
        } catch (DeviceCallException | IllegalStateException e) {
            return true;
        }
    }

    @Override
    public void close() {
        for (MdlBridge b : everOpened) {
            try {
                b.close();
            } catch (RuntimeException e) {
                // a handle of an exited process or a stopped machine: nothing is left to release
            }
        }
    }
}
