package dev.mdlbridge.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The equalities inside one result document that hold on every machine although the values behind them do not:
 * two live MDLs describing the same physical pages (a partial and its source, a chain and its buffer), a
 * mapping that sits at the same offset from another MDL's mapping as its buffer does (a partial's
 * {@code MappedSystemVa = source + offset}, WINDOWS-MDL-RULES 5.6), and an address a step returned relative to its
 * MDL's {@code MappedSystemVa}. {@link ResultDiff} compares these between two results, so a PFN or address value
 * may differ between machines while the relation may not.
 *
 * <p>Only MDLs alive at the same time are related, and only through PFNs both hold valid (locked, nonpaged or
 * allocated pages): a locked frame cannot be reused, so an equality between them is a fact of the machine, not a
 * coincidence of a recycled frame. MDLs are named by the step that created them ({@code "MDL of step 3"}),
 * because object ids and addresses are each machine's own.
 */
public final class ResultRelations {

    /** Steps after which no MDL of the handle they ran on is alive any more (ProcessExit: of any handle). */
    private static final java.util.Set<String> RELEASE_EVERYTHING = java.util.Set.of("CloseHandle", "ProcessExit");

    private ResultRelations() {
    }

    /** Relations by where they hold ({@code "step 5 (IoBuildPartialMdl) mdl ~ MDL of step 1"}) → what holds. */
    public static Map<String, String> of(JsonNode result) {
        Map<String, String> relations = new LinkedHashMap<>();
        Map<String, Integer> createdAt = new HashMap<>();
        // the latest snapshot of every MDL still alive, by handle and object id (ids are numbered per handle;
        // insertion order = creation order)
        Map<String, JsonNode> live = new LinkedHashMap<>();
        for (JsonNode step : result.path("steps")) {
            int index = step.path("index").asInt();
            String handle = step.path("handle").asText("main") + "\u0000"; // no name holds it
            int objectId = step.path("objectId").asInt(0);
            String id = objectId == 0 ? null : handle + objectId;
            JsonNode mdl = step.path("mdl");
            String where = "step " + index + " (" + step.path("op").asText() + ")";
            if (RELEASE_EVERYTHING.contains(step.path("op").asText())) {
                // everything the handle held is gone; its frames may be reused
                if (step.path("op").asText().equals("ProcessExit")) {
                    live.clear();
                } else {
                    live.keySet().removeIf(k -> k.startsWith(handle));
                }
                continue;
            }
            if (!mdl.isObject()) {
                if (id != null && step.has("before") && !mdl.isArray()) {
                    live.remove(id); // IoFreeMdl and the like: the MDL is gone after this step
                }
                continue;
            }
            createdAt.putIfAbsent(id, index);
            valueRelation(relations, where, step, mdl);
            for (Map.Entry<String, JsonNode> other : live.entrySet()) {
                if (!other.getKey().equals(id)) {
                    String key = where + " mdl ~ MDL of step " + createdAt.get(other.getKey());
                    String r = pairRelation(mdl, other.getValue());
                    if (!r.isEmpty()) {
                        relations.put(key, r);
                    }
                }
            }
            if (id != null) {
                live.put(id, mdl);
            }
        }
        return relations;
    }

    /** An address a step returned, as an offset from its own MDL's mapping (MmGetSystemAddressForMdlSafe). */
    private static void valueRelation(Map<String, String> relations, String where, JsonNode step, JsonNode mdl) {
        JsonNode value = step.path("value");
        if (step.path("op").asText().equals("MmGetSystemAddressForMdlSafe") && value.isTextual()
                && mdl.path("valid").path("mappedSystemVa").asBoolean()) {
            long delta = address(value) - address(mdl.path("mappedSystemVa"));
            relations.put(where + " value", "value = mdl.mappedSystemVa " + signed(delta));
        }
    }

    /** What {@code a} (this step's MDL) shares with {@code b} (another live MDL); empty when nothing. */
    private static String pairRelation(JsonNode a, JsonNode b) {
        List<String> parts = new ArrayList<>();
        if (a.path("valid").path("pfns").asBoolean() && b.path("valid").path("pfns").asBoolean()) {
            String shared = sharedPfns(a.path("pfns"), b.path("pfns"));
            if (!shared.isEmpty()) {
                parts.add(shared);
            }
        }
        if (a.path("valid").path("mappedSystemVa").asBoolean() && b.path("valid").path("mappedSystemVa").asBoolean()
                && !parts.isEmpty()) {
            long systemDelta = address(a.path("mappedSystemVa")) - address(b.path("mappedSystemVa"));
            long bufferDelta = address(a.path("virtualAddress")) - address(b.path("virtualAddress"));
            parts.add(systemDelta == bufferDelta
                    ? "mappedSystemVa − its mappedSystemVa = virtualAddress − its virtualAddress"
                    : "mappedSystemVa not at the buffer's offset from its mapping");
        }
        return String.join("; ", parts);
    }

    /** "pfns[0..1] = its pfns[2..3]": runs of positions where a's PFN equals b's, b's index advancing with a's. */
    static String sharedPfns(JsonNode a, JsonNode b) {
        Map<String, Integer> firstIndexInB = new HashMap<>();
        for (int j = 0; j < b.size(); j++) {
            firstIndexInB.putIfAbsent(b.get(j).asText(), j);
        }
        List<String> runs = new ArrayList<>();
        int i = 0;
        while (i < a.size()) {
            Integer j = firstIndexInB.get(a.get(i).asText());
            if (j == null) {
                i++;
                continue;
            }
            int len = 1;
            while (i + len < a.size() && j + len < b.size()
                    && a.get(i + len).asText().equals(b.get(j + len).asText())) {
                len++;
            }
            runs.add(len == 1 ? "pfns[" + i + "] = its pfns[" + j + "]"
                    : "pfns[" + i + ".." + (i + len - 1) + "] = its pfns[" + j + ".." + (j + len - 1) + "]");
            i += len;
        }
        return String.join(", ", runs);
    }

    private static long address(JsonNode hex) {
        return Long.parseUnsignedLong(hex.asText().substring(2), 16);
    }

    private static String signed(long delta) {
        return delta < 0 ? "- 0x" + Long.toHexString(-delta).toUpperCase() : "+ 0x" + Long.toHexString(delta)
                .toUpperCase();
    }
}
