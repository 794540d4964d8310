package dev.mdlbridge.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.UserMemory;
import java.util.HexFormat;
import java.util.Map;

/**
 * The scenario language's value spellings: numbers as JSON numbers or hex strings, symbolic constants as the
 * WDK spells them. The validator and the runner share these so a value that validated is the value that runs.
 */
final class ScenarioValues {

    private static final Map<String, Integer> PROTECT = Map.of(
            "PAGE_NOACCESS", UserMemory.PAGE_NOACCESS, "PAGE_READONLY", UserMemory.PAGE_READONLY,
            "PAGE_READWRITE", UserMemory.PAGE_READWRITE, "PAGE_WRITECOPY", UserMemory.PAGE_WRITECOPY,
            "PAGE_EXECUTE", UserMemory.PAGE_EXECUTE, "PAGE_EXECUTE_READ", UserMemory.PAGE_EXECUTE_READ,
            "PAGE_EXECUTE_READWRITE", UserMemory.PAGE_EXECUTE_READWRITE, "PAGE_GUARD", UserMemory.PAGE_GUARD);
    private static final Map<String, Integer> PRIORITY = Map.of(
            "LowPagePriority", Protocol.LOW_PAGE_PRIORITY, "NormalPagePriority", Protocol.NORMAL_PAGE_PRIORITY,
            "HighPagePriority", Protocol.HIGH_PAGE_PRIORITY, "MdlMappingNoExecute", Protocol.MAPPING_NO_EXECUTE,
            "MdlMappingNoWrite", Protocol.MAPPING_NO_WRITE);

    private ScenarioValues() {
    }

    static long number(JsonNode n, String where, String field) {
        if (n != null && n.isIntegralNumber()) {
            return n.asLong();
        }
        if (n != null && n.isTextual()) {
            String t = n.asText().trim().replace("_", "").replace("`", "");
            try {
                if (t.startsWith("0x") || t.startsWith("0X")) {
                    return Long.parseUnsignedLong(t.substring(2), 16);
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new ScenarioUsageException(where + ": field \"" + field + "\": " + n + " is not a number; write a "
                + "JSON number (4096) or a hex string (\"0x1000\")");
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
                + "(\"STATUS_ACCESS_VIOLATION\"), a hex value (\"0xC0000005\") or \"skipped\"");
    }

    static int protect(JsonNode n, String where) {
        return symbols(n, where, "protect", PROTECT);
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
        if (n.isIntegralNumber()) {
            return n.asInt();
        }
        int v = 0;
        for (String part : n.asText().split("\\|")) {
            String p = part.trim();
            Integer k = known.get(p);
            if (k == null) {
                if (p.startsWith("0x")) {
                    v |= (int) number(new com.fasterxml.jackson.databind.node.TextNode(p), where, field);
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
