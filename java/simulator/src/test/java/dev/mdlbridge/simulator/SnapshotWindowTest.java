package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** CONTRACT section 6 and mdlbridge.h: PFN windows bounded by PfnMax, pages spanned, capacity and output space. */
class SnapshotWindowTest {

    @Test
    void windowsSliceThePfnArray() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x5000);
            int id = d.mdl(buf + 0x800, 0x4000);
            long[] all = d.probe(id, USER_MODE, IO_READ_ACCESS).after().orElseThrow().pfns();
            assertEquals(5, all.length);
            MdlSnapshot w = d.ok(IOCTL_QUERY, Requests.object(new PfnWindow(1, 2), id)).after().orElseThrow();
            assertEquals(1, w.pfnStart());
            assertArrayEquals(Arrays.copyOfRange(all, 1, 3), w.pfns());
            assertEquals(5, w.pfnCount());
            MdlSnapshot tail = d.ok(IOCTL_QUERY, Requests.object(new PfnWindow(3, 100), id)).after().orElseThrow();
            assertArrayEquals(Arrays.copyOfRange(all, 3, 5), tail.pfns(), "bounded by the pages spanned");
            MdlSnapshot none = d.ok(IOCTL_QUERY, Requests.object(PfnWindow.NONE, id)).after().orElseThrow();
            assertEquals(0, none.pfns().length, "PfnMax 0 copies none");
            assertEquals(VALID_PROCESS | VALID_PFNS, none.valid(), "still valid, just not copied");
            MdlSnapshot past = d.ok(IOCTL_QUERY, Requests.object(new PfnWindow(5, 1), id)).after().orElseThrow();
            assertEquals(0, past.pfns().length);
            // An output buffer with room for the header, one snapshot and 3 PFNs.
            Reply small = d.call(d.ch, IOCTL_QUERY, Requests.object(Dev.ALL, id), 64 + 96 + 3 * 8 + 7).reply();
            assertArrayEquals(Arrays.copyOfRange(all, 0, 3), small.after().orElseThrow().pfns(),
                    "bounded by the space left in the output buffer");
        }
    }

    @Test
    void twoSnapshotRepliesKeepRoomForTheSecondHeader() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x3000);
            int id = d.mdl(buf, 0x3000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            Reply u = d.call(d.ch, IOCTL_UNLOCK, Requests.object(Dev.ALL, id), 64 + 2 * 96 + 8).reply();
            assertEquals(1, u.before().orElseThrow().pfns().length);
            assertEquals(0x0008, u.after().orElseThrow().mdlFlags(), "the AFTER snapshot always fits");
        }
    }

    @Test
    void largeMdlCapacityIsRecordedNotTakenFromSize() {
        try (Dev d = new Dev()) {
            // 8186 pages: Size = 48 + 8 * 8186 = 65536 wraps to 0 as a CSHORT.
            Reply a = d.ok(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(Dev.ALL, 0x10000, 8186 * PAGE_SIZE));
            MdlSnapshot s = a.after().orElseThrow();
            assertEquals(8186, s.pfnCount());
            assertEquals(8186, s.pfnCapacity());
            assertEquals((48 + 8 * 8186) & 0xFFFF, s.size());
        }
    }
}
