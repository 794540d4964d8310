package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.protocol.Use;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * POOL_ALLOCATE with a PageOffset (spec 12, WINDOWS-MDL-RULES.md section 14.5): the buffer is PageOffset bytes into
 * its own block of ROUND_UP(PageOffset + Size, 4096) bytes; MDLs over it have ByteOffset = PageOffset; range checks
 * use the buffer, the charge and "outlives every MDL over it" the block.
 */
class SmallPoolBlockTest {

    private static Reply pool(Dev d, long size, int pageOffset) {
        return d.send(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(size, pageOffset));
    }

    private static void rejected(Dev d, int detail, ByteBuffer request) {
        Use before = d.info().handleUse();
        Dev.parameter(d.send(IOCTL_POOL_ALLOCATE, request), detail);
        assertEquals(before, d.info().handleUse(), "nothing allocated or charged");
    }

    @Test
    void parameterChecksInTheSpecsOrder() {
        try (Dev d = new Dev()) {
            ByteBuffer reserved = Requests.poolAllocate(0, 8);
            reserved.putInt(28, 1);
            rejected(d, PARAM_RESERVED, reserved);
            rejected(d, PARAM_PAGE_OFFSET, Requests.poolAllocate(0, 8));
            rejected(d, PARAM_PAGE_OFFSET, Requests.poolAllocate(0x10, PAGE_SIZE));
            rejected(d, PARAM_PAGE_OFFSET, Requests.poolAllocate(0x10, -16));
            rejected(d, PARAM_SIZE, Requests.poolAllocate(0, 0x10));
            rejected(d, PARAM_SIZE, Requests.poolAllocate(0x1_0000_0000L, 0x10));
            assertEquals(0xFF0, d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x10, 0xFF0)).value() & 0xFFF,
                    "the last offset allowed");
        }
    }

    @Test
    void theBlockIsChargedAndTheBufferStartsAtPageOffset() {
        try (Dev d = new Dev()) {
            Reply r = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1801, 0x20));
            assertEquals(0x20, r.value() & 0xFFF, "Value = block + PageOffset");
            assertEquals(0x2000, d.info().handleUse().kernelBufferBytes(), "ROUND_UP(0x20 + 0x1801, 4096)");
            d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x11, 0xFF0));
            assertEquals(0x4000, d.info().handleUse().kernelBufferBytes(), "0xFF0 + 0x11 crosses into a second page");
            Dev.limit(pool(d, 0xFFFF_FFFFL, 0xFF0), LIMIT_KERNEL_BUFFER_BYTES);
        }
    }

    @Test
    void anMdlOverTheBufferHasByteOffsetPageOffset() {
        try (Dev d = new Dev()) {
            long buf = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1801, 0x20)).value();
            int id = d.mdl(buf, 0x1801);
            MdlSnapshot s = d.probe(id, KERNEL_MODE, IO_WRITE_ACCESS).after().orElseThrow();
            assertEquals(0x20, s.byteOffset());
            assertEquals(0x1801, s.byteCount());
            assertEquals(buf & ~0xFFFL, s.startVa());
            assertEquals(MDL_HEADER_SIZE + 8 * 2, s.size(), "0x20 + 0x1801 spans two pages");
            assertEquals(0x2, s.mdlFlags() & 0x2, "MDL_PAGES_LOCKED");
            assertEquals(2, s.pfnCount());
            // MmBuildMdlForNonPagedPool: MappedSystemVa is the buffer's own address, not page-aligned.
            int np = d.mdl(buf + 0x10, 0x100);
            MdlSnapshot n = d.ok(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, np)).after().orElseThrow();
            assertEquals(buf + 0x10, n.mappedSystemVa());
            assertEquals(0x30, n.byteOffset());
        }
    }

    @Test
    void aKernelModeRangeMustLieInsideTheBufferNotJustTheBlock() {
        try (Dev d = new Dev()) {
            long buf = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x1801, 0x20)).value();
            int head = d.mdl(buf - 0x10, 0x20);   // starts in the block, before the buffer
            RefusalsTest.refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED,
                    () -> d.probe(head, KERNEL_MODE, IO_READ_ACCESS), head);
            int tail = d.mdl(buf + 0x1800, 2);    // one byte past the buffer, still in the block
            RefusalsTest.refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED,
                    () -> d.probe(tail, KERNEL_MODE, IO_READ_ACCESS), tail);
            RefusalsTest.refusedUnchanged(d, REFUSE_KERNEL_RANGE_REQUIRED,
                    () -> d.send(IOCTL_BUILD_NONPAGED, Requests.object(Dev.ALL, tail)), tail);
            int last = d.mdl(buf + 0x1800, 1);    // the buffer's last byte
            assertEquals(0, d.probe(last, KERNEL_MODE, IO_READ_ACCESS).status().value());
        }
    }

    @Test
    void theBlockOutlivesEveryMdlOverItAndIsFreedWhole() {
        try (Dev d = new Dev()) {
            Reply r = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x100, 0x800));
            long buf = r.value();
            int kb = r.objectId();
            int head = d.mdl(buf - 0x800, 0x10);  // over the block's first bytes only
            RefusalsTest.refusedUnchanged(d, REFUSE_POOL_IN_USE,
                    () -> d.send(IOCTL_POOL_FREE, Requests.object(Dev.ALL, kb)), head);
            assertEquals(0x1000, d.info().handleUse().kernelBufferBytes());
            d.free(head);
            d.ok(IOCTL_POOL_FREE, Requests.object(Dev.ALL, kb));
            Use after = d.info().handleUse();
            assertEquals(0, after.kernelBufferBytes(), "the block's charge went back");
            assertEquals(0, after.counters().outstandingKernelBuffers());
        }
    }

    @Test
    void readsAndWritesThroughAMappingStayInsideTheBuffer() {
        try (Dev d = new Dev()) {
            long buf = d.ok(IOCTL_POOL_ALLOCATE, Requests.poolAllocate(0x30, 0xFE0)).value();
            int id = d.mdl(buf, 0x30);
            d.probe(id, KERNEL_MODE, IO_WRITE_ACCESS);
            long va = d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, id, NORMAL_PAGE_PRIORITY)).value();
            assertEquals(0xFE0, va & 0xFFF, "the mapping's address carries ByteOffset");
            d.ok(IOCTL_WRITE_MAPPED, Requests.writeMapped(0, id, 0x2F, new byte[] {0x5A}));
            assertEquals(0x5A, d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0x2F, 1)).data()[0]);
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0x30, 1)), REFUSE_OUT_OF_RANGE);
            d.releaseAll();
            assertEquals(0, d.info().handleUse().kernelBufferBytes());
        }
    }
}
