package dev.mdlbridge.scenario;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mdlbridge.scenario.ScenarioValues.Range;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a scenario file and finds every usage error before anything runs (CONTRACT.md section 9): unknown ops
 * and fields, missing required fields, names used before a step created them, handle names where objects are
 * expected and the reverse, malformed numbers, and simulator-only features asked of the driver. Each message names
 * the step index, op and field.
 */
public final class ScenarioParser {

    /** Floats as BigDecimal: 1e3 is the integer 1000 exactly, and 4096.5 is refused for its fraction. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** An op's fields: those it must have and those it may have ({@code expect} is allowed everywhere). */
    private record Fields(Set<String> required, Set<String> optional) {
        static Fields of(String required, String optional) {
            return new Fields(split(required), split(optional));
        }

        Fields with(String optionalField) {
            Set<String> o = new HashSet<>(optional);
            o.add(optionalField);
            return new Fields(required, Set.copyOf(o));
        }

        private static Set<String> split(String s) {
            return s.isEmpty() ? Set.of() : Set.of(s.split(","));
        }
    }

    /** The op that runs its {@code steps} several times (CONTRACT.md section 9). */
    public static final String REPEAT = "Repeat";

    static final Map<String, Fields> OPS = new LinkedHashMap<>();
    static {
        OPS.put("VirtualAlloc", Fields.of("as,size", "protect,reserveOnly"));
        OPS.put("VirtualProtect", Fields.of("buffer,protect", "offset,size"));
        OPS.put("VirtualFree", Fields.of("buffer", "offset,size,type"));
        OPS.put("WriteUser", Fields.of("", "buffer,offset,address,hex,size"));
        OPS.put("ReadUser", Fields.of("", "buffer,offset,address,size"));
        OPS.put("ExAllocatePool", Fields.of("as,size", "pageOffset"));
        OPS.put("ExFreePool", Fields.of("", "buffer,mdl"));
        OPS.put("IoAllocateMdl", Fields.of("as,length", "buffer,offset,address"));
        OPS.put("MmSizeOfMdl", Fields.of("length", "buffer,offset,address"));
        OPS.put("MmInitializeMdl", Fields.of("as,length", "buffer,offset,address"));
        OPS.put("MmProbeAndLockPages", Fields.of("mdl", "accessMode,operation"));
        OPS.put("MmGetSystemAddressForMdlSafe", Fields.of("mdl", "priority"));
        OPS.put("MmMapLockedPagesSpecifyCache", Fields.of("as,mdl", "accessMode,cacheType,requestedAddress,priority"));
        OPS.put("MmAllocateMappingAddress", Fields.of("as,size", ""));
        OPS.put("MmMapLockedPagesWithReservedMapping", Fields.of("as,reservation,mdl", "cacheType"));
        OPS.put("MmUnmapReservedMapping", Fields.of("reservation,mdl", ""));
        OPS.put("MmFreeMappingAddress", Fields.of("reservation", ""));
        OPS.put("MmUnmapLockedPages", Fields.of("", "mapping,mdl"));
        OPS.put("ReadMapped", Fields.of("", "mapping,mdl,offset,size"));
        OPS.put("WriteMapped", Fields.of("hex", "mapping,mdl,offset"));
        OPS.put("IoBuildPartialMdl", Fields.of("as,source,length", "offset"));
        OPS.put("MmBuildMdlForNonPagedPool", Fields.of("mdl", ""));
        OPS.put("MmUnlockPages", Fields.of("mdl", ""));
        OPS.put("IoFreeMdl", Fields.of("mdl", ""));
        OPS.put("Query", Fields.of("mdl", ""));
        OPS.put("DescribeChain", Fields.of("ranges", "cleanup"));
        OPS.put("DirectIo", Fields.of("buffer,length,method", "offset"));
        OPS.put("MmAllocatePagesForMdlEx", Fields.of("as,size",
                "lowAddress,highAddress,skipBytes,cacheType,flags"));
        OPS.put("MmFreePagesFromMdl", Fields.of("mdl", ""));
        OPS.put("Info", Fields.of("", ""));
        OPS.put("CloseHandle", Fields.of("", ""));
        OPS.put("ProcessExit", Fields.of("", ""));
        OPS.put("PageOut", Fields.of("buffer", "failPageIn"));
        OPS.put("OpenHandle", Fields.of("as", ""));
        OPS.put("DuplicateHandle", Fields.of("as,into", ""));
        // every step may say which handle it runs on, except the one that opens a handle and Repeat, whose steps say
        OPS.replaceAll((op, f) -> op.equals("OpenHandle") ? f : f.with("handle"));
        OPS.put(REPEAT, Fields.of("times,steps", "untilFailure"));
    }

    /** The most steps one Repeat runs: {@code times} x its steps. */
    public static final int MAX_REPEATED_STEPS = 10_000;
    /** Ops a Repeat may not hold: a handle opened in each iteration would outlive the iteration's names. */
    static final Set<String> NOT_REPEATED = Set.of(REPEAT, "OpenHandle", "DuplicateHandle");

    /** The scenario's first handle, open before step 0: what a step without {@code handle} runs on. */
    public static final String MAIN_HANDLE = "main";

    /** Each op's required and optional fields, as the parser checks them (the published schema's test compares). */
    static Map<String, List<Set<String>>> fieldsByOp() {
        Map<String, List<Set<String>>> m = new LinkedHashMap<>();
        OPS.forEach((op, f) -> m.put(op, List.of(f.required(), f.optional())));
        return m;
    }

    static final Set<String> SIMULATOR_OPS = Set.of("ProcessExit", "PageOut", "DuplicateHandle");

    /** The ops whose {@code as} names a handle, not an object. */
    static final Set<String> HANDLE_OPS = Set.of("OpenHandle", "DuplicateHandle");

    /** DuplicateHandle's targets: the scenario's own process, or a second process of the simulated machine. */
    public static final Set<String> DUPLICATE_INTO = Set.of("sameProcess", "otherProcess");
    private static final Set<String> TOP = Set.of("scenario", "profile", "policy", "faults", "unchecked", "limits",
            "steps");
    private static final Set<String> POLICY = Set.of("verifier", "trackLockedPages");
    private static final Set<String> FAULTS = Set.of("poolFailAfter", "systemPtesAvailable", "lockCountLimit");
    /** The simulator's version profiles, the default first. */
    public static final List<String> PROFILES = List.of("win10-x64", "win7-x64", "nt52-x64");
    private static final Set<String> NAME_FIELDS = Set.of("buffer", "mdl", "mapping", "source", "reservation");

    private ScenarioParser() {
    }

    /** "not valid JSON at line L, column C: what" (Jackson's own message names no file and adds a source line). */
    public static String notJson(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            return "not valid JSON at line " + j.getLocation().getLineNr() + ", column "
                    + j.getLocation().getColumnNr() + ": " + j.getOriginalMessage().lines().findFirst().orElse("")
                    .replaceAll("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)]", "$1");
        }
        return "not valid JSON: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    }

    /** The most steps a scenario holds (CONTRACT.md section 9), checked before the document is built. */
    public static final int MAX_STEPS = 100_000;

    public static Scenario parse(String text, String source) {
        checkStepCount(text, source);
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (IOException e) {
            throw new ScenarioUsageException(source + ": " + notJson(e));
        }
        return parse(root, source);
    }

    /**
     * Counts the top-level {@code steps} with a streaming parser, so a scenario of a million steps is refused before
     * a tree of it is built. Malformed JSON is left to the full parse, which says where.
     */
    private static void checkStepCount(String text, String source) {
        long count = 0;
        try (JsonParser p = JSON.getFactory().createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (name.equals("steps") && t == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        count++;
                        p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            // malformed: the full parse reports it
        }
        tooManySteps(count, source);
    }

    private static void tooManySteps(long count, String source) {
        if (count > MAX_STEPS) {
            throw new ScenarioUsageException(source + ": " + String.format("%,d", count) + " steps; a scenario holds at "
                    + "most " + String.format("%,d", MAX_STEPS) + " (CONTRACT.md section 9): split it into several files");
        }
    }

    /**
     * Validates a scenario for a backend. {@code driver} true refuses what only the simulator can do
     * (policy, faults, unchecked, ProcessExit, PageOut, DuplicateHandle), since a real machine cannot be set up
     * that way.
     */
    public static Scenario parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new ScenarioUsageException(source + ": a scenario is a JSON object with \"steps\": [...]");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!TOP.contains(f)) {
                throw new ScenarioUsageException(source + ": unknown top-level field \"" + f + "\"; known: " + TOP);
            }
        }
        String profile = root.path("profile").asText("win10-x64");
        if (!PROFILES.contains(profile)) {
            throw new ScenarioUsageException(source + ": profile \"" + profile + "\" is not known; use one of "
                    + PROFILES);
        }
        Map<String, Long> policy = flags(root.get("policy"), POLICY, source + ": policy", true);
        Map<String, Long> faults = flags(root.get("faults"), FAULTS, source + ": faults", false);
        JsonNode u = root.get("unchecked");
        if (u != null && !u.isBoolean()) {
            throw new ScenarioUsageException(source + ": unchecked must be true or false");
        }
        boolean unchecked = u != null && u.asBoolean();
        JsonNode steps = root.get("steps");
        if (steps == null || !steps.isArray()) {
            throw new ScenarioUsageException(source + ": missing \"steps\": give a list of {\"op\": ...} objects");
        }
        Map<String, Long> limits = limits(root.get("limits"), source);
        tooManySteps(expandedCount(steps, source), source);
        Set<String> names = new HashSet<>();
        Set<String> handles = new java.util.LinkedHashSet<>(Set.of(MAIN_HANDLE));
        boolean simOnlyOps = false;
        for (int i = 0; i < steps.size(); i++) {
            String where = source + ": step " + i;
            String op = checkOne(steps.get(i), where, names, handles, false);
            simOnlyOps |= SIMULATOR_OPS.contains(op);
            if (op.equals(REPEAT)) {
                JsonNode inner = steps.get(i).get("steps");
                // names created inside are local to each iteration: visible to the later steps of the iteration,
                // never after the Repeat, and never the name of something outside it
                Set<String> outer = new HashSet<>(names);
                for (int k = 0; k < inner.size(); k++) {
                    String innerWhere = where + " (Repeat): steps[" + k + "]";
                    JsonNode n = inner.get(k);
                    if (n.isObject() && n.path("as").isTextual() && outer.contains(n.get("as").asText())) {
                        throw new ScenarioUsageException(innerWhere + " (" + n.path("op").asText() + "): field "
                                + "\"as\": \"" + n.get("as").asText()
                                + "\" already names an object outside the Repeat; names inside a Repeat are local to "
                                + "each iteration: give it another name");
                    }
                    simOnlyOps |= SIMULATOR_OPS.contains(checkOne(n, innerWhere, names, handles, true));
                }
                names.retainAll(outer);
            }
        }
        return new Scenario(root.path("scenario").asText(""), profile, policy, faults, unchecked, limits,
                simOnlyOps || !policy.isEmpty() || !faults.isEmpty() || unchecked || !limits.isEmpty(), listOf(steps));
    }

    /** One step's checks; returns its op. Inside a Repeat ({@code repeated}), Repeat and handle ops are refused. */
    private static String checkOne(JsonNode s, String where, Set<String> names, Set<String> handles,
                                   boolean repeated) {
        if (!s.isObject() || !s.path("op").isTextual()) {
            throw new ScenarioUsageException(where + ": a step is an object with a string \"op\"");
        }
        String op = s.get("op").asText();
        where += " (" + op + ")";
        Fields fields = OPS.get(op);
        if (fields == null) {
            throw new ScenarioUsageException(where + ": unknown op \"" + op + "\"; known ops: " + OPS.keySet());
        }
        if (repeated && NOT_REPEATED.contains(op)) {
            throw new ScenarioUsageException(where + ": op " + op + " cannot be inside a Repeat ("
                    + (op.equals(REPEAT) ? "Repeats do not nest" : "a handle would outlive the iteration's names")
                    + "); put it before the Repeat");
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            boolean expectAllowed = f.equals("expect") && !op.equals(REPEAT);
            if (!f.equals("op") && !expectAllowed && !fields.required().contains(f)
                    && !fields.optional().contains(f)) {
                throw new ScenarioUsageException(where + ": unknown field \"" + f + "\"; " + op + " takes "
                        + fields.required() + " (required) and " + fields.optional() + " (optional)"
                        + (op.equals(REPEAT) ? "; its steps carry their own expect" : ""));
            }
        }
        for (String f : fields.required()) {
            if (!s.has(f)) {
                throw new ScenarioUsageException(where + ": missing required field \"" + f + "\"");
            }
        }
        if (op.equals(REPEAT)) {
            checkRepeat(s, where);
            return op;
        }
        checkHandles(s, op, where, names, handles);
        checkStep(s, op, where, names, handles);
        if (s.has("as") && !HANDLE_OPS.contains(op)) {
            names.add(s.get("as").asText());
        }
        return op;
    }

    /** A Repeat's own fields; its steps are checked one by one by the caller. */
    private static void checkRepeat(JsonNode s, String where) {
        long times = number(s.get("times"), where, "times", Range.TIMES);
        JsonNode inner = s.get("steps");
        if (!inner.isArray() || inner.isEmpty()) {
            throw new ScenarioUsageException(where + ": field \"steps\": give a non-empty list of steps to repeat");
        }
        if (s.has("untilFailure") && !s.get("untilFailure").isBoolean()) {
            throw new ScenarioUsageException(where + ": field \"untilFailure\" must be true or false");
        }
        if (times * inner.size() > MAX_REPEATED_STEPS) {
            throw new ScenarioUsageException(where + ": field \"times\": " + times + " x " + inner.size()
                    + " steps = " + String.format("%,d", times * inner.size()) + " steps; a Repeat runs at most "
                    + String.format("%,d", MAX_REPEATED_STEPS) + " (CONTRACT.md section 9)");
        }
    }

    /**
     * The steps the scenario runs, each Repeat counted as {@code times} x its steps (at most 10,000 each, so the sum
     * of 100,000 steps cannot overflow a long). A Repeat whose own fields are malformed counts as one step here;
     * its own check names the field.
     */
    private static long expandedCount(JsonNode steps, String source) {
        long count = 0;
        for (JsonNode s : steps) {
            if (REPEAT.equals(s.path("op").asText()) && s.path("steps").isArray()) {
                long times;
                try {
                    times = number(s.get("times"), source, "times", Range.TIMES);
                } catch (ScenarioUsageException e) {
                    times = 1;
                }
                count += Math.min(times * s.get("steps").size(), MAX_REPEATED_STEPS + 1L);
            } else {
                count++;
            }
        }
        return count;
    }

    /** The scenario's administrator limits (simulator only), by the names the driver reads at load. */
    private static Map<String, Long> limits(JsonNode n, String source) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (n == null) {
            return m;
        }
        if (!n.isObject()) {
            throw new ScenarioUsageException(source + ": limits must be an object; keys "
                    + dev.mdlbridge.protocol.Protocol.LIMIT_NAMES);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!dev.mdlbridge.protocol.Protocol.LIMIT_NAMES.contains(e.getKey())) {
                throw new ScenarioUsageException(source + ": limits: unknown field \"" + e.getKey() + "\"; the limits "
                        + "are " + dev.mdlbridge.protocol.Protocol.LIMIT_NAMES);
            }
            m.put(e.getKey(), ScenarioValues.limit(e.getValue(), source + ": limits", e.getKey()));
        }
        return m;
    }

    /** Refuses a scenario the driver cannot honour, naming what to remove. */
    public static void checkForDriver(Scenario s, String source) {
        if (!s.policy().isEmpty()) {
            throw new ScenarioUsageException(source + ": policy " + s.policy().keySet()
                    + " is simulator only: remove it or run with --backend simulator");
        }
        if (!s.faults().isEmpty()) {
            throw new ScenarioUsageException(source + ": faults " + s.faults().keySet()
                    + " are simulator only: remove them or run with --backend simulator");
        }
        if (s.unchecked()) {
            throw new ScenarioUsageException(source + ": unchecked is simulator only (on Windows it would bug "
                    + "check the machine): remove it or run with --backend simulator");
        }
        if (!s.limits().isEmpty()) {
            throw new ScenarioUsageException(source + ": limits " + s.limits().keySet() + " are simulator only (on "
                    + "Windows an administrator sets them under the driver's " + dev.mdlbridge.protocol.Protocol
                    .PARAMETERS_SUBKEY + " key, read at load): remove them or run with --backend simulator");
        }
        for (int i = 0; i < s.steps().size(); i++) {
            JsonNode step = s.steps().get(i);
            String op = step.get("op").asText();
            driverOp(op, source + ": step " + i + " (" + op + ")");
            if (op.equals(REPEAT)) {
                for (int k = 0; k < step.get("steps").size(); k++) {
                    String inner = step.get("steps").get(k).get("op").asText();
                    driverOp(inner, source + ": step " + i + " (Repeat): steps[" + k + "] (" + inner + ")");
                }
            }
        }
    }

    private static void driverOp(String op, String where) {
        if (SIMULATOR_OPS.contains(op)) {
            throw new ScenarioUsageException(where + ": op is simulator only; "
                    + (op.equals("PageOut") ? "remove it" : "on Windows a test with a child process covers the same")
                    + " or run with --backend simulator");
        }
    }

    private static void checkStep(JsonNode s, String op, String where, Set<String> names,
                                  Set<String> handles) {
        for (String f : NAME_FIELDS) {
            if (s.has(f)) {
                checkName(s.get(f), where, f, names, handles);
            }
        }
        for (String af : List.of("address", "requestedAddress")) {
            if (!s.has(af)) {
                continue;
            }
            JsonNode a = s.get(af);
            if (a.isObject()) {
                for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
                    String f = it.next();
                    if (!f.equals("of") && !f.equals("offset")) {
                        throw new ScenarioUsageException(where + ": field \"" + af + "\": unknown key \"" + f
                                + "\"; write {\"of\": NAME, \"offset\": N}");
                    }
                }
                checkName(a.get("of"), where, af + ".of", names, handles);
                if (a.has("offset")) {
                    number(a.get("offset"), where, af + ".offset", Range.SIZE_T);
                }
            } else {
                number(a, where, af, Range.SIZE_T);
            }
        }
        for (String f : List.of("size", "offset", "length", "pageOffset", "lowAddress", "highAddress", "skipBytes")) {
            if (s.has(f)) {
                number(s.get(f), where, f, range(op, f));
            }
        }
        if (s.has("flags")) {
            if (op.equals("MmAllocatePagesForMdlEx")) {
                ScenarioValues.allocateFlags(s.get("flags"), where);
            } else {
                number(s.get("flags"), where, "flags", Range.ULONG);
            }
        }
        if (s.has("as") && !s.get("as").isTextual()) {
            throw new ScenarioUsageException(where + ": field \"as\" must be a string name");
        }
        if (Expectation.isObject(s.get("expect"))) {
            // an expectation may name what the step itself creates: its address is known once the step ran
            Set<String> visible = new HashSet<>(names);
            if (s.path("as").isTextual() && !HANDLE_OPS.contains(op)) {
                visible.add(s.get("as").asText());
            }
            Expectation.validate(s.get("expect"), op, where, (n, f) -> checkName(n, where, f, visible, handles));
        } else if (s.has("expect") && s.get("expect").isObject()) {
            ScenarioValues.expectedBugCheck(s.get("expect"), where);
        } else if (s.has("expect") && !ScenarioValues.expectsSkipped(s.get("expect"))) {
            ScenarioValues.status(s.get("expect"), where);
        }
        if (s.has("protect")) {
            ScenarioValues.protect(s.get("protect"), where);
        }
        if (s.has("accessMode")) {
            ScenarioValues.accessMode(s.get("accessMode"), where);
        }
        if (s.has("operation")) {
            ScenarioValues.operation(s.get("operation"), where, "operation");
        }
        if (s.has("priority")) {
            ScenarioValues.priority(s.get("priority"), where);
        }
        if (s.has("cacheType")) {
            ScenarioValues.cacheType(s.get("cacheType"), where);
        }
        if (s.has("hex")) {
            ScenarioValues.hex(s.get("hex"), where);
        }
        switch (op) {
            case "IoAllocateMdl", "MmSizeOfMdl", "MmInitializeMdl", "WriteUser", "ReadUser" -> {
                if (s.has("buffer") == s.has("address")) {
                    throw new ScenarioUsageException(where + ": field \"buffer\"/\"address\": give exactly one "
                            + "start: \"buffer\" (+ \"offset\") or \"address\"");
                }
                if (s.has("address") && s.has("offset")) {
                    throw new ScenarioUsageException(where + ": field \"offset\": goes with \"buffer\"; with "
                            + "\"address\" write {\"of\": NAME, \"offset\": N}");
                }
                if (op.equals("WriteUser") && s.has("hex") == s.has("size")) {
                    throw new ScenarioUsageException(where + ": field \"hex\"/\"size\": give exactly one (size "
                            + "writes that many bytes of a pattern)");
                }
                if (op.equals("ReadUser") && !s.has("size")) {
                    throw new ScenarioUsageException(where + ": missing required field \"size\"");
                }
            }
            case "ExFreePool", "MmUnmapLockedPages", "ReadMapped", "WriteMapped" -> {
                String a = op.equals("ExFreePool") ? "buffer" : "mapping";
                if (s.has(a) == s.has("mdl")) {
                    throw new ScenarioUsageException(where + ": field \"" + a + "\"/\"mdl\": give exactly one");
                }
                if (op.equals("ReadMapped") && !s.has("size")) {
                    throw new ScenarioUsageException(where + ": missing required field \"size\"");
                }
            }
            case "VirtualFree" -> {
                String type = s.path("type").asText("MEM_RELEASE");
                if (!type.equals("MEM_RELEASE") && !type.equals("MEM_DECOMMIT")) {
                    throw new ScenarioUsageException(where + ": field \"type\": \"" + type
                            + "\" is not MEM_DECOMMIT or MEM_RELEASE");
                }
                if (type.equals("MEM_RELEASE") && (s.has("offset") || s.has("size"))) {
                    throw new ScenarioUsageException(where + ": field \"" + (s.has("offset") ? "offset" : "size")
                            + "\": MEM_RELEASE takes the whole buffer; remove it or use MEM_DECOMMIT");
                }
                if (type.equals("MEM_DECOMMIT") && !s.has("size")) {
                    throw new ScenarioUsageException(where + ": missing required field \"size\" (MEM_DECOMMIT)");
                }
            }
            case "DirectIo" -> {
                String m = s.get("method").asText();
                if (!m.equals("InDirect") && !m.equals("OutDirect")) {
                    throw new ScenarioUsageException(where + ": field \"method\": \"" + m
                            + "\" is not InDirect or OutDirect");
                }
            }
            case "DescribeChain" -> {
                JsonNode ranges = s.get("ranges");
                if (!ranges.isArray() || ranges.isEmpty()) {
                    throw new ScenarioUsageException(where + ": field \"ranges\": give a non-empty list of "
                            + "{\"buffer\", \"offset\", \"length\", \"operation\"}");
                }
                for (int r = 0; r < ranges.size(); r++) {
                    JsonNode x = ranges.get(r);
                    String rf = "ranges[" + r + "]";
                    for (Iterator<String> it = x.fieldNames(); it.hasNext(); ) {
                        String f = it.next();
                        if (!Set.of("buffer", "offset", "length", "operation").contains(f)) {
                            throw new ScenarioUsageException(where + ": field \"" + rf + "." + f + "\" is unknown; "
                                    + "a range has buffer, offset, length, operation");
                        }
                    }
                    if (!x.has("buffer") || !x.has("length")) {
                        throw new ScenarioUsageException(where + ": field \"" + rf + "\": needs buffer and length");
                    }
                    checkName(x.get("buffer"), where, rf + ".buffer", names, handles);
                    number(x.get("length"), where, rf + ".length", Range.ULONG);
                    if (x.has("offset")) {
                        number(x.get("offset"), where, rf + ".offset", Range.SIZE_T);
                    }
                    if (x.has("operation")) {
                        ScenarioValues.operation(x.get("operation"), where, rf + ".operation");
                    }
                }
                String c = s.path("cleanup").asText("IoManager");
                if (!c.equals("IoManager") && !c.equals("Driver")) {
                    throw new ScenarioUsageException(where + ": field \"cleanup\": \"" + c
                            + "\" is not IoManager or Driver");
                }
            }
            case "DuplicateHandle" -> {
                JsonNode into = s.get("into");
                if (!into.isTextual() || !DUPLICATE_INTO.contains(into.asText())) {
                    throw new ScenarioUsageException(where + ": field \"into\": " + into
                            + " is not \"sameProcess\" or \"otherProcess\"");
                }
            }
            case "PageOut" -> {
                if (s.has("failPageIn") && !s.get("failPageIn").isBoolean()) {
                    throw new ScenarioUsageException(where + ": field \"failPageIn\" must be true or false");
                }
            }
            case "VirtualAlloc" -> {
                if (s.has("reserveOnly") && !s.get("reserveOnly").isBoolean()) {
                    throw new ScenarioUsageException(where + ": field \"reserveOnly\" must be true or false");
                }
            }
            default -> {
            }
        }
    }

    /**
     * Handles and objects live in separate name spaces that must not overlap: a name that could mean either would
     * make a step's meaning depend on which was created last.
     */
    private static void checkHandles(JsonNode s, String op, String where, Set<String> names, Set<String> handles) {
        if (s.has("handle")) {
            JsonNode h = s.get("handle");
            if (!h.isTextual()) {
                throw new ScenarioUsageException(where + ": field \"handle\" must be a string: \"" + MAIN_HANDLE
                        + "\" or the \"as\" of an earlier OpenHandle");
            }
            if (!handles.contains(h.asText())) {
                throw new ScenarioUsageException(where + ": field \"handle\": "
                        + (names.contains(h.asText()) ? "\"" + h.asText() + "\" names an object, not a handle"
                        : "unknown handle \"" + h.asText() + "\"")
                        + "; open one first with {\"op\": \"OpenHandle\", \"as\": \"" + h.asText()
                        + "\"} (known handles: " + handles + ")");
            }
        }
        if (!s.has("as") || !s.get("as").isTextual()) {
            return;
        }
        String as = s.get("as").asText();
        if (HANDLE_OPS.contains(op)) {
            if (as.isEmpty() || handles.contains(as) || names.contains(as)) {
                throw new ScenarioUsageException(where + ": field \"as\": " + (as.isEmpty() ? "a handle needs a name"
                        : "\"" + as + "\" is already " + (handles.contains(as) ? "a handle" : "an object")
                        + "'s name") + "; give each " + op + " a new name (\"" + MAIN_HANDLE
                        + "\" is the first handle)");
            }
            handles.add(as);
        } else if (handles.contains(as)) {
            throw new ScenarioUsageException(where + ": field \"as\": \"" + as + "\" is a handle's name; name the "
                    + "object differently");
        }
    }

    private static void checkName(JsonNode n, String where, String field, Set<String> names, Set<String> handles) {
        if (n == null || !n.isTextual()) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\" must name an earlier step's \"as\"");
        }
        if (handles.contains(n.asText())) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\": \"" + n.asText() + "\" names a "
                    + "handle, not an object; a step runs on a handle with \"handle\": \"" + n.asText() + "\"");
        }
        if (!names.contains(n.asText())) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\": unknown name \"" + n.asText()
                    + "\"; no earlier step created it with \"as\" (known: " + names + ")");
        }
    }

    static long number(JsonNode n, String where, String field, Range range) {
        return ScenarioValues.number(n, where, field, range);
    }

    /**
     * What a step's numeric field must fit (CONTRACT.md section 9): a length, flags and an {@code ExAllocatePool}
     * {@code pageOffset} are ULONGs; a mapping's read or write takes ULONG offset and size; ReadUser and WriteUser
     * hold their bytes in the tool (at most 64 MiB); other sizes and offsets are SIZE_T (64 bits).
     */
    static Range range(String op, String field) {
        return switch (field) {
            case "length", "flags", "pageOffset" -> Range.ULONG;
            case "size" -> switch (op) {
                case "ReadUser", "WriteUser" -> Range.USER_COPY;
                case "ReadMapped" -> Range.ULONG;
                default -> Range.SIZE_T;
            };
            case "offset" -> op.equals("ReadMapped") || op.equals("WriteMapped") ? Range.ULONG : Range.SIZE_T;
            default -> Range.SIZE_T;
        };
    }

    private static Map<String, Long> flags(JsonNode n, Set<String> known, String where, boolean booleans) {
        Map<String, Long> m = new HashMap<>();
        if (n == null) {
            return m;
        }
        if (!n.isObject()) {
            throw new ScenarioUsageException(where + " must be an object; keys " + known);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                throw new ScenarioUsageException(where + ": unknown field \"" + e.getKey() + "\"; known " + known);
            }
            if (booleans) {
                if (!e.getValue().isBoolean()) {
                    throw new ScenarioUsageException(where + "." + e.getKey() + " must be true or false");
                }
                if (e.getValue().asBoolean()) {
                    m.put(e.getKey(), 1L);
                }
            } else {
                m.put(e.getKey(), ScenarioValues.number(e.getValue(), where, e.getKey(), Range.COUNT));
            }
        }
        return m;
    }

    private static List<JsonNode> listOf(JsonNode array) {
        java.util.ArrayList<JsonNode> l = new java.util.ArrayList<>();
        array.forEach(l::add);
        return l;
    }
}
