package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.UserMemory;
import org.junit.jupiter.api.Test;

/** CONTRACT section 7: a DDI's NULL or raise is reported with its own status at MDLB_STAGE_DDI. */
class DdiFailuresTest {

    static void ddi(Reply r, int status, int ddi) {
        assertEquals(status, r.status().value(), String.format("status 0x%08X", r.status().value()));
        assertEquals(STAGE_DDI, r.stage());
        assertEquals(ddi, r.detail());
    }

    @Test
    void aFailedProbeReportsTheRaisedStatusAndLeavesFieldsUndefined() {
        try (Dev d = new Dev()) {
            long reserved = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE, true);
            int id = d.mdl(reserved, 0x10);
            Reply r = d.probe(id, USER_MODE, IO_READ_ACCESS);
            ddi(r, 0xC0000005, DDI_MM_PROBE_AND_LOCK_PAGES);
            MdlSnapshot after = r.after().orElseThrow();
            assertEquals(0x0008, after.mdlFlags());
            assertEquals(0, after.valid(), "Process and PFNs are undefined after a failed probe");
            assertEquals(0, after.process());
            assertEquals(0, d.handleCounters().lockedPages(), "nothing was locked");
            int zero = d.mdl(d.buffer(0x1000), 0);
            ddi(d.probe(zero, USER_MODE, IO_READ_ACCESS), 0xC0000005, DDI_MM_PROBE_AND_LOCK_PAGES);
            long ro = d.buffer(0x1000);
            d.mem.protect(ro, 0x1000, UserMemory.PAGE_READONLY);
            int w = d.mdl(ro, 0x10);
            ddi(d.probe(w, USER_MODE, IO_WRITE_ACCESS), 0xC0000005, DDI_MM_PROBE_AND_LOCK_PAGES);
            assertEquals(0x000A, d.probe(w, USER_MODE, IO_READ_ACCESS).after().orElseThrow().mdlFlags(),
                    "a read lock of a read-only page works");
            int k = d.mdl(0xFFFF800000001000L, 0x10);
            ddi(d.probe(k, USER_MODE, IO_READ_ACCESS), 0xC0000005, DDI_MM_PROBE_AND_LOCK_PAGES);
        }
    }

    @Test
    void guardPagesAndFailedPageInsRaiseTheirOwnCodes() {
        try (Dev d = new Dev()) {
            long g = d.buffer(0x1000);
            d.mem.protect(g, 0x1000, UserMemory.PAGE_READWRITE | UserMemory.PAGE_GUARD);
            int id = d.mdl(g, 0x10);
            ddi(d.probe(id, USER_MODE, IO_READ_ACCESS), 0x80000001, DDI_MM_PROBE_AND_LOCK_PAGES);
            assertEquals(0, d.probe(id, USER_MODE, IO_READ_ACCESS).status().value(), "the guard is one-shot");
            long p = d.buffer(0x2000);
            d.backend.pageOut(p, 0x2000, true);
            int pid = d.mdl(p, 0x2000);
            ddi(d.probe(pid, USER_MODE, IO_READ_ACCESS), 0xC0000006, DDI_MM_PROBE_AND_LOCK_PAGES);
        }
    }

    @Test
    void injectedFaultsSurfaceAsInsufficientResourcesOrWorkingSetQuota() {
        try (Dev d = new Dev(SimulatedMachine.builder().lockCountLimit(1))) {
            long buf = d.buffer(0x1000);
            int a = d.mdl(buf, 0x10);
            int b = d.mdl(buf, 0x10);
            assertEquals(0, d.probe(a, USER_MODE, IO_READ_ACCESS).status().value());
            ddi(d.probe(b, USER_MODE, IO_READ_ACCESS), 0xC00000A1, DDI_MM_PROBE_AND_LOCK_PAGES);
        }
        try (Dev d = new Dev(SimulatedMachine.builder().poolFailAfter(0))) {
            ddi(d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(Dev.ALL, 0x10000, 0x10)), 0xC000009A,
                    DDI_IO_ALLOCATE_MDL);
            ddi(d.send(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)), 0xC000009A, DDI_EX_ALLOCATE_POOL);
            assertEquals(Counters.ZERO, d.handleCounters(), "nothing is charged for what failed");
        }
        try (Dev d = new Dev(SimulatedMachine.builder().systemPtesAvailable(1))) {
            int id = d.mdl(d.buffer(0x2000), 0x2000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            ddi(d.mapSystem(id), 0xC000009A, DDI_MM_MAP_LOCKED_PAGES);
            assertEquals(0, d.handleCounters().outstandingMappings());
        }
    }
}
