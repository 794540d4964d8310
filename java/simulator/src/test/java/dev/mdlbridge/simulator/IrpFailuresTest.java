package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.PfnWindow;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.spi.DeviceChannel;
import dev.mdlbridge.spi.IoResult;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** mdlbridge.h's list of IRP failures, the order of checks of CONTRACT section 3, and the limits of section 4. */
class IrpFailuresTest {

    static void fails(Dev.Call c, int status, int win32) {
        IoResult io = c.io();
        assertFalse(io.ok(), "the IRP must fail");
        assertEquals(status, io.ntStatus(), String.format("status 0x%08X", io.ntStatus()));
        assertEquals(win32, io.win32Error());
        assertEquals(0, io.bytesReturned());
    }

    @Test
    void malformedRequestsFailTheIrp() {
        try (Dev d = new Dev()) {
            ByteBuffer bad = Requests.allocateMdl(Dev.ALL, 0x10000, 0x1000);
            bad.putInt(0, 0x414C444D);
            fails(d.call(IOCTL_ALLOCATE_MDL, bad), 0xC0000059, 1306);
            ByteBuffer v2 = Requests.object(Dev.ALL, 1);
            v2.putShort(4, (short) 2);
            fails(d.call(IOCTL_QUERY, v2), 0xC0000059, 1306);
            fails(d.call(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, 1, 1, 0).limit(20)), 0xC0000004, 24);
            fails(d.call(IOCTL_INFO, Requests.header(PfnWindow.NONE).limit(8)), 0xC0000004, 24);
            ByteBuffer longer = ByteBuffer.allocate(20).put(Requests.header(PfnWindow.NONE)).flip();
            fails(d.call(IOCTL_INFO, longer.limit(20)), 0xC0000004, 24);
            fails(d.call(ctlCode(0x900, METHOD_BUFFERED, ACCESS_READ), Requests.header(PfnWindow.NONE)),
                    0xC0000010, 1);
            fails(d.call(d.ch, IOCTL_INFO, Requests.header(PfnWindow.NONE), 64 + INFO_SIZE - 1), 0xC0000023, 122);
            assertTrue(d.call(d.ch, IOCTL_INFO, Requests.header(PfnWindow.NONE), 64 + INFO_SIZE).io().ok());
            fails(d.call(IOCTL_QUERY, Requests.object(Dev.ALL, 77)), 0xC0000225, 1168);
            fails(d.call(IOCTL_QUERY, Requests.object(Dev.ALL, 0)), 0xC0000225, 1168);
            int kbuf = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1000)).objectId();
            fails(d.call(IOCTL_QUERY, Requests.object(Dev.ALL, kbuf)), 0xC0000024, 6);
            int mdl = d.mdl(0x10000, 0x10);
            fails(d.call(IOCTL_POOL_FREE, Requests.object(Dev.ALL, mdl)), 0xC0000024, 6);
            fails(d.call(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mdl, 0)), 0xC0000024, 6);
            assertEquals(new Counters(1, 0, 1, 0), d.handleCounters(), "a failed IRP changes nothing");
        }
    }

    @Test
    void wellFormedButBadParametersSucceedWithStageParameter() {
        try (Dev d = new Dev()) {
            int id = d.mdl(d.buffer(0x1000), 0x10);
            Dev.parameter(d.send(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, id, 2, 0)), PARAM_ACCESS_MODE);
            Dev.parameter(d.send(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, id, 1, 3)), PARAM_OPERATION);
            Dev.parameter(d.send(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, id, 17)), PARAM_PRIORITY);
            Dev.parameter(d.send(IOCTL_MAP_USER, Requests.mapUser(Dev.ALL, id, 0, 0, 16)), PARAM_CACHE_TYPE);
            Dev.parameter(d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0, MAX_TRANSFER + 1)), PARAM_LENGTH);
            Dev.parameter(d.send(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0x1000,
                    MM_DONT_ZERO_ALLOCATION)), PARAM_FLAGS);
            Dev.parameter(d.send(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL, 0, 0)), PARAM_SIZE);
            Dev.parameter(d.send(IOCTL_FREE_MDL, Requests.freeMdl(Dev.ALL, id, 2)), PARAM_METHOD);
            Dev.parameter(d.send(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0)), PARAM_SIZE);
            Dev.parameter(d.send(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL, java.util.List.of(), 0)),
                    PARAM_RANGE_COUNT);
            Dev.parameter(d.send(IOCTL_DESCRIBE_CHAIN, Requests.chain(Dev.ALL,
                    java.util.List.of(new Requests.ChainRange(0x10000, 1, 0)), 2)), PARAM_CLEANUP);
            ByteBuffer reserved = Requests.object(Dev.ALL, id);
            reserved.putInt(20, 1);
            Dev.parameter(d.send(IOCTL_UNLOCK, reserved), PARAM_RESERVED);
            Dev.parameter(d.send(IOCTL_QUERY, Requests.object(new PfnWindow(0x100001, 1), id)), PARAM_PFN_WINDOW);
            assertEquals(new Counters(1, 0, 0, 0), d.handleCounters());
            assertEquals(0x0008, d.snapshot(id).mdlFlags(), "nothing was done");
        }
    }

    @Test
    void unmapNamesAMappingOrAnMdlNeverBoth() {
        try (Dev d = new Dev()) {
            int id = d.mdl(d.buffer(0x1000), 0x10);
            d.probe(id, USER_MODE, IO_READ_ACCESS);
            int mapping = d.mapUser(id).objectId();
            Dev.parameter(d.send(IOCTL_UNMAP, Requests.mapping(Dev.ALL, mapping, id)), PARAM_RESERVED);
            assertEquals(1, d.handleCounters().outstandingMappings(), "nothing was unmapped");
            // The ids are judged first: an MDL id where a mapping id belongs fails the IRP.
            fails(d.call(IOCTL_UNMAP, Requests.mapping(Dev.ALL, id, id)), 0xC0000024, 6);
        }
    }

    @Test
    void orderOfChecks() {
        try (Dev d = new Dev()) {
            // unknown id before bad parameter: the IRP fails
            fails(d.call(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, 99, 7, 9)), 0xC0000225, 1168);
            // bad magic before unknown id
            ByteBuffer b = Requests.probe(Dev.ALL, 99, 1, 0);
            b.putShort(4, (short) 9);
            fails(d.call(IOCTL_PROBE_AND_LOCK, b), 0xC0000059, 1306);
            // bad parameter before refusal: a KernelMode probe of a caller range with an unknown operation
            int id = d.mdl(d.buffer(0x1000), 0x10);
            Dev.parameter(d.send(IOCTL_PROBE_AND_LOCK, Requests.probe(Dev.ALL, id, KERNEL_MODE, 5)), PARAM_OPERATION);
        }
    }

    @Test
    void ioAllocateMdlShowsTheOperatingSystemsLimitFirst() {
        try (Dev d = new Dev()) {
            Reply tooLong = d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(Dev.ALL, 0x10000, 0xFFFFF001));
            assertEquals(0xC000009A, tooLong.status().value(), "NULL from IoAllocateMdl: STATUS_INSUFFICIENT_RESOURCES");
            assertEquals(STAGE_DDI, tooLong.stage());
            assertEquals(DDI_IO_ALLOCATE_MDL, tooLong.detail());
            // 4 GiB - 4 KiB at an unaligned start: 1,048,576 PFNs, 8 MiB + 48 of pool; two exceed the handle's 16 MiB.
            Reply first = d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10001, 0xFFFFF000));
            assertEquals(0, first.status().value());
            assertEquals(1 << 20, first.after().orElseThrow().pfnCount());
            assertEquals(1 << 20, first.after().orElseThrow().pfnCapacity());
            Reply second = d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10001, 0xFFFFF000));
            Dev.limit(second, LIMIT_MDL_POOL_BYTES);
            assertEquals(1, d.handleCounters().outstandingMdls(), "the over-limit MDL was freed again");
        }
    }

    @Test
    void limitsGiveQuotaExceeded() {
        try (Dev d = new Dev()) {
            Dev.limit(d.send(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(LIMIT_HANDLE_KERNEL_BUFFER_BYTES + 1)),
                    LIMIT_KERNEL_BUFFER_BYTES);
            Dev.limit(d.send(IOCTL_ALLOCATE_PAGES, Requests.allocatePages(Dev.ALL,
                    LIMIT_HANDLE_PAGE_ALLOC_BYTES + PAGE_SIZE, 0)), LIMIT_PAGE_ALLOC_BYTES);
            long buf = d.buffer(0x1000);
            int first = d.mdl(buf, 0x10);
            for (int i = 1; i < LIMIT_HANDLE_OBJECTS; i++) {
                d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10000, 0x10));
            }
            // A full handle: a refusal still comes before the limit, and the limit before the DDI.
            Dev.refused(d.mapUser(first), REFUSE_MAP_NOT_LOCKED);
            d.probe(first, USER_MODE, IO_READ_ACCESS);
            Dev.limit(d.mapUser(first), LIMIT_OBJECTS);
            assertEquals(0, d.handleCounters().outstandingMappings());
            assertEquals(LIMIT_HANDLE_OBJECTS, d.info().handleUse().objects());
            Dev.limit(d.send(IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10000, 0x10)), LIMIT_OBJECTS);
            DeviceChannel second = d.backend.open();
            Reply other = d.call(second, IOCTL_ALLOCATE_MDL, Requests.allocateMdl(PfnWindow.NONE, 0x10000, 0x10),
                    REPLY_BUFFER_SIZE).reply();
            assertEquals(0, other.status().value(), "the limit is per handle");
            d.releaseAll();
            assertEquals(0, d.info().handleUse().objects());
        }
    }
}
