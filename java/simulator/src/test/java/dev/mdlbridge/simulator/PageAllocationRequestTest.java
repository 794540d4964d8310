package dev.mdlbridge.simulator;

import static dev.mdlbridge.protocol.Protocol.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.Reply;
import dev.mdlbridge.protocol.Requests;
import dev.mdlbridge.protocol.Use;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * ALLOCATE_PAGES with every argument of MmAllocatePagesForMdlEx (spec 12, WINDOWS-MDL-RULES.md section 14.4): the
 * parameter checks in their order, a short allocation (charged for the request, bounded by its ByteCount) and
 * MM_ALLOCATE_FULLY_REQUIRED.
 */
class PageAllocationRequestTest {

    /** 8 GiB into the default 16 GiB machine: no other allocation of a fresh machine lands there. */
    private static final long BASE = 0x2_0000_0000L;
    private static final long ANY = HIGHEST_PHYSICAL_ADDRESS;
    /** The handle's first table slots, charged to its MDL pool bytes at the first insert. */
    private static final long TABLE_SLOTS = (long) TABLE_GROW_SLOTS * SLOT_CHARGE;

    private static ByteBuffer pages(long size, int flags, int cacheType, long low, long high, long skip) {
        return Requests.allocatePages(Dev.ALL, size, flags, cacheType, low, high, skip);
    }

    /** The request must fail the parameter stage with {@code detail} and leave the handle charged nothing. */
    private static void rejected(Dev d, int detail, ByteBuffer request) {
        Use before = d.info().handleUse();
        Reply r = d.send(IOCTL_ALLOCATE_PAGES, request);
        Dev.parameter(r, detail);
        assertEquals(0, r.objectId());
        assertEquals(0, r.snapshots().size());
        assertEquals(before, d.info().handleUse(), "nothing charged");
    }

    private static Reply accepted(Dev d, ByteBuffer request) {
        return d.ok(IOCTL_ALLOCATE_PAGES, request);
    }

    @Test
    void parameterChecksInTheSpecsOrder() {
        try (Dev d = new Dev()) {
            ByteBuffer reserved = pages(0, 0x1, 3, 1, 0, 0x800);
            reserved.putLong(56, 1);
            rejected(d, PARAM_RESERVED, reserved);
            rejected(d, PARAM_FLAGS, pages(0, MM_DONT_ZERO_ALLOCATION, 3, 1, 0, 0x800));
            rejected(d, PARAM_FLAGS, pages(0x1000, MM_ALLOCATE_FROM_LOCAL_NODE_ONLY, MM_CACHED, 0, ANY, 0));
            rejected(d, PARAM_FLAGS, pages(0x1000, 0x40, MM_CACHED, 0, ANY, 0));
            rejected(d, PARAM_CACHE_TYPE, pages(0, 0, 3, 1, 0, 0x800));
            rejected(d, PARAM_SIZE, pages(0, 0, MM_WRITE_COMBINED, 1, 0, 0x800));
            rejected(d, PARAM_SIZE, pages(0x1_0000_0000L, 0, MM_CACHED, 0, ANY, 0));
            rejected(d, PARAM_ADDRESS_RANGE, pages(0x1000, 0, MM_CACHED, 0x2000, 0x1FFF, 0x800));
            rejected(d, PARAM_SKIP_BYTES, pages(0x1000, 0, MM_CACHED, 0, ANY, 0x800));
            rejected(d, PARAM_SKIP_BYTES, pages(0x6000, MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_CACHED, 0, ANY,
                    0x3000)); // not a power of two
            rejected(d, PARAM_SKIP_BYTES, pages(0x3000, MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_CACHED, 0, ANY,
                    0x2000)); // does not divide the size
            // The boundaries that pass: Low == High, a skip of 3 pages without chunks, whole chunks, every cache type.
            accepted(d, pages(0x1000, 0, MM_CACHED, BASE, BASE, 0));
            accepted(d, pages(0x1000, 0, MM_NON_CACHED, 0, ANY, 0x3000));
            accepted(d, pages(0x4000, MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_WRITE_COMBINED, 0, ANY, 0x2000));
            accepted(d, pages(0x1000, MM_ALLOCATE_ACCEPTED_FLAGS & ~MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS,
                    MM_CACHED, 0, ANY, 0));
        }
    }

    @Test
    void theWindows7FlagsDoNotExistOnNt52() {
        try (Dev d = new Dev(SimulatedMachine.builder().profile("nt52-x64"))) {
            for (int flag : new int[] {MM_ALLOCATE_FULLY_REQUIRED, MM_ALLOCATE_NO_WAIT, MM_ALLOCATE_PREFER_CONTIGUOUS,
                MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS}) {
                rejected(d, PARAM_FLAGS, pages(0x1000, flag, MM_CACHED, 0, ANY, 0));
            }
            accepted(d, pages(0x1000, 0, MM_CACHED, 0, ANY, 0));
        }
        try (Dev d = new Dev(SimulatedMachine.builder().profile("win7-x64"))) {
            accepted(d, pages(0x1000, MM_ALLOCATE_FULLY_REQUIRED | MM_ALLOCATE_NO_WAIT, MM_CACHED, 0, ANY, 0));
        }
    }

    @Test
    void aShortAllocationIsChargedInFullAndBoundedByItsByteCount() {
        try (Dev d = new Dev()) {
            // Three frames in [BASE, BASE + 0x2FFF]; five pages asked for.
            Reply r = accepted(d, pages(0x5000, 0, MM_CACHED, BASE, BASE + 0x2FFF, 0));
            assertEquals(0x3000, r.value(), "Value = the ByteCount that came back");
            MdlSnapshot s = r.after().orElseThrow();
            assertEquals(0x3000, s.byteCount());
            assertEquals(MDL_HEADER_SIZE + 8 * 5, s.size(), "Size is the request's (shortfall below 2048 pages)");
            assertEquals(0x2, s.mdlFlags());
            assertEquals(3, s.pfnCount(), "PFNs of the pages spanned by ByteCount");
            for (int i = 0; i < 3; i++) {
                long pfn = s.pfns()[i];
                assertTrue(pfn >= BASE >> 12 && pfn <= (BASE >> 12) + 2, () -> "PFN 0x" + Long.toHexString(pfn));
            }
            Use use = d.info().handleUse();
            assertEquals(0x5000, use.pageAllocationBytes(), "charged ROUND_UP(Size, 4096), the size asked for");
            assertEquals(MDL_HEADER_SIZE + 8 * 5, use.mdlPoolBytes() - TABLE_SLOTS);
            int id = r.objectId();
            Dev.refused(d.send(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x2000, 0x2000)),
                    REFUSE_PARTIAL_RANGE);
            d.ok(IOCTL_BUILD_PARTIAL, Requests.buildPartial(Dev.ALL, id, 0x2000, 0x1000));
            d.ok(IOCTL_MAP_SYSTEM, Requests.mapSystem(Dev.ALL, id, NORMAL_PAGE_PRIORITY));
            assertEquals(0x3000, d.info().handleSystemMappingBytes(), "the mapping spans the pages found");
            d.ok(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0x2000, 0x1000));
            Dev.refused(d.send(IOCTL_READ_MAPPED, Requests.readMapped(0, id, 0x2001, 0x1000)), REFUSE_OUT_OF_RANGE);
            d.releaseAll();
            assertEquals(0, d.info().handleUse().pageAllocationBytes(), "the charge went back");
        }
    }

    @Test
    void fullyRequiredWithoutEnoughFramesFailsAtTheDdiAndChargesNothing() {
        try (Dev d = new Dev()) {
            Use before = d.info().handleUse();
            Reply r = d.send(IOCTL_ALLOCATE_PAGES, pages(0x5000, MM_ALLOCATE_FULLY_REQUIRED, MM_CACHED, BASE,
                    BASE + 0x2FFF, 0));
            assertEquals(0xC000009A, r.status().value(), "STATUS_INSUFFICIENT_RESOURCES");
            assertEquals(STAGE_DDI, r.stage());
            assertEquals(DDI_MM_ALLOCATE_PAGES, r.detail());
            assertEquals(before, d.info().handleUse());
            // The frames went back: all three can be had now.
            assertEquals(0x3000, accepted(d, pages(0x3000, MM_ALLOCATE_FULLY_REQUIRED, MM_CACHED, BASE,
                    BASE + 0x2FFF, 0)).value());
        }
    }

    @Test
    void contiguousChunksComeBackAsAlignedRuns() {
        try (Dev d = new Dev()) {
            Reply r = accepted(d, pages(0x8000, MM_ALLOCATE_REQUIRE_CONTIGUOUS_CHUNKS, MM_CACHED, BASE, BASE + 0xF_FFFF,
                    0x4000));
            long[] p = r.after().orElseThrow().pfns();
            assertEquals(8, p.length);
            for (int chunk = 0; chunk < 2; chunk++) {
                assertEquals(0, p[4 * chunk] % 4, "each chunk SkipBytes-aligned");
                for (int i = 1; i < 4; i++) {
                    assertEquals(p[4 * chunk] + i, p[4 * chunk + i], "each chunk contiguous");
                }
            }
        }
    }
}
