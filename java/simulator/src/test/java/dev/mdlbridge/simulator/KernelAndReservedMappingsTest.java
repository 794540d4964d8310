package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static dev.mdlbridge.simulator.RefusalsTest.refusedUnchanged;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.ReplyDecoder;
import dev.mdlbridge.protocol.Requests;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The simulated driver's MAP_KERNEL and reservation codes (spec "MAP_KERNEL", "Reservations"; CONTRACT sections 2,
 * 3.13, 4): results, each refusal in its order with nothing changed, parameter checks, limits, release order and
 * counters. Flags: MDL_MAPPED_TO_SYSTEM_VA 0x1, MDL_PAGES_LOCKED 0x2, MDL_ALLOCATED_FIXED_SIZE 0x8, MDL_PARTIAL 0x10,
 * MDL_PARTIAL_HAS_BEEN_MAPPED 0x20 (WINDOWS-MDL-RULES.md section 1.3).
 */
class KernelAndReservedMappingsTest {

    static final int PRIORITY = NORMAL_PAGE_PRIORITY;

    static Reply mapKernel(Dev d, int mdl, int cacheType) {
        return d.send(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, cacheType, PRIORITY));
    }

    static Reply reserve(Dev d, long size) {
        return d.send(IOCTL_RESERVE, Requests.reserve(size));
    }

    static Reply mapReserved(Dev d, int res, int mdl) {
        return d.send(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_CACHED));
    }

    static Reply unmapReserved(Dev d, int res, int mdl) {
        return d.send(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, 0));
    }

    static Reply freeReservation(Dev d, int res) {
        return d.send(IOCTL_FREE_RESERVATION, Requests.object(PfnWindow.NONE, res));
    }

    /** A locked one-page MDL at ByteOffset 0x160 (flags 0x000A). */
    static int locked0x160(Dev d, int op) {
        long buf = d.buffer(0x4000);
        int id = d.mdl(buf + 0x160, 0x100);
        d.ok(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, id, USER_MODE, op));
        return id;
    }

    static Counters counters(long mdls, long mappings, long buffers, long lockedPages) {
        return new Counters(mdls, mappings, buffers, lockedPages);
    }

    // ------------------------------------------------------------------------------------------- MAP_KERNEL

    @Test
    void mapKernelIsTheMdlsSystemMappingAndAnObject() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_WRITE_ACCESS);
            Reply r = d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, MM_CACHED, PRIORITY));
            MdlSnapshot before = r.before().orElseThrow();
            MdlSnapshot after = r.after().orElseThrow();
            assertEquals(0x008A, before.mdlFlags());
            assertEquals(0x008B, after.mdlFlags(), "MDL_MAPPED_TO_SYSTEM_VA added (WINDOWS-MDL-RULES 14.2)");
            assertEquals(r.value(), after.mappedSystemVa(), "MappedSystemVa = PTE VA + ByteOffset = the value");
            assertEquals(0x160, r.value() & 0xFFF);
            int mapping = r.objectId();
            assertNotEquals(mdl, mapping, "a mapping object of its own");
            assertEquals(counters(1, 1, 0, 1), d.handleCounters(), "one MDL, one mapping, one locked page");
            assertEquals(PAGE_SIZE, d.info().handleSystemMappingBytes(), "the page it spans, charged");
            // MAP_SYSTEM returns the same address; reads and writes work by either id.
            assertEquals(r.value(), d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, PRIORITY)).value());
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(mapping, 0, 0, new byte[] {1, 2, 3}));
            Reply read = d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, mdl, 0, 3));
            assertArrayEquals(new byte[] {1, 2, 3}, read.data());
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 0xFF, 2)), REFUSE_OUT_OF_RANGE);
            // UNMAP by the mapping's id ends the MDL's system mapping and the object.
            Reply u = d.ok(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mapping, 0));
            assertEquals(0x008A, u.after().orElseThrow().mdlFlags());
            assertEquals(counters(1, 0, 0, 1), d.handleCounters());
            assertEquals(0, d.info().handleSystemMappingBytes());
            assertEquals(NtStatus.NOT_FOUND.value(),
                    d.call(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 0, 1)).io().ntStatus(), "gone");
        }
    }

    @Test
    void unlockEndsAKernelModeMappingAndItsObject() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            int mapping = d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, MM_CACHED, PRIORITY)).objectId();
            d.ok(IOCTL_UNLOCK, Requests.object(Dev.ALL, mdl));
            assertEquals(counters(1, 0, 0, 0), d.handleCounters());
            assertEquals(NtStatus.NOT_FOUND.value(),
                    d.call(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mapping, 0)).io().ntStatus());
        }
    }

    @Test
    void mapKernelParameterChecks() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            Dev.parameter(d.send(IOCTL_MAP_KERNEL, Requests.mapUser(Dev.ALL, mdl, MM_CACHED, 0x10000, PRIORITY)),
                    PARAM_REQUESTED_ADDRESS);
            Dev.parameter(d.send(IOCTL_MAP_KERNEL, Requests.mapUser(Dev.ALL, mdl, 3, 0x10000, PRIORITY)),
                    PARAM_CACHE_TYPE);   // the cache-type check comes first
            // A caller range's pages are MmCached: another type is a parameter error, after the lookup.
            Counters before = d.handleCounters();
            Dev.parameter(mapKernel(d, mdl, MM_NON_CACHED), PARAM_CACHE_TYPE);
            Dev.parameter(mapKernel(d, mdl, MM_WRITE_COMBINED), PARAM_CACHE_TYPE);
            Dev.parameter(d.send(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, mdl, MM_NON_CACHED, 0, PRIORITY)),
                    PARAM_CACHE_TYPE);
            assertEquals(before, d.handleCounters());
            assertEquals(0x000A, d.snapshot(mdl).mdlFlags());
            assertEquals(NtStatus.NOT_FOUND.value(), d.call(IOCTL_MAP_KERNEL,
                    Requests.mapKernel(Dev.ALL, 9999, MM_NON_CACHED, PRIORITY)).io().ntStatus(), "lookup first");
        }
    }

    @Test
    void beforeWindows8MapKernelTakesNoModifiersAndIsNotMadeNoExecute() {
        try (Dev d = new Dev(SimulatedMachine.builder().profile("win7-x64"))) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            Dev.parameter(d.send(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, MM_CACHED,
                    PRIORITY | MAPPING_NO_EXECUTE)), PARAM_PRIORITY);
            Reply r = d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, MM_CACHED, PRIORITY));
            assertEquals(0x000B, r.after().orElseThrow().mdlFlags());
        }
    }

    @Test
    void mapKernelRefusalsInOrder() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x4000);
            int unlocked = d.mdl(buf, 0x1000);
            refusedUnchanged(d, REFUSE_MAP_NOT_LOCKED, () -> mapKernel(d, unlocked, MM_CACHED), unlocked);
            // (REFUSE_ZERO_LENGTH comes next; no zero-length MDL can be locked, so it is not reachable here.)
            int viaSystem = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, viaSystem, PRIORITY));
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, viaSystem, MM_CACHED), viaSystem);
            int twice = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, twice, MM_CACHED, PRIORITY));
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, twice, MM_CACHED), twice);
            int partial = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, twice, 0, 0x10)).objectId();
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, partial, MM_CACHED), partial);
            long kva = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)).value();
            int np = d.mdl(kva, 0x1000);
            d.ok(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, np));
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, np, MM_CACHED), np);
            // A partial mapped on its own (not inherited) is refused a second mapping too.
            int src = locked0x160(d, IO_READ_ACCESS);
            int own = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0, 0x10)).objectId();
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, own, PRIORITY));
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, own, MM_CACHED), own);
        }
    }

    @Test
    void mapKernelOnASharedHandleIsRefused() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            d.backend.duplicateIntoOtherProcess(d.ch);
            d.send(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, mdl, MM_CACHED, 0, PRIORITY)); // counts the handles
            refusedUnchanged(d, REFUSE_SHARED_HANDLE, () -> mapKernel(d, mdl, MM_CACHED), mdl);
        }
    }

    // --------------------------------------------------------------------------------------- reservations

    @Test
    void reserveMapUnmapFree() {
        try (Dev d = new Dev()) {
            Reply res = d.ok(IOCTL_RESERVE, Requests.reserve(0x2001));
            int reservation = res.objectId();
            long base = res.value();
            assertEquals(0, base & 0xFFF);
            assertEquals(3 * PAGE_SIZE, d.info().handleSystemMappingBytes(), "ROUND_UP(size, 4096) charged");
            int mdl = locked0x160(d, IO_WRITE_ACCESS);
            Reply m = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, reservation, mdl, MM_CACHED));
            assertEquals(base + 0x160, m.value(), "the address the DDI returned: reservation + ByteOffset");
            MdlSnapshot after = m.after().orElseThrow();
            assertEquals(0x008B, after.mdlFlags(), "MDL_MAPPED_TO_SYSTEM_VA added");
            assertEquals(base, after.mappedSystemVa(), "the reservation base without ByteOffset (Windows)");
            assertEquals(3 * PAGE_SIZE, d.info().handleSystemMappingBytes(), "mapping charges nothing more");
            assertEquals(counters(1, 1, 0, 1), d.handleCounters(), "the reserved mapping counts as a mapping");
            int mapping = m.objectId();
            // MAP_SYSTEM reports the base (not refused): ByteOffset bytes below the data.
            assertEquals(base, d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, PRIORITY)).value());
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(mapping, 0, 0, new byte[] {9, 8}));
            assertArrayEquals(new byte[] {9, 8}, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 0, 2)).data());
            assertArrayEquals(new byte[] {1}, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, mdl, 0, 1)).data(),
                    "MAP_SYSTEM's base is 0x160 bytes below the data: the page's first byte (Dev.buffer wrote 1)");
            Reply u = d.ok(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, reservation, mdl, 0));
            assertEquals(0x008A, u.after().orElseThrow().mdlFlags());
            assertEquals(counters(1, 0, 0, 1), d.handleCounters());
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, mdl, 0, 1)), REFUSE_MAPPING_ENDED);
            d.ok(IOCTL_FREE_RESERVATION, Requests.object(PfnWindow.NONE, reservation));
            assertEquals(0, d.info().handleSystemMappingBytes());
            assertFalse(d.backend.bugCheck().isPresent());
        }
    }

    @Test
    void writesThroughAReservedMappingFollowTheMdlsLock() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x1000).objectId();
            int readLocked = locked0x160(d, IO_READ_ACCESS);
            int mapping = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, readLocked, MM_CACHED)).objectId();
            Counters before = d.handleCounters();
            Dev.refused(d.send(IOCTL_WRITE_MAPPED, Requests.writeMapped(mapping, 0, 0, new byte[] {1})),
                    REFUSE_WRITE_NOT_ALLOWED);
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 0xFF, 2)), REFUSE_OUT_OF_RANGE);
            assertEquals(before, d.handleCounters());
            assertEquals(1, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(mapping, 0, 0xFF, 1)).data().length);
            // Page allocations are the driver's own pages: writable through a reserved mapping.
            int res2 = reserve(d, 0x1000).objectId();
            int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0)).objectId();
            Reply m = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res2, pages, MM_CACHED));
            assertEquals(0x0003, m.after().orElseThrow().mdlFlags(), "a page allocation: 0x2 | 0x1");
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(m.objectId(), 0, 0xFFE, new byte[] {4, 5}));
            assertArrayEquals(new byte[] {4, 5},
                    d.ok(IOCTL_READ_MAPPED, Requests.readMapped(m.objectId(), 0, 0xFFE, 2)).data());
        }
    }

    @Test
    void reservationParametersAndKinds() {
        try (Dev d = new Dev()) {
            Dev.parameter(reserve(d, 0), PARAM_SIZE);
            Dev.parameter(reserve(d, 0x1_0000_0000L), PARAM_SIZE);
            int res = reserve(d, 0x1000).objectId();
            int mdl = locked0x160(d, IO_READ_ACCESS);
            Dev.parameter(d.send(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, 3)), PARAM_CACHE_TYPE);
            Dev.parameter(d.send(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_NON_CACHED)),
                    PARAM_CACHE_TYPE);
            Dev.parameter(d.send(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, 1)), PARAM_RESERVED);
            assertEquals(NtStatus.OBJECT_TYPE_MISMATCH.value(), d.call(IOCTL_MAP_RESERVED,
                    Requests.reserved(Dev.ALL, mdl, mdl, MM_CACHED)).io().ntStatus(), "ReservationId names an MDL");
            assertEquals(NtStatus.OBJECT_TYPE_MISMATCH.value(), d.call(IOCTL_MAP_RESERVED,
                    Requests.reserved(Dev.ALL, res, res, MM_CACHED)).io().ntStatus(), "MdlId names a reservation");
            assertEquals(NtStatus.OBJECT_TYPE_MISMATCH.value(), d.call(IOCTL_FREE_RESERVATION,
                    Requests.object(PfnWindow.NONE, mdl)).io().ntStatus());
            assertEquals(NtStatus.NOT_FOUND.value(), d.call(IOCTL_FREE_RESERVATION,
                    Requests.object(PfnWindow.NONE, 777)).io().ntStatus());
            assertEquals(0x000A, d.snapshot(mdl).mdlFlags());
        }
    }

    @Test
    void mapReservedRefusalsInOrder() {
        try (Dev d = new Dev()) {
            long buf = d.buffer(0x8000);
            int small = reserve(d, 0x1000).objectId();
            int unlocked = d.mdl(buf, 0x1000);
            refusedUnchanged(d, REFUSE_MAP_NOT_LOCKED, () -> mapReserved(d, small, unlocked), unlocked);
            int kernelMapped = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, kernelMapped, MM_CACHED, PRIORITY));
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapReserved(d, small, kernelMapped), kernelMapped);
            int two = d.mdl(buf + 0x1800, 0x1000);   // spans two pages
            d.probe(two, USER_MODE, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_RESERVATION_TOO_SMALL, () -> mapReserved(d, small, two), two);
            int first = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, small, first, MM_CACHED));
            int second = locked0x160(d, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_RESERVATION_IN_USE, () -> mapReserved(d, small, second), second, first);
            // In use is checked before too small.
            refusedUnchanged(d, REFUSE_RESERVATION_IN_USE, () -> mapReserved(d, small, two), two);
            // An MDL mapped through one reservation is refused another.
            int big = reserve(d, 0x4000).objectId();
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapReserved(d, big, first), first);
            refusedUnchanged(d, REFUSE_ALREADY_MAPPED, () -> mapKernel(d, first, MM_CACHED), first);
        }
    }

    @Test
    void whileMappedThroughAReservationTheMdlCannotBeUnlockedUnmappedOrFreed() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x2000).objectId();
            int mdl = locked0x160(d, IO_READ_ACCESS);
            int mapping = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_CACHED)).objectId();
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES, () -> d.unlock(mdl), mdl);
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES, () -> d.unmapSystem(mdl), mdl);
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES,
                    () -> d.send(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mapping, 0)), mdl);
            // Checked first: FREE_MDL of a locked MDL would otherwise be REFUSE_FREE_LOCKED.
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES, () -> d.free(mdl), mdl);
            refusedUnchanged(d, REFUSE_RESERVATION_MAPPED, () -> freeReservation(d, res), mdl);
            // A partial inherits MappedSystemVa (the base + offset) and blocks the unmap.
            Reply p = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, mdl, 0x10, 0x10));
            MdlSnapshot ps = p.after().orElseThrow();
            assertEquals(0x0001, ps.mdlFlags() & 0x0021, "0x1 inherited, 0x20 not set");
            assertEquals(d.snapshot(mdl).mappedSystemVa() + 0x10, ps.mappedSystemVa());
            refusedUnchanged(d, REFUSE_UNMAP_INHERITED, () -> unmapReserved(d, res, mdl), mdl);
            d.ok(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, p.objectId(), FREE_IOFREEMDL));
            int other = locked0x160(d, IO_READ_ACCESS);
            refusedUnchanged(d, REFUSE_RESERVATION_WRONG_MDL, () -> unmapReserved(d, res, other), other, mdl);
            d.ok(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, 0));
            refusedUnchanged(d, REFUSE_RESERVATION_WRONG_MDL, () -> unmapReserved(d, res, mdl), mdl);
            d.ok(IOCTL_UNLOCK, Requests.object(Dev.ALL, mdl));
            d.ok(IOCTL_FREE_RESERVATION, Requests.object(PfnWindow.NONE, res));
        }
    }

    @Test
    void aReservedMappedPartialIsNotFreedAndPageAllocationsNotFreedWhileMapped() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x1000).objectId();
            int src = locked0x160(d, IO_READ_ACCESS);
            int part = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0, 0x20)).objectId();
            Reply m = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, part, MM_CACHED));
            assertEquals(0x0031, m.after().orElseThrow().mdlFlags() & 0x0031, "0x10 | 0x20 | 0x1");
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES, () -> d.free(part), part, src);
            int res2 = reserve(d, 0x1000).objectId();
            int pages = d.ok(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000, 0)).objectId();
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res2, pages, MM_CACHED));
            refusedUnchanged(d, REFUSE_RESERVED_MAPPING_LIVES,
                    () -> d.send(IOCTL_FREE_PAGES, Requests.object(Dev.ALL, pages)), pages);
        }
    }

    @Test
    void reserveIsNotRefusedOnASharedHandleButMapReservedIs() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            d.backend.duplicateIntoOtherProcess(d.ch);
            d.send(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, mdl, MM_CACHED, 0, PRIORITY));
            int res = d.ok(IOCTL_RESERVE, Requests.reserve(0x1000)).objectId();
            refusedUnchanged(d, REFUSE_SHARED_HANDLE, () -> mapReserved(d, res, mdl), mdl);
        }
    }

    @Test
    void reservationsAndKernelMappingsShareTheSystemMappingLimit() {
        try (Dev d = new Dev()) {
            int mdl = locked0x160(d, IO_READ_ACCESS);
            // 0xFFFFF001 bytes round up to 4 GiB: the whole per-handle maxSystemMappingBytes (CONTRACT section 4).
            int all = d.ok(IOCTL_RESERVE, Requests.reserve(0xFFFF_F001L)).objectId();
            assertEquals(LIMIT_HANDLE_SYSTEM_MAPPING_BYTES, d.info().handleSystemMappingBytes());
            Counters before = d.handleCounters();
            Dev.limit(reserve(d, 1), LIMIT_SYSTEM_MAPPING_BYTES);
            Dev.limit(mapKernel(d, mdl, MM_CACHED), LIMIT_SYSTEM_MAPPING_BYTES);
            assertEquals(before, d.handleCounters());
            assertEquals(0x000A, d.snapshot(mdl).mdlFlags(), "the DDI never ran");
            // Mapping into the reservation charges nothing more: it fits.
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, all, mdl, MM_CACHED));
            d.ok(IOCTL_UNMAP_RESERVED, Requests.reserved(Dev.ALL, all, mdl, 0));
            d.ok(IOCTL_FREE_RESERVATION, Requests.object(PfnWindow.NONE, all));
            assertEquals(0, d.info().handleSystemMappingBytes(), "the charge given back");
            d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, mdl, MM_CACHED, PRIORITY));
        }
    }

    // ------------------------------------------------------------------------------------- release order

    @Test
    void releaseAllUnmapsReservedAndKernelMappingsBeforeUnlockingThenFreesReservations() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x2000).objectId();
            int reserved = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, reserved, MM_CACHED));
            int inheritor = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, reserved, 0, 0x10)).objectId();
            int kernel = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, kernel, MM_CACHED, PRIORITY));
            int src = locked0x160(d, IO_READ_ACCESS);
            int part = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0, 0x10)).objectId();
            int res2 = reserve(d, 0x1000).objectId();
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res2, part, MM_CACHED));
            int unused = reserve(d, 0x1000).objectId();
            int kernelPart = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0x20, 0x10)).objectId();
            d.ok(IOCTL_MAP_KERNEL, Requests.mapKernel(Dev.ALL, kernelPart, MM_CACHED, PRIORITY));
            assertEquals(counters(6, 4, 0, 3), d.handleCounters(), "3 MDLs + 3 partials; 4 mapping objects");
            long ptes = d.backend.census().orElseThrow().systemPtesInUse();
            assertEquals((2 + 2) + (1 + 2) + (1 + 2) + 1 + 1, ptes, "3 reservations with headers, 2 kernel mappings");
            Reply r = d.releaseAll();
            Counters c = ReplyDecoder.counters(r.data());
            assertEquals(counters(6, 4, 0, 3), c, "MDLs, mappings (kernel-mode and reserved), locked pages released");
            assertEquals(counters(0, 0, 0, 0), d.handleCounters());
            assertEquals(0, d.info().handleSystemMappingBytes());
            assertEquals(0, d.backend.census().orElseThrow().systemPtesInUse(), "every PTE back");
            assertFalse(d.backend.bugCheck().isPresent(), "no 0xDA: each unmapped before its unlock and free");
            assertEquals(0, d.backend.processLockedPages());
            assertTrue(List.of(res, inheritor, unused).stream().allMatch(id -> d.call(IOCTL_FREE_RESERVATION,
                    Requests.object(PfnWindow.NONE, id)).io().ntStatus() == NtStatus.NOT_FOUND.value()));
        }
    }

    /**
     * Spec "Counters": a reserved mapping object counts in OutstandingMappings, also when the partial step ends it
     * (MmUnmapReservedMapping before IoFreeMdl), before the system-mapping phase is reached. The C driver once
     * counted only a partial's own system mapping there (found by DifferentialTest through mdlb_release_mappings).
     */
    @Test
    void releaseAllCountsAReservedMappedPartialsMapping() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x1000).objectId();
            int src = locked0x160(d, IO_READ_ACCESS);
            int part = d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, src, 0, 0x20)).objectId();
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, part, MM_CACHED));
            assertEquals(counters(2, 1, 0, 1), d.handleCounters(), "source + partial; the reserved mapping");
            Counters c = ReplyDecoder.counters(d.releaseAll().data());
            assertEquals(counters(2, 1, 0, 1), c, "the partial's reserved mapping is one released mapping");
            assertEquals(counters(0, 0, 0, 0), d.handleCounters());
        }
    }

    /**
     * MAP_RESERVED gives the MDL no system address of its own: READ_MAPPED by MdlId is refused MAPPING_ENDED (and
     * changes nothing) until MAP_SYSTEM hands the reservation's base out; through the mapping object it reads.
     */
    @Test
    void readByMdlIdAfterMapReservedNeedsMapSystem() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x1000).objectId();
            int mdl = locked0x160(d, IO_READ_ACCESS);
            Reply m = d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_CACHED));
            refusedUnchanged(d, REFUSE_MAPPING_ENDED,
                    () -> d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, mdl, 0, 1)), mdl);
            assertEquals(1, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(m.objectId(), 0, 0, 1)).data().length,
                    "through the mapping object");
            long base = d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, mdl, PRIORITY)).value();
            assertEquals(m.value() - 0x160, base, "the reservation's base, without ByteOffset");
            assertEquals(1, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, mdl, 0, 1)).data().length);
        }
    }

    /**
     * 64 objects fill the handle's first table slots, and maxMdlPoolBytes (1 MiB) leaves less than the next growth
     * (64 slots x 128 bytes): MAP_KERNEL and MAP_RESERVED pass their own limits, the DDI maps, the insert's growth is
     * over LIMIT_MDL_POOL_BYTES, and the mapping is undone. As the C driver (ops.c), the reply then shows the MDL
     * BEFORE and AFTER, unchanged; nothing stays charged.
     */
    @Test
    void aTableGrowthOverTheLimitUndoesTheMappingAndShowsTheMdlAfter() {
        long limit = 1 << 20;
        try (Dev d = new Dev(SimulatedMachine.builder().limit("maxMdlPoolBytes", limit))) {
            int res = reserve(d, 0x1000).objectId();
            int mdl = locked0x160(d, IO_READ_ACCESS);
            for (int n = 2; n < TABLE_GROW_SLOTS - 1; n++) {
                d.mdl(d.buffer(0x1000), 0x10);
            }
            // The 64th object: an MDL whose PFN array takes the pool up to 8 bytes below the limit (48 + 8 x pages).
            long left = limit - d.info().handleUse().mdlPoolBytes();
            long pages = (left - 48) / 8;
            d.mdl(0x10000, (int) (pages * PAGE_SIZE));
            assertEquals(TABLE_GROW_SLOTS, d.handleCounters().outstandingMdls() + 1, "64 objects: every slot taken");
            Counters before = d.handleCounters();
            for (Reply r : List.of(mapKernel(d, mdl, MM_CACHED), mapReserved(d, res, mdl))) {
                Dev.limit(r, LIMIT_MDL_POOL_BYTES);
                assertEquals(0x000A, r.before().orElseThrow().mdlFlags(), "locked, not mapped");
                assertEquals(0x000A, r.after().orElseThrow().mdlFlags(), "the mapping was undone");
                assertEquals(before, d.handleCounters(), "no mapping object");
                assertEquals(PAGE_SIZE, d.info().handleSystemMappingBytes(), "only the reservation's page");
            }
            assertFalse(d.backend.bugCheck().isPresent());
        }
    }

    @Test
    void processExitReleasesReservationsWithoutABugCheck() {
        try (Dev d = new Dev()) {
            int res = reserve(d, 0x1000).objectId();
            int mdl = locked0x160(d, IO_READ_ACCESS);
            d.ok(IOCTL_MAP_RESERVED, Requests.reserved(Dev.ALL, res, mdl, MM_CACHED));
            d.processExitAndCheck();
            assertEquals(0, d.backend.census().orElseThrow().systemPtesInUse());
        }
    }
}
