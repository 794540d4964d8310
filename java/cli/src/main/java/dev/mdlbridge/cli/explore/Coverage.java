package dev.mdlbridge.cli.explore;

import dev.mdlbridge.protocol.Protocol;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How often each op ran and each refusal rule answered, named as the project names them (the scenario language's
 * ops; the {@code MDLB_REFUSE_*} names of mdlbridge.h, read from {@link Protocol}'s REFUSE_ constants), zero counts
 * included so that a rule the explorer never reaches shows.
 */
final class Coverage {

    private static final Map<Integer, String> RULES = new TreeMap<>();
    static {
        for (Field f : Protocol.class.getFields()) {
            if (f.getName().startsWith("REFUSE_") && Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    RULES.put(f.getInt(null), "MDLB_" + f.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private final Map<String, Long> ops = new LinkedHashMap<>();
    private final Map<String, Long> refusals = new LinkedHashMap<>();
    private long steps;

    Coverage() {
        Names.OPS.forEach(o -> ops.put(o, 0L));
        RULES.values().forEach(r -> refusals.put(r, 0L));
    }

    void count(Action a, StepResult r) {
        if (r.skipped()) {
            return;
        }
        steps++;
        ops.merge(a.op(), 1L, Long::sum);
        if (r.stage() == Protocol.STAGE_REFUSED) {
            refusals.merge(RULES.getOrDefault(r.detail(), String.format("MDLB_REFUSE_0x%04X", r.detail())), 1L,
                    Long::sum);
        }
    }

    long steps() {
        return steps;
    }

    Map<String, Long> ops() {
        return java.util.Collections.unmodifiableMap(ops);
    }

    Map<String, Long> refusals() {
        return java.util.Collections.unmodifiableMap(refusals);
    }
}
