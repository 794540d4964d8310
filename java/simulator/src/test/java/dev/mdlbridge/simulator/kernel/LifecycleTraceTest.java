package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The section 3.14 lifecycle trace, rule 7 (unlock) and rule 10 (flag trace). */
class LifecycleTraceTest {

    @ParameterizedTest(name = "operation {0} pages {1}")
    @CsvSource({
            // operation, pages, then the five flag values of rule 10: alloc, probe, map, unmap, unlock
            "0, 1, 8, A, B, A, 8",
            "1, 1, 8, 8A, 8B, 8A, 88",
            "2, 23, 8, 8A, 8B, 8A, 88",
            "0, 24, 0, 2, 3, 2, 0",
            "1, 24, 0, 82, 83, 82, 80"})
    void flagsFollowTheCanonicalTrace(int operation, int pages, String alloc, String probed, String mapped,
                                      String unmapped, String unlocked) {
        KernelFixture m = KernelFixture.win10();
        long length = pages * 4096L - 0x200;
        long va = m.buffer(pages * 4096L) + 0x200;   // unaligned, still exactly `pages` pages
        Mdl mdl = m.mdl(va, length);
        assertEquals(hex(alloc), mdl.flags());

        m.lock(mdl, USER_MODE, operation);
        assertEquals(hex(probed), mdl.flags());
        assertEquals(m.p.eprocess(), mdl.process());
        assertEquals(pages, m.k.numberOfLockedPages(m.p));
        long[] pfns = m.pfns(mdl, pages);
        for (long pfn : pfns) {
            assertEquals(1, m.k.pfnLockCount(pfn));
        }

        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY | NO_EXECUTE);
        assertEquals(hex(mapped), mdl.flags());
        assertEquals(sysVa, mdl.mappedSystemVa());
        // MappedSystemVa = system PTE base + ByteOffset: a new VA, not the user address.
        assertEquals(0x200, sysVa & 0xFFF);
        assertTrue(Long.compareUnsigned(sysVa, SimKernel.SYSTEM_PTE_BASE) >= 0);
        assertEquals(sysVa, m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY), "idempotent (section 3.7)");

        m.k.mmUnmapLockedPages(sysVa, mdl, m.p);
        assertEquals(hex(unmapped), mdl.flags());
        assertEquals(sysVa, mdl.mappedSystemVa(), "stale after unmap (rule 9)");

        m.k.mmUnlockPages(mdl);
        assertEquals(hex(unlocked), mdl.flags());
        assertEquals(m.p.eprocess(), mdl.process(), "unlock leaves Process");
        assertEquals(sysVa, mdl.mappedSystemVa(), "still stale");
        assertEquals(0, m.k.numberOfLockedPages(m.p));
        for (int i = 0; i < pages; i++) {
            assertEquals(0, m.k.pfnLockCount(pfns[i]));
            // Rule 7: PMMPFN pointers after unlock (NT 5.2 evidence; the profile's unlockWritesPmmpfn setting).
            assertEquals(Poison.PFN_DATABASE + pfns[i] * 0x30, mdl.pfn(i), "PFN[" + i + "]");
        }
        assertTrue(m.k.profile().unlockWritesPmmpfn());
    }

    @ParameterizedTest(name = "operation {0}")
    @CsvSource({"0, A, 8", "1, 8A, 88"})
    void unlockOfAMappedMdlUnmapsIt(int operation, String probed, String unlocked) {
        // Section 3.5 step 1: MAPPED_TO_SYSTEM_VA -> MmUnmapLockedPages; the system VA no longer maps.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.locked(m.buffer(0x2000), 0x2000, operation);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        assertEquals(hex(probed) | 1, mdl.flags());
        m.k.mmUnlockPages(mdl);
        assertEquals(hex(unlocked), mdl.flags());
        assertBugCheck(m.bugChecks(() -> m.k.readKernel(sysVa, new byte[1], 0, 1)), 0x50, sysVa);
    }

    @ParameterizedTest(name = "operation {0}")
    @CsvSource({"0", "1"})
    void systemMappingSeesTheUserPages(int operation) {
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(0x2000);
        m.as.write(va + 0xFFE, new byte[] {1, 2, 3, 4}, 0, 4);
        Mdl mdl = m.locked(va + 0xFFE, 4, operation);
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY);
        byte[] b = new byte[4];
        m.k.readKernel(sysVa, b, 0, 4);
        assertEquals("[1, 2, 3, 4]", java.util.Arrays.toString(b), "across the page boundary");
        m.k.writeKernel(sysVa, new byte[] {9}, 0, 1);
        byte[] u = new byte[1];
        m.as.read(va + 0xFFE, u, 0, 1);
        assertEquals(9, u[0]);
    }

    static Stream<Arguments> randomLifecycles() {
        SplittableRandom r = new SplittableRandom(0x3147);
        return IntStream.range(0, 25).mapToObj(i -> Arguments.of(r.nextInt(0x1000), r.nextInt(1, 60 * 4096),
                r.nextInt(3), r.nextBoolean()));
    }

    @ParameterizedTest(name = "offset {0} length {1} op {2} map {3}")
    @MethodSource("randomLifecycles")
    void countsComeBackToZeroAndFlagsFollowTheFormula(int offset, int length, int operation, boolean map) {
        // Invariant of section 3.13: every +1 of a probe has its -1 in the unlock, whatever the geometry.
        KernelFixture m = KernelFixture.win10();
        long va = m.buffer(64 * 4096) + offset;
        int pages = (offset + length + 0xFFF) >>> 12;
        int fixed = pages <= 23 ? 0x8 : 0;
        int write = operation == IO_READ ? 0 : 0x80;
        Mdl mdl = m.locked(va, length, operation);
        assertEquals(fixed | write | 0x2, mdl.flags());
        assertEquals(pages, m.k.numberOfLockedPages(m.p));
        long[] pfns = m.pfns(mdl, pages);
        if (map) {
            assertEquals(offset, m.k.mmGetSystemAddressForMdlSafe(mdl, NORMAL_PRIORITY) & 0xFFF);
            assertEquals(fixed | write | 0x3, mdl.flags());
        }
        m.k.mmUnlockPages(mdl);
        assertEquals(fixed | write, mdl.flags());
        assertEquals(0, m.k.numberOfLockedPages(m.p));
        for (long pfn : pfns) {
            assertEquals(0, m.k.pfnLockCount(pfn));
        }
    }

    private static int hex(String s) {
        return Integer.parseInt(s, 16);
    }
}
