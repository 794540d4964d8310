package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.api.Step;
import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.result.Mismatch;
import dev.mdlbridge.scenario.ScenarioValues.Range;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.ToLongFunction;

/**
 * A step's {@code expect} object (CONTRACT.md section 9): {@code {"status", "mdl", "flagsSet", "flagsClear",
 * "value"}}. {@code mdl} holds snapshot fields (section 6) compared exactly; {@code flagsSet} / {@code flagsClear} name
 * {@code MDL_*} bits that must be set / clear; {@code value} is the address, number or bytes the step returned.
 * Validated before anything runs; checked against the step once it ran, each field it missed a {@link Mismatch}.
 */
final class Expectation {

    /** The keys an expectation object may hold ({@code bugCheck} / {@code parameters} are a bug check's instead). */
    static final List<String> KEYS = List.of("status", "mdl", "flagsSet", "flagsClear", "value");
    /** Snapshot fields that are addresses: a number, a hex string or {@code {"of": NAME, "offset": N}}. */
    static final List<String> ADDRESS_FIELDS = List.of("mdlAddress", "next", "process", "mappedSystemVa", "startVa",
            "virtualAddress");
    /** Snapshot fields that are counts. */
    static final List<String> COUNT_FIELDS = List.of("size", "byteCount", "byteOffset", "pfnCount");
    /** Every snapshot field {@code mdl} may compare. */
    static final List<String> MDL_FIELDS = List.of("mdlAddress", "next", "process", "mappedSystemVa", "startVa",
            "virtualAddress", "size", "mdlFlags", "flagNames", "byteCount", "byteOffset", "pfnCount", "pfns",
            "valid");
    private static final List<String> VALID_FIELDS = List.of("process", "mappedSystemVa", "pfns");
    /** Ops whose value is bytes read (compared as contiguous hex); the others return an address or a number. */
    private static final Set<String> BYTES_OPS = Set.of("ReadUser", "ReadMapped");
    /** Ops whose value is an object (counters, statuses), which {@code value} does not compare. */
    private static final Set<String> OBJECT_VALUE_OPS = Set.of("Info", "CloseHandle", "DescribeChain");
    private static final List<String> FLAG_NAMES = MdlFlags.names(0xFFFF);

    private Expectation() {
    }

    /** Whether {@code expect} is an expectation object (not a status, "skipped" or a bug check). */
    static boolean isObject(JsonNode expect) {
        return expect != null && expect.isObject() && !expect.has("bugCheck") && !expect.has("parameters");
    }

    /** The status the object expects, or null (then success is expected, as without {@code expect}). */
    static NtStatus status(JsonNode expect, String where) {
        return expect.has("status") ? ScenarioValues.status(expect.get("status"), where) : null;
    }

    /**
     * Refuses an expectation the runner could not compare, naming the field: unknown keys, unknown flag names,
     * malformed numbers, names no earlier step created ({@code names} checks those).
     */
    static void validate(JsonNode e, String op, String where, BiConsumer<JsonNode, String> names) {
        for (Iterator<String> it = e.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KEYS.contains(f)) {
                throw new ScenarioUsageException(where + ": field \"expect." + f + "\" is unknown; an expectation is "
                        + "{\"status\", \"mdl\": {snapshot fields}, \"flagsSet\", \"flagsClear\", \"value\"}, or a "
                        + "bug check {\"bugCheck\", \"parameters\"}");
            }
        }
        if (e.has("status")) {
            JsonNode s = e.get("status");
            if (ScenarioValues.expectsSkipped(s)) {
                throw new ScenarioUsageException(where + ": field \"expect.status\": write \"expect\": \"skipped\" "
                        + "for a step that must not run");
            }
            ScenarioValues.status(s, where);
        }
        if (e.has("mdl")) {
            mdl(e.get("mdl"), where, names);
        }
        for (String f : List.of("flagsSet", "flagsClear")) {
            if (e.has(f)) {
                flagList(e.get(f), where, "expect." + f);
            }
        }
        if (e.has("value")) {
            JsonNode v = e.get("value");
            if (OBJECT_VALUE_OPS.contains(op)) {
                throw new ScenarioUsageException(where + ": field \"expect.value\": " + op + "'s value is an object, "
                        + "which expect does not compare; remove it (an address, number or bytes is compared)");
            } else if (BYTES_OPS.contains(op)) {
                if (!v.isTextual() || v.asText().startsWith("0x")) {
                    throw new ScenarioUsageException(where + ": field \"expect.value\": " + op + " returns bytes; "
                            + "write them as contiguous hex (\"DEADBEEF\")");
                }
                ScenarioValues.hex(v, where);
            } else {
                address(v, where, "expect.value", names);
            }
        }
    }

    private static void mdl(JsonNode m, String where, BiConsumer<JsonNode, String> names) {
        if (!m.isObject()) {
            throw new ScenarioUsageException(where + ": field \"expect.mdl\" must be an object of snapshot fields "
                    + MDL_FIELDS);
        }
        for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            String field = "expect.mdl." + f;
            JsonNode v = m.get(f);
            if (ADDRESS_FIELDS.contains(f)) {
                address(v, where, field, names);
            } else if (COUNT_FIELDS.contains(f)) {
                ScenarioValues.number(v, where, field, Range.ULONG);
            } else if (f.equals("mdlFlags")) {
                ScenarioValues.number(v, where, field, new Range(java.math.BigInteger.valueOf(0xFFFF),
                        "a 16-bit MdlFlags word: 0..65535 (0xFFFF)"));
            } else if (f.equals("flagNames")) {
                flagList(v, where, field);
            } else if (f.equals("pfns")) {
                if (!v.isArray()) {
                    throw new ScenarioUsageException(where + ": field \"" + field + "\" must be a list of numbers");
                }
                for (int i = 0; i < v.size(); i++) {
                    ScenarioValues.number(v.get(i), where, field + "[" + i + "]", Range.SIZE_T);
                }
            } else if (f.equals("valid")) {
                if (!v.isObject()) {
                    throw new ScenarioUsageException(where + ": field \"" + field + "\" must be an object of booleans "
                            + VALID_FIELDS);
                }
                for (Iterator<String> k = v.fieldNames(); k.hasNext(); ) {
                    String vf = k.next();
                    if (!VALID_FIELDS.contains(vf) || !v.get(vf).isBoolean()) {
                        throw new ScenarioUsageException(where + ": field \"" + field + "." + vf + "\": "
                                + (VALID_FIELDS.contains(vf) ? "must be true or false" : "is unknown; valid has "
                                + VALID_FIELDS));
                    }
                }
            } else {
                throw new ScenarioUsageException(where + ": field \"" + field + "\" is not a snapshot field; "
                        + "known: " + MDL_FIELDS);
            }
        }
    }

    private static void flagList(JsonNode v, String where, String field) {
        if (!v.isArray()) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\" must be a list of MDL_* names");
        }
        for (JsonNode n : v) {
            if (!n.isTextual() || !FLAG_NAMES.contains(n.asText())) {
                throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is not an MDL flag; "
                        + "known: " + FLAG_NAMES);
            }
        }
    }

    private static void address(JsonNode v, String where, String field, BiConsumer<JsonNode, String> names) {
        if (v.isObject()) {
            for (Iterator<String> it = v.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!f.equals("of") && !f.equals("offset")) {
                    throw new ScenarioUsageException(where + ": field \"" + field + "\": unknown key \"" + f
                            + "\"; write {\"of\": NAME, \"offset\": N}");
                }
            }
            names.accept(v.get("of"), field + ".of");
            if (v.has("offset")) {
                ScenarioValues.number(v.get("offset"), where, field + ".offset", Range.SIZE_T);
            }
        } else {
            ScenarioValues.number(v, where, field, Range.SIZE_T);
        }
    }

    /**
     * What the step did not meet, in the order the expectation gives its fields. {@code addressOf} resolves the
     * {@code {"of": NAME}} addresses (a name's address is kept after it was released).
     */
    static List<Mismatch> check(JsonNode e, Step step, ToLongFunction<String> addressOf) {
        List<Mismatch> out = new ArrayList<>();
        if (e.has("status")) {
            NtStatus want = ScenarioValues.status(e.get("status"), "");
            if (want.value() != step.status().value()) {
                out.add(new Mismatch("status", want.name(), step.status().name()));
            }
        }
        MdlSnapshot m = step.after() != null ? step.after() : step.chain().isEmpty() ? null : step.chain().get(0);
        boolean needsMdl = e.has("mdl") || e.has("flagsSet") || e.has("flagsClear");
        if (needsMdl && m == null) {
            out.add(new Mismatch("mdl", "an MDL", "no MDL"));
        } else if (needsMdl) {
            if (e.has("mdl")) {
                snapshot(out, e.get("mdl"), m, addressOf);
            }
            flags(out, e.path("flagsSet"), m, true);
            flags(out, e.path("flagsClear"), m, false);
        }
        if (e.has("value")) {
            value(out, e.get("value"), step, addressOf);
        }
        return out;
    }

    private static void snapshot(List<Mismatch> out, JsonNode want, MdlSnapshot m, ToLongFunction<String> addressOf) {
        for (Iterator<String> it = want.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            JsonNode v = want.get(f);
            String field = "mdl." + f;
            switch (f) {
                case "mdlAddress" -> address(out, field, v, m.mdlAddress(), addressOf);
                case "next" -> address(out, field, v, m.next(), addressOf);
                case "process" -> address(out, field, v, m.process(), addressOf);
                case "mappedSystemVa" -> address(out, field, v, m.mappedSystemVa(), addressOf);
                case "startVa" -> address(out, field, v, m.startVa(), addressOf);
                case "virtualAddress" -> address(out, field, v, m.virtualAddress(), addressOf);
                case "size" -> count(out, field, v, m.size());
                case "byteCount" -> count(out, field, v, m.byteCount());
                case "byteOffset" -> count(out, field, v, m.byteOffset());
                case "pfnCount" -> count(out, field, v, m.pfnCount());
                case "mdlFlags" -> {
                    int w = (int) ScenarioValues.number(v, "", field);
                    if ((w & 0xFFFF) != (m.mdlFlags() & 0xFFFF)) {
                        out.add(new Mismatch(field, MdlFlags.hex(w), MdlFlags.hex(m.mdlFlags())));
                    }
                }
                case "flagNames" -> {
                    List<String> w = new ArrayList<>();
                    v.forEach(n -> w.add(n.asText()));
                    List<String> a = MdlFlags.names(m.mdlFlags());
                    if (!w.equals(a)) {
                        out.add(new Mismatch(field, w.toString(), a.toString()));
                    }
                }
                case "pfns" -> {
                    List<String> w = new ArrayList<>();
                    v.forEach(n -> w.add(hex(ScenarioValues.number(n, "", field))));
                    List<String> a = new ArrayList<>();
                    if (m.pfnsValid()) {
                        for (long p : m.pfns()) {
                            a.add(hex(p));
                        }
                    }
                    if (!w.equals(a)) {
                        out.add(new Mismatch(field, w.toString(), a.toString()));
                    }
                }
                case "valid" -> {
                    for (Iterator<String> k = v.fieldNames(); k.hasNext(); ) {
                        String vf = k.next();
                        boolean actual = switch (vf) {
                            case "process" -> m.processValid();
                            case "mappedSystemVa" -> m.mappedSystemVaValid();
                            default -> m.pfnsValid();
                        };
                        if (v.get(vf).asBoolean() != actual) {
                            out.add(new Mismatch(field + "." + vf, Boolean.toString(v.get(vf).asBoolean()),
                                    Boolean.toString(actual)));
                        }
                    }
                }
                default -> throw new IllegalStateException("validated before the run: " + f);
            }
        }
    }

    private static void flags(List<Mismatch> out, JsonNode names, MdlSnapshot m, boolean set) {
        for (JsonNode n : names) {
            int bit = 1 << FLAG_NAMES.indexOf(n.asText());
            if (((m.mdlFlags() & bit) != 0) != set) {
                out.add(new Mismatch((set ? "flagsSet." : "flagsClear.") + n.asText(), set ? "set" : "clear",
                        (set ? "clear" : "set") + " (mdlFlags " + MdlFlags.hex(m.mdlFlags()) + ")"));
            }
        }
    }

    private static void value(List<Mismatch> out, JsonNode want, Step step, ToLongFunction<String> addressOf) {
        switch (step.valueKind()) {
            case BYTES -> {
                String w = want.asText().replace(" ", "").toUpperCase(Locale.ROOT);
                String a = step.data().length == 0 ? "no bytes" : HexFormat.of().withUpperCase().formatHex(step.data());
                if (!w.equals(a)) {
                    out.add(new Mismatch("value", w, a));
                }
            }
            case ADDRESS -> address(out, "value", want, step.value(), addressOf);
            case NUMBER -> count(out, "value", want, step.value());
            default -> out.add(new Mismatch("value", shown(want, addressOf), "no value"));
        }
    }

    private static void address(List<Mismatch> out, String field, JsonNode want, long actual,
                                ToLongFunction<String> addressOf) {
        long w = resolve(want, addressOf);
        if (w != actual) {
            out.add(new Mismatch(field, hex(w), hex(actual)));
        }
    }

    private static void count(List<Mismatch> out, String field, JsonNode want, long actual) {
        long w = ScenarioValues.number(want, "", field);
        if (w != actual) {
            out.add(new Mismatch(field, Long.toUnsignedString(w), Long.toUnsignedString(actual)));
        }
    }

    private static String shown(JsonNode want, ToLongFunction<String> addressOf) {
        return want.isTextual() && !want.asText().startsWith("0x") ? want.asText() : hex(resolve(want, addressOf));
    }

    private static long resolve(JsonNode v, ToLongFunction<String> addressOf) {
        if (v.isObject()) {
            return addressOf.applyAsLong(v.get("of").asText())
                    + (v.has("offset") ? ScenarioValues.number(v.get("offset"), "", "offset") : 0);
        }
        return ScenarioValues.number(v, "", "value");
    }

    private static String hex(long v) {
        return "0x" + Long.toHexString(v).toUpperCase(Locale.ROOT);
    }
}
