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

    /**
     * Rules no well-formed request sequence reaches, with the reason (checked against the simulated driver's
     * ObjectTable / Operations, the twins of table.c / ops.c). They stay in the driver as defence in depth; the
     * coverage test requires every other rule to be reached, so a new rule nobody reaches fails it.
     */
    static final Map<String, String> UNREACHABLE;
    static {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MDLB_REFUSE_PROBE_MAPPED", "defensive: only a locked, nonpaged-built, page-allocation or partial MDL "
                + "can be mapped (3.3), and a probe or nonpaged build of each is refused first (PROBE_LOCKED, "
                + "PROBE_NONPAGED, PROBE_NOT_IOALLOCATED, PROBE_PARTIAL); the unlock that ends a lock ends its "
                + "system mapping and is refused while a user mapping lives");
        m.put("MDLB_REFUSE_FREE_MAPPED", "defensive: an MDL owns a system mapping only while locked (FREE_LOCKED "
                + "comes first, and MmUnlockPages ends the mapping) or while it is a page allocation whose pages are "
                + "not freed (FREE_PAGES_FIRST comes first, and MmFreePagesFromMdl is refused while it is mapped); a "
                + "nonpaged-pool MDL's address is not a mapping it owns, and a mapped partial may be freed");
        m.put("MDLB_REFUSE_NO_DIRECT_RECORD", "needs a DIRECT_FETCH on a handle with no DIRECT_IN/OUT call: the "
                + "library sends the fetch only right after its own DIRECT call reached the driver, and the "
                + "scenario language has no bare fetch");
        UNREACHABLE = java.util.Collections.unmodifiableMap(m);
    }

    /** Every rule name of mdlbridge.h, in code order. */
    static java.util.Collection<String> rules() {
        return RULES.values();
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
