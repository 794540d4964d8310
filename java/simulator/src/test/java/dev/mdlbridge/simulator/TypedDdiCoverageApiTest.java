package dev.mdlbridge.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.api.AccessMode;
import dev.mdlbridge.api.AdministratorLimit;
import dev.mdlbridge.api.AdministratorLimits;
import dev.mdlbridge.api.AllocationFlag;
import dev.mdlbridge.api.CacheType;
import dev.mdlbridge.api.DdiException;
import dev.mdlbridge.api.KernelBuffer;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.Mdl;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.api.PageAllocation;
import dev.mdlbridge.api.PageAllocationRequest;
import dev.mdlbridge.api.Reservation;
import dev.mdlbridge.api.SystemMapping;
import dev.mdlbridge.api.UserBuffer;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.MdlFlags;
import dev.mdlbridge.protocol.MdlSnapshot;
import dev.mdlbridge.protocol.NtStatus;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.spi.BackendOptions;
import dev.mdlbridge.spi.SimulatorOptions;
import dev.mdlbridge.spi.UserMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The typed API of the DDI-coverage steps on the simulator: kernel-mode mappings with a cache type, reservations,
 * page allocations from a request, small pool blocks and the administrator limits. Values from
 * WINDOWS-MDL-RULES.md section 14 and CONTRACT.md sections 2, 3.13 and 4.
 */
class TypedDdiCoverageApiTest {

    private static final int PAGE = 4096;

    private static MdlBridge open() {
        return MdlBridge.open("simulator", BackendOptions.none());
    }

    private static byte[] bytes(MdlBridge bridge, long address, int length) {
        byte[] b = new byte[length];
        bridge.memory().read(address, b, 0, length);
        return b;
    }

    private static Info info(MdlBridge bridge) {
        return (Info) bridge.info().orThrow().extra();
    }

    @Test
    void aKernelMappingSetsTheMappedFlagAndEndsWithItsUnmap() {
        try (MdlBridge bridge = open();
             UserBuffer buf = bridge.allocateUserBuffer(2 * PAGE, UserMemory.PAGE_READWRITE);
             Mdl mdl = bridge.allocateMdl(buf.address() + 0x123, 0x1000)) {
            mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.WRITE).orThrow();
            assertEquals(0x008A, mdl.snapshot().mdlFlags(), "locked for write, fixed size");
            long chargedBefore = info(bridge).handleSystemMappingBytes();

            SystemMapping m = mdl.mapKernel(CacheType.CACHED);
            MdlSnapshot mapped = mdl.snapshot();
            assertEquals(0x008B, mapped.mdlFlags(), "14.2: MDL_MAPPED_TO_SYSTEM_VA (0x1) and nothing else");
            assertEquals(m.address(), mapped.mappedSystemVa(), "MappedSystemVa = PTE VA + ByteOffset, the value");
            assertEquals(0x123, mapped.byteOffset());
            assertEquals(0x123, m.address() & 0xFFF);
            assertTrue(m.address() < 0, "a system address");
            assertEquals(List.of(m), mdl.mappings());
            assertEquals(1, bridge.counters().outstandingMappings(), "the mapping object counts as a mapping");
            assertEquals(chargedBefore + 2 * PAGE, info(bridge).handleSystemMappingBytes(),
                    "charged the two pages the MDL spans");

            m.write(0, new byte[] {1, 2, 3});
            assertArrayEquals(new byte[] {1, 2, 3}, m.read(0, 3));
            assertArrayEquals(new byte[] {1, 2, 3}, bytes(bridge, buf.address() + 0x123, 3),
                    "the write reached the user pages");
            assertEquals(m.address(), mdl.systemAddress().orThrow().value(),
                    "MmGetSystemAddressForMdlSafe returns the kernel mapping's address");

            m.unmap();
            assertFalse(m.isMapped());
            assertEquals(0x008A, mdl.snapshot().mdlFlags(), "the unmap clears 0x1, the pages stay locked");
            assertEquals(chargedBefore, info(bridge).handleSystemMappingBytes(), "the charge is given back");
            assertEquals(List.of(), mdl.mappings());
        }
    }

    @Test
    void aSecondSystemMappingOrAnotherCacheTypeIsRefusedAndChangesNothing() {
        try (MdlBridge bridge = open();
             UserBuffer buf = bridge.allocateUserBuffer(PAGE, UserMemory.PAGE_READWRITE);
             Mdl mdl = bridge.allocateMdl(buf.address(), PAGE)) {
            DdiException notLocked = assertThrows(DdiException.class, () -> mdl.mapKernel(CacheType.CACHED));
            assertEquals(Protocol.STAGE_REFUSED, notLocked.step().stage());
            assertEquals(Protocol.REFUSE_MAP_NOT_LOCKED, notLocked.step().detail());

            mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.READ).orThrow();
            DdiException nonCached = assertThrows(DdiException.class, () -> mdl.mapKernel(CacheType.NON_CACHED));
            assertEquals(NtStatus.INVALID_PARAMETER, nonCached.status(), "user pages are MmCached");
            assertEquals(Protocol.PARAM_CACHE_TYPE, nonCached.step().detail());
            assertEquals(0x0A, mdl.snapshot().mdlFlags() & 0xFF, "still only locked");

            try (SystemMapping first = mdl.mapKernel(CacheType.CACHED)) {
                MdlSnapshot before = mdl.query().after();
                DdiException again = assertThrows(DdiException.class, () -> mdl.mapKernel(CacheType.CACHED));
                assertEquals(NtStatus.INVALID_DEVICE_STATE, again.status());
                assertEquals(Protocol.REFUSE_ALREADY_MAPPED, again.step().detail());
                MdlSnapshot after = mdl.query().after();
                assertEquals(before.mdlFlags(), after.mdlFlags());
                assertEquals(before.mappedSystemVa(), after.mappedSystemVa(), "the first mapping is still the one");
                assertEquals(List.of(first), mdl.mappings());
                assertEquals(1, bridge.counters().outstandingMappings());
            }
            assertEquals(0, bridge.counters().outstandingMappings());
        }
    }

    @Test
    void closingTheMdlEndsItsKernelMappingFirst() {
        try (MdlBridge bridge = open();
             UserBuffer buf = bridge.allocateUserBuffer(PAGE, UserMemory.PAGE_READWRITE)) {
            Mdl mdl = bridge.allocateMdl(buf.address(), PAGE);
            mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.READ).orThrow();
            SystemMapping m = mdl.mapKernel(CacheType.CACHED);
            mdl.close();
            assertFalse(m.isMapped());
            assertTrue(bridge.counters().isZero(), bridge.counters().toString());
        }
    }

    @Test
    void aReservedMappingLeavesMappedSystemVaAtTheBaseWithoutByteOffset() {
        try (MdlBridge bridge = open();
             UserBuffer buf = bridge.allocateUserBuffer(3 * PAGE, UserMemory.PAGE_READWRITE);
             Reservation r = bridge.reserveMapping(3 * PAGE);
             Mdl mdl = bridge.allocateMdl(buf.address() + 0x40, 2 * PAGE)) {
            assertEquals(0, r.address() & 0xFFF, "a page-aligned system address");
            assertEquals(3 * PAGE, info(bridge).handleSystemMappingBytes(), "ROUND_UP(size, 4096) charged at once");
            mdl.probeAndLock(AccessMode.USER_MODE, LockOperation.WRITE).orThrow();

            SystemMapping m = r.map(mdl, CacheType.CACHED);
            assertEquals(r.address() + 0x40, m.address(), "14.3.2: the return value includes ByteOffset");
            assertEquals(r.address(), mdl.snapshot().mappedSystemVa(), "MappedSystemVa is the base, without it");
            assertEquals(MdlFlags.MAPPED_TO_SYSTEM_VA, mdl.snapshot().mdlFlags() & 0x21, "0x1, not 0x20");
            assertEquals(r, m.reservation().orElseThrow());
            assertEquals(m, r.mapping().orElseThrow());
            assertEquals(3 * PAGE, info(bridge).handleSystemMappingBytes(), "mapping into it charges nothing more");
            assertEquals(r.address(), mdl.systemAddress().orThrow().value(),
                    "MmGetSystemAddressForMdlSafe returns the base, ByteOffset bytes below the data (reported)");

            m.write(0, new byte[] {9, 8});
            assertArrayEquals(new byte[] {9, 8}, bytes(bridge, buf.address() + 0x40, 2));

            MdlSnapshot before = mdl.query().after();
            DdiException unlock = assertThrows(DdiException.class, () -> mdl.unlock().orThrow());
            assertEquals(Protocol.REFUSE_RESERVED_MAPPING_LIVES, unlock.step().detail());
            assertEquals(before.mdlFlags(), mdl.query().after().mdlFlags(), "the refused unlock changed nothing");
            DdiException free = assertThrows(DdiException.class, () -> bridge.mmFreeMappingAddress(r.id()).orThrow());
            assertEquals(Protocol.REFUSE_RESERVATION_MAPPED, free.step().detail());

            r.unmap(mdl);
            assertFalse(m.isMapped());
            assertTrue(r.mapping().isEmpty());
            assertEquals(0, mdl.snapshot().mdlFlags() & 0x21, "14.3.3: 0x1 and 0x20 cleared");
        }
    }

    @Test
    void aReservationRefusesAnMdlThatDoesNotFitOrASecondOne() {
        try (MdlBridge bridge = open();
             UserBuffer buf = bridge.allocateUserBuffer(3 * PAGE, UserMemory.PAGE_READWRITE);
             Reservation r = bridge.reserveMapping(PAGE);
             Mdl two = bridge.allocateMdl(buf.address() + 0x10, PAGE);
             Mdl one = bridge.allocateMdl(buf.address() + 2 * PAGE, PAGE)) {
            two.probeAndLock(AccessMode.USER_MODE, LockOperation.READ).orThrow();
            one.probeAndLock(AccessMode.USER_MODE, LockOperation.READ).orThrow();
            DdiException small = assertThrows(DdiException.class, () -> r.map(two, CacheType.CACHED));
            assertEquals(Protocol.REFUSE_RESERVATION_TOO_SMALL, small.step().detail(), "two pages into one");
            assertEquals(0, two.query().after().mdlFlags() & MdlFlags.MAPPED_TO_SYSTEM_VA);

            r.map(one, CacheType.CACHED);
            DdiException wrong = assertThrows(DdiException.class, () -> r.unmap(two));
            assertEquals(Protocol.REFUSE_RESERVATION_WRONG_MDL, wrong.step().detail());
            assertTrue(r.mapping().isPresent(), "the refused unmap left the mapping");
            // closing one ends its reserved mapping before it unlocks; two, then the reservation, close after it
        }
    }

    @Test
    void aZeroSizedReservationNamesTheSize() {
        try (MdlBridge bridge = open()) {
            DdiException e = assertThrows(DdiException.class, () -> bridge.reserveMapping(0));
            assertEquals(NtStatus.INVALID_PARAMETER, e.status());
            assertEquals(Protocol.PARAM_SIZE, e.step().detail());
        }
    }

    @Test
    void pageAllocationsStayInTheirRangeAndKeepTheirCacheType() {
        long low = 0x1000_0000L;
        long high = 0x1FFF_FFFFL;
        try (MdlBridge bridge = open();
             PageAllocation pages = bridge.allocatePages(PageAllocationRequest.of(4 * PAGE).lowAddress(low)
                     .highAddress(high).cacheType(CacheType.WRITE_COMBINED).flags(AllocationFlag.FULLY_REQUIRED))) {
            MdlSnapshot s = pages.snapshot();
            assertEquals(4 * PAGE, pages.byteCount());
            assertEquals(MdlFlags.PAGES_LOCKED, s.mdlFlags(), "14.4: MDL_PAGES_LOCKED only");
            assertEquals(0, s.byteOffset());
            for (long pfn : s.pfns()) {
                assertTrue(pfn >= low >> 12 && pfn <= high >> 12, "PFN 0x" + Long.toHexString(pfn) + " in range");
            }
            DdiException cached = assertThrows(DdiException.class, () -> bridge.mmMapLockedPagesSpecifyCache(
                    pages.id(), AccessMode.KERNEL_MODE, CacheType.CACHED.value(), 0, bridge.defaultPriority())
                    .orThrow());
            assertEquals(Protocol.PARAM_CACHE_TYPE, cached.step().detail(), "the pages are write-combined");
            try (SystemMapping m = pages.mapKernel(bridge.defaultPriority())) {
                assertEquals(CacheType.WRITE_COMBINED, m.cacheType());
                assertEquals(m.address(), pages.snapshot().mappedSystemVa(), "ByteOffset 0: the value itself");
                m.write(4 * PAGE - 1, new byte[] {7});
                DdiException past = assertThrows(DdiException.class, () -> m.read(4 * PAGE, 1));
                assertEquals(Protocol.REFUSE_OUT_OF_RANGE, past.step().detail());
            }
        }
    }

    @Test
    void withoutFullyRequiredAShortAllocationDescribesWhatWasFound() {
        long low = 0x2_0000_0000L;
        long high = low + 4 * PAGE - 1;
        try (MdlBridge bridge = open()) {
            try (PageAllocation pages = bridge.allocatePages(PageAllocationRequest.of(8 * PAGE).lowAddress(low)
                    .highAddress(high))) {
                assertEquals(4 * PAGE, pages.byteCount(), "14.4: only the four frames of the range, ByteCount says so");
                assertEquals(8 * PAGE, pages.request().size());
                assertEquals(4, pages.snapshot().pfnCount());
            }
            DdiException full = assertThrows(DdiException.class, () -> bridge.allocatePages(
                    PageAllocationRequest.of(8 * PAGE).lowAddress(low).highAddress(high)
                            .flags(AllocationFlag.FULLY_REQUIRED)));
            assertEquals(NtStatus.INSUFFICIENT_RESOURCES, full.status(), "NULL unless every page is obtained");
            assertEquals(Protocol.DDI_MM_ALLOCATE_PAGES, full.step().detail());
            assertEquals(0, bridge.counters().outstandingMdls());
        }
    }

    @Test
    void aBadRequestRaisesNamingTheField() {
        try (MdlBridge bridge = open()) {
            DdiException range = assertThrows(DdiException.class, () -> bridge.allocatePages(
                    PageAllocationRequest.of(PAGE).lowAddress(0x2000_0000L).highAddress(0x1000_0000L)));
            assertEquals(Protocol.PARAM_ADDRESS_RANGE, range.step().detail());
            DdiException skip = assertThrows(DdiException.class, () -> bridge.allocatePages(
                    PageAllocationRequest.of(PAGE).skipBytes(0x800)));
            assertEquals(Protocol.PARAM_SKIP_BYTES, skip.step().detail());
            DdiException chunks = assertThrows(DdiException.class, () -> bridge.allocatePages(
                    PageAllocationRequest.of(3 * PAGE).skipBytes(2 * PAGE)
                            .flags(AllocationFlag.REQUIRE_CONTIGUOUS_CHUNKS)));
            assertEquals(Protocol.PARAM_SKIP_BYTES, chunks.step().detail(), "3 pages are not whole 2-page chunks");
            assertEquals(0, bridge.counters().outstandingMdls(), "nothing was allocated");
        }
        try (MdlBridge nt52 = MdlBridge.open("simulator", SimulatorOptions.builder().profile("nt52-x64").build())) {
            DdiException flags = assertThrows(DdiException.class, () -> nt52.allocatePages(
                    PageAllocationRequest.of(PAGE).flags(AllocationFlag.NO_WAIT)));
            assertEquals(Protocol.PARAM_FLAGS, flags.step().detail(), "no MM_ALLOCATE_* flag before Windows 7");
        }
    }

    @Test
    void aSmallPoolBlockGivesItsMdlThePageOffset() {
        try (MdlBridge bridge = open();
             KernelBuffer small = bridge.allocateKernelBuffer(100, 0x40);
             Mdl mdl = bridge.allocateMdl(small.address(), 100)) {
            assertEquals(0x40, small.pageOffset());
            assertEquals(0x40, small.address() & 0xFFF, "the buffer is block + pageOffset");
            assertEquals(0x40, mdl.snapshot().byteOffset());
            assertEquals(100, mdl.snapshot().byteCount());
            assertEquals(Protocol.MDL_HEADER_SIZE + 8, mdl.snapshot().size(), "one page spanned");
            mdl.buildForNonPagedPool().orThrow();
            assertEquals(small.address(), mdl.snapshot().mappedSystemVa(), "the pool address itself");
            assertEquals(PAGE, info(bridge).handleUse().kernelBufferBytes(), "charged the block");
        }
        try (MdlBridge bridge = open();
             KernelBuffer small = bridge.allocateKernelBuffer(100, 0x40);
             Mdl past = bridge.allocateMdl(small.address(), 200)) {
            DdiException outside = assertThrows(DdiException.class,
                    () -> past.probeAndLock(AccessMode.KERNEL_MODE, LockOperation.READ).orThrow());
            assertEquals(Protocol.REFUSE_KERNEL_RANGE_REQUIRED, outside.step().detail(),
                    "the range must lie inside [buffer, buffer + 100)");
            assertEquals(0, past.query().after().mdlFlags() & MdlFlags.PAGES_LOCKED, "the refusal locked nothing");
        }
        try (MdlBridge bridge = open()) {
            DdiException odd = assertThrows(DdiException.class, () -> bridge.allocateKernelBuffer(100, 8));
            assertEquals(Protocol.PARAM_PAGE_OFFSET, odd.step().detail(), "not a multiple of 16");
            DdiException big = assertThrows(DdiException.class, () -> bridge.allocateKernelBuffer(100, PAGE));
            assertEquals(Protocol.PARAM_PAGE_OFFSET, big.step().detail(), "not below 4096");
            assertEquals(0, bridge.counters().outstandingKernelBuffers());
        }
    }

    @Test
    void limitsByNameReportDefaultsConfiguredAndClampedValues() {
        try (MdlBridge bridge = open()) {
            AdministratorLimits limits = bridge.limits();
            assertEquals(Protocol.LIMIT_HANDLE_PAGE_ALLOC_BYTES, limits.get("maxPageAllocationBytes").value());
            assertEquals(List.of(), limits.configured());
            assertEquals(List.of(), limits.clamped());
        }
        BackendOptions options = SimulatorOptions.builder().limit("maxPageAllocationBytes", 256L << 20)
                .limit("maxObjects", 8).build();
        try (MdlBridge bridge = MdlBridge.open("simulator", options)) {
            AdministratorLimits limits = bridge.limits();
            AdministratorLimit pages = limits.get("maxPageAllocationBytes");
            assertEquals(256L << 20, pages.value());
            assertTrue(pages.configured());
            assertFalse(pages.clamped());
            AdministratorLimit objects = limits.get("maxObjects");
            assertEquals(16, objects.value(), "8 is below the range 16..65536: clamped to 16");
            assertTrue(objects.configured() && objects.clamped());
            assertEquals(List.of("maxObjects", "maxPageAllocationBytes"),
                    limits.configured().stream().map(AdministratorLimit::name).toList());
            try (PageAllocation big = bridge.allocatePages(PageAllocationRequest.of(128L << 20))) {
                assertEquals(128L << 20, big.byteCount(), "over the 64 MiB default, within the configured 256 MiB");
            }
        }
    }
}
