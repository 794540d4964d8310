package dev.mdlbridge.simulator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** WINDOWS-MDL-RULES.md rule 3 and section 3.1: IoAllocateMdl's flags, limits per profile, Irp chaining. */
class IoAllocateMdlTest {

    @ParameterizedTest(name = "offset {0} length {1}: flags {2}")
    @CsvSource({
            "0, 1, 8",            // 1 page: lookaside
            "0, 0x17000, 8",      // 23 pages: still the fixed-size MDL
            "0, 0x17001, 0",      // 24 pages: pool, no 0x8
            "0x800, 0x16800, 8",  // 23 pages exactly
            "0x800, 0x17000, 0",  // 23 pages of length, unaligned: spans 24
            "0, 0, 8",            // zero length: 0 pages, fixed size
            "0x10, 0, 8"})        // zero length, unaligned: 1 page
    void fixedSizeFlagFollowsThe23PageThreshold(String offset, String length, int flags) {
        // Rule 3; the 23-page threshold on Win10 is [I]: this asserts the profile's setting (fixedSizeMdlPfns).
        KernelFixture m = KernelFixture.win10();
        assertEquals(23, m.k.profile().fixedSizeMdlPfns());
        Mdl mdl = m.mdl(0x10000 + Long.decode(offset), Long.decode(length));
        assertEquals(flags, mdl.flags());
    }

    @Test
    void zeroLengthGivesSize48Aligned56Unaligned() {
        // Section 3.1 "Zero length" [I]: a valid MDL, ByteCount 0, flag 0x8.
        KernelFixture m = KernelFixture.win10();
        Mdl aligned = m.mdl(0x10000, 0);
        assertEquals(48, aligned.size());
        assertEquals(0, aligned.byteCount());
        assertEquals(0x8, aligned.flags());
        Mdl unaligned = m.mdl(0x10010, 0);
        assertEquals(56, unaligned.size());
        assertEquals(0x8, unaligned.flags());
    }

    @Test
    void nt52RejectsBit31AndMoreThan8185Pages() {
        // Section 3.1 profile table, NT52 row: bit 31 -> NULL; 48 + 8 * pages > 0xFFFF -> NULL.
        KernelFixture m = KernelFixture.of(Profiles.NT52_X64);
        assertNull(m.k.ioAllocateMdl(0, 0x8000_0000, false, null));
        assertNull(m.k.ioAllocateMdl(0, 0xFFFF_F000, false, null));
        assertNull(m.k.ioAllocateMdl(0, 8186 * 4096, false, null), "48 + 8 * 8186 = 65536 > 65535");
        assertNull(m.k.ioAllocateMdl(0x800, 8185 * 4096, false, null), "unaligned: spans 8186 pages");
        Mdl max = m.k.ioAllocateMdl(0, 8185 * 4096, false, null);
        assertNotNull(max, "8185 pages = 33,525,760 bytes is the x64 maximum");
        assertEquals(0xFFF8, max.size());
        assertEquals(0, max.flags(), "a pool MDL");
    }

    @Test
    void win10AcceptsUpTo4GiBMinus4KiB() {
        // Section 3.1 WIN7PLUS row [D]: NULL above 4 GB - PAGE_SIZE; nothing about bit 31 or the 0xFFFF size.
        KernelFixture m = KernelFixture.win10();
        Mdl big = m.k.ioAllocateMdl(0, 0xFFFF_F000, false, null);
        assertNotNull(big);
        assertEquals(0xFFFF_F000L, Integer.toUnsignedLong(big.byteCount()));
        assertEquals((48 + 8 * 0xFFFFFL) & 0xFFFF, big.size(), "Size wraps (16 bits)");
        assertEquals(0xFFFFF, big.pfnCapacity());
        assertNull(m.k.ioAllocateMdl(0, 0xFFFF_F001, false, null));
        assertNull(m.k.ioAllocateMdl(0, -1, false, null));
        assertNotNull(m.k.ioAllocateMdl(0, 0x8000_0000, false, null), "bit 31 alone is fine on Win7+");
        assertNotNull(m.k.ioAllocateMdl(0, 8186 * 4096, false, null), "more than 8185 pages is fine on Win7+");
    }

    @Test
    void win7HasTheSameLengthLimitAsWin10() {
        KernelFixture m = KernelFixture.of(Profiles.WIN7_X64);
        assertNotNull(m.k.ioAllocateMdl(0, 0xFFFF_F000, false, null));
        assertNull(m.k.ioAllocateMdl(0, 0xFFFF_F001, false, null));
    }

    @Test
    void undefinedFieldsHoldPoisonNotZeroNorPlausibleFrames() {
        // Rule 3 / section 3.1 step 4: Process, MappedSystemVa and PFN[] are not initialised (Win10: garbage).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x3000), 0x3000);
        assertNotEquals(0, mdl.process());
        assertNotEquals(m.p.eprocess(), mdl.process());
        assertNotEquals(0, mdl.mappedSystemVa());
        for (int i = 0; i < mdl.pfnCapacity(); i++) {
            long pfn = mdl.pfn(i);
            assertNotEquals(0, pfn);
            assertNotEquals(-1, pfn);
            assertEquals(-1, m.k.pfnLockCount(pfn), () -> KernelFixture.hex(pfn) + " is a frame of this machine");
            assertTrue(Long.compareUnsigned(pfn, 16L << 30 >>> 12) >= 0, "beyond 16 GiB of RAM");
        }
    }

    @Test
    void virtualAddressIsNotValidated() {
        // Section 3.1 Errors: NULL or kernel addresses are accepted; only a NULL return, never a raise.
        KernelFixture m = KernelFixture.win10();
        Mdl kernel = m.mdl(0xFFFF_8000_0000_1234L, 0x100);
        assertEquals(0xFFFF_8000_0000_1000L, kernel.startVa());
        assertEquals(0x234, kernel.byteOffset());
        Mdl zero = m.mdl(0, 0x1000);
        assertEquals(0, zero.startVa());
    }

    @Test
    void secondaryBuffersAppendAtTheTailOfTheIrpChain() {
        // Section 3.1 step 5: SecondaryBuffer appends at the tail; !SecondaryBuffer overwrites MdlAddress.
        KernelFixture m = KernelFixture.win10();
        Irp irp = m.k.allocateIrp(m.p);
        Mdl a = m.k.ioAllocateMdl(m.buffer(0x1000), 0x1000, false, irp);
        Mdl b = m.k.ioAllocateMdl(m.buffer(0x2000), 0x2000, true, irp);
        Mdl c = m.k.ioAllocateMdl(m.buffer(0x3000), 0x3000, true, irp);
        assertSame(a, irp.mdlAddress());
        assertEquals(b.address(), a.next());
        assertEquals(c.address(), b.next());
        assertSame(c, b.nextMdl());
        assertEquals(0, c.next());
        Mdl d = m.k.ioAllocateMdl(m.buffer(0x1000), 0x1000, false, irp);
        assertSame(d, irp.mdlAddress(), "overwritten, the old chain is not freed or linked");
        assertEquals(0, d.next());
    }

    @Test
    void withoutAnIrpNothingIsChained() {
        KernelFixture m = KernelFixture.win10();
        Mdl a = m.mdl(m.buffer(0x1000), 0x1000);
        Mdl b = m.mdl(m.buffer(0x1000), 0x1000);
        assertEquals(0, a.next());
        assertEquals(0, b.next());
        assertNotEquals(a.address(), b.address());
        assertTrue(a.address() < 0, "MDLs live in kernel pool");
    }
}
