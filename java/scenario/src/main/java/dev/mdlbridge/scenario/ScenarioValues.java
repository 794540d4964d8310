package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.UserMemory;
import java.math.BigDecimal;
import java.math.BigInteger;
import dev.mdlbridge.result.ExpectedBugCheck;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The scenario language's value spellings: numbers as JSON numbers or hex strings, symbolic constants as the
 * WDK spells them. The validator and the runner share these so a value that validated is the value that runs.
 */
final class ScenarioValues {

    /** Protection modifier {@code PAGE_NOCACHE}: a caller range with it is refused for probes (CONTRACT.md section 2). */
    static final int PAGE_NOCACHE = 0x200;
    /** Protection modifier {@code PAGE_WRITECOMBINE}: refused for probes as {@link #PAGE_NOCACHE} is. */
    static final int PAGE_WRITECOMBINE = 0x400;

    private static final Map<String, Integer> PROTECT = Map.of(
            "PAGE_NOACCESS", UserMemory.PAGE_NOACCESS, "PAGE_READONLY", UserMemory.PAGE_READONLY,
            "PAGE_READWRITE", UserMemory.PAGE_READWRITE, "PAGE_WRITECOPY", UserMemory.PAGE_WRITECOPY,
            "PAGE_EXECUTE", UserMemory.PAGE_EXECUTE, "PAGE_EXECUTE_READ", UserMemory.PAGE_EXECUTE_READ,
            "PAGE_EXECUTE_READWRITE", UserMemory.PAGE_EXECUTE_READWRITE, "PAGE_GUARD", UserMemory.PAGE_GUARD,
            "PAGE_NOCACHE", PAGE_NOCACHE, "PAGE_WRITECOMBINE", PAGE_WRITECOMBINE);
    /** {@code MM_ALLOCATE_*} flags of MmAllocatePagesForMdlEx, as wdm.h names them (the device checks which it takes). */
    private static final Map<String, Integer> ALLOCATE_FLAGS = Map.of(
            "MM_DONT_ZERO_ALLOCATION", Protocol.MM_DONT_ZERO_ALLOCATION,
            "MM_ALLOCATE_FROM_LOCAL_NODE_ONLY", Protocol.MM_ALLOCATE_FROM_LOCAL_NODE_ONLY,
            "MM_ALLOCATE_FULLY_REQUIRED", Protocol.MM_ALLOCATE_FULLY_REQUIRED,
            "MM_ALLOCATE_NO_WAIT", Protocol.MM_ALLOCATE_NO_WAIT,
            "MM_ALLOCATE_PREFER_CONTIGUOUS", Protocol.MM_ALLOCATE_PREFER_CONTIGUOUS,
            "MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS", Protocol.MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS);
    private static final Map<String, Integer> PRIORITY = Map.of(
            "LowPagePriority", Protocol.LOW_PAGE_PRIORITY, "NormalPagePriority", Protocol.NORMAL_PAGE_PRIORITY,
            "HighPagePriority", Protocol.HIGH_PAGE_PRIORITY, "MdlMappingNoExecute", Protocol.MAPPING_NO_EXECUTE,
            "MdlMappingNoWrite", Protocol.MAPPING_NO_WRITE);

    private ScenarioValues() {
    }

    /**
     * What a numeric field holds (CONTRACT.md section 9: a number must fit the field it goes into): the largest value
     * and how a message names it. Every field is unsigned.
     */
    record Range(BigInteger max, String what) {
        /** A ULONG: lengths, flags, offsets and sizes of a mapping's read or write, protections, priorities. */
        static final Range ULONG = new Range(BigInteger.valueOf(0xFFFF_FFFFL), "a ULONG: 0..4294967295");
        /** A SIZE_T or ULONG_PTR (addresses, buffer sizes and offsets, bug check parameters): 64 bits. */
        static final Range SIZE_T = new Range(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
                "a 64-bit SIZE_T/ULONG_PTR: 0..18446744073709551615 (0xFFFFFFFFFFFFFFFF)");
        /** Bytes the tool itself holds for ReadUser / WriteUser. */
        static final Range USER_COPY = new Range(BigInteger.valueOf(64L << 20),
                "0..67108864 (64 MiB: ReadUser and WriteUser hold the bytes in the tool's memory)");
        /** An administrator limit (bytes, objects or handles): what {@code SimulatorOptions.limit} takes. */
        static final Range LIMIT = new Range(BigInteger.valueOf(Long.MAX_VALUE), "a limit: 0..9223372036854775807");
        /** How many times a Repeat runs its steps (times x steps is checked against 10,000 as well). */
        static final Range TIMES = new Range(BigInteger.valueOf(10_000), "a count of iterations: 0..10000");
        /** The simulator's fault counts. */
        static final Range COUNT = new Range(BigInteger.valueOf(Integer.MAX_VALUE), "a count: 0..2147483647");
    }

    /** The forms a number may take, for messages. */
    static final String FORMS = "write a JSON integer (4096; 1e3 and 4096.0 are integral too) or a hex string "
            + "(\"0x1000\"); numbers are never negative";

    /** A number for the runner: validated before anything ran, so only its 64 bits are wanted. */
    static long number(JsonNode n, String where, String field) {
        return number(n, where, field, Range.SIZE_T);
    }

    /**
     * A number that must fit {@code range}: a JSON integer (an integral JSON number such as 1e3 too) or a hex string
     * ({@code "0x1000"}, {@code _} and {@code `} allowed as separators). Anything else, a negative number or one that
     * does not fit is a usage error naming the field and its range, never a silent truncation. Returns the value's
     * low 64 bits (a SIZE_T above Long.MAX_VALUE is returned as its two's-complement bit pattern).
     */
    static long number(JsonNode n, String where, String field, Range range) {
        BigInteger v = null;
        if (n != null && n.isIntegralNumber()) {
            v = n.bigIntegerValue();
        } else if (n != null && n.isFloatingPointNumber()) {
            BigDecimal d = n.decimalValue().stripTrailingZeros();
            if (d.scale() > 0) {
                throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is not an integer; "
                        + FORMS);
            }
            v = d.precision() - d.scale() > 40 ? range.max().add(BigInteger.ONE) : d.toBigIntegerExact();
        } else if (n != null && n.isTextual()) {
            String t = n.asText().trim().replace("_", "").replace("`", "");
            boolean negative = t.startsWith("-");
            String h = negative ? t.substring(1) : t;
            if ((h.startsWith("0x") || h.startsWith("0X")) && h.length() > 2 && h.length() < 200
                    && h.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                v = new BigInteger(h.substring(2), 16);
                v = negative ? v.negate() : v;
            }
        }
        if (v == null) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is not a number; " + FORMS);
        }
        if (v.signum() < 0) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is negative; \"" + field
                    + "\" is " + range.what());
        }
        if (v.compareTo(range.max()) > 0) {
            throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " does not fit; \"" + field
                    + "\" is " + range.what());
        }
        return v.longValue();
    }

    /** {@code "expect": "skipped"}: the step names an object whose creating step is meant to fail. */
    static boolean expectsSkipped(JsonNode n) {
        return n != null && n.isTextual() && n.asText().equals("skipped");
    }

    static NtStatus status(JsonNode n, String where) {
        if (n.isTextual()) {
            var s = NtStatus.parse(n.asText());
            if (s.isPresent()) {
                return s.get();
            }
        }
        throw new ScenarioUsageException(where + ": field \"expect\": " + n + " is not a status; write a name "
                + "(\"STATUS_ACCESS_VIOLATION\"), a hex value (\"0xC0000005\"), \"skipped\", a bug check "
                + "({\"bugCheck\": \"0x4E\", \"parameters\": [...]}) or an expectation ({\"status\", \"mdl\", "
                + "\"flagsSet\", \"flagsClear\", \"value\"})");
    }

    /**
     * {@code "expect": {"bugCheck": CODE, "parameters": [P1, ...]}}: the bug check the step must cause (CONTRACT.md
     * section 9); null when {@code expect} is not an object. Up to four parameters, each a number or null (any).
     */
    static ExpectedBugCheck expectedBugCheck(JsonNode n, String where) {
        if (n == null || !n.isObject() || Expectation.isObject(n)) {
            return null;
        }
        for (var it = n.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("bugCheck") && !f.equals("parameters")) {
                throw new ScenarioUsageException(where + ": field \"expect." + f + "\": an expected bug check is "
                        + "{\"bugCheck\": \"0x4E\", \"parameters\": [...]} (parameters optional) and takes nothing "
                        + "else");
            }
        }
        if (!n.has("bugCheck")) {
            throw new ScenarioUsageException(where + ": field \"expect\": missing \"bugCheck\"; an expected bug "
                    + "check is {\"bugCheck\": \"0x4E\", \"parameters\": [...]} (parameters optional)");
        }
        long code = number(n.get("bugCheck"), where, "expect.bugCheck", Range.ULONG);
        List<Long> parameters = new ArrayList<>();
        if (n.has("parameters")) {
            JsonNode p = n.get("parameters");
            if (!p.isArray() || p.size() > 4) {
                throw new ScenarioUsageException(where + ": field \"expect.parameters\": give a list of at most "
                        + "four numbers, null for any value (e.g. [\"0x7C\", null, \"0x8\"])");
            }
            for (int i = 0; i < p.size(); i++) {
                parameters.add(p.get(i).isNull() ? null
                        : number(p.get(i), where, "expect.parameters[" + i + "]", Range.SIZE_T));
            }
        }
        return new ExpectedBugCheck(code, parameters);
    }

    static int protect(JsonNode n, String where) {
        return symbols(n, where, "protect", PROTECT);
    }

    /** MmAllocatePagesForMdlEx {@code flags}: {@code MM_ALLOCATE_*} names joined with |, or a number (a ULONG). */
    static int allocateFlags(JsonNode n, String where) {
        return symbols(n, where, "flags", ALLOCATE_FLAGS);
    }

    /**
     * An administrator limit's value: a number, a hex string, or a size with a K, M, G or T suffix (binary units, as
     * the simulator's {@code physicalMemory}: "64M" is 67108864).
     */
    static long limit(JsonNode n, String where, String field) {
        if (n != null && n.isTextual()) {
            String t = n.asText().trim();
            int unit = t.isEmpty() ? -1 : "KMGT".indexOf(Character.toUpperCase(t.charAt(t.length() - 1)));
            if (unit >= 0 && t.length() > 1 && t.substring(0, t.length() - 1).chars().allMatch(Character::isDigit)
                    && t.length() < 30) {
                BigInteger v = new BigInteger(t.substring(0, t.length() - 1)).shiftLeft(10 * (unit + 1));
                if (v.compareTo(Range.LIMIT.max()) > 0) {
                    throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " does not fit; \""
                            + field + "\" is " + Range.LIMIT.what());
                }
                return v.longValue();
            }
        }
        try {
            return number(n, where, field, Range.LIMIT);
        } catch (ScenarioUsageException e) {
            if (n != null && n.isTextual() && !n.asText().trim().startsWith("0x")) {
                throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is not a number or a "
                        + "size; write 1048576, \"0x100000\" or \"1M\" (K, M, G, T: binary units)");
            }
            throw e;
        }
    }

    static int priority(JsonNode n, String where) {
        return symbols(n, where, "priority", PRIORITY);
    }

    static int accessMode(JsonNode n, String where) {
        return switch (n.asText()) {
            case "KernelMode" -> Protocol.KERNEL_MODE;
            case "UserMode" -> Protocol.USER_MODE;
            default -> throw new ScenarioUsageException(where + ": field \"accessMode\": " + n
                    + " is not KernelMode or UserMode");
        };
    }

    static int operation(JsonNode n, String where, String field) {
        return switch (n.asText()) {
            case "IoReadAccess" -> Protocol.IO_READ_ACCESS;
            case "IoWriteAccess" -> Protocol.IO_WRITE_ACCESS;
            case "IoModifyAccess" -> Protocol.IO_MODIFY_ACCESS;
            default -> throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n
                    + " is not IoReadAccess, IoWriteAccess or IoModifyAccess");
        };
    }

    static int cacheType(JsonNode n, String where) {
        return switch (n.asText()) {
            case "MmNonCached" -> 0;
            case "MmCached" -> Protocol.MM_CACHED;
            case "MmWriteCombined" -> 2;
            default -> throw new ScenarioUsageException(where + ": field \"cacheType\": " + n
                    + " is not MmNonCached, MmCached or MmWriteCombined");
        };
    }

    static byte[] hex(JsonNode n, String where) {
        try {
            return HexFormat.of().parseHex(n.asText().replace(" ", ""));
        } catch (IllegalArgumentException e) {
            throw new ScenarioUsageException(where + ": field \"hex\": " + n + " is not contiguous hex bytes "
                    + "(\"DEADBEEF\")");
        }
    }

    /** A symbolic value, {@code A|B} combinations, or a number. */
    private static int symbols(JsonNode n, String where, String field, Map<String, Integer> known) {
        if (n.isNumber()) {
            return (int) number(n, where, field, Range.ULONG);
        }
        int v = 0;
        for (String part : n.asText().split("\\|")) {
            String p = part.trim();
            Integer k = known.get(p);
            if (k == null) {
                if (p.startsWith("0x")) {
                    v |= (int) number(new com.fasterxml.jackson.databind.node.TextNode(p), where, field, Range.ULONG);
                    continue;
                }
                throw new ScenarioUsageException(where + ": field \"" + field + "\": \"" + p + "\" is not known; use "
                        + known.keySet() + " joined with |, or a hex number");
            }
            v |= k;
        }
        return v;
    }
}
