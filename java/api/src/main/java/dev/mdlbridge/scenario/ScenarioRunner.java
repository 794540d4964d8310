package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.record.NoRecordedSessionException;
import dev.mdlbridge.result.Machines;
import dev.mdlbridge.result.RunResult;
import dev.mdlbridge.result.StepRecord;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.BugCheck;
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
 * Runs a validated scenario (CONTRACT.md sections 8 and 9): one {@link StepRecord} per step, a failed step does
 * not stop the run, a simulated bug check ends it. {@code leftover} is what was still held at the end; the runner
 * then releases it.
 */
public final class ScenarioRunner {

    /** A name a step created with {@code as}: what it is, its object id and its address (kept after release). */
    private record Named(Kind kind, int id, long address, long size) {
    }

    private enum Kind { USER, KERNEL, MDL, MAPPING }

    private final Map<String, Named> names = new HashMap<>();
    private MdlBridge bridge;

    private ScenarioRunner(MdlBridge bridge) {
        this.bridge = bridge;
    }

    /**
     * The options a scenario's own machine is built from on the simulator: the scenario's profile, policy,
     * faults and unchecked, over what the command line gave (seed, for one). On the driver nothing is added:
     * those fields are refused there ({@link ScenarioParser#checkForDriver}) and the profile is only recorded.
     */
    public static BackendOptions optionsFor(Scenario s, BackendOptions base, boolean simulator) {
        Map<String, String> m = new HashMap<>(base.settings());
        if (simulator) {
            m.putIfAbsent("profile", s.profile());
            s.policy().forEach((k, v) -> m.put(k, Boolean.toString(v != 0)));
            s.faults().forEach((k, v) -> m.put(k, Long.toString(v)));
            if (s.unchecked()) {
                m.put("unchecked", "true");
            }
        }
        return new BackendOptions(m);
    }

    /** Opens a fresh machine through {@code policy}, runs the scenario on it and closes it. */
    public static RunResult run(Scenario s, String policy, BackendOptions base, String source) {
        boolean driver = policy.equals("driver");
        if (driver) {
            ScenarioParser.checkForDriver(s, source);
        }
        boolean replay = policy.startsWith("replay:");
        boolean simulator = !driver && !replay;
        BackendOptions options = optionsFor(s, base, simulator);
        Map<String, String> withSession = new HashMap<>(options.settings());
        withSession.put("session", s.description()); // names this run in a recording, and finds it in a replay
        MdlBridge bridge;
        try {
            bridge = MdlBridge.open(policy, new BackendOptions(withSession));
        } catch (NoRecordedSessionException e) {
            throw new ScenarioUsageException(source + ": " + e.getMessage());
        }
        if (bridge.backend().capability(SimulatorControl.class).isEmpty()) {
            // auto chose the driver, or a replay of the driver: the same refusals apply as on the driver
            try {
                ScenarioParser.checkForDriver(s, source);
            } catch (RuntimeException e) {
                bridge.close();
                throw e;
            }
        }
        ScenarioRunner r = new ScenarioRunner(bridge);
        try {
            return r.execute(s);
        } finally {
            r.closeQuietly();
        }
    }

    /** Runs on a bridge the caller opened (and closes): for tests and for callers with their own backend. */
    public static RunResult runOn(MdlBridge bridge, Scenario s) {
        return new ScenarioRunner(bridge).execute(s);
    }

    private RunResult execute(Scenario s) {
        RunResult.Machine machine = Machines.of(bridge);
        String profile = bridge.backend().capability(SimulatorControl.class).map(SimulatorControl::profile)
                .orElse(s.profile());
        List<StepRecord> records = new ArrayList<>();
        BugCheck bugCheck = null;
        for (int i = 0; i < s.steps().size(); i++) {
            JsonNode n = s.steps().get(i);
            NtStatus expect = n.has("expect") ? ScenarioValues.status(n.get("expect"), "step " + i) : null;
            String op = n.get("op").asText();
            try {
                Step done = step(op, n, "step " + i + " (" + op + ")");
                records.add(new StepRecord(i, done, expect, lockCounts(done)));
            } catch (SimulatedBugCheckException e) {
                bugCheck = e.bugCheck();
                // the step that caused the bug check ends the list; it returned nothing, so its status is the
                // bug check's own code only as a marker (CONTRACT 8: "the status it would otherwise have reported,
                // if any" — there is none when the machine stopped inside the call)
                records.add(new StepRecord(i, Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null),
                        expect));
                break;
            }
            Optional<BugCheck> pending = bridge.backend().capability(SimulatorControl.class)
                    .flatMap(SimulatorControl::bugCheck);
            if (pending.isPresent()) {
                bugCheck = pending.get();
                break;
            }
        }
        Counters leftover;
        try {
            leftover = bugCheck == null ? bridge.counters() : Counters.ZERO;
        } catch (dev.mdlbridge.api.DeviceCallException e) {
            // after ProcessExit the handle died with its owner and the driver released everything on it
            leftover = Counters.ZERO;
        }
        return new RunResult(bridge.backend().name(), profile, machine, records, leftover, bugCheck);
    }

    /** The lock count of each page of the step's MDL, read now because later steps change it; null off the
     *  simulator, whose PFN database is the only one the tool can read. Large MDLs are cut to the pages the
     *  {@code --view pfn} listing prints. */
    private long[] lockCounts(Step done) {
        Optional<SimulatorControl> sim = bridge.backend().capability(SimulatorControl.class);
        if (sim.isEmpty() || done.after() == null || !done.after().pfnsValid()) {
            return null;
        }
        long[] pfns = done.after().pfns();
        long[] counts = new long[Math.min(pfns.length, LOCK_COUNT_PAGES)];
        for (int k = 0; k < counts.length; k++) {
            counts[k] = sim.get().pfnLockCount(pfns[k]);
        }
        return counts;
    }

    /** The most pages a step's lock counts are read for. */
    public static final int LOCK_COUNT_PAGES = 4096;

    private void closeQuietly() {
        try {
            bridge.close();
        } catch (RuntimeException e) {
            // after a bug check the simulated machine is gone; nothing is left to release
        }
    }

    private Step step(String op, JsonNode n, String where) {
        UserMemory mem = bridge.memory();
        try {
            return switch (op) {
                case "VirtualAlloc" -> {
                    long size = num(n, "size", 0);
                    long a = mem.allocate(size, n.has("protect") ? ScenarioValues.protect(n.get("protect"), where)
                            : UserMemory.PAGE_READWRITE, n.path("reserveOnly").asBoolean(false));
                    names.put(n.get("as").asText(), new Named(Kind.USER, 0, a, size));
                    yield Step.local(op, NtStatus.SUCCESS, a, Step.ValueKind.ADDRESS, null);
                }
                case "VirtualProtect" -> {
                    Named b = name(n, "buffer");
                    long size = n.has("size") ? num(n, "size", 0) : b.size() - num(n, "offset", 0);
                    mem.protect(b.address() + num(n, "offset", 0), size,
                            ScenarioValues.protect(n.get("protect"), where));
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                case "VirtualFree" -> {
                    Named b = name(n, "buffer");
                    if (n.path("type").asText("MEM_RELEASE").equals("MEM_RELEASE")) {
                        mem.release(b.address());
                    } else {
                        mem.decommit(b.address() + num(n, "offset", 0), num(n, "size", 0));
                    }
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                case "WriteUser" -> {
                    byte[] data = data(n, where);
                    mem.write(start(n), data, 0, data.length);
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                case "ReadUser" -> {
                    byte[] data = new byte[(int) num(n, "size", 0)];
                    mem.read(start(n), data, 0, data.length);
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.BYTES, data);
                }
                case "ExAllocatePool" -> remember(n, Kind.KERNEL, bridge.exAllocatePool(num(n, "size", 0)));
                case "ExFreePool" -> n.has("mdl") ? bridge.exFreePoolMdl(name(n, "mdl").id())
                        : bridge.exFreePool(name(n, "buffer").id());
                case "IoAllocateMdl" -> remember(n, Kind.MDL, bridge.ioAllocateMdl(start(n), (int) num(n, "length", 0)));
                case "MmSizeOfMdl" -> bridge.mmSizeOfMdl(start(n), num(n, "length", 0));
                case "MmInitializeMdl" -> remember(n, Kind.MDL,
                        bridge.mmInitializeMdl(start(n), (int) num(n, "length", 0)));
                case "MmProbeAndLockPages" -> bridge.mmProbeAndLockPages(name(n, "mdl").id(),
                        n.has("accessMode") ? ScenarioValues.accessMode(n.get("accessMode"), where) : Protocol.USER_MODE,
                        n.has("operation") ? ScenarioValues.operation(n.get("operation"), where, "operation")
                                : Protocol.IO_READ_ACCESS);
                case "MmGetSystemAddressForMdlSafe" -> bridge.mmGetSystemAddressForMdlSafe(name(n, "mdl").id(),
                        priority(n, where));
                case "MmMapLockedPagesSpecifyCache" -> remember(n, Kind.MAPPING,
                        bridge.mmMapLockedPagesSpecifyCache(name(n, "mdl").id(),
                                n.has("cacheType") ? ScenarioValues.cacheType(n.get("cacheType"), where)
                                        : Protocol.MM_CACHED,
                                n.has("requestedAddress") ? address(n.get("requestedAddress")) : 0,
                                priority(n, where)));
                case "MmUnmapLockedPages" -> n.has("mdl") ? bridge.mmUnmapSystemAddress(name(n, "mdl").id())
                        : bridge.mmUnmapLockedPages(name(n, "mapping").id());
                case "ReadMapped" -> bridge.readMapped(n.has("mapping") ? name(n, "mapping").id() : 0,
                        n.has("mdl") ? name(n, "mdl").id() : 0, (int) num(n, "offset", 0), (int) num(n, "size", 0));
                case "WriteMapped" -> bridge.writeMapped(n.has("mapping") ? name(n, "mapping").id() : 0,
                        n.has("mdl") ? name(n, "mdl").id() : 0, (int) num(n, "offset", 0),
                        ScenarioValues.hex(n.get("hex"), where));
                case "IoBuildPartialMdl" -> remember(n, Kind.MDL, bridge.ioBuildPartialMdl(name(n, "source").id(),
                        num(n, "offset", 0), (int) num(n, "length", 0)));
                case "MmBuildMdlForNonPagedPool" -> bridge.mmBuildMdlForNonPagedPool(name(n, "mdl").id());
                case "MmUnlockPages" -> bridge.mmUnlockPages(name(n, "mdl").id());
                case "IoFreeMdl" -> bridge.ioFreeMdl(name(n, "mdl").id());
                case "Query" -> bridge.query(name(n, "mdl").id());
                case "DescribeChain" -> {
                    List<Requests.ChainRange> ranges = new ArrayList<>();
                    for (JsonNode r : n.get("ranges")) {
                        Named b = names.get(r.get("buffer").asText());
                        ranges.add(new Requests.ChainRange(b.address() + num(r, "offset", 0), (int) num(r, "length", 0),
                                r.has("operation") ? ScenarioValues.operation(r.get("operation"), where, "operation")
                                        : Protocol.IO_READ_ACCESS));
                    }
                    yield bridge.describeChain(ranges, n.path("cleanup").asText("IoManager").equals("Driver")
                            ? Protocol.CLEANUP_DRIVER : Protocol.CLEANUP_IO_MANAGER);
                }
                case "DirectIo" -> bridge.directIo(name(n, "buffer").address() + num(n, "offset", 0),
                        (int) num(n, "length", 0), n.get("method").asText().equals("InDirect"));
                case "MmAllocatePagesForMdlEx" -> remember(n, Kind.MDL,
                        bridge.mmAllocatePagesForMdlEx(num(n, "size", 0), (int) num(n, "flags", 0)));
                case "MmFreePagesFromMdl" -> bridge.mmFreePagesFromMdl(name(n, "mdl").id());
                case "Info" -> bridge.info();
                case "CloseHandle" -> {
                    Counters[] released = new Counters[1];
                    bridge = bridge.reopen(c -> released[0] = c);
                    yield new Step(op, NtStatus.SUCCESS, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.COUNTERS,
                            null, null, List.of(), new byte[0], released[0]);
                }
                case "ProcessExit" -> {
                    sim(where).processExit();
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                case "PageOut" -> {
                    Named b = name(n, "buffer");
                    sim(where).pageOut(b.address(), b.size(), n.path("failPageIn").asBoolean(false));
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                default -> throw new ScenarioUsageException(where + ": unknown op (the validator should have "
                        + "refused it)");
            };
        } catch (UserMemoryException e) {
            return Step.local(op, statusOf(e), 0, Step.ValueKind.NONE, null);
        }
    }

    /**
     * The NTSTATUS Windows reports for a failed user-memory call (the Win32 error is RtlNtStatusToDosError of
     * it). 487 ERROR_INVALID_ADDRESS maps back to STATUS_CONFLICTING_ADDRESSES for allocations and to
     * STATUS_MEMORY_NOT_ALLOCATED (0xC00000A0) for frees on Windows; the scenario language has one status per
     * step, so 487 is reported as STATUS_INVALID_ADDRESS (0xC0000141), which names what the caller did wrong
     * and is what NtFreeVirtualMemory returns for an address outside any allocation.
     */
    static NtStatus statusOf(UserMemoryException e) {
        return switch (e.win32Error()) {
            case 998 -> NtStatus.ACCESS_VIOLATION;          // ERROR_NOACCESS
            case 0x80000001, 1 -> NtStatus.GUARD_PAGE_VIOLATION; // a guard page touched
            case 487 -> NtStatus.INVALID_ADDRESS;           // ERROR_INVALID_ADDRESS
            case 87 -> NtStatus.INVALID_PARAMETER;          // ERROR_INVALID_PARAMETER
            case 8, 14 -> NtStatus.NO_MEMORY;               // ERROR_NOT_ENOUGH_MEMORY, ERROR_OUTOFMEMORY
            case 1455 -> NtStatus.of(0xC000012D);           // ERROR_COMMITMENT_LIMIT
            case 999 -> NtStatus.IN_PAGE_ERROR;             // ERROR_SWAPERROR
            default -> NtStatus.of(0xC0000001);             // STATUS_UNSUCCESSFUL: no closer mapping known
        };
    }

    private SimulatorControl sim(String where) {
        return bridge.backend().capability(SimulatorControl.class).orElseThrow(() -> new ScenarioUsageException(
                where + ": simulator only; run with --backend simulator"));
    }

    private Step remember(JsonNode n, Kind kind, Step s) {
        if (s.succeeded() && n.has("as")) {
            long address = kind == Kind.MDL ? 0 : s.value();
            names.put(n.get("as").asText(), new Named(kind, s.objectId(), address, num(n, "size", num(n, "length", 0))));
        } else if (n.has("as")) {
            // a failed step created nothing: later references get object 0, which the driver reports as unknown
            names.put(n.get("as").asText(), new Named(kind, 0, 0, 0));
        }
        return s;
    }

    private Named name(JsonNode n, String field) {
        return names.get(n.get(field).asText());
    }

    private long start(JsonNode n) {
        if (n.has("buffer")) {
            return name(n, "buffer").address() + num(n, "offset", 0);
        }
        return address(n.get("address"));
    }

    private long address(JsonNode a) {
        if (a.isObject()) {
            return names.get(a.get("of").asText()).address() + num(a, "offset", 0);
        }
        return ScenarioValues.number(a, "", "address");
    }

    private byte[] data(JsonNode n, String where) {
        if (n.has("hex")) {
            return ScenarioValues.hex(n.get("hex"), where);
        }
        byte[] d = new byte[(int) num(n, "size", 0)];
        for (int i = 0; i < d.length; i++) {
            d[i] = (byte) (i * 7 + 1); // a pattern that differs from zero-fill in every byte
        }
        return d;
    }

    private int priority(JsonNode n, String where) {
        return n.has("priority") ? ScenarioValues.priority(n.get("priority"), where) : bridge.defaultPriority();
    }

    private static long num(JsonNode n, String field, long fallback) {
        return n.has(field) ? ScenarioValues.number(n.get(field), "", field) : fallback;
    }
}
