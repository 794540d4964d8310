package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mdlbridge.spi.BugCheck;
import dev.mdlbridge.spi.UserMemory;
import dev.mdlbridge.spi.UserMemoryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WINDOWS-MDL-RULES.md sections 14.1 (the page owns the cache type), 14.2 (kernel-mode MmMapLockedPagesSpecifyCache
 * with a cache type) and 14.6 (MDL_IO_SPACE) against the simulated kernel, and the PAGE_NOCACHE / PAGE_WRITECOMBINE
 * protection modifiers of user memory.
 */
class CacheTypeAndIoSpaceTest {

    static final int MM_NON_CACHED = 0;
    static final int MM_WRITE_COMBINED = 2;
    static final int PAGE_NOCACHE = 0x200;
    static final int PAGE_WRITECOMBINE = 0x400;

    @ParameterizedTest(name = "cache type {0}")
    @ValueSource(ints = {0, 1, 2})
    void everyTypeHasTheSameMdlEffects_14_2_row2(int cacheType) {
        KernelFixture f = KernelFixture.win10();
        Mdl m = f.locked(f.buffer(0x4000) + 0x160, 0x100, IO_READ);
        long pfn = f.pfns(m, 1)[0];
        assertEquals(0x000A, m.flags());
        long va = f.k.mmMapLockedPagesSpecifyCache(m, cacheType, NORMAL_PRIORITY | NO_EXECUTE);
        assertEquals(0x000B, m.flags(), "0x1 added");
        assertEquals(va, m.mappedSystemVa(), "MappedSystemVa is the returned value");
        assertEquals(0x160, va & 0xFFF, "PTE VA + ByteOffset");
        assertEquals(pfn, f.pfns(m, 1)[0]);
        assertEquals(1, f.k.pfnLockCount(pfn), "lock counts unchanged");
        // 14.1: probed RAM is cached, and a conflicting request is overridden to it (cacheTypeOverride).
        assertEquals(MM_CACHED, f.k.systemMappingCacheType(va));
        f.k.mmUnmapLockedPages(va, m, f.p);
        assertEquals(0x000A, m.flags(), "unmap clears 0x1");
    }

    @Test
    void partialGets0x20_14_2_row2() {
        KernelFixture f = KernelFixture.win10();
        Mdl src = f.locked(f.buffer(0x4000), 0x3000, IO_READ);
        Mdl part = f.mdl(src.virtualAddress() + 0x1000, 0x1000);
        f.k.ioBuildPartialMdl(src, part, src.virtualAddress() + 0x1000, 0x1000);
        f.k.mmMapLockedPagesSpecifyCache(part, MM_CACHED, NORMAL_PRIORITY);
        assertEquals(0x0031, part.flags() & 0x0031, "0x10 | 0x20 | 0x1");
    }

    @Test
    void anUntypedPageTakesTheFirstMappingsTypeAndKeepsIt_14_1_row4() {
        KernelFixture f = KernelFixture.win10();
        Mdl m = f.locked(f.buffer(0x4000), 0x1000, IO_READ);
        long pfn = f.pfns(m, 1)[0];
        f.k.setPageCacheType(pfn, PageCacheTypes.NONE);
        assertEquals(PageCacheTypes.NONE, f.k.pageCacheType(pfn));
        long va = f.k.mmMapLockedPagesSpecifyCache(m, MM_WRITE_COMBINED, NORMAL_PRIORITY);
        assertEquals(MM_WRITE_COMBINED, f.k.systemMappingCacheType(va), "the request is taken");
        assertEquals(MM_WRITE_COMBINED, f.k.pageCacheType(pfn), "and recorded in the page");
        f.k.mmUnmapLockedPages(va, m, f.p);
        assertEquals(MM_WRITE_COMBINED, f.k.pageCacheType(pfn), "unmap does not reset the page's type (14.2)");
        long again = f.k.mmGetSystemAddressForMdlSafe(m, NORMAL_PRIORITY);
        assertEquals(MM_WRITE_COMBINED, f.k.systemMappingCacheType(again), "MmCached is overridden to the page's");
    }

    @Test
    void aTypedPageOverridesAConflictingRequest_14_1_row3() {
        KernelFixture f = KernelFixture.win10();
        Mdl m = f.locked(f.buffer(0x4000), 0x1000, IO_READ);
        long pfn = f.pfns(m, 1)[0];
        f.k.setPageCacheType(pfn, MM_NON_CACHED);   // as MmAllocatePagesForMdlEx(MmNonCached) records it
        long va = f.k.mmGetSystemAddressForMdlSafe(m, NORMAL_PRIORITY);
        assertEquals(MM_NON_CACHED, f.k.systemMappingCacheType(va), "MmCached asked, non-cached given");
    }

    @Test
    void secondKernelMappingIs0xC4_0xB2UnderVerifier_14_2_row5() {
        KernelFixture f = KernelFixture.policies(true, false);
        Mdl m = f.locked(f.buffer(0x4000), 0x1000, IO_READ);
        f.k.mmMapLockedPagesSpecifyCache(m, MM_CACHED, NORMAL_PRIORITY);
        BugCheck b = f.bugChecks(() -> f.k.mmMapLockedPagesSpecifyCache(m, MM_CACHED, NORMAL_PRIORITY));
        assertBugCheck(b, 0xC4, 0xB2);
        assertEquals(0x0001, b.p4(), "the offending flags");
    }

    @Test
    void secondKernelMappingOnAFreeBuildOverwritesMappedSystemVa_14_2_row5() {
        KernelFixture f = KernelFixture.win10();
        Mdl m = f.locked(f.buffer(0x4000), 0x1000, IO_READ);
        long first = f.k.mmMapLockedPagesSpecifyCache(m, MM_CACHED, NORMAL_PRIORITY);
        long second = f.k.mmMapLockedPagesSpecifyCache(m, MM_CACHED, NORMAL_PRIORITY);
        assertNotEquals(first, second);
        assertEquals(second, m.mappedSystemVa());
        assertEquals(0x000B, m.flags());
    }

    @Test
    void ptesExhaustedIsNullAndTheMdlUnchanged_14_2_failure() {
        KernelFixture f = new KernelFixture(KernelConfig.defaults().withFaults(-1, 1, -1));
        Mdl m = f.locked(f.buffer(0x4000), 0x2000, IO_READ);
        assertEquals(0, f.k.mmMapLockedPagesSpecifyCache(m, MM_CACHED, NORMAL_PRIORITY));
        assertEquals(0x000A, m.flags());
    }

    @Test
    void cacheModifiersAreAcceptedByVirtualAllocAndVirtualProtect() {
        KernelFixture f = KernelFixture.win10();
        long nc = f.buffer(0x2000, UserMemory.PAGE_READWRITE | PAGE_NOCACHE);
        assertEquals(UserMemory.PAGE_READWRITE | PAGE_NOCACHE, f.k.queryProtection(f.p, nc));
        long plain = f.buffer(0x3000);
        f.as.protect(plain + 0x1000, 0x1000, UserMemory.PAGE_READWRITE | PAGE_WRITECOMBINE);
        assertEquals(0, f.k.rangeCacheModifiers(f.p, plain, 0x1000));
        assertEquals(PAGE_WRITECOMBINE, f.k.rangeCacheModifiers(f.p, plain, 0x1001), "one byte into the WC page");
        assertEquals(PAGE_NOCACHE, f.k.rangeCacheModifiers(f.p, nc + 0x1FFF, 1));
        for (int bad : new int[] {UserMemory.PAGE_READWRITE | PAGE_NOCACHE | PAGE_WRITECOMBINE,
                UserMemory.PAGE_READWRITE | PAGE_NOCACHE | UserMemory.PAGE_GUARD,
                UserMemory.PAGE_NOACCESS | PAGE_NOCACHE}) {
            UserMemoryException e = assertThrows(UserMemoryException.class, () -> f.buffer(0x1000, bad));
            assertEquals(87, e.win32Error(), "ERROR_INVALID_PARAMETER for 0x" + Integer.toHexString(bad));
        }
        // Reads and writes from the process are unaffected by the memory type.
        f.as.write(nc, new byte[] {7}, 0, 1);
    }

    @Test
    void aProbeOfDeviceMemorySetsIoSpaceAndTakesNoCount_14_6() {
        KernelFixture f = KernelFixture.win10();
        long dev = f.k.mapDeviceMemory(f.p, 2, UserMemory.PAGE_READWRITE);
        Mdl m = f.locked(dev, 0x2000, IO_READ);
        assertEquals(0x080A, m.flags(), "MDL_IO_SPACE | MDL_PAGES_LOCKED | MDL_ALLOCATED_FIXED_SIZE");
        long[] pfns = f.pfns(m, 2);
        for (long pfn : pfns) {
            assertEquals(-1, f.k.pfnLockCount(pfn), "no PFN entry: no reference count");
            assertEquals(0xF0_0000_0000L >>> 12, pfn & ~0xFFFFL, "above RAM");
        }
        assertEquals(2, f.k.numberOfLockedPages(f.p), "the process is charged as for any probe");
        f.k.mmUnlockPages(m);
        assertEquals(0x0008, m.flags(), "MmUnlockPages clears 0x800 (14.6)");
        assertEquals(0, f.k.numberOfLockedPages(f.p));
    }

    @Test
    void oneDevicePageMarksTheWholeMdl_14_6() {
        KernelFixture f = KernelFixture.win10();
        long ram = f.buffer(0x1000);
        Mdl m = f.locked(ram, 0x1000, IO_READ);
        assertEquals(0, m.flags() & 0x800, "RAM: no MDL_IO_SPACE");
        long dev = f.k.mapDeviceMemory(f.p, 1, UserMemory.PAGE_READWRITE);
        Mdl d = f.locked(dev + 0x800, 0x10, IO_WRITE);
        assertEquals(0x800, d.flags() & 0x800);
        f.k.mmUnlockPages(d);
        f.k.mmUnlockPages(m);
        assertEquals(null, f.k.bugCheck());
    }
}
