package dev.mdlbridge.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.Map;

/**
 * How the quick summary's measurements are shown: indented JSON with every key as measured (the CI hardening script
 * reads it), or a few lines of text for a person.
 */
final class QuickReport {

    private QuickReport() {
    }

    static String render(Map<String, Object> result, boolean json) throws JsonProcessingException {
        return json ? json(result) : text(result);
    }

    static String json(Map<String, Object> result) throws JsonProcessingException {
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result);
    }

    @SuppressWarnings("unchecked")
    static String text(Map<String, Object> r) {
        StringBuilder sb = new StringBuilder();
        sb.append("machine: ").append(r.get("machine")).append('\n');
        if (r.containsKey("lockGiBMedianNanos")) {
            sb.append(String.format("lock 1 GiB (probe+unlock, pre-faulted): %,d ns median = %.2f ns/page; "
                            + "PFN array copy floor %,d ns; ratio %.2fx (target <= 30x)%n",
                    r.get("lockGiBMedianNanos"), r.get("lockGiBNanosPerPage"), r.get("pfnCopyFloorMedianNanos"),
                    r.get("lockGiBRatioToFloor")));
        }
        if (r.containsKey("describeOnePageMedianNanos")) {
            sb.append(String.format("describe 1 page, whole stack: median %,d ns, p90 %,d ns (target <= 5000 ns)%n",
                    r.get("describeOnePageMedianNanos"), r.get("describeOnePageP90Nanos")));
        }
        if (r.containsKey("nanosPerPageBySize")) {
            sb.append("ns per page by size:\n");
            ((Map<String, Object>) r.get("nanosPerPageBySize")).forEach((k, v) ->
                    sb.append(String.format("  %,14d bytes  %s%n", Long.parseLong(k), v)));
            sb.append("ns/page max/min from 1 MiB: ").append(r.get("nanosPerPageMaxOverMinFrom1MiB")).append('\n');
        }
        if (r.containsKey("jna")) {
            sb.append("JNA: ").append(r.get("jna")).append('\n');
        }
        sb.append("elapsed: ").append(r.get("elapsedMillis")).append(" ms");
        return sb.toString();
    }
}
