package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static dev.mdlbridge.simulator.RefusalsTest.refusedUnchanged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.simulator.driver.SafetyRefusal;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.SimulatedBugCheckException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The sequences the first safety review found (issue: "no sequence of requests may crash the lab machine"), each
 * refused on the normal machine with nothing changed, and each shown to crash the simulated machine when the one
 * refusal that closes it is removed (so the refusal, not luck, is what keeps the machine up). The C twin's tests of
 * the same rules are in driver/test/host/test_table.c (test_mdl_before_buffer, test_partial_keeps_nowrite,
 * test_process_ranges, test_id_wrap).
 */
class SafetyHolesTest {

    /** Finding 1: where will the pool put the next page-sized block? Allocate one, note it, free it. */
    private static long nextPoolBlock(Dev d) {
        Reply k = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000));
        d.ok(IOCTL_POOL_FREE, Requests.object(Dev.ALL, k.objectId()));
        return k.value();
    }

    /**
     * An MDL at a kernel address no buffer covers yet, then buffers until one covers it (the pool hands out that
     * address later; the simulated pool moves forward, and the MDL's own storage takes the next bytes):
     * returns {mdl, buffer id}.
     */
    private static int[] mdlBeforeItsBuffer(Dev d) {
        long where = nextPoolBlock(d) + 0x3000;
        int mdl = d.mdl(where + 0x100, 0x200);
        for (int i = 0; i < 16; i++) {
            Reply k = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000));
            if (k.value() == where) {
                d.ok(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, mdl));
                return new int[] {mdl, k.objectId()};
            }
        }
        throw new AssertionError("no buffer came to cover the MDL at " + Long.toHexString(where));
    }

    @Test
    void finding1TheBufferOutlivesAnMdlAllocatedBeforeIt() {
        try (Dev d = new Dev()) {
            int[] ids = mdlBeforeItsBuffer(d);
            long kbBytes = d.info().handleUse().kernelBufferBytes();
            refusedUnchanged(d, REFUSE_POOL_IN_USE,
                    () -> d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, ids[1])), ids[0]);
            assertEquals(kbBytes, d.info().handleUse().kernelBufferBytes(), "the buffer is still there");
            // The documented way out: free the MDL, then the buffer.
            d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, ids[0], FREE_IOFREEMDL));
            d.ok(IOCTL_POOL_FREE, Requests.object(Dev.ALL, ids[1]));
            assertEquals(kbBytes - 0x1000, d.info().handleUse().kernelBufferBytes(), "that buffer is gone");
        }
    }

    @Test
    void finding1WithoutTheRefusalTheMappingTouchesFreedPool() {
        try (Dev d = new Dev(SimulatedMachine.builder()
                .withoutRefusalForTest(SafetyRefusal.KERNEL_BUFFER_OUTLIVES_MDLS))) {
            int[] ids = mdlBeforeItsBuffer(d);
            assertEquals(0, d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, ids[1])).status().value(),
                    "without the refusal the free succeeds");
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class, () -> {
                d.mapSystem(ids[0]);
                d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, ids[0], 0, 16));
            });
            assertEquals(0x50, e.bugCheck().code(), "PAGE_FAULT_IN_NONPAGED_AREA: freed pool read");
        }
    }

    /** Finding 2: write-locked, mapped NoWrite, a partial inherits the mapping: returns {source, partial}. */
    private static int[] partialOfNoWriteMapping(Dev d) {
        long buf = d.buffer(0x2000);
        int src = d.mdl(buf, 0x2000);
        d.ok(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, src, USER_MODE, IO_WRITE_ACCESS));
        d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, src, NORMAL_PAGE_PRIORITY | MAPPING_NO_WRITE));
        int partial = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0, 0)).objectId();
        return new int[] {src, partial};
    }

    @Test
    void finding2APartialKeepsItsSourceMappingsNoWrite() {
        try (Dev d = new Dev()) {
            int[] ids = partialOfNoWriteMapping(d);
            assertTrue((d.snapshot(ids[1]).mdlFlags() & 0x0001) != 0, "MDL_MAPPED_TO_SYSTEM_VA: the partial inherited it");
            refusedUnchanged(d, REFUSE_WRITE_NOT_ALLOWED,
                    () -> d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, ids[1], 0, new byte[] {1})), ids);
            // MmGetSystemAddressForMdlSafe on the partial returns the same read-only mapping: still refused.
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, ids[1], NORMAL_PAGE_PRIORITY));
            Dev.refused(d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, ids[1], 0, new byte[] {1})),
                    REFUSE_WRITE_NOT_ALLOWED);
            assertEquals(0, d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, ids[1], 0, 1)).status().value(),
                    "reads through it are allowed");
        }
    }

    @Test
    void finding2WithoutTheRefusalTheWriteBugChecks() {
        try (Dev d = new Dev(SimulatedMachine.builder()
                .withoutRefusalForTest(SafetyRefusal.PARTIAL_CARRIES_NOWRITE))) {
            int[] ids = partialOfNoWriteMapping(d);
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class,
                    () -> d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, ids[1], 0, new byte[] {1})));
            assertEquals(0xBE, e.bugCheck().code(), "ATTEMPTED_WRITE_TO_READONLY_MEMORY");
        }
    }

    /** Finding 3: handle 1 maps a page allocation into user space; returns {pages, mapping, user address}. */
    private static long[] userMappedPages(Dev d) {
        Reply p = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x2000, 0));
        Reply m = d.ok(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, p.objectId(), MM_CACHED, 0, NORMAL_PAGE_PRIORITY));
        return new long[] {p.objectId(), m.objectId(), m.value()};
    }

    @Test
    void finding3UserMappingRangesAreProcessWide() {
        try (Dev d = new Dev()) {
            long[] h1 = userMappedPages(d);
            DeviceChannel first = d.ch;
            d.ch = d.backend.open(); // a second handle of the same process
            int mdl = d.mdl(h1[2], 0x2000);
            refusedUnchanged(d, REFUSE_RANGE_IN_USER_MAPPING,
                    () -> d.probe(mdl, USER_MODE, IO_WRITE_ACCESS), mdl);
            Dev.refused(d.send(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL,
                    List.of(new Requests.ChainRange(h1[2] + 0x1000, 0x10, IO_READ_ACCESS)), CLEANUP_DRIVER)),
                    REFUSE_RANGE_IN_USER_MAPPING);
            IoResult io = d.ch.controlDirect(IOCTL_DIRECT_IN, Requests.header(PfnWindow.NONE), h1[2], 0x10);
            assertTrue(io.ok(), "the I/O manager locked the buffer; the driver refuses without touching it");
            Reply f = d.send(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL));
            Dev.refused(f, REFUSE_RANGE_IN_USER_MAPPING);
            assertEquals(0, d.handleCounters().lockedPages(), "handle 2 locked nothing");
            first.close(); // handle 1's release unmaps and frees its allocation (into quarantine)
            assertEquals(0x2000, d.info().driverUse().pageAllocationBytes(),
                    "quarantined: pages once mapped into user space are kept until the process exits");
            assertEquals(0x2000, d.info().quarantinedBytes(), "Info reports them");
            d.ch.close();
            d.backend.processExit();
            d.ch = d.backend.open();
            assertEquals(0, d.info().driverUse().pageAllocationBytes(), "released at the owner's exit");
        }
    }

    @Test
    void finding3WithoutTheRefusalPagesAreFreedUnderAnotherHandlesLock() {
        try (Dev d = new Dev(SimulatedMachine.builder()
                .withoutRefusalForTest(SafetyRefusal.PROCESS_WIDE_USER_RANGES))) {
            long[] h1 = userMappedPages(d);
            long pfn = d.snapshot((int) h1[0]).pfns()[0];
            DeviceChannel first = d.ch;
            d.ch = d.backend.open();
            int mdl = d.mdl(h1[2], 0x2000);
            assertEquals(0, d.probe(mdl, USER_MODE, IO_WRITE_ACCESS).status().value(), "the hole: allowed");
            d.ch = first;
            d.ok(IOCTL_UNMAP, Requests.mapping(Dev.ALL, (int) h1[1], 0));
            SimulatedBugCheckException e = assertThrows(SimulatedBugCheckException.class,
                    () -> d.send(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, (int) h1[0])));
            assertEquals(0x4E, e.bugCheck().code(), "PFN_LIST_CORRUPT: pages freed while handle 2 has them locked");
            assertEquals(0x9AL, e.bugCheck().parameters().get(0));
            assertEquals(pfn, e.bugCheck().parameters().get(1), "the page handle 2 locked");
        }
    }

    @Test
    void finding5AHandleDuplicatedInTheSameProcessIsSharedAtMappingTime() {
        try (Dev d = new Dev()) {
            Reply p = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0));
            DeviceChannel dup = d.backend.duplicateInSameProcess(d.ch);
            refusedUnchanged(d, REFUSE_SHARED_HANDLE, () -> d.send(IOCTL_MAP_USER,
                    Requests.mapUser(Dev.ALL, p.objectId(), MM_CACHED, 0, NORMAL_PAGE_PRIORITY)), p.objectId());
            dup.close();
        }
    }

    @Test
    void finding5AHandleDuplicatedAfterItsUserMappingStopsNewLocksAtTheNextRequest() {
        try (Dev d = new Dev()) {
            Reply p = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0));
            d.ok(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, p.objectId(), MM_CACHED, 0, NORMAL_PAGE_PRIORITY));
            d.backend.duplicateInSameProcess(d.ch);
            long buf = d.buffer(0x1000);
            int mdl = d.mdl(buf, 0x1000);
            Dev.refused(d.probe(mdl, USER_MODE, IO_READ_ACCESS), REFUSE_SHARED_HANDLE);
            Dev.refused(d.send(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0)),
                    REFUSE_SHARED_HANDLE);
            assertTrue(d.info().sharedHandle(), "Info says so");
            assertEquals(3, d.releaseAll().value(), "unmapping and release still work: 2 MDLs and 1 mapping");
        }
    }

    @Test
    void finding7AnOversizedWriteIsAParameterErrorBeforeAnythingIsCopied() {
        try (Dev d = new Dev()) {
            int mdl = d.mdl(d.buffer(0x1000), 0x1000);
            d.ok(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, mdl, USER_MODE, IO_WRITE_ACCESS));
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, NORMAL_PAGE_PRIORITY));
            Dev.parameter(d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, mdl, 0, new byte[MAX_TRANSFER + 1])),
                    PARAM_LENGTH);
        }
    }

    @Test
    void systemMappingsAreChargedToMaxSystemMappingBytesAndGivenBack() {
        try (Dev d = new Dev()) {
            int mdl = d.mdl(d.buffer(0x3000) + 0x10, 0x2000); // spans 3 pages
            d.ok(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, mdl, USER_MODE, IO_READ_ACCESS));
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, NORMAL_PAGE_PRIORITY));
            assertEquals(0x3000, d.info().handleSystemMappingBytes(), "the pages it spans");
            assertEquals(LIMIT_HANDLE_SYSTEM_MAPPING_BYTES, d.info().handleMaxSystemMappingBytes());
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, NORMAL_PAGE_PRIORITY));
            assertEquals(0x3000, d.info().handleSystemMappingBytes(), "the same mapping again is not charged twice");
            d.unlock(mdl); // MmUnlockPages removes the mapping of a full MDL
            assertEquals(0, d.info().handleSystemMappingBytes());
            assertEquals(0, d.info().driverSystemMappingBytes());
        }
    }

    @Test
    void finding8TheDriversOwnAllocationsForAHandleAreCharged() {
        try (Dev d = new Dev()) {
            long mdlPool = 48 + 8; // one page
            d.mdl(d.buffer(0x1000), 0x1000);
            assertEquals(TABLE_GROW_SLOTS * SLOT_CHARGE + mdlPool, d.info().handleUse().mdlPoolBytes(),
                    "the first object grows the table by 64 slots of 128 bytes");
            assertTrue(d.ch.controlDirect(IOCTL_DIRECT_IN, Requests.header(PfnWindow.NONE), d.buffer(0x1000), 0x10)
                    .ok());
            assertEquals(TABLE_GROW_SLOTS * SLOT_CHARGE + mdlPool + DIRECT_RECORD_CHARGE,
                    d.info().handleUse().mdlPoolBytes(), "the kept DIRECT snapshots are charged once");
            d.releaseAll();
            assertEquals(TABLE_GROW_SLOTS * SLOT_CHARGE, d.info().handleUse().mdlPoolBytes(),
                    "after ReleaseAll only the table's slots remain, until the handle goes");
            d.ch.close();
            d.ch = d.backend.open();
            assertEquals(0, d.info().driverUse().mdlPoolBytes() - d.info().handleUse().mdlPoolBytes(),
                    "the closed handle gave its slots' charge back");
        }
    }
}
