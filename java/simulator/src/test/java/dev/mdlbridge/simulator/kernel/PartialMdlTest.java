package dev.mdlbridge.simulator.kernel;

import static dev.mdlbridge.simulator.kernel.KernelFixture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.mdlbridge.spi.BugCheck;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Section 3.10 IoBuildPartialMdl, rule 12, and rule 13's MmPrepareMdlForReuse of a mapped partial. */
class PartialMdlTest {

    static Stream<Arguments> subranges() {
        SplittableRandom r = new SplittableRandom(0x9A27);
        return IntStream.range(0, 20).mapToObj(i -> {
            int offset = r.nextInt(0x10 * 4096 - 1);
            int length = r.nextInt(1, 0x10 * 4096 - offset);
            return Arguments.of(offset, length, r.nextBoolean(), r.nextBoolean());
        });
    }

    @ParameterizedTest(name = "offset {0} length {1} mapped {2} write {3}")
    @MethodSource("subranges")
    void partialFieldsFollowTheFormula(int offset, int length, boolean sourceMapped, boolean write) {
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x11000) + 0x300;
        Mdl src = m.locked(base, 0x10 * 4096, write ? IO_WRITE : IO_READ);   // 17 pages
        if (sourceMapped) {
            m.k.mmGetSystemAddressForMdlSafe(src, NORMAL_PRIORITY);
        }
        long va = base + offset;
        Mdl tgt = m.mdl(va, length);
        int size = tgt.size();
        m.k.ioBuildPartialMdl(src, tgt, va, length);
        // (target & (0x8|0x4000)) | (source & (0x40|0x4|0x1|0x800)) | 0x10: never 0x2, never 0x80.
        int expected = 0x8 | (src.flags() & 0x845) | 0x10;
        assertEquals(expected, tgt.flags());
        assertEquals(sourceMapped ? 0x19 : 0x18, tgt.flags());
        assertEquals(va & ~0xFFFL, tgt.startVa());
        assertEquals(va & 0xFFF, tgt.byteOffset());
        assertEquals(length, tgt.byteCount());
        assertEquals(src.process(), tgt.process());
        assertEquals(size, tgt.size(), "Size untouched");
        assertEquals(src.mappedSystemVa() + offset, tgt.mappedSystemVa());
        int first = (int) (((va & ~0xFFFL) - src.startVa()) >> 12);
        int pages = (int) (((va & 0xFFF) + length + 0xFFF) >> 12);
        for (int i = 0; i < pages; i++) {
            assertEquals(src.pfn(first + i), tgt.pfn(i), "PFN[" + i + "] = source PFN[" + (first + i) + "]");
            assertEquals(1, m.k.pfnLockCount(tgt.pfn(i)), "no references taken");
        }
    }

    @Test
    void lengthZeroMeansTheRestOfTheSource() {
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x4000, IO_READ);
        Mdl tgt = m.mdl(base, 0x4000);
        m.k.ioBuildPartialMdl(src, tgt, base + 0x1800, 0);
        assertEquals(0x2800, tgt.byteCount());
        assertEquals(0x800, tgt.byteOffset());
        assertEquals(src.pfn(1), tgt.pfn(0));
        assertEquals(src.pfn(3), tgt.pfn(2));
    }

    @Test
    void mappingAPartialSets0x20AndIoFreeMdlUnmapsIt() {
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x4000, IO_READ);
        Mdl tgt = m.mdl(base + 0x1000, 0x2000);
        m.k.ioBuildPartialMdl(src, tgt, base + 0x1010, 0x1000);
        assertEquals(0x18, tgt.flags());
        long sysVa = m.k.mmGetSystemAddressForMdlSafe(tgt, NORMAL_PRIORITY);
        assertEquals(0x39, tgt.flags(), "0x1 | 0x20 on the partial");
        assertEquals(0x10, sysVa & 0xFFF);
        assertEquals(0xA, src.flags(), "the source is not mapped");
        byte[] b = new byte[1];
        m.k.readKernel(sysVa, b, 0, 1);
        m.k.ioFreeMdl(tgt);   // MmPrepareMdlForReuse: 0x20 -> MmUnmapLockedPages
        assertBugCheck(m.bugChecks(() -> m.k.readKernel(sysVa, b, 0, 1)), 0x50, sysVa);
    }

    @Test
    void aPartialOfAMappedSourceInheritsTheMappingAndItsFreeLeavesIt() {
        KernelFixture m = KernelFixture.policies(true, false);   // the Verifier must not see a mapped non-partial here (0xB8)
        long base = m.buffer(0x3000);
        Mdl src = m.locked(base, 0x3000, IO_READ);
        long srcVa = m.k.mmGetSystemAddressForMdlSafe(src, NORMAL_PRIORITY);
        Mdl tgt = m.mdl(base + 0x1000, 0x1000);
        m.k.ioBuildPartialMdl(src, tgt, base + 0x1000, 0x1000);
        assertEquals(0x19, tgt.flags());
        assertEquals(srcVa + 0x1000, m.k.mmGetSystemAddressForMdlSafe(tgt, NORMAL_PRIORITY), "0x1: returns MappedSystemVa");
        m.k.ioFreeMdl(tgt);
        byte[] b = new byte[1];
        m.k.readKernel(srcVa + 0x1000, b, 0, 1);   // still mapped: the source owns it
        assertEquals(0xB, src.flags());
    }

    @Test
    void win10BugChecks0x12EOutsideTheSource() {
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x2000, IO_READ);
        Mdl tgt = m.mdl(base, 0x4000);
        BugCheck b = m.bugChecks(() -> m.k.ioBuildPartialMdl(src, tgt, base + 0x1000, 0x2000));
        // [D] p1 = MDL, p2 = range start, p3 = range length.
        assertEquals(0x12E, b.code());
        assertEquals(src.address(), b.p1());
        assertEquals(base + 0x1000, b.p2());
        assertEquals(0x2000, b.p3());
    }

    @Test
    void win10BugChecks0x12EBelowTheSource() {
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base + 0x1000, 0x2000, IO_READ);
        Mdl tgt = m.mdl(base, 0x1000);
        assertEquals(0x12E, m.bugChecks(() -> m.k.ioBuildPartialMdl(src, tgt, base, 0x1000)).code());
    }

    @Test
    void win10BugChecks0x12EForAStartBeyondTheSourceWithLengthZero() {
        // Length 0 = "the rest of the source": a start past the end has no rest; it is outside the source.
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x2000, IO_READ);
        Mdl tgt = m.mdl(base, 0x4000);
        assertEquals(0x12E, m.bugChecks(() -> m.k.ioBuildPartialMdl(src, tgt, base + 0x3000, 0)).code());
    }

    @Test
    void nt52DoesNotCheckTheRangeAndCopiesGarbage() {
        KernelFixture m = KernelFixture.of(Profiles.NT52_X64);
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x1000, IO_READ);
        Mdl tgt = m.mdl(base, 0x4000);
        m.k.ioBuildPartialMdl(src, tgt, base, 0x3000);
        assertEquals(null, m.k.bugCheck());
        assertEquals(src.pfn(0), tgt.pfn(0));
        assertEquals(0x3000, tgt.byteCount());
        assertEquals(0x18, tgt.flags());
    }

    @Test
    void targetTooSmallIsBugCheck0x40() {
        // WRK: TARGET_MDL_TOO_SMALL. The target is a driver-storage MDL with one PFN slot.
        KernelFixture m = KernelFixture.win10();
        long base = m.buffer(0x4000);
        Mdl src = m.locked(base, 0x4000, IO_READ);
        Mdl tgt = m.k.allocateAndInitializeMdl(base, 0x1000, 0x6C644D);
        var b = m.bugChecks(() -> m.k.ioBuildPartialMdl(src, tgt, base, 0x3000));
        assertEquals(0x40, b.code());
        assertEquals(1, tgt.pfnCapacity());
    }
}
