package dev.mdlbridge.simulator.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** WINDOWS-MDL-RULES.md section 0 rules 1-2 and section 2: the x64 layout and the Size arithmetic. */
class MdlLayoutTest {

    @ParameterizedTest(name = "MmSizeOfMdl({0}, {1}) = {2}")
    @CsvSource({
            // The WDUTF values quoted in sections 1.2 and 2: a 48-byte header, 8 bytes a PFN.
            "0x0, 0, 48",
            "0x0, 1, 56",
            "0xFFF, 2, 64",
            "0x1000, 0x1000, 56",
            "0x1001, 0x1000, 64",
            "0x0, 0x17000, 232"})
    void mmSizeOfMdlIsHeaderPlusEightBytesAPage(String va, long length, long expected) {
        KernelFixture m = KernelFixture.win10();
        assertEquals(expected, m.k.mmSizeOfMdl(Long.decode(va), length));
    }

    @Test
    void mmSizeOfMdlDoesNotTruncateButSizeDoes() {
        // Section 2: MmSizeOfMdl is SIZE_T; the CSHORT Size wraps above 8185 pages on x64.
        KernelFixture m = KernelFixture.win10();
        long length = 8186L * 4096;
        assertEquals(48 + 8 * 8186, m.k.mmSizeOfMdl(0x10000, length));
        assertEquals((48 + 8 * 8186) & 0xFFFF, m.mdl(m.buffer(length), length).size(), "65536 wraps to 0");
        assertEquals(0, m.mdl(0x10000, length).size());
    }

    @ParameterizedTest(name = "{0} pages -> Size 0x{1}")
    @CsvSource({"1, 38", "23, E8", "24, F0", "8185, FFF8", "8186, 0", "8187, 8", "10000, 38B0"})
    void sizeIsTheLow16BitsOf48Plus8PerPage(long pages, String sizeHex) {
        // Rule 2: computed from the described buffer, cast to CSHORT; Win10 accepts more than 8185 pages.
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(0x10000, pages * 4096);
        assertEquals(Integer.parseInt(sizeHex, 16), mdl.size());
        assertEquals((int) ((48 + 8 * pages) & 0xFFFF), mdl.size());
    }

    @Test
    void aOnePageMdlFromTheLookasideSays56NotItsAllocation() {
        // Rule 2: Size = 56 although the lookaside block holds 23 PFNs (232 bytes).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(m.buffer(0x1000) + 0x160, 0x10);
        assertEquals(56, mdl.size());
        assertEquals(23, mdl.pfnCapacity(), "a 232-byte lookaside MDL");
        assertEquals(0x160, mdl.byteOffset());
        assertEquals(0x10, mdl.byteCount());
        assertEquals(0, mdl.startVa() & 0xFFF);
    }

    static Stream<Arguments> randomBuffers() {
        // Seeded so a failure is reproducible; offsets 0..0xFFF and lengths up to 40 pages.
        SplittableRandom r = new SplittableRandom(0xC0FFEE);
        return LongStream.range(0, 40).mapToObj(i -> Arguments.of(
                0x0000_0200_0000_0000L + (r.nextLong(1 << 20) << 12) + r.nextInt(0x1000),
                (long) r.nextInt(1, 40 * 4096)));
    }

    @ParameterizedTest(name = "va {0} len {1}")
    @MethodSource("randomBuffers")
    void mmInitializeMdlFieldsFollowTheMacros(long va, long length) {
        // Section 2: StartVa = PAGE_ALIGN(va), ByteOffset = BYTE_OFFSET(va), ByteCount = len, Next = NULL,
        // Size = 48 + 8 * SPAN(va, len); 0x8 iff at most 23 pages (section 3.1 step 2).
        KernelFixture m = KernelFixture.win10();
        Mdl mdl = m.mdl(va, length);
        long pages = ((va & 0xFFF) + length + 0xFFF) >>> 12;
        assertEquals(va & ~0xFFFL, mdl.startVa());
        assertEquals(va & 0xFFF, mdl.byteOffset());
        assertEquals(length, mdl.byteCount());
        assertEquals(va, mdl.virtualAddress());
        assertEquals(0, mdl.next());
        assertEquals(48 + 8 * pages, mdl.size());
        assertEquals(48 + 8 * pages, m.k.mmSizeOfMdl(va, length));
        assertEquals(pages <= 23 ? 0x8 : 0x0, mdl.flags());
        assertEquals(pages <= 23 ? 23 : pages, mdl.pfnCapacity());
    }
}
