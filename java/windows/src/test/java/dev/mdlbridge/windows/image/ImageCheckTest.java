package dev.mdlbridge.windows.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class ImageCheckTest {

    private static final String ALLOW = String.join("\n",
            "IoAllocateMdl ntoskrnl.exe 5.0", "MmProbeAndLockPages ntoskrnl.exe 5.0",
            "MmMapLockedPagesSpecifyCache ntoskrnl.exe 5.0", "MmUnmapLockedPages ntoskrnl.exe 5.0",
            "MmUnlockPages ntoskrnl.exe 5.0", "IoFreeMdl ntoskrnl.exe 5.0", "IoBuildPartialMdl ntoskrnl.exe 5.0",
            "MmBuildMdlForNonPagedPool ntoskrnl.exe 5.0", "MmSizeOfMdl ntoskrnl.exe 5.0",
            "__C_specific_handler ntoskrnl.exe 5.2  # the SEH handler",
            "MmAllocatePagesForMdlEx ntoskrnl.exe 6.0 dynamic", "ExAllocatePool2 ntoskrnl.exe 10.0");

    /** Runs the check; returns its output. */
    private static String check(byte[] image, String map) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageCheck c = new ImageCheck(new PrintStream(out, true, StandardCharsets.UTF_8));
        c.run(image, ImageCheck.parseAllowlist(ALLOW), map, List.of());
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void assertOnlyFailure(String output, String check) {
        List<String> failed = new ArrayList<>();
        for (String line : output.split("\n")) {
            if (line.startsWith("FAIL ")) {
                failed.add(line.substring(5, line.indexOf(':')));
            }
        }
        assertEquals(List.of(check), failed, output);
    }

    @Test
    void aValidImagePassesEveryCheck() {
        String out = check(SyntheticPe.good().bytes, null);
        assertFalse(out.contains("FAIL"), out);
        assertTrue(out.contains("PASS exception-handlers: 1 handlers, all __C_specific_handler"), out);
        assertTrue(out.contains("PASS unwind-coverage"), out);
    }

    @Test
    void mapMustNameDriverEntryAtTheEntryPoint() {
        String good = " 0001:00000000       DriverEntry                0000000140001000     driver.obj\n";
        assertFalse(check(SyntheticPe.good().bytes, good).contains("FAIL"));
        String wrong = " 0001:00000020       DriverEntry                0000000140001020     driver.obj\n";
        assertOnlyFailure(check(SyntheticPe.good().bytes, wrong), "entry-point");
    }

    @Test
    void wrongMachine() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u16(0x44, 0xAA64);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "machine");
    }

    @Test
    void notNative() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u16(SyntheticPe.OPT + 68, 2);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "subsystem");
    }

    @Test
    void sectionAlignment() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.OPT + 32, 0x2000);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "section-alignment");
    }

    @Test
    void checksumWrongOrZero() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.OPT + 64, pe.u32(SyntheticPe.OPT + 64) + 1);
        assertOnlyFailure(check(pe.bytes, null), "checksum");
        pe.u32(SyntheticPe.OPT + 64, 0);
        assertOnlyFailure(check(pe.bytes, null), "checksum");
    }

    @Test
    void checksumMatchesTheKnownAlgorithm() throws Exception {
        // Sum of 16-bit words with carries folded, plus the length: computed here by hand for a tiny buffer.
        byte[] b = {1, 0, 2, 0, (byte) 0xFF, (byte) 0xFF};
        long sum = PeImage.checksum(java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN), 100);
        assertEquals(((1 + 2 + 0xFFFF) & 0xFFFF) + 1 + 6, sum);
    }

    @Test
    void noRelocations() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.OPT + 116 + 8 * 5, 0);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "relocations");
    }

    @Test
    void writableAndExecutableSection() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.SECTIONS + 36, 0xE0000020);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "no-wx-section");
    }

    @Test
    void entryPointOnALeaf() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.OPT + 16, SyntheticPe.LEAF_RVA);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "entry-point");
    }

    @Test
    void nonLeafCodeWithoutPdata() {
        SyntheticPe pe = SyntheticPe.good();
        // Shrink the RUNTIME_FUNCTION so DriverEntry's call lies outside it.
        pe.u32(SyntheticPe.PDATA_RAW + 4, SyntheticPe.TEXT_RVA + 4);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "unwind-coverage");
    }

    @Test
    void stackAllocationWithoutPdata() {
        SyntheticPe pe = SyntheticPe.good();
        int leaf = SyntheticPe.TEXT_RAW + (SyntheticPe.LEAF_RVA - SyntheticPe.TEXT_RVA);
        pe.bytes[leaf] = 0x48;
        pe.bytes[leaf + 1] = (byte) 0x83;
        pe.bytes[leaf + 2] = (byte) 0xEC;
        pe.bytes[leaf + 3] = 0x28;
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "unwind-coverage");
    }

    @Test
    void anE8InsideAnotherInstructionIsNotACall() {
        SyntheticPe pe = SyntheticPe.good();
        int leaf = SyntheticPe.TEXT_RAW + (SyntheticPe.LEAF_RVA - SyntheticPe.TEXT_RVA);
        // shr rax, 12 (48 C1 E8 0C); ret
        byte[] code = {0x48, (byte) 0xC1, (byte) 0xE8, 0x0C, (byte) 0xC3};
        System.arraycopy(code, 0, pe.bytes, leaf, code.length);
        pe.fixChecksum();
        assertFalse(check(pe.bytes, null).contains("FAIL"));
    }

    @Test
    void handlerThatIsNotCSpecificHandler() {
        SyntheticPe pe = SyntheticPe.good();
        pe.thunkTo(pe.imports.indexOf("IoFreeMdl"));
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "exception-handlers");
    }

    @Test
    void importFromAnotherDll() {
        SyntheticPe pe = new SyntheticPe("kernel32.dll", List.copyOf(ImageCheck.REQUIRED_WITH_HANDLER));
        String out = check(pe.bytes, null);
        assertTrue(out.contains("FAIL import-dlls"), out);
        assertTrue(out.contains("FAIL import-allowlist"), out);
    }

    @Test
    void forbiddenImportEvenWhenListed() {
        List<String> names = new ArrayList<>(ImageCheck.REQUIRED_WITH_HANDLER);
        names.add("ExAllocatePool2");
        assertOnlyFailure(check(new SyntheticPe("ntoskrnl.exe", names).bytes, null), "import-forbidden");
    }

    @Test
    void importNotOnTheAllowlistOrListedAsDynamic() {
        List<String> names = new ArrayList<>(ImageCheck.REQUIRED_WITH_HANDLER);
        names.add("MmAllocatePagesForMdlEx");
        assertOnlyFailure(check(new SyntheticPe("ntoskrnl.exe", names).bytes, null), "import-allowlist");
        names.set(names.size() - 1, "ZwOpenFile");
        assertOnlyFailure(check(new SyntheticPe("ntoskrnl.exe", names).bytes, null), "import-allowlist");
    }

    @Test
    void requiredImportMissing() {
        List<String> names = new ArrayList<>(ImageCheck.REQUIRED_WITH_HANDLER);
        names.remove("IoBuildPartialMdl");
        assertOnlyFailure(check(new SyntheticPe("ntoskrnl.exe", names).bytes, null), "import-required");
    }

    @Test
    void unsignedImage() {
        SyntheticPe pe = SyntheticPe.good();
        pe.u32(SyntheticPe.OPT + 116 + 8 * 4, 0);
        pe.fixChecksum();
        assertOnlyFailure(check(pe.bytes, null), "authenticode");
    }

    @Test
    void truncatedFileIsAFailureNotACrash() {
        byte[] b = java.util.Arrays.copyOf(SyntheticPe.good().bytes, 0x300);
        String out = check(b, null);
        assertTrue(out.contains("FAIL"), out);
        assertTrue(check(new byte[10], null).contains("FAIL pe-format"));
    }

    @Test
    void allowlistFormat() {
        List<ImageCheck.Allowed> a = ImageCheck.parseAllowlist("# c\n\nIoFreeMdl  NTOSKRNL.EXE 5.0 # x\nMmX ntoskrnl.exe 6.0 dynamic\n");
        assertEquals(2, a.size());
        assertEquals("ntoskrnl.exe", a.get(0).dll());
        assertTrue(a.get(1).dynamic());
    }

    /**
     * The real driver image, when driver/build.sh has produced it. Otherwise skipped, saying what is skipped
     * and what would enable it.
     */
    @Test
    void realDriverImage() throws IOException {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.exists(root.resolve("driver/include/mdlbridge.h"))) {
            root = root.getParent();
        }
        Path sys = root == null ? null : root.resolve("driver/out/x64/mdlbridge.sys");
        if (sys == null || !Files.exists(sys)) {
            String why = "SKIPPED real-image check: driver/out/x64/mdlbridge.sys does not exist, so the build "
                    + "(driver/build.sh), the static image check of the real binary, Authenticode verification, "
                    + "and the Wine smoke test did not run here. Install the toolchain with: apt-get install -y "
                    + "--no-install-recommends clang lld llvm libclang-rt-14-dev mingw-w64-x86-64-dev "
                    + "binutils-mingw-w64-x86-64 gcc-mingw-w64-x86-64 osslsigncode wine64, then run bash driver/ci.sh";
            System.err.println(why);
            Assumptions.assumeTrue(false, why);
            return;
        }
        byte[] image = Files.readAllBytes(sys);
        Path mapFile = sys.resolveSibling("mdlbridge.map");
        String map = Files.exists(mapFile) ? Files.readString(mapFile) : null;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageCheck c = new ImageCheck(new PrintStream(out, true, StandardCharsets.UTF_8));
        c.run(image, ImageCheck.parseAllowlist(Files.readString(root.resolve("driver/imports.allowlist"))), map, List.of());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, c.failures(), text);
        assertTrue(text.contains("PASS authenticode"), text);
    }
}
