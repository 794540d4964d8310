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

    private static final Map<Integer, String> RULES = named("REFUSE_");
    /** The parameter details (MDLB_PARAM_*) a STAGE_PARAMETER reply names. */
    private static final Map<Integer, String> PARAMS = named("PARAM_");

    private static Map<Integer, String> named(String prefix) {
        Map<Integer, String> out = new TreeMap<>();
        for (Field f : Protocol.class.getFields()) {
            if (f.getName().startsWith(prefix) && Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
                try {
                    out.put(f.getInt(null), "MDLB_" + f.getName());
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
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
        m.put("MDLB_REFUSE_IO_SPACE", "needs a probe that comes back with MDL_IO_SPACE, i.e. a caller range over "
                + "device (non-RAM) frames: only the simulated kernel's test hook (mapDeviceMemory) makes such a "
                + "range, no op of the scenario language or the API does; every range a sequence can name "
                + "(VirtualAlloc, kernel buffers, user mappings of RAM pages) is RAM, and a user mapping is refused "
                + "before the probe anyway (RANGE_IN_USER_MAPPING)");
        UNREACHABLE = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * Parameter details the explorer cannot send, with the reason: the typed API it calls encodes these fields
     * itself (reserved words are always zero, the PFN window is the library's, symbols map to valid values), so
     * only a byte-level client reaches them; the protocol vectors (java/api, SharedVectorsTest) cover them.
     */
    static final Map<String, String> PARAMS_UNREACHABLE;
    static {
        String typed = "the typed MdlBridge methods the explorer calls always encode a valid value here; "
                + "covered byte by byte by the protocol vectors (SharedVectorsTest), not by sequences";
        Map<String, String> m = new LinkedHashMap<>();
        m.put("MDLB_PARAM_ACCESS_MODE", typed + " (AccessMode is an enum of KernelMode/UserMode)");
        m.put("MDLB_PARAM_OPERATION", typed + " (the scenario words map to IoReadAccess/IoWriteAccess/IoModifyAccess)");
        m.put("MDLB_PARAM_METHOD", typed + " (DirectIo sends IN or OUT)");
        m.put("MDLB_PARAM_CLEANUP", typed + " (IoManager or Driver)");
        m.put("MDLB_PARAM_RESERVED", typed + " (reserved words are written as zero)");
        m.put("MDLB_PARAM_PFN_WINDOW", typed + " (the library chooses the PFN window)");
        m.put("MDLB_PARAM_OFFSET", "no parameter check of either twin answers it (protocol.c / ProtocolRules): an "
                + "offset outside an object is a refusal (PARTIAL_RANGE, OUT_OF_RANGE), so the code is only reserved");
        PARAMS_UNREACHABLE = java.util.Collections.unmodifiableMap(m);
    }

    /** Every rule name of mdlbridge.h, in code order. */
    static java.util.Collection<String> rules() {
        return RULES.values();
    }

    /** Every parameter detail name of mdlbridge.h, in code order. */
    static java.util.Collection<String> parameterDetails() {
        return PARAMS.values();
    }

    private final Map<String, Long> ops = new LinkedHashMap<>();
    private final Map<String, Long> refusals = new LinkedHashMap<>();
    private final Map<String, Long> parameters = new LinkedHashMap<>();
    /** Ops the backend answered STATUS_INVALID_DEVICE_REQUEST (an IOCTL code it does not implement). */
    private final Map<String, Long> notImplemented = new LinkedHashMap<>();
    private long steps;

    Coverage() {
        Names.OPS.forEach(o -> ops.put(o, 0L));
        RULES.values().forEach(r -> refusals.put(r, 0L));
        PARAMS.values().forEach(r -> parameters.put(r, 0L));
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
        } else if (r.stage() == Protocol.STAGE_PARAMETER) {
            parameters.merge(PARAMS.getOrDefault(r.detail(), String.format("MDLB_PARAM_0x%04X", r.detail())), 1L,
                    Long::sum);
        }
        if (r.irpFailed() && r.status() == dev.mdlbridge.protocol.NtStatus.INVALID_DEVICE_REQUEST.value()) {
            notImplemented.merge(a.op(), 1L, Long::sum);
        }
    }

    Map<String, Long> parameters() {
        return java.util.Collections.unmodifiableMap(parameters);
    }

    Map<String, Long> notImplemented() {
        return java.util.Collections.unmodifiableMap(notImplemented);
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
