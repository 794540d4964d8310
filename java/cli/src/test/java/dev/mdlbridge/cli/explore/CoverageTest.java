package dev.mdlbridge.cli.explore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** On a normal machine a fixed-seed run reaches every op and reports every refusal rule; and the run is a
 *  function of its seed. */
class CoverageTest {

    private static Explorer.Report run(long seed, long sequences) {
        Explorer.Config c = new Explorer.Config(seed, 30_000_000_000L, sequences, 20, 60, false, null);
        return new Explorer(MachineFactory.simulated(b -> b), c).run(line -> { });
    }

    @Test
    void everyOpRunsAndTheCoverageMapNamesEveryRule() {
        Explorer.Report r = run(7, 300);
        r.ops().forEach((op, n) -> assertTrue(n > 0, op + " never ran: " + r.ops()));
        assertTrue(r.refusals().containsKey("MDLB_REFUSE_POOL_IN_USE"));
        assertTrue(r.refusals().values().stream().filter(n -> n > 0).count() >= 20, r.refusals().toString());
    }

    @Test
    void aSeedGivesTheSameSequences() {
        Explorer.Report a = run(11, 40);
        Explorer.Report b = run(11, 40);
        assertEquals(a.steps(), b.steps());
        assertEquals(a.ops(), b.ops());
        assertEquals(a.refusals(), b.refusals());
    }

    /**
     * The CI-length run (2,000 sequences of seed 1, about 80,000 steps): no findings, and every refusal rule of
     * mdlbridge.h is reached or listed unreachable with a reason, never both. A rule added to the driver that no
     * sequence reaches fails here until the generator reaches it or Coverage.UNREACHABLE says why it cannot.
     */
    @Test
    void aNormalMachineShowsNoFindingsAndReachesEveryRuleNotListedUnreachable() {
        Explorer.Report r = run(1, 2_000);
        assertEquals(java.util.List.of(), r.findings());
        assertEquals(java.util.Set.copyOf(Coverage.rules()), r.refusals().keySet());
        java.util.List<String> problems = new java.util.ArrayList<>();
        r.refusals().forEach((rule, n) -> {
            boolean listed = Coverage.UNREACHABLE.containsKey(rule);
            if (n == 0 && !listed) {
                problems.add(rule + " was never reached and is not listed unreachable");
            } else if (n > 0 && listed) {
                problems.add(rule + " is listed unreachable yet answered " + n + " times");
            }
        });
        Coverage.UNREACHABLE.forEach((rule, why) -> {
            if (!r.refusals().containsKey(rule) || why.isBlank()) {
                problems.add(rule + ": not a rule of Protocol, or no reason given");
            }
        });
        assertEquals(java.util.List.of(), problems, r.refusals().toString());
        assertTrue(r.refusals().get("MDLB_REFUSE_SHARED_HANDLE") > 0 && r.ops().get("DuplicateHandle") > 0);
        assertTrue(r.refusals().get("MDLB_REFUSE_USER_MAPPING_WRITABLE") > 0, "older profiles run too");
        assertEquals(java.util.Map.of(), r.notImplemented(), "every op's IOCTL is implemented by the simulator");

        // the DDI-coverage rules (mdlbridge.h 0x0C06-0x0D05): all but IO_SPACE reached, IO_SPACE listed
        java.util.Set<String> newRules = java.util.Set.of("MDLB_REFUSE_ALREADY_MAPPED", "MDLB_REFUSE_IO_SPACE",
                "MDLB_REFUSE_UNCACHED_RANGE", "MDLB_REFUSE_RESERVATION_IN_USE", "MDLB_REFUSE_RESERVATION_TOO_SMALL",
                "MDLB_REFUSE_RESERVATION_WRONG_MDL", "MDLB_REFUSE_RESERVATION_MAPPED",
                "MDLB_REFUSE_RESERVED_MAPPING_LIVES");
        java.util.Set<String> reached = new java.util.TreeSet<>();
        newRules.forEach(rule -> {
            if (r.refusals().get(rule) > 0) {
                reached.add(rule);
            }
        });
        java.util.Set<String> expected = new java.util.TreeSet<>(newRules);
        expected.remove("MDLB_REFUSE_IO_SPACE");
        assertEquals(expected, reached);
        assertTrue(Coverage.UNREACHABLE.get("MDLB_REFUSE_IO_SPACE").contains("device"));

        // every parameter detail: reached, or listed as one the typed API never sends, never both
        assertEquals(java.util.Set.copyOf(Coverage.parameterDetails()), r.parameters().keySet());
        java.util.List<String> paramProblems = new java.util.ArrayList<>();
        r.parameters().forEach((detail, n) -> {
            boolean listed = Coverage.PARAMS_UNREACHABLE.containsKey(detail);
            if (n == 0 && !listed) {
                paramProblems.add(detail + " was never answered and is not listed unreachable");
            } else if (n > 0 && listed) {
                paramProblems.add(detail + " is listed unreachable yet answered " + n + " times");
            }
        });
        assertEquals(java.util.List.of(), paramProblems, r.parameters().toString());
        for (String p : java.util.List.of("MDLB_PARAM_REQUESTED_ADDRESS", "MDLB_PARAM_ADDRESS_RANGE",
                "MDLB_PARAM_SKIP_BYTES", "MDLB_PARAM_PAGE_OFFSET", "MDLB_PARAM_CACHE_TYPE", "MDLB_PARAM_FLAGS",
                "MDLB_PARAM_SIZE")) {
            assertTrue(r.parameters().get(p) > 0, p + ": " + r.parameters());
        }
        for (String op : java.util.List.of("MmAllocateMappingAddress", "MmMapLockedPagesWithReservedMapping",
                "MmUnmapReservedMapping", "MmFreeMappingAddress")) {
            assertTrue(r.ops().get(op) > 0, op + " never ran");
        }
    }
}
