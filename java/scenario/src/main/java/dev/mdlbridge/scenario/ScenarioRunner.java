package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.api.DeviceCallException;
import dev.mdlbridge.api.AccessMode;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.record.NoRecordedSessionException;
import dev.mdlbridge.result.ExpectedBugCheck;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs a validated scenario (CONTRACT.md sections 8 and 9): one {@link StepRecord} per step (a {@code Repeat}'s
 * steps once per iteration, flattened in order), a failed step does not stop the run, a simulated bug check ends it.
 * An {@code expect} object is checked as each step completes. A request the device fails as a call is the step's status; a
 * step naming an object whose creating step failed is skipped, with the reason. Steps run on the handle they name
 * ({@code main} by default; {@code OpenHandle} opens more, {@code DuplicateHandle} duplicates one). {@code leftover}
 * is what the process still held over every open handle at the end; the runner then releases it and closes every
 * handle it opened.
 */
public final class ScenarioRunner {

    /**
     * A name a step gave with {@code as}: what it is, the handle that created it (null for user memory, which
     * belongs to the process), its object id and its address (kept after release). A name whose creating step
     * failed or was skipped is kept too, with {@code created} false, so later steps naming it can say why they
     * did not run.
     */
    private record Named(Kind kind, Handle owner, int id, long address, long size, boolean created, int step,
                         boolean creatorSkipped) {

        static Named created(Kind kind, Handle owner, int id, long address, long size, int step) {
            return new Named(kind, owner, id, address, size, true, step, false);
        }

        static Named missing(Kind kind, int step, boolean creatorSkipped) {
            return new Named(kind, null, 0, 0, 0, false, step, creatorSkipped);
        }
    }

    private enum Kind {
        USER("buffer"), KERNEL("kernel buffer"), MDL("mdl"), MAPPING("mapping"), RESERVATION("reservation"),
        HANDLE("handle");

        final String word;

        Kind(String word) {
            this.word = word;
        }
    }

    /**
     * One open of the device, as the scenario names it. {@code ids} are the object ids this open returned (ids come
     * from one driver-wide counter, so no two live objects of any handles share one).
     */
    private static final class Handle {
        final String name;
        MdlBridge bridge;
        boolean closed;
        final Set<Integer> ids = new HashSet<>();

        Handle(String name, MdlBridge bridge) {
            this.name = name;
            this.bridge = bridge;
        }
    }

    private final Map<String, Named> names = new HashMap<>();
    /** The handle each handle name stands for now; main's entry is replaced when CloseHandle reopens it. */
    private final Map<String, Handle> handles = new LinkedHashMap<>();
    /** Handle names whose OpenHandle failed or was skipped. */
    private final Map<String, Named> unopened = new HashMap<>();
    /** Every handle the scenario opened besides main, closed when the scenario ends. */
    private final List<Handle> opened = new ArrayList<>();
    private MdlBridge bridge;

    private ScenarioRunner(MdlBridge bridge) {
        this.bridge = bridge;
        handles.put(ScenarioParser.MAIN_HANDLE, new Handle(ScenarioParser.MAIN_HANDLE, bridge));
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
            // the simulator's own builder checks each name and value, as the driver's Parameters key would be read
            dev.mdlbridge.spi.SimulatorOptions limits = dev.mdlbridge.spi.SimulatorOptions.builder();
            s.limits().forEach(limits::limit);
            m.putAll(limits.settings());
        }
        return new BackendOptions(m);
    }

    /** Opens a fresh machine through {@code policy}, runs the scenario on it and closes it. */
    public static RunResult run(Scenario s, String policy, BackendOptions base, String source) {
        return run(s, policy, base, source, Listener.NONE);
    }

    /** {@link #run(Scenario, String, BackendOptions, String)}, telling {@code listener} of each step as it completes. */
    public static RunResult run(Scenario s, String policy, BackendOptions base, String source, Listener listener) {
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
            return r.execute(s, listener);
        } finally {
            r.closeOpened();
            r.closeQuietly(r.bridge);
        }
    }

    /**
     * Runs on a bridge the caller opened (and closes): for tests and for callers with their own backend. The
     * handles the scenario opens itself ({@code OpenHandle}) are closed before this returns.
     */
    public static RunResult runOn(MdlBridge bridge, Scenario s) {
        ScenarioRunner r = new ScenarioRunner(bridge);
        try {
            return r.execute(s, Listener.NONE);
        } finally {
            r.closeOpened();
        }
    }

    /**
     * Told of each step as it completes, for output that streams (the text view of {@code mdl run}): first the
     * machine, then every step in order. The caller still gets the whole {@link RunResult} at the end.
     */
    public interface Listener {
        Listener NONE = new Listener() {
        };

        default void started(String backend, String profile, RunResult.Machine machine) {
        }

        default void step(StepRecord record) {
        }
    }

    private RunResult execute(Scenario s, Listener listener) {
        RunResult.Machine machine = Machines.of(bridge);
        String profile = bridge.backend().capability(SimulatorControl.class).map(SimulatorControl::profile)
                .orElse(s.profile());
        listener.started(bridge.backend().name(), profile, machine);
        Run run = new Run(listener);
        for (int i = 0; i < s.steps().size() && run.bugCheck == null; i++) {
            JsonNode n = s.steps().get(i);
            if (n.get("op").asText().equals(ScenarioParser.REPEAT)) {
                repeat(n, i, run);
            } else {
                run.add(runOne(n, "step " + i, run.records.size(), run), null, false);
            }
        }
        BugCheck bugCheck = run.bugCheck;
        List<StepRecord> records = run.records;
        Counters leftover;
        try {
            leftover = bugCheck == null ? bridge.counters() : Counters.ZERO;
        } catch (dev.mdlbridge.api.DeviceCallException e) {
            // after ProcessExit the handle died with its owner and the driver released everything on it
            leftover = Counters.ZERO;
        }
        return new RunResult(bridge.backend().name(), profile, machine, records, leftover, bugCheck);
    }

    /** The records so far, in order, and the bug check that ended the run, once one did. */
    private static final class Run {
        final Listener listener;
        final List<StepRecord> records = new ArrayList<>();
        BugCheck bugCheck;

        Run(Listener listener) {
            this.listener = listener;
        }

        /** Records a step (of iteration {@code iteration} when not null) and tells the listener at once. */
        void add(StepRecord rec, Integer iteration, boolean endsRepeat) {
            StepRecord r = iteration == null ? rec : rec.inIteration(iteration, endsRepeat);
            records.add(r);
            listener.step(r);
        }
    }

    /**
     * Runs a Repeat's steps {@code times} times, each result flattened with its iteration. The names an iteration
     * creates are forgotten when it ends, so the next iteration creates its own. With {@code untilFailure}, the
     * first iteration in which a step failed is the last, and its failures do not count against the scenario.
     */
    private void repeat(JsonNode n, int index, Run run) {
        long times = ScenarioValues.number(n.get("times"), "", "times");
        boolean untilFailure = n.path("untilFailure").asBoolean(false);
        JsonNode inner = n.get("steps");
        for (int it = 0; it < times && run.bugCheck == null; it++) {
            Set<String> before = new HashSet<>(names.keySet());
            boolean failed = false;
            for (int k = 0; k < inner.size() && run.bugCheck == null; k++) {
                StepRecord rec = runOne(inner.get(k), "step " + index + " (Repeat): steps[" + k + "]",
                        run.records.size(), run);
                failed |= !rec.asExpected();
                run.add(rec, it, untilFailure && !rec.asExpected() && rec.bugCheck() == null);
            }
            names.keySet().retainAll(before);
            if (untilFailure && failed) {
                break;
            }
        }
    }

    /**
     * Runs one step (or reports it skipped) as result {@code index}; a bug check it caused is kept in {@code run}.
     * An expectation object is checked here, so its mismatches are in the record the listener sees.
     */
    private StepRecord runOne(JsonNode n, String where, int index, Run run) {
        JsonNode e = n.get("expect");
        boolean expectSkipped = ScenarioValues.expectsSkipped(e);
        boolean object = Expectation.isObject(e);
        ExpectedBugCheck expectBugCheck = object ? null : ScenarioValues.expectedBugCheck(e, where);
        NtStatus expect = object ? Expectation.status(e, where)
                : e != null && !expectSkipped && expectBugCheck == null ? ScenarioValues.status(e, where) : null;
        String op = n.get("op").asText();
        String handleName = n.path("handle").asText(ScenarioParser.MAIN_HANDLE);
        String shown = handleName.equals(ScenarioParser.MAIN_HANDLE) ? null : handleName;
        String why = notCreated(n, handleName);
        if (why != null) {
            if (n.has("as")) {
                forget(n, op, index, true);
            }
            return StepRecord.skipped(index, Step.local(op, NOT_RUN, 0, Step.ValueKind.NONE, null), shown,
                    expectSkipped, why);
        }
        Handle h = handles.get(handleName);
        StepRecord rec;
        try {
            Step done = h.closed ? closedHandle(op) : run(op, n, where + " (" + op + ")", h, index);
            if (n.has("as") && !done.succeeded()) {
                forget(n, op, index, false);
            }
            rec = new StepRecord(index, done, expect, lockCounts(done), shown, expectSkipped, null, expectBugCheck,
                    null);
            if (object) {
                rec = rec.checked(e, Expectation.check(e, done, name -> names.get(name).address()));
            }
        } catch (SimulatedBugCheckException x) {
            run.bugCheck = x.bugCheck();
            // the machine stopped inside the call, which returned nothing: the status is only a placeholder
            // (CONTRACT.md §8: "the status it would otherwise have reported, if any"), and the record says
            // causedBugCheck, so no view shows it as a bare success
            Step stopped = new Step(op, NtStatus.SUCCESS, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.NONE,
                    null, null, List.of(), new byte[0], "the machine stopped inside the call: it returned no "
                    + "status");
            rec = new StepRecord(index, stopped, expect, null, shown, expectSkipped, null, expectBugCheck,
                    run.bugCheck);
        }
        if (run.bugCheck == null) {
            Optional<BugCheck> pending = bridge.backend().capability(SimulatorControl.class)
                    .flatMap(SimulatorControl::bugCheck);
            if (pending.isPresent()) {
                run.bugCheck = pending.get();
                rec = rec.causing(run.bugCheck);
            }
        }
        return rec;
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

    /** What a skipped step's {@code step()} holds: a failure, so nothing reading only the status sees success. */
    private static final NtStatus NOT_RUN = NtStatus.of(0xC0000001);

    private static void closeQuietly(MdlBridge b) {
        try {
            b.close();
        } catch (RuntimeException e) {
            // after a bug check the simulated machine is gone; nothing is left to release
        }
    }

    private void closeOpened() {
        for (Handle h : opened) {
            if (!h.closed) {
                h.closed = true;
                closeQuietly(h.bridge);
            }
        }
    }

    /**
     * Why the step cannot run, or null: the first name it uses (its handle, then its fields in order) whose
     * creating step failed or was skipped. A name that was created and later released does not count: the device
     * answers for it.
     */
    private String notCreated(JsonNode n, String handleName) {
        Named u = unopened.get(handleName);
        if (u != null && !handles.containsKey(handleName)) {
            return describeMissing(handleName, u);
        }
        for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) n::fields) {
            String why = switch (f.getKey()) {
                case "buffer", "mdl", "mapping", "source", "reservation" -> missing(f.getValue().asText());
                case "address", "requestedAddress" -> f.getValue().isObject()
                        ? missing(f.getValue().path("of").asText()) : null;
                case "ranges" -> {
                    String first = null;
                    for (JsonNode r : f.getValue()) {
                        first = first != null ? first : missing(r.path("buffer").asText());
                    }
                    yield first;
                }
                default -> null;
            };
            if (why != null) {
                return why;
            }
        }
        return null;
    }

    private String missing(String name) {
        Named x = names.get(name);
        return x == null || x.created() ? null : describeMissing(name, x);
    }

    private static String describeMissing(String name, Named x) {
        return x.kind().word + " '" + name + "' was not " + (x.kind() == Kind.HANDLE ? "opened" : "created")
                + " (step " + x.step() + (x.creatorSkipped() ? " was skipped)" : " failed)");
    }

    /** Remembers that the step meant to create {@code as} created nothing. */
    private void forget(JsonNode n, String op, int step, boolean skipped) {
        String as = n.get("as").asText();
        if (ScenarioParser.HANDLE_OPS.contains(op)) {
            unopened.put(as, Named.missing(Kind.HANDLE, step, skipped));
        } else {
            names.put(as, Named.missing(kindCreatedBy(op), step, skipped));
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

    /**
     * A step on a handle the scenario closed. Nothing is sent: on Windows a closed handle's value may already name
     * another object of the process, so the runner answers as DeviceIoControl does for a handle that is not open.
     */
    private static Step closedHandle(String op) {
        return new Step(op, NtStatus.INVALID_HANDLE, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.NONE, null, null,
                List.of(), new byte[0], "the handle was closed by an earlier CloseHandle; nothing was sent");
    }

    /** Runs one step on {@code h}; a request the device fails as a call is the step's status, not an exception. */
    private Step run(String op, JsonNode n, String where, Handle h, int index) {
        Step done;
        try {
            done = step(op, n, where, h, index);
        } catch (DeviceCallException e) {
            return Step.callFailed(op, e);
        }
        if (done.succeeded() && done.objectId() != 0) {
            h.ids.add(done.objectId());
        }
        return done;
    }

    private Step step(String op, JsonNode n, String where, Handle h, int index) {
        MdlBridge bridge = h.bridge;
        UserMemory mem = bridge.memory();
        try {
            return switch (op) {
                case "VirtualAlloc" -> {
                    long size = num(n, "size", 0);
                    long a = mem.allocate(size, n.has("protect") ? ScenarioValues.protect(n.get("protect"), where)
                            : UserMemory.PAGE_READWRITE, n.path("reserveOnly").asBoolean(false));
                    names.put(n.get("as").asText(), Named.created(Kind.USER, null, 0, a, size, index));
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
                case "ExAllocatePool" -> remember(n, h, index, Kind.KERNEL, n.has("pageOffset")
                        ? bridge.exAllocatePool(num(n, "size", 0), (int) num(n, "pageOffset", 0))
                        : bridge.exAllocatePool(num(n, "size", 0)));
                case "ExFreePool" -> n.has("mdl") ? bridge.exFreePoolMdl(objectId(n, "mdl", h))
                        : bridge.exFreePool(objectId(n, "buffer", h));
                case "IoAllocateMdl" -> remember(n, h, index, Kind.MDL,
                        bridge.ioAllocateMdl(start(n), (int) num(n, "length", 0)));
                case "MmSizeOfMdl" -> bridge.mmSizeOfMdl(start(n), num(n, "length", 0));
                case "MmInitializeMdl" -> remember(n, h, index, Kind.MDL,
                        bridge.mmInitializeMdl(start(n), (int) num(n, "length", 0)));
                case "MmProbeAndLockPages" -> bridge.mmProbeAndLockPages(objectId(n, "mdl", h),
                        n.has("accessMode") ? ScenarioValues.accessMode(n.get("accessMode"), where)
                                : Protocol.USER_MODE,
                        n.has("operation") ? ScenarioValues.operation(n.get("operation"), where, "operation")
                                : Protocol.IO_READ_ACCESS);
                case "MmGetSystemAddressForMdlSafe" -> bridge.mmGetSystemAddressForMdlSafe(objectId(n, "mdl", h),
                        priority(n, where));
                case "MmMapLockedPagesSpecifyCache" -> remember(n, h, index, Kind.MAPPING,
                        bridge.mmMapLockedPagesSpecifyCache(objectId(n, "mdl", h),
                                n.has("accessMode") && ScenarioValues.accessMode(n.get("accessMode"), where)
                                        == Protocol.KERNEL_MODE ? AccessMode.KERNEL_MODE : AccessMode.USER_MODE,
                                cacheType(n, where),
                                n.has("requestedAddress") ? address(n.get("requestedAddress")) : 0,
                                priority(n, where)));
                case "MmAllocateMappingAddress" -> remember(n, h, index, Kind.RESERVATION,
                        bridge.mmAllocateMappingAddress(num(n, "size", 0)));
                case "MmMapLockedPagesWithReservedMapping" -> remember(n, h, index, Kind.MAPPING,
                        bridge.mmMapLockedPagesWithReservedMapping(objectId(n, "reservation", h),
                                objectId(n, "mdl", h), cacheType(n, where)));
                case "MmUnmapReservedMapping" -> bridge.mmUnmapReservedMapping(objectId(n, "reservation", h),
                        objectId(n, "mdl", h));
                case "MmFreeMappingAddress" -> bridge.mmFreeMappingAddress(objectId(n, "reservation", h));
                case "MmUnmapLockedPages" -> n.has("mdl") ? bridge.mmUnmapSystemAddress(objectId(n, "mdl", h))
                        : bridge.mmUnmapLockedPages(objectId(n, "mapping", h));
                case "ReadMapped" -> bridge.readMapped(n.has("mapping") ? objectId(n, "mapping", h) : 0,
                        n.has("mdl") ? objectId(n, "mdl", h) : 0, (int) num(n, "offset", 0), (int) num(n, "size", 0));
                case "WriteMapped" -> bridge.writeMapped(n.has("mapping") ? objectId(n, "mapping", h) : 0,
                        n.has("mdl") ? objectId(n, "mdl", h) : 0, (int) num(n, "offset", 0),
                        ScenarioValues.hex(n.get("hex"), where));
                case "IoBuildPartialMdl" -> remember(n, h, index, Kind.MDL,
                        bridge.ioBuildPartialMdl(objectId(n, "source", h), num(n, "offset", 0),
                                (int) num(n, "length", 0)));
                case "MmBuildMdlForNonPagedPool" -> bridge.mmBuildMdlForNonPagedPool(objectId(n, "mdl", h));
                case "MmUnlockPages" -> bridge.mmUnlockPages(objectId(n, "mdl", h));
                case "IoFreeMdl" -> bridge.ioFreeMdl(objectId(n, "mdl", h));
                case "Query" -> bridge.query(objectId(n, "mdl", h));
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
                case "MmAllocatePagesForMdlEx" -> remember(n, h, index, Kind.MDL, allocatePages(n, bridge, where));
                case "MmFreePagesFromMdl" -> bridge.mmFreePagesFromMdl(objectId(n, "mdl", h));
                case "Info" -> bridge.info();
                case "CloseHandle" -> {
                    Counters released;
                    if (h.name.equals(ScenarioParser.MAIN_HANDLE)) {
                        // main is reopened, as before handles existed: scenarios go on after closing it
                        Counters[] c = new Counters[1];
                        this.bridge = bridge.reopen(x -> c[0] = x);
                        handles.put(h.name, new Handle(h.name, this.bridge));
                        released = c[0];
                    } else if (bridge.isDuplicate()) {
                        // one of several handles of a file object: closing it releases nothing by itself
                        h.closed = true;
                        bridge.closeAndReport();
                        // (the driver releases the file object's objects when its last handle closes or its
                        // owner exits; from here nothing can say how much that was, so no "released" is given)
                        yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                    } else {
                        h.closed = true; // closeAndReport closes the channel even when its ReleaseAll fails
                        released = bridge.closeAndReport();
                    }
                    yield new Step(op, NtStatus.SUCCESS, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.COUNTERS,
                            null, null, List.of(), new byte[0], released);
                }
                case "OpenHandle" -> {
                    String as = n.get("as").asText();
                    MdlBridge other;
                    try {
                        other = bridge.openHandle();
                    } catch (dev.mdlbridge.spi.BackendException e) {
                        unopened.put(as, Named.missing(Kind.HANDLE, index, false));
                        yield new Step(op, NOT_RUN, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.NONE, null, null,
                                List.of(), new byte[0], "the handle could not be opened: " + e.getMessage());
                    }
                    Handle added = new Handle(as, other);
                    opened.add(added);
                    handles.put(as, added);
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
                }
                case "DuplicateHandle" -> {
                    sim(where);
                    String as = n.get("as").asText();
                    boolean other = n.get("into").asText().equals("otherProcess");
                    MdlBridge dup;
                    try {
                        dup = bridge.duplicate(other);
                    } catch (IllegalArgumentException | IllegalStateException e) {
                        // the handle was closed under the bridge (ProcessExit): DuplicateHandle fails as on Windows
                        unopened.put(as, Named.missing(Kind.HANDLE, index, false));
                        yield new Step(op, NtStatus.INVALID_HANDLE, Protocol.STAGE_DONE, 0, 0, 0, Step.ValueKind.NONE,
                                null, null, List.of(), new byte[0], "the handle could not be duplicated: "
                                + e.getMessage());
                    }
                    Handle added = new Handle(as, dup);
                    opened.add(added);
                    handles.put(as, added);
                    yield Step.local(op, NtStatus.SUCCESS, 0, Step.ValueKind.NONE, null);
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

    /** The NTSTATUS of a failed user-memory call: its own when it has one, else the one its Win32 error stands for
     *  ({@link dev.mdlbridge.protocol.DosErrors#ntStatusOf}, the one table used in both directions). */
    static NtStatus statusOf(UserMemoryException e) {
        if (e.ntStatus() != 0) {
            // reads and writes return their NTSTATUS (NtReadVirtualMemory / NtWriteVirtualMemory): no guessing
            return NtStatus.of(e.ntStatus());
        }
        return NtStatus.of(dev.mdlbridge.protocol.DosErrors.ntStatusOf(e.win32Error()));
    }

    private SimulatorControl sim(String where) {
        return bridge.backend().capability(SimulatorControl.class).orElseThrow(() -> new ScenarioUsageException(
                where + ": simulator only; run with --backend simulator"));
    }

    private Step remember(JsonNode n, Handle h, int index, Kind kind, Step s) {
        if (s.succeeded() && n.has("as")) {
            long address = kind == Kind.MDL ? 0 : s.value();
            names.put(n.get("as").asText(), Named.created(kind, h, s.objectId(), address,
                    num(n, "size", num(n, "length", 0)), index));
        }
        return s;
    }

    /**
     * The id to send for an object field. Another handle's object is sent by its id to this handle, which does not
     * know it (ids are unique across the driver's handles, CONTRACT.md §1), so the device answers STATUS_NOT_FOUND. A
     * user buffer (no handle) sends 0, which no handle ever issues. Should a handle ever hold an object under the
     * same id (after 2^32 ids), id 0 is sent instead so the step never acts on an unrelated object.
     */
    private int objectId(JsonNode n, String field, Handle h) {
        Named x = name(n, field);
        if (x.owner() == h || x.owner() == null) {
            return x.id();
        }
        return h.ids.contains(x.id()) ? 0 : x.id();
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

    /**
     * MmAllocatePagesForMdlEx: without the range, skip and cache-type fields, the request the tool always sent (any
     * address, MmCached), so scenarios written before those fields run byte for byte as they did.
     */
    private static Step allocatePages(JsonNode n, MdlBridge bridge, String where) {
        int flags = n.has("flags") ? ScenarioValues.allocateFlags(n.get("flags"), where) : 0;
        if (!n.has("lowAddress") && !n.has("highAddress") && !n.has("skipBytes") && !n.has("cacheType")) {
            return bridge.mmAllocatePagesForMdlEx(num(n, "size", 0), flags);
        }
        return bridge.mmAllocatePagesForMdlEx(num(n, "lowAddress", 0),
                num(n, "highAddress", Protocol.HIGHEST_PHYSICAL_ADDRESS), num(n, "skipBytes", 0), num(n, "size", 0),
                cacheType(n, where), flags);
    }

    private static int cacheType(JsonNode n, String where) {
        return n.has("cacheType") ? ScenarioValues.cacheType(n.get("cacheType"), where) : Protocol.MM_CACHED;
    }

    private int priority(JsonNode n, String where) {
        return n.has("priority") ? ScenarioValues.priority(n.get("priority"), where) : bridge.defaultPriority();
    }

    private static long num(JsonNode n, String field, long fallback) {
        return n.has(field) ? ScenarioValues.number(n.get(field), "", field) : fallback;
    }
}
