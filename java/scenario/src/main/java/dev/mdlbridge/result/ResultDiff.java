package dev.mdlbridge.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares two result documents (CONTRACT.md section 8) step by step. What legitimately differs between
 * machines is ignored: addresses, PFN values, mdlAddress, process and mapped addresses, bytes of undefined
 * fields. What a driver can rely on is compared: op, the step's handle, its Repeat iteration and whether its failure
 * ended the Repeat, which expected fields it missed (not their values), whether it was skipped, status, flags,
 * size, byteCount, byteOffset, pfnCount, validity, numeric values and counters, outcome, bug check code and first
 * parameter, and the equalities inside each result that {@link ResultRelations} finds (the same PFN in two live
 * MDLs, a partial's mapping at the source's mapping plus the offset).
 *
 * <p>Differences in what WINDOWS-MDL-RULES.md marks uncertain for Windows 10/11 are calibration differences: they
 * update a simulator profile rather than fail; each names the profile setting ({@code Profile} in the
 * simulator) it would change.
 */
public final class ResultDiff {

    /** One difference: where, what each side had, and for a calibration the profile setting it would change. */
    public record Difference(String where, String a, String b, String calibrates) {
        public boolean isCalibration() {
            return calibrates != null;
        }

        @Override
        public String toString() {
            return where + ": " + a + " vs " + b + (calibrates == null ? "" : "  [calibration: " + calibrates + "]");
        }
    }

    private ResultDiff() {
    }

    public static List<Difference> compare(JsonNode a, JsonNode b) {
        List<Difference> d = new ArrayList<>();
        same(d, "outcome", a.path("outcome"), b.path("outcome"), null);
        same(d, "bugCheck.code", a.path("bugCheck").path("code"), b.path("bugCheck").path("code"), null);
        same(d, "bugCheck.parameters[0]", a.path("bugCheck").path("parameters").path(0),
                b.path("bugCheck").path("parameters").path(0), null);
        counters(d, "leftover", a.path("leftover"), b.path("leftover"));
        JsonNode sa = a.path("steps");
        JsonNode sb = b.path("steps");
        if (sa.size() != sb.size()) {
            d.add(new Difference("steps", sa.size() + " steps", sb.size() + " steps", null));
        }
        for (int i = 0; i < Math.min(sa.size(), sb.size()); i++) {
            step(d, "step " + i + " (" + sa.get(i).path("op").asText() + ")", sa.get(i), sb.get(i));
        }
        relations(d, ResultRelations.of(a), ResultRelations.of(b));
        return d;
    }

    private static void relations(List<Difference> d, Map<String, String> ra, Map<String, String> rb) {
        Set<String> where = new LinkedHashSet<>(ra.keySet());
        where.addAll(rb.keySet());
        for (String w : where) {
            String x = ra.getOrDefault(w, "nothing shared");
            String y = rb.getOrDefault(w, "nothing shared");
            if (!x.equals(y)) {
                d.add(new Difference(w, x, y, null));
            }
        }
    }

    private static void step(List<Difference> d, String w, JsonNode a, JsonNode b) {
        same(d, w + " op", a.path("op"), b.path("op"), null);
        same(d, w + " handle", a.path("handle"), b.path("handle"), null);
        same(d, w + " iteration", a.path("iteration"), b.path("iteration"), null);
        same(d, w + " endedRepeat", a.path("endedRepeat"), b.path("endedRepeat"), null);
        same(d, w + " mismatches", mismatchFields(a), mismatchFields(b), null);
        same(d, w + " skipped", a.path("skipped"), b.path("skipped"), null);
        same(d, w + " causedBugCheck", a.path("causedBugCheck"), b.path("causedBugCheck"), null);
        boolean guard = "0x80000001".equals(a.path("status").asText()) || "0x80000001".equals(b.path("status").asText());
        boolean limit = "IoAllocateMdl".equals(a.path("op").asText())
                && (large(a.path("mdl")) || large(b.path("mdl")));
        same(d, w + " status", a.path("status"), b.path("status"),
                guard ? "guardPageStatus (the status a probe of a PAGE_GUARD page returns)"
                        : limit ? "maxMdlLength (the longest buffer IoAllocateMdl describes)" : null);
        if (a.path("value").isNumber() || b.path("value").isNumber()) {
            same(d, w + " value", a.path("value"), b.path("value"), null);
        }
        if (a.path("value").has("released") || b.path("value").has("released")) {
            counters(d, w + " value.released", a.path("value").path("released"), b.path("value").path("released"));
        }
        if ("Info".equals(a.path("op").asText())) {
            counters(d, w + " value", a.path("value"), b.path("value"));
        }
        if (limit && !a.path("status").equals(b.path("status"))) {
            return; // one machine described the buffer and the other refused it: the calibration says it all
        }
        for (String which : new String[] {"mdl", "before"}) {
            JsonNode ma = a.path(which);
            JsonNode mb = b.path(which);
            if (ma.isArray() || mb.isArray()) {
                if (ma.size() != mb.size()) {
                    d.add(new Difference(w + " " + which, ma.size() + " MDLs in the chain", mb.size() + "", null));
                }
                for (int k = 0; k < Math.min(ma.size(), mb.size()); k++) {
                    mdl(d, w + " " + which + "[" + k + "]", ma.get(k), mb.get(k), "");
                }
            } else {
                mdl(d, w + " " + which, ma, mb, which.equals("mdl") ? a.path("op").asText() : "");
            }
        }
    }

    /** Which expected fields a step missed (their values may be addresses, which differ between machines). */
    private static JsonNode mismatchFields(JsonNode step) {
        com.fasterxml.jackson.databind.node.ArrayNode fields =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.arrayNode();
        step.path("mismatches").forEach(m -> fields.add(m.path("field").asText()));
        return fields;
    }

    private static void mdl(List<Difference> d, String w, JsonNode a, JsonNode b, String op) {
        if (a.isMissingNode() != b.isMissingNode()) {
            d.add(new Difference(w, a.isMissingNode() ? "no MDL" : "an MDL", b.isMissingNode() ? "no MDL" : "an MDL",
                    null));
            return;
        }
        if (a.isMissingNode()) {
            return;
        }
        String fa = a.path("mdlFlags").asText();
        String fb = b.path("mdlFlags").asText();
        if (!fa.equals(fb)) {
            int x = Integer.decode(fa) ^ Integer.decode(fb);
            // MDL_ALLOCATED_FIXED_SIZE (0x8) depends on the lookaside threshold, uncertain on Windows 10/11
            d.add(new Difference(w + " mdlFlags", fa, fb,
                    x == 0x0008 ? "fixedSizeMdlPfns (the 23-page lookaside threshold behind 0x8)"
                    // whether a reserved mapping sets MDL_MAPPED_TO_SYSTEM_VA (and 0x20 for a partial) on Windows 10
                    : (x & ~0x0021) == 0 && op.equals("MmMapLockedPagesWithReservedMapping")
                    ? "reservedMappingSetsMappedFlag (WINDOWS-MDL-RULES 14.3.2, 14.8)" : null));
        }
        // A page allocation's size depends on the machine's free frames in the range (a short allocation), and the
        // Size of a short one on when Windows re-creates the MDL (WINDOWS-MDL-RULES 14.4, 14.8).
        boolean pages = op.equals("MmAllocatePagesForMdlEx");
        for (String f : new String[] {"size", "byteCount", "byteOffset", "pfnCount"}) {
            boolean big = a.path("pfnCount").asLong() > 8185 || b.path("pfnCount").asLong() > 8185;
            same(d, w + " " + f, a.path(f), b.path(f), f.equals("size") && big
                    ? "Size above 8185 pages (the simulator keeps the low 16 bits; no profile setting yet)"
                    : pages && f.equals("size") ? "partialAllocationShrinkPages (WINDOWS-MDL-RULES 14.4, 14.8)"
                    : pages && !f.equals("byteOffset") ? "partialPageAllocation (the free frames in the range differ)"
                    : null);
        }
        JsonNode va = a.path("valid");
        JsonNode vb = b.path("valid");
        for (Iterator<String> it = va.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            same(d, w + " valid." + f, va.path(f), vb.path(f), null);
        }
    }

    /** An MDL of 2 GiB or more: where the IoAllocateMdl limit differs between versions (WINDOWS-MDL-RULES 3.1). */
    private static boolean large(JsonNode mdl) {
        return mdl.path("byteCount").asLong() >= 0x8000_0000L - 0x1000;
    }

    private static void counters(List<Difference> d, String w, JsonNode a, JsonNode b) {
        for (String c : new String[] {"outstandingMdls", "outstandingMappings", "outstandingKernelBuffers",
                "lockedPages"}) {
            same(d, w + "." + c, a.path(c), b.path(c), null);
        }
    }

    private static void same(List<Difference> d, String w, JsonNode a, JsonNode b, String calibrates) {
        if (!Objects.equals(a, b)) {
            d.add(new Difference(w, a.isMissingNode() ? "absent" : a.toString(),
                    b.isMissingNode() ? "absent" : b.toString(), calibrates));
        }
    }
}
