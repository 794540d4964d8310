package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mdlbridge.spi.BugCheck;
import org.junit.jupiter.api.Test;

/**
 * The reserved-mapping DDIs of WINDOWS-MDL-RULES.md section 14.3 against the simulated kernel: the MDL's fields
 * after each, the header PTEs, and every 0xDA subcode of sections 14.3.1-14.3.4 with its parameters.
 */
class ReservedMappingTest {

    static final int TAG = 0x624C444D;   // 'bLDM'
    static final int SYSTEM_PTE_MISUSE = 0xDA;

    /** A locked one-page user MDL whose ByteOffset is 0x160 (the 14.3.4 lifecycle example). */
    private static Mdl lockedAt0x160(KernelFixture f) {
        long buf = f.buffer(0x4000);
        return f.locked(buf + 0x160, 0x100, IO_READ);
    }

    @Test
    void reservationTakesItsPagesPlusTwoHeaderPtes_14_3_and_14_3_1() {
        KernelFixture f = KernelFixture.win10();
        long before = f.k.census(f.p).systemPtesInUse();
        long base = f.k.mmAllocateMappingAddress(0x5000, TAG);
        assertEquals(0, base & 0xFFF, "page-aligned");
        assertTrue(base < 0, "a system address");
        assertEquals(before + 5 + 2, f.k.census(f.p).systemPtesInUse(), "n + reservationHeaderPtes (2)");
        long one = f.k.mmAllocateMappingAddress(1, TAG);
        assertEquals(before + 7 + 1 + 2, f.k.census(f.p).systemPtesInUse(), "1 byte reserves 1 page");
        assertNotEquals(base, one);
        f.k.mmFreeMappingAddress(one, TAG);
        f.k.mmFreeMappingAddress(base, TAG);
        assertEquals(before, f.k.census(f.p).systemPtesInUse(), "the n + 2 PTEs are released (14.3.4 #4)");
    }

    @Test
    void zeroBytesBugChecks0xDA_0x100_andTagZeroIsNull_14_3_1() {
        KernelFixture f = KernelFixture.win10();
        assertEquals(0, f.k.mmAllocateMappingAddress(0x1000, 0), "PoolTag 0: NULL");
        BugCheck b = f.bugChecks(() -> f.k.mmAllocateMappingAddress(0, TAG));
        assertBugCheck(b, SYSTEM_PTE_MISUSE, 0x100);
        assertEquals(0, b.p2());
        assertEquals(Integer.toUnsignedLong(TAG), b.p3());
    }

    @Test
    void notEnoughPtesIsNull_14_3_1() {
        KernelFixture f = new KernelFixture(KernelConfig.defaults().withFaults(-1, 6, -1));
        assertEquals(0, f.k.mmAllocateMappingAddress(0x5000, TAG), "5 + 2 PTEs do not fit in 6");
        assertNotEquals(0, f.k.mmAllocateMappingAddress(0x4000, TAG), "4 + 2 do");
    }

    @Test
    void mapSetsMappedFlagOnly_MappedSystemVaWithoutByteOffset_returnWithIt_14_3_2() throws Exception {
        KernelFixture f = KernelFixture.win10();
        Mdl m = lockedAt0x160(f);
        long pfn = f.pfns(m, 1)[0];
        assertEquals(0x000A, m.flags());
        long base = f.k.mmAllocateMappingAddress(0x2000, TAG);
        long va = f.k.mmMapLockedPagesWithReservedMapping(base, TAG, m, MM_CACHED);
        assertEquals(base + 0x160, va, "returns MappingAddress + ByteOffset");
        assertEquals(0x000B, m.flags(), "0x1 added, nothing else");
        assertEquals(base, m.mappedSystemVa(), "MappedSystemVa is the base without ByteOffset");
        assertEquals(pfn, f.pfns(m, 1)[0], "the PFN array is unchanged");
        assertEquals(0x160, m.byteOffset());
        assertEquals(MM_CACHED, f.k.systemMappingCacheType(base), "14.1: probed RAM is cached");
        // MmGetSystemAddressForMdlSafe sees 0x1 and returns the base: ByteOffset bytes below the data.
        assertEquals(base, f.k.mmGetSystemAddressForMdlSafe(m, NORMAL_PRIORITY));
        byte[] data = {0x5A};
        f.k.writeKernel(va, data, 0, 1);
        byte[] back = new byte[1];
        f.k.readUser(f.p, m.virtualAddress(), back, 0, 1);
        assertEquals(0x5A, back[0], "the reservation's first PTE maps the MDL's first page");
        f.k.mmUnmapReservedMapping(base, TAG, m);
        assertEquals(0x000A, m.flags(), "14.3.3 #6: 0x1 cleared");
        assertEquals(base, m.mappedSystemVa(), "stale");
        f.k.mmUnlockPages(m);
        f.k.mmFreeMappingAddress(base, TAG);
    }

    @Test
    void partialGetsPartialHasBeenMapped_14_3_2() throws Exception {
        KernelFixture f = KernelFixture.win10();
        Mdl src = f.locked(f.buffer(0x4000), 0x3000, IO_READ);
        Mdl part = f.mdl(src.virtualAddress() + 0x1000, 0x1000);
        f.k.ioBuildPartialMdl(src, part, src.virtualAddress() + 0x1000, 0x1000);
        long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
        f.k.mmMapLockedPagesWithReservedMapping(base, TAG, part, MM_CACHED);
        assertEquals(0x0031 | (part.flags() & 0x8), part.flags(), "0x10 | 0x20 | 0x1");
        f.k.mmUnmapReservedMapping(base, TAG, part);
        assertEquals(0, part.flags() & 0x21, "0x1 and 0x20 cleared");
    }

    @Test
    void unalignedMappingAddressIsRoundedOnWin10Only_14_3_2_reservedMapAlignsAddress() {
        for (Profile profile : new Profile[] {Profiles.WIN10_X64, Profiles.WIN7_X64}) {
            KernelFixture f = KernelFixture.of(profile);
            Mdl m = lockedAt0x160(f);
            long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
            long va = f.k.mmMapLockedPagesWithReservedMapping(base + 4, TAG, m, MM_CACHED);
            long want = profile == Profiles.WIN10_X64 ? base + 0x160 : base + 4 + 0x160;
            assertEquals(want, va, profile.name());
            assertEquals(base + 4, m.mappedSystemVa(), "MappedSystemVa is MappingAddress exactly as passed");
        }
    }

    @Test
    void mdlLargerThanReservationIsNullAndChangesNothing_14_3_2_row3() {
        KernelFixture f = KernelFixture.win10();
        Mdl m = f.locked(f.buffer(0x4000), 0x2000, IO_READ);
        long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
        long msv = m.mappedSystemVa();
        assertEquals(0, f.k.mmMapLockedPagesWithReservedMapping(base, TAG, m, MM_CACHED));
        assertEquals(0x000A, m.flags());
        assertEquals(msv, m.mappedSystemVa());
    }

    @Test
    void mapBugChecks_14_3_2_rows1_2_4() {
        KernelFixture wrongTag = KernelFixture.win10();
        Mdl m1 = lockedAt0x160(wrongTag);
        long b1 = wrongTag.k.mmAllocateMappingAddress(0x1000, TAG);
        // Bit 0 of the tag is ignored: TAG | 1 is the same tag.
        wrongTag.k.mmMapLockedPagesWithReservedMapping(b1, TAG | 1, m1, MM_CACHED);
        wrongTag.k.mmUnmapReservedMapping(b1, TAG, m1);
        BugCheck b = wrongTag.bugChecks(() -> wrongTag.k.mmMapLockedPagesWithReservedMapping(b1, 0x41414141, m1,
                MM_CACHED));
        assertBugCheck(b, SYSTEM_PTE_MISUSE, 0x104);
        assertEquals(b1, b.p2());
        assertEquals(0x41414141L, b.p3());
        assertEquals(Integer.toUnsignedLong(TAG & ~1), b.p4(), "the stored tag, bit 0 cleared");

        KernelFixture freed = KernelFixture.win10();
        Mdl m2 = lockedAt0x160(freed);
        long b2 = freed.k.mmAllocateMappingAddress(0x1000, TAG);
        freed.k.mmFreeMappingAddress(b2, TAG);
        assertBugCheck(freed.bugChecks(() -> freed.k.mmMapLockedPagesWithReservedMapping(b2, TAG, m2, MM_CACHED)),
                SYSTEM_PTE_MISUSE, 0x105);

        KernelFixture inUse = KernelFixture.win10();
        long buf = inUse.buffer(0x4000);
        Mdl a = inUse.locked(buf, 0x1000, IO_READ);
        Mdl c = inUse.locked(buf + 0x2000, 0x1000, IO_READ);
        long b3 = inUse.k.mmAllocateMappingAddress(0x3000, TAG);
        inUse.k.mmMapLockedPagesWithReservedMapping(b3, TAG, a, MM_CACHED);
        BugCheck u = inUse.bugChecks(() -> inUse.k.mmMapLockedPagesWithReservedMapping(b3, TAG, c, MM_CACHED));
        assertBugCheck(u, SYSTEM_PTE_MISUSE, 0x107);
        assertEquals(Reservation.pteAddressOf(b3), u.p3(), "the first non-empty PTE");
        assertEquals(Reservation.pteAddressOf(b3 + 0x3000), u.p4(), "just past the last reservation PTE");
    }

    @Test
    void unmapBugChecks_14_3_3_rows1_to_5() {
        int[] expected = {0x108, 0x109, 0x10A, 0x10B, 0x10C};
        for (int row = 0; row < expected.length; row++) {
            KernelFixture f = KernelFixture.win10();
            long buf = f.buffer(0x8000);
            Mdl two = f.locked(buf, 0x2000, IO_READ);
            Mdl one = f.locked(buf + 0x4000, 0x1000, IO_READ);
            Mdl big = f.locked(buf, 0x5000, IO_READ);
            long base = f.k.mmAllocateMappingAddress(0x3000, TAG);
            f.k.mmMapLockedPagesWithReservedMapping(base, TAG, two, MM_CACHED);
            int r = row;
            BugCheck b = f.bugChecks(() -> {
                switch (r) {
                    case 0 -> f.k.mmUnmapReservedMapping(base, 0x41414141, two);
                    case 1 -> f.k.mmUnmapReservedMapping(base + 0x10000, TAG, two);   // no reservation there
                    case 2 -> f.k.mmUnmapReservedMapping(base, TAG, big);              // 5 pages > 3
                    case 3 -> {
                        f.k.mmUnmapReservedMapping(base, TAG, two);
                        f.k.mmUnmapReservedMapping(base, TAG, two);                   // twice
                    }
                    default -> f.k.mmUnmapReservedMapping(base, TAG, one);             // smaller than mapped
                }
            });
            assertBugCheck(b, SYSTEM_PTE_MISUSE, expected[row]);
            assertEquals(row == 1 ? base + 0x10000 : base, b.p2(), "p2 is the address passed");
            if (row == 2) {
                assertEquals(3 + 2, b.p3(), "the size including the two header PTEs");
                assertEquals(5, b.p4(), "pages the MDL spans");
            }
        }
    }

    @Test
    void unmapWithAnotherMdlOfTheSameSizeSucceeds_14_3_3() {
        KernelFixture f = KernelFixture.win10();
        long buf = f.buffer(0x4000);
        Mdl mapped = f.locked(buf, 0x1000, IO_READ);
        Mdl other = f.locked(buf + 0x2000, 0x1000, IO_READ);
        long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
        f.k.mmMapLockedPagesWithReservedMapping(base, TAG, mapped, MM_CACHED);
        f.k.mmUnmapReservedMapping(base, TAG, other);
        assertEquals(0x000B, mapped.flags(), "the MDL actually mapped keeps a stale 0x1");
        f.k.mmFreeMappingAddress(base, TAG);
    }

    @Test
    void freeBugChecks_14_3_4_rows1_to_3() {
        KernelFixture tag = KernelFixture.win10();
        long b1 = tag.k.mmAllocateMappingAddress(0x1000, TAG);
        assertBugCheck(tag.bugChecks(() -> tag.k.mmFreeMappingAddress(b1, 0x41414141)), SYSTEM_PTE_MISUSE, 0x101);

        KernelFixture twice = KernelFixture.win10();
        long b2 = twice.k.mmAllocateMappingAddress(0x1000, TAG);
        twice.k.mmFreeMappingAddress(b2 + 4, TAG);   // an unaligned address inside the first page is accepted
        assertBugCheck(twice.bugChecks(() -> twice.k.mmFreeMappingAddress(b2, TAG)), SYSTEM_PTE_MISUSE, 0x102);

        KernelFixture mapped = KernelFixture.win10();
        Mdl m = lockedAt0x160(mapped);
        long b3 = mapped.k.mmAllocateMappingAddress(0x2000, TAG);
        mapped.k.mmMapLockedPagesWithReservedMapping(b3, TAG, m, MM_CACHED);
        BugCheck b = mapped.bugChecks(() -> mapped.k.mmFreeMappingAddress(b3, TAG));
        assertBugCheck(b, SYSTEM_PTE_MISUSE, 0x103);
        assertEquals(2, b.p4(), "n, the reservation's pages");
    }

    @Test
    void unlockOfAnMdlMappedIntoAReservationIs0xDA_0x6_14_7() {
        KernelFixture f = KernelFixture.win10();
        Mdl m = lockedAt0x160(f);
        long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
        f.k.mmMapLockedPagesWithReservedMapping(base, TAG, m, MM_CACHED);
        assertBugCheck(f.bugChecks(() -> f.k.mmUnlockPages(m)), SYSTEM_PTE_MISUSE, 0x6);
    }

    @Test
    void touchingAnUnmappedReservationIs0x50_14_3() {
        KernelFixture f = KernelFixture.win10();
        long base = f.k.mmAllocateMappingAddress(0x1000, TAG);
        assertBugCheck(f.bugChecks(() -> f.k.readKernel(base, new byte[1], 0, 1)), 0x50, base);
    }

    @Test
    void everyProfileExportsTheReservedMappingDdis_14_3_availability() {
        for (Profile p : Profiles.ALL) {
            KernelFixture f = KernelFixture.of(p);
            assertTrue(f.k.ddiExported("MmAllocateMappingAddress"), p.name());
            assertTrue(f.k.ddiExported("MmMapLockedPagesWithReservedMapping"), p.name());
            assertEquals(p == Profiles.WIN10_X64, f.k.ddiExported("MmAllocateMappingAddressEx"),
                    p.name() + ": mappingAddressEx");
        }
    }
}
