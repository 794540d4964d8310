package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static dev.mdlbridge.simulator.RefusalsTest.refusedUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.simulator.kernel.SimKernel;
import dev.mdlbridge.spi.UserMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pages' memory type at the driver (spec "The pages' memory type"): caller ranges with PAGE_NOCACHE (0x200) or
 * PAGE_WRITECOMBINE (0x400) are refused before any probe (REFUSE_UNCACHED_RANGE, right after
 * REFUSE_RANGE_IN_USER_MAPPING), and a probe that comes back MDL_IO_SPACE (0x800) is unlocked again and refused
 * (REFUSE_IO_SPACE). Device memory reaches a process through the simulated kernel's test hook
 * {@link SimKernel#mapDeviceMemory}, standing in for another driver's mapping of MMIO (WINDOWS-MDL-RULES.md 14.6).
 */
class UncachedAndIoSpaceTest {

    static final int PAGE_NOCACHE = 0x200;
    static final int PAGE_WRITECOMBINE = 0x400;

    @Test
    void aUserModeProbeOfANoCacheOrWriteCombinedRangeIsRefused() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x3000);
            d.mem.protect(buf + 0x2000, 0x1000, UserMemory.PAGE_READWRITE | PAGE_WRITECOMBINE);
            int clean = d.mdl(buf, 0x2000);
            int wc = d.mdl(buf + 0x1800, 0x1000);   // touches the write-combined page
            refusedUnchanged(d, REFUSE_UNCACHED_RANGE,
                    () -> d.probe(wc, USER_MODE, IO_READ_ACCESS), wc);
            long nc = d.mem.allocate(0x1000, UserMemory.PAGE_READONLY | PAGE_NOCACHE, false);
            int ncMdl = d.mdl(nc, 0x10);
            refusedUnchanged(d, REFUSE_UNCACHED_RANGE, () -> d.probe(ncMdl, USER_MODE, IO_READ_ACCESS), ncMdl);
            d.ok(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, clean, USER_MODE, IO_READ_ACCESS));
        }
    }

    @Test
    void rangeInUserMappingIsCheckedBeforeUncached() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int src = d.mdl(buf, 0x1000);
            d.probe(src, USER_MODE, IO_READ_ACCESS);
            long view = d.ok(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, src, MM_CACHED, 0, NORMAL_PAGE_PRIORITY))
                    .value();
            int over = d.mdl(view, 0x10);
            refusedUnchanged(d, REFUSE_RANGE_IN_USER_MAPPING, () -> d.probe(over, USER_MODE, IO_READ_ACCESS), over);
        }
    }

    @Test
    void aChainRangeOrDirectBufferWithNoCacheIsRefused() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            long nc = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE | PAGE_NOCACHE, false);
            Counters before = d.handleCounters();
            Reply r = d.send(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL, List.of(
                    new Requests.ChainRange(buf, 0x100, IO_READ_ACCESS),
                    new Requests.ChainRange(nc, 0x100, IO_READ_ACCESS)), CLEANUP_DRIVER));
            Dev.refused(r, REFUSE_UNCACHED_RANGE);
            assertEquals(0, r.snapshots().size());
            assertEquals(before, d.handleCounters());
            assertEquals(0, d.backend.processLockedPages(), "no range of the chain was locked");
            assertTrue(d.ch.controlDirect(IOCTL_DIRECT_IN, Requests.header(PfnWindow.NONE), nc, 0x10).ok());
            Dev.refused(d.send(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL)), REFUSE_UNCACHED_RANGE);
        }
    }

    @Test
    void aProbeThatComesBackIoSpaceIsUnlockedAndRefused() {
        try (Dev d = new Dev()) {
            SimKernel k = (SimKernel) d.backend.kernel();
            long dev = k.mapDeviceMemory(d.backend.currentProcess(), 2, UserMemory.PAGE_READWRITE);
            int mdl = d.mdl(dev + 0x100, 0x1000);
            Counters before = d.handleCounters();
            Reply r = d.probe(mdl, USER_MODE, IO_READ_ACCESS);
            Dev.refused(r, REFUSE_IO_SPACE);
            MdlSnapshot after = r.after().orElseThrow();
            assertEquals(0x0008, after.mdlFlags(), "unlocked again: no 0x2, no 0x800 (MmUnlockPages clears it)");
            assertEquals(0, after.pfns().length, "PFNs undefined, as after a failed probe");
            assertEquals(before, d.handleCounters(), "no locked bytes kept");
            assertEquals(0, d.backend.processLockedPages());
            assertEquals(0x0008, d.snapshot(mdl).mdlFlags());
            // The MDL is as after a failed probe: it may be freed.
            d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, mdl, FREE_IOFREEMDL));
        }
    }

    @Test
    void mapSystemOfPagesThatAreNotCachedIsAParameterError() {
        try (Dev d = new Dev()) {
            int mdl = d.mdl(d.buffer(0x1000), 0x10);
            d.probe(mdl, USER_MODE, IO_READ_ACCESS);
            // Caller ranges are MmCached: MAP_SYSTEM (always cached) is fine, MAP_USER must ask MmCached.
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, NORMAL_PAGE_PRIORITY));
            Dev.parameter(d.send(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, mdl, MM_WRITE_COMBINED, 0,
                    NORMAL_PAGE_PRIORITY)), PARAM_CACHE_TYPE);
        }
    }
}
