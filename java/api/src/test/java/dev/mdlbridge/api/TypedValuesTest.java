package dev.mdlbridge.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.protocol.Counters;
import dev.mdlbridge.protocol.Info;
import dev.mdlbridge.protocol.Limits;
import dev.mdlbridge.protocol.Protocol;
import dev.mdlbridge.protocol.Use;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The typed values carry the protocol's numbers: cache types, allocation flags, limits by name, NAME=VALUE. */
class TypedValuesTest {

    @Test
    void cacheTypesAreTheMemoryCachingTypeValues() {
        assertEquals(0, CacheType.NON_CACHED.value());
        assertEquals(1, CacheType.CACHED.value());
        assertEquals(2, CacheType.WRITE_COMBINED.value());
        assertEquals(CacheType.WRITE_COMBINED, CacheType.of(2));
        assertEquals(CacheType.NON_CACHED, CacheType.parse("MmNonCached"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CacheType.of(3));
        assertTrue(e.getMessage().startsWith("cacheType 3 is not one the contract accepts"), e.getMessage());
    }

    @Test
    void allocationFlagsAreTheAcceptedBits() {
        assertEquals(0x4, AllocationFlag.FULLY_REQUIRED.bit());
        assertEquals(0x20, AllocationFlag.REQUIRE_CONTIGUOUS_CHUNKS.bit());
        assertEquals(Protocol.MM_ALLOCATE_ACCEPTED_FLAGS, AllocationFlag.bits(EnumSet.allOf(AllocationFlag.class)));
        assertEquals(0, AllocationFlag.bits(Set.of()));
    }

    @Test
    void aRequestDefaultsToThePlainAllocation() {
        PageAllocationRequest r = PageAllocationRequest.of(8192);
        assertEquals(0L, r.lowAddress());
        assertEquals(-1L, r.highAddress(), "MAXULONG64: anywhere");
        assertEquals(0L, r.skipBytes());
        assertEquals(CacheType.CACHED, r.cacheType());
        assertEquals(Set.of(), r.flags());
        r.lowAddress(0x100000).highAddress(0xFFFF_FFFFL).skipBytes(0x10000).cacheType(CacheType.WRITE_COMBINED)
                .flags(AllocationFlag.FULLY_REQUIRED, AllocationFlag.NO_WAIT);
        assertEquals("MmAllocatePagesForMdlEx(0x100000, 0xFFFFFFFF, 0x10000, 8192, MmWriteCombined, 0xC)",
                r.toString());
        assertEquals(Set.of(AllocationFlag.NO_WAIT), r.flags(AllocationFlag.NO_WAIT).flags(), "flags replace");
    }

    @Test
    void limitSettingsParseSizesAndNameTheirRange() {
        LimitSetting s = LimitSetting.parse("maxPageAllocationBytes=2G");
        assertEquals(Protocol.LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES, s.index());
        assertEquals(2L << 30, s.value());
        assertEquals(s, s.checkRange());
        assertEquals(0x10000L, LimitSetting.parse("maxKernelBufferBytes=64K").value());
        assertEquals(0x10000L, LimitSetting.parse("maxKernelBufferBytes=0x10000").value());
        assertEquals(512L, LimitSetting.parse("driverMaxHandles= 512 ").value());

        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> LimitSetting.parse("maxPageAllocationBytes=128G").checkRange());
        assertEquals("maxPageAllocationBytes=137438953472 (128 GiB) is outside its range 64 KiB..64 GiB: give a value "
                + "in that range (the driver would clamp it to 68719476736 (64 GiB))", range.getMessage());
        IllegalArgumentException low = assertThrows(IllegalArgumentException.class,
                () -> LimitSetting.parse("maxObjects=8").checkRange());
        assertEquals("maxObjects=8 is outside its range 16..65536: give a value in that range (the driver would "
                + "clamp it to 16)", low.getMessage());
        assertFalse(LimitSetting.parse("driverMaxHandles=0").inRange());

        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> LimitSetting.parse("maxBytes=1"));
        assertTrue(unknown.getMessage().startsWith("there is no limit 'maxBytes'; the limits are maxObjects, "),
                unknown.getMessage());
        assertEquals("there is no limit 'MaxObjects': did you mean 'maxObjects'?", assertThrows(
                IllegalArgumentException.class, () -> LimitSetting.parse("MaxObjects=100")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSetting.parse("maxObjects=lots"))
                .getMessage().startsWith("maxObjects=lots is not a number"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSetting.parse("maxObjects"))
                .getMessage().contains("is not NAME=VALUE"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSetting.parse("maxObjects=-5"))
                .getMessage().contains("never negative"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSetting.parse("maxLockedBytes=9999999T"))
                .getMessage().contains("too large"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> LimitSetting.parse("maxLockedBytes="))
                .getMessage().contains("no value given"));
    }

    @Test
    void limitsByNameCarryTheConfiguredAndClampedBits() {
        int configured = 1 << Protocol.LIMIT_NAME_MAX_PAGE_ALLOCATION_BYTES | 1 << Protocol.LIMIT_NAME_DRIVER_MAX_HANDLES;
        int clamped = 1 << Protocol.LIMIT_NAME_DRIVER_MAX_HANDLES;
        AdministratorLimits limits = AdministratorLimits.of(info(configured, clamped));
        assertEquals(Protocol.LIMIT_NAME_COUNT, limits.all().size());
        AdministratorLimit pages = limits.get("maxPageAllocationBytes");
        assertEquals(2L << 30, pages.value());
        assertTrue(pages.configured());
        assertFalse(pages.clamped());
        assertEquals(0x10000L, pages.min());
        assertEquals(0x10_0000_0000L, pages.max());
        assertEquals("maxPageAllocationBytes 2147483648 (2 GiB) configured", pages.toString());
        assertEquals("driverMaxHandles 4096 configured clamped", limits.get("driverMaxHandles").toString());
        assertEquals(Protocol.LIMIT_HANDLE_OBJECTS, limits.get("maxObjects").value());
        assertEquals(Protocol.LIMIT_DRIVER_SYSTEM_MAPPING_BYTES, limits.get("driverMaxSystemMappingBytes").value());
        assertEquals(List.of("maxPageAllocationBytes", "driverMaxHandles"),
                limits.configured().stream().map(AdministratorLimit::name).toList());
        assertEquals(List.of("driverMaxHandles"), limits.clamped().stream().map(AdministratorLimit::name).toList());
        assertThrows(IllegalArgumentException.class, () -> limits.get("nope"));
    }

    /** An Info with the default limits but 2 GiB of page allocations per handle and 4096 handles. */
    private static Info info(int configured, int clamped) {
        Limits handle = new Limits(Protocol.LIMIT_HANDLE_OBJECTS, Protocol.LIMIT_HANDLE_LOCKED_BYTES,
                Protocol.LIMIT_HANDLE_KERNEL_BUFFER_BYTES, 2L << 30, Protocol.LIMIT_HANDLE_MDL_POOL_BYTES);
        Limits driver = new Limits(Protocol.LIMIT_DRIVER_OBJECTS, Protocol.LIMIT_DRIVER_LOCKED_BYTES,
                Protocol.LIMIT_DRIVER_KERNEL_BUFFER_BYTES, Protocol.LIMIT_DRIVER_PAGE_ALLOC_BYTES,
                Protocol.LIMIT_DRIVER_MDL_POOL_BYTES);
        Use none = new Use(Counters.ZERO, 0, 0, 0, 0, 0);
        return new Info(Protocol.DRIVER_VERSION, Protocol.PROTOCOL_VERSION, 10, 0, 19045, Protocol.ARCH_AMD64, 4096, 8,
                48, Protocol.MAX_INLINE_PFNS, 65536, Protocol.MAX_CHAIN_RANGES, 0x7FFF_FFFE_FFFFL, 0x7FFF_FFFF_0000L, 4,
                false, handle, driver, none, none, none, 0, true, 1, 4096, Protocol.LIMIT_HANDLE_SYSTEM_MAPPING_BYTES,
                Protocol.LIMIT_DRIVER_SYSTEM_MAPPING_BYTES, 0, 0, 0, configured, clamped);
    }
}
