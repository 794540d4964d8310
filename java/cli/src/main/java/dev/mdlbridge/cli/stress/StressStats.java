package dev.mdlbridge.cli.stress;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts shared by every worker: operations by kind, failures by status, and what was not expected. */
final class StressStats {

    final LongAdder operations = new LongAdder();
    final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
    final Map<String, LongAdder> failuresByStatus = new ConcurrentHashMap<>();
    final Map<String, LongAdder> unexpected = new ConcurrentHashMap<>();
    /** The first few unexpected outcomes, in words, for the report. */
    final java.util.Queue<String> examples = new java.util.concurrent.ConcurrentLinkedQueue<>();

    void operation(String kind) {
        operations.increment();
        byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    void failure(String statusName) {
        failuresByStatus.computeIfAbsent(statusName, k -> new LongAdder()).increment();
    }

    void unexpected(String what, String example) {
        unexpected.computeIfAbsent(what, k -> new LongAdder()).increment();
        if (examples.size() < 10) {
            examples.add(example);
        }
    }

    long unexpectedCount() {
        return unexpected.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
