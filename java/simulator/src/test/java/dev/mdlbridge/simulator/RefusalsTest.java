package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import java.util.Arrays;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** CONTRACT section 3: every refusal is STATUS_INVALID_DEVICE_STATE with its detail, and nothing changes. */
class RefusalsTest {

    static String key(MdlSnapshot s) {
        return s.mdlFlags() + "/" + s.valid() + "/" + s.process() + "/" + s.mappedSystemVa() + "/" + s.byteCount()
                + "/" + Arrays.toString(s.pfns());
    }

    /** Runs a request that must be refused with {@code detail}; the MDLs named and the counters are unchanged. */
    static void refusedUnchanged(Dev d, int detail, Supplier<Reply> request, int... ids) {
        Counters before = d.handleCounters();
        long locked = d.backend.processLockedPages();
        String[] snaps = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            snaps[i] = key(d.snapshot(ids[i]));
        }
        Reply r = request.get();
        Dev.refused(r, detail);
        assertEquals(0, r.snapshots().size(), "a refused request takes no snapshot");
        assertEquals(before, d.handleCounters(), "counters unchanged");
        assertEquals(locked, d.backend.processLockedPages(), "the kernel's locked pages unchanged");
        for (int i = 0; i < ids.length; i++) {
            assertEquals(snaps[i], key(d.snapshot(ids[i])), "MDL " + ids[i] + " unchanged");
        }
    }

    private static Reply probe(Dev d, int id, int mode) {
        return d.probe(id, mode, IO_READ_ACCESS);
    }

    @Test
    void probeRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x4000);
            int locked = d.mdl(buf, 0x2000);
            d.probe(locked, USER_MODE, IO_WRITE_ACCESS);
            refusedUnchanged(d, REFUSE_PROBE_LOCKED, () -> probe(d, locked, USER_MODE), locked);
            int partial = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, locked, 0, 0x100)).objectId();
            refusedUnchanged(d, REFUSE_PROBE_PARTIAL, () -> probe(d, partial, USER_MODE), partial, locked);
            int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0)).objectId();
            refusedUnchanged(d, REFUSE_PROBE_NOT_IOALLOCATED, () -> probe(d, pages, USER_MODE), pages);
            long kva = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)).value();
            int np = d.mdl(kva, 0x1000);
            d.ok(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, np));
            refusedUnchanged(d, REFUSE_PROBE_NONPAGED, () -> probe(d, np, KERNEL_MODE), np);
            int user = d.mdl(buf + 0x3000, 0x100);
            refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED, () -> probe(d, user, KERNEL_MODE), user);
            refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED,
                    () -> d.send(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, user)), user);
            int zero = d.mdl(kva, 0);
            refusedUnchanged(d, REFUSE_ZERO_LENGTH, () -> probe(d, zero, KERNEL_MODE), zero);
            refusedUnchanged(d, REFUSE_ZERO_LENGTH,
                    () -> d.send(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, zero)), zero);
            // A kernel-buffer range that runs past the buffer is a caller range.
            int past = d.mdl(kva + 0x800, 0x1000);
            refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED, () -> probe(d, past, KERNEL_MODE), past);
        }
    }

    @Test
    void aRangeInsideTheDriversOwnUserMappingIsNeverProbed() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x1000);
            d.probe(id, USER_MODE, IO_WRITE_ACCESS);
            long view = d.mapUser(id).value();
            int alias = d.mdl(view, 0x10);
            refusedUnchanged(d, REFUSE_RANGE_IN_USER_MAPPING, () -> probe(d, alias, USER_MODE), alias);
            Reply chain = d.send(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL,
                    java.util.List.of(new Requests.ChainRange(view + 8, 8, IO_READ_ACCESS)), CLEANUP_DRIVER));
            Dev.refused(chain, REFUSE_RANGE_IN_USER_MAPPING);
        }
    }

    @Test
    void mapRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x100);
            refusedUnchanged(d, REFUSE_MAP_NOT_LOCKED, () -> d.mapSystem(id), id);
            refusedUnchanged(d, REFUSE_MAP_NOT_LOCKED, () -> d.mapUser(id), id);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            d.unlock(id);
            refusedUnchanged(d, REFUSE_MAP_NOT_LOCKED, () -> d.mapSystem(id), id);
        }
    }

    @Test
    void unlockRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            int id = d.mdl(buf, 0x2000);
            refusedUnchanged(d, REFUSE_UNLOCK_NOT_LOCKED, () -> d.unlock(id), id);
            d.probe(id, USER_MODE, IO_WRITE_ACCESS);
            int partial = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x1000, 0)).objectId();
            refusedUnchanged(d, REFUSE_UNLOCK_PARTIAL, () -> d.unlock(partial), partial, id);
            refusedUnchanged(d, REFUSE_PARTIAL_LIVES, () -> d.unlock(id), id);
            refusedUnchanged(d, REFUSE_FREE_LOCKED, () -> d.free(id), id); // locked is judged before partials
            d.free(partial);
            int mapping = d.mapUser(id).objectId();
            refusedUnchanged(d, REFUSE_USER_MAPPING_LIVES, () -> d.unlock(id), id);
            d.ok(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mapping, 0));
            d.unlock(id);
            refusedUnchanged(d, REFUSE_UNLOCK_NOT_LOCKED, () -> d.unlock(id), id);
            int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0)).objectId();
            refusedUnchanged(d, REFUSE_UNLOCK_PAGES, () -> d.unlock(pages), pages);
        }
    }

    @Test
    void freeRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x1000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_FREE_LOCKED, () -> d.free(id), id);
            refusedUnchanged(d, REFUSE_FREE_WRONG_METHOD,
                    () -> d.send(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, id, FREE_EXFREEPOOL)), id);
            int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x2000, 0)).objectId();
            refusedUnchanged(d, REFUSE_FREE_PAGES_FIRST,
                    () -> d.send(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, pages, FREE_EXFREEPOOL)), pages);
            refusedUnchanged(d, REFUSE_NOT_PAGE_ALLOCATION,
                    () -> d.send(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, id)), id);
            d.mapSystem(pages);
            refusedUnchanged(d, REFUSE_SYSTEM_MAPPING_LIVES,
                    () -> d.send(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, pages)), pages);
            d.unmapSystem(pages);
            d.ok(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, pages));
            refusedUnchanged(d, REFUSE_NOT_PAGE_ALLOCATION,
                    () -> d.send(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, pages)), pages);
            refusedUnchanged(d, REFUSE_FREE_WRONG_METHOD, () -> d.free(pages), pages);
            d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, pages, FREE_EXFREEPOOL));
        }
    }

    @Test
    void unmapRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            int id = d.mdl(buf, 0x2000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_UNMAP_NOT_OWNED, () -> d.unmapSystem(id), id);
            d.mapSystem(id);
            int partial = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x800, 0x100)).objectId();
            MdlSnapshot p = d.snapshot(partial);
            assertEquals(0x0011, p.mdlFlags() & 0x0031, "the partial inherited the source's mapping (0x1 | 0x10)");
            refusedUnchanged(d, REFUSE_UNMAP_NOT_OWNED, () -> d.unmapSystem(partial), partial);
            refusedUnchanged(d, REFUSE_UNMAP_INHERITED, () -> d.unmapSystem(id), id, partial);
            Reply r = d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, partial, 0, 4));
            assertEquals(4, r.data().length, "the inherited address can be read");
        }
    }

    @Test
    void partialRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x2000);
            int id = d.mdl(buf, 0x2000);
            refusedUnchanged(d, REFUSE_PARTIAL_SOURCE,
                    () -> d.send(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0, 0x10)), id);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_PARTIAL_RANGE,
                    () -> d.send(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x2000, 0)), id);
            refusedUnchanged(d, REFUSE_PARTIAL_RANGE,
                    () -> d.send(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x1000, 0x1001)), id);
            Reply ok = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x1000, 0));
            MdlSnapshot p = ok.snapshots().get(0);
            assertEquals(0x1000, p.byteCount(), "length 0 means the rest of the source");
            assertEquals(buf + 0x1000, p.virtualAddress());
            assertEquals(d.snapshot(id).pfns()[1], p.pfns()[0], "the partial's PFN is the source's second");
            int partial = ok.objectId();
            refusedUnchanged(d, REFUSE_PARTIAL_SOURCE,
                    () -> d.send(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, partial, 0, 0x10)), partial);
        }
    }

    @Test
    void transferRefusals() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x100);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_MAPPING_ENDED,
                    () -> d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, 1)), id);
            d.mapSystem(id);
            refusedUnchanged(d, REFUSE_WRITE_NOT_ALLOWED,
                    () -> d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, id, 0, new byte[1])), id);
            refusedUnchanged(d, REFUSE_OUT_OF_RANGE,
                    () -> d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0xFF, 2)), id);
            assertEquals(1, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0xFF, 1)).data().length);
            int w = d.mdl(buf, 0x100);
            d.probe(w, USER_MODE, IO_WRITE_ACCESS);
            d.send(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, w, NORMAL_PAGE_PRIORITY | MAPPING_NO_WRITE));
            refusedUnchanged(d, REFUSE_WRITE_NOT_ALLOWED,
                    () -> d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, w, 0, new byte[1])), w);
            d.unmapSystem(id);
            refusedUnchanged(d, REFUSE_MAPPING_ENDED,
                    () -> d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, 1)), id);
        }
    }

    @Test
    void readLockedUserMappingIsReadOnlyAndSaysSo() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x1000);
            int id = d.mdl(buf, 0x1000);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            Reply m = d.mapUser(id);
            assertEquals(0, m.status().value());
            int mapping = m.objectId();
            long view = m.value();
            refusedUnchanged(d, REFUSE_WRITE_NOT_ALLOWED,
                    () -> d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(mapping, 0, 0, new byte[1])), id);
            d.mem.write(buf + 5, new byte[] {42}, 0, 1);
            byte[] one = new byte[1];
            d.mem.read(view + 5, one, 0, 1);
            assertEquals(42, one[0], "the user mapping shows the same physical page");
            assertEquals(42, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 5, 1)).data()[0]);
            org.junit.jupiter.api.Assertions.assertThrows(dev.mdlbridge.spi.UserMemoryException.class,
                    () -> d.mem.write(view, new byte[1], 0, 1), "the read-only view cannot be written");
        }
    }

    @Test
    void poolFreeRefusedWhileDescribed() {
        try (Dev d = new Dev()) {
            Reply k = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x2000));
            int id = d.mdl(k.value() + 0x1000, 0x10);
            refusedUnchanged(d, REFUSE_POOL_IN_USE,
                    () -> d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, k.objectId())), id);
            d.free(id);
            assertEquals(0, d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, k.objectId())).status().value());
            assertEquals(Counters.ZERO, d.handleCounters());
        }
    }

    @Test
    void directFetchWithoutADirectCallIsRefused() {
        try (Dev d = new Dev()) {
            Dev.refused(d.send(IOCTL_DIRECT_FETCH, Requests.header(Dev.ALL)), REFUSE_NO_DIRECT_RECORD);
        }
    }
}
