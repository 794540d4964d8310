package dev.mdlbridge.cli.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One generated step, already in the words of the scenario language (CONTRACT section 9): an op, the handle it is
 * sent on, and its fields. Field values are Long (numbers, written as hex where they are addresses), String
 * (names and symbols), Boolean, {@link Of} (an address relative to a named object) or a list of range maps.
 * Immutable: the shrinker builds changed copies.
 */
record Action(String op, String handle, Map<String, Object> fields) {

    /** The handle every scenario starts with. */
    static final String MAIN = "main";

    /** {@code {"of": NAME, "offset": N}}: a named buffer's, kernel buffer's or mapping's address plus N. */
    record Of(String name, long offset) {
    }

    Action {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    static Action of(String op, String handle, Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return new Action(op, handle, m);
    }

    Object get(String field) {
        return fields.get(field);
    }

    boolean has(String field) {
        return fields.containsKey(field);
    }

    String name(String field) {
        return (String) fields.get(field);
    }

    long number(String field, long fallback) {
        Object v = fields.get(field);
        return v instanceof Long l ? l : fallback;
    }

    String symbol(String field, String fallback) {
        Object v = fields.get(field);
        return v instanceof String s ? s : fallback;
    }

    Action with(String field, Object value) {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        if (value == null) {
            m.remove(field);
        } else {
            m.put(field, value);
        }
        return new Action(op, handle, m);
    }

    /** Every name the step refers to (not the one it creates with {@code as}). */
    List<String> references() {
        List<String> out = new java.util.ArrayList<>();
        for (Map.Entry<String, Object> e : fields.entrySet()) {
            Object v = e.getValue();
            if (e.getKey().equals("as")) {
                continue;
            }
            if (v instanceof Of o) {
                out.add(o.name());
            } else if (v instanceof String s && Names.isNameField(e.getKey())) {
                out.add(s);
            } else if (v instanceof List<?> l) {
                for (Object r : l) {
                    out.add((String) ((Map<?, ?>) r).get("buffer"));
                }
            }
        }
        return out;
    }

    /** The step as a scenario-file object; the default handle is left out, as a hand-written scenario would. */
    ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode n = f.objectNode();
        n.put("op", op);
        if (!handle.equals(MAIN)) {
            n.put("handle", handle);
        }
        fields.forEach((k, v) -> n.set(k, value(k, v)));
        return n;
    }

    private static JsonNode value(String key, Object v) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (v instanceof Long l) {
            return key.equals("address") || key.equals("requestedAddress") || key.endsWith("Address")
                    || Math.abs(l) > 0xFFFF
                    ? f.textNode("0x" + Long.toHexString(l).toUpperCase()) : f.numberNode(l);
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Of o) {
            ObjectNode a = f.objectNode();
            a.put("of", o.name());
            if (o.offset() != 0) {
                a.put("offset", o.offset());
            }
            return a;
        }
        if (v instanceof List<?> l) {
            ArrayNode arr = f.arrayNode();
            for (Object r : l) {
                ObjectNode range = f.objectNode();
                ((Map<?, ?>) r).forEach((k, x) -> range.set((String) k, value((String) k, x)));
                arr.add(range);
            }
            return arr;
        }
        return f.textNode(String.valueOf(v));
    }

    @Override
    public String toString() {
        return toJson().toString();
    }
}
