package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.protocol.Requests.ChainRange;
import dev.mdlbridge.spi.IoResult;
import dev.mdlbridge.spi.UserMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** CONTRACT section 5: chains on the request's IRP, and the I/O manager's own MDL of the DIRECT pair. */
class ChainAndDirectTest {

    static int[] statuses(Reply r) {
        ByteBuffer b = ByteBuffer.wrap(r.data()).order(ByteOrder.LITTLE_ENDIAN);
        int[] s = new int[r.data().length / 4];
        for (int i = 0; i < s.length; i++) {
            s[i] = b.getInt(4 * i);
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(ints = {CLEANUP_IO_MANAGER, CLEANUP_DRIVER})
    void aChainOfTwoIsLinkedLockedAndReleasedByEitherCleanup(int cleanup) {
        try (Dev d = new Dev()) {
            long a = d.buffer(0x2000);
            long b = d.buffer(0x1000);
            Reply r = d.ok(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL,
                    List.of(new ChainRange(a + 0x10, 0x1800, IO_READ_ACCESS), new ChainRange(b, 0x100, IO_WRITE_ACCESS)),
                    cleanup));
            assertEquals(2, r.value());
            assertEquals(2, r.snapshots().size());
            MdlSnapshot first = r.snapshots().get(0);
            MdlSnapshot second = r.snapshots().get(1);
            assertEquals(ROLE_CHAIN, first.role());
            assertEquals(KIND_CHAIN, first.kind());
            assertEquals(0, first.objectId(), "chain MDLs never enter the handle table");
            assertEquals(second.mdlAddress(), first.next(), "linked by Next in range order");
            assertEquals(0, second.next());
            assertEquals(0x000A, first.mdlFlags());
            assertEquals(0x008A, second.mdlFlags());
            assertEquals(2, first.pfns().length);
            assertEquals(d.backend.currentProcess().eprocess(), second.process());
            assertEquals(2, statuses(r).length);
            assertEquals(0, statuses(r)[0]);
            assertEquals(0, statuses(r)[1]);
            assertEquals(0, d.backend.processLockedPages(), "unlocked by the I/O manager or by the driver");
            assertEquals(Counters.ZERO, d.handleCounters());
            d.processExitAndCheck();
        }
    }

    @Test
    void aFailedRangeIsDetachedAndTheNextStartsTheChainAgain() {
        try (Dev d = new Dev()) {
            long reserved = d.mem.allocate(0x1000, UserMemory.PAGE_READWRITE, true);
            long ok1 = d.buffer(0x1000);
            long ok2 = d.buffer(0x1000);
            Reply r = d.ok(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL, List.of(
                    new ChainRange(reserved, 0x10, IO_READ_ACCESS), new ChainRange(ok1, 0x10, IO_READ_ACCESS),
                    new ChainRange(reserved, 0x10, IO_READ_ACCESS), new ChainRange(ok2, 0x10, IO_READ_ACCESS)),
                    CLEANUP_IO_MANAGER));
            int[] st = statuses(r);
            assertEquals(0xC0000005, st[0]);
            assertEquals(0, st[1]);
            assertEquals(0xC0000005, st[2]);
            assertEquals(0, st[3]);
            assertEquals(2, r.value());
            assertEquals(2, r.snapshots().size());
            assertEquals(r.snapshots().get(1).mdlAddress(), r.snapshots().get(0).next(),
                    "the failed MDL between them was detached");
            assertEquals(0, d.backend.processLockedPages());
            d.processExitAndCheck();
        }
    }

    @Test
    void directOutShowsTheIoManagersMdlBeforeAndAfterMapping() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            IoResult io = d.ch.controlDirect(IOCTL_DIRECT_OUT, Requests.header(PfnWindow.NONE), buf + 0x100, 0x1000);
            assertTrue(io.ok(), () -> String.format("0x%08X", io.ntStatus()));
            Reply f = d.ok(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL));
            MdlSnapshot before = f.before().orElseThrow();
            MdlSnapshot after = f.after().orElseThrow();
            assertEquals(KIND_IO_MANAGER, before.kind());
            assertEquals(0x008A, before.mdlFlags(), "locked for write by the I/O manager before the driver ran");
            assertEquals(VALID_PROCESS | VALID_PFNS, before.valid());
            assertEquals(2, before.pfns().length);
            assertEquals(0x008B, after.mdlFlags());
            assertNotEquals(0, after.mappedSystemVa());
            assertEquals(after.mappedSystemVa(), f.value());
            assertEquals(0, d.backend.processLockedPages(), "the I/O manager unlocked and freed it at completion");
            assertEquals(Counters.ZERO, d.handleCounters());
        }
    }

    @Test
    void directInLocksForReadAndZeroLengthIsReported() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            assertTrue(d.ch.controlDirect(IOCTL_DIRECT_IN, Requests.header(PfnWindow.NONE), buf, 0x10).ok());
            Reply f = d.ok(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL));
            assertEquals(0x000A, f.before().orElseThrow().mdlFlags());
            assertEquals(0x000B, f.after().orElseThrow().mdlFlags());
            assertTrue(d.ch.controlDirect(IOCTL_DIRECT_IN, Requests.header(PfnWindow.NONE), buf, 0).ok());
            Reply z = d.send(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL));
            Dev.parameter(z, PARAM_LENGTH);
            assertEquals(0, z.snapshots().size(), "the I/O manager built no MDL");
        }
    }

    @Test
    void theIoManagerFailsADirectOutOnAReadOnlyBufferBeforeTheDriverRuns() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            d.mem.protect(buf, 0x1000, UserMemory.PAGE_READONLY);
            IoResult io = d.ch.controlDirect(IOCTL_DIRECT_OUT, Requests.header(PfnWindow.NONE), buf, 0x10);
            assertFalse(io.ok());
            assertEquals(0xC0000005, io.ntStatus());
            assertEquals(998, io.win32Error());
            assertEquals(0, d.backend.processLockedPages());
        }
    }

    @Test
    void pageAllocationsAreZeroedMappedAndFreedInOrder() {
        try (Dev d = new Dev()) {
            Reply a = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x2800, 0));
            int id = a.objectId();
            MdlSnapshot s = a.after().orElseThrow();
            assertEquals(KIND_PAGES, s.kind());
            assertEquals(0x3000, a.value(), "rounded up to whole pages");
            assertEquals(0, s.startVa(), "no virtual address");
            assertEquals(0x0002, s.mdlFlags() & 0x0002, "MDL_PAGES_LOCKED");
            assertTrue(s.pfnsValid());
            assertEquals(3, s.pfns().length);
            assertEquals(0, s.process());
            Reply m = d.mapSystem(id);
            assertEquals(0, m.status().value());
            byte[] zero = d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, 0x3000)).data();
            assertEquals(0x3000, zero.length);
            for (byte x : zero) {
                assertEquals(0, x, "MmAllocatePagesForMdlEx always zeroes");
            }
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, id, 0x2FFF, new byte[] {5}));
            d.unmapSystem(id);
            Reply fp = d.ok(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, id));
            assertFalse(fp.after().orElseThrow().pfnsValid());
            assertEquals(0, d.info().handleUse().pageAllocationBytes());
            d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, id, FREE_EXFREEPOOL));
            assertEquals(Counters.ZERO, d.handleCounters());
        }
    }
}
