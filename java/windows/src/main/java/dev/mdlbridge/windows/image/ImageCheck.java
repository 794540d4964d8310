package dev.mdlbridge.windows.image;

import dev.mdlbridge.windows.image.PeImage.Import;
import dev.mdlbridge.windows.image.PeImage.PeFormatException;
import dev.mdlbridge.windows.image.PeImage.RuntimeFunction;
import dev.mdlbridge.windows.image.PeImage.Section;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The static check of mdlbridge.sys, run on every build without Windows.
 *
 * <pre>java dev.mdlbridge.windows.image.ImageCheck --sys PATH --allowlist PATH [--map PATH] [--mingw-exports DIR]</pre>
 *
 * Prints one line per check ({@code PASS name: detail} or {@code FAIL name: detail}); exits 0 when every check
 * passes, 1 when one fails, 2 for bad usage or an unreadable file.
 *
 * <p>Rules that need a judgement, written down so a reader knows what a PASS means:
 * <ul>
 * <li>Entry point: the entry RVA must lie in an executable section and be the start of a RUNTIME_FUNCTION
 * (DriverEntry is not a leaf). With {@code --map}, the map's {@code DriverEntry} address must equal it.</li>
 * <li>Unwind coverage: without symbols a PE image does not say where functions start, so the check is on the
 * bytes: every byte of an executable section that lies outside every RUNTIME_FUNCTION and is not padding
 * must be leaf code or an import thunk: it may not hold a {@code call rel32} (E8) whose target looks like a
 * function start (the start of a RUNTIME_FUNCTION, an import thunk, or a 16-byte aligned address right after
 * padding 0xCC/0x90 or a {@code ret}), a {@code call [rip+x]} (FF 15) through an import
 * slot, or a stack allocation ({@code sub rsp}: 48 83 EC, 48 81 EC). Requiring the call target to be a
 * function start keeps the byte scan from reading E8 inside other instructions as calls; calls through a
 * register are not recognised (clang emits none for this driver).
 * RUNTIME_FUNCTIONs must be sorted, non-overlapping and inside executable sections.</li>
 * <li>Exception handlers: every UNWIND_INFO with a handler must name a thunk {@code jmp [rip+x]} whose slot
 * is the import of {@code __C_specific_handler}.</li>
 * </ul>
 */
public final class ImageCheck {

    /** Imports that must never appear (they load on Wine and fail on Windows, or are not allowed). */
    static final Set<String> FORBIDDEN = Set.of("IoCreateDeviceSecure", "WdmlibIoCreateDeviceSecure", "ExAllocatePool2",
            "ExAllocatePool3", "ExAllocatePool");
    /** The DDIs the driver exists to call. */
    static final List<String> REQUIRED = List.of("IoAllocateMdl", "MmProbeAndLockPages", "MmMapLockedPagesSpecifyCache",
            "MmUnmapLockedPages", "MmUnlockPages", "IoFreeMdl", "IoBuildPartialMdl", "MmBuildMdlForNonPagedPool",
            "MmSizeOfMdl");
    /** What a test image imports at least: the required DDIs and the SEH handler. */
    static final List<String> REQUIRED_WITH_HANDLER = java.util.stream.Stream.concat(REQUIRED.stream(),
            java.util.stream.Stream.of("__C_specific_handler")).toList();
    static final Set<String> KERNEL_DLLS = Set.of("ntoskrnl.exe", "hal.dll");

    /** One entry of driver/imports.allowlist. */
    record Allowed(String name, String dll, String minWindows, boolean dynamic) {
    }

    private final PrintStream out;
    private int failures;

    ImageCheck(PrintStream out) {
        this.out = out;
    }

    int failures() {
        return failures;
    }

    private void report(boolean ok, String name, String detail) {
        out.println((ok ? "PASS " : "FAIL ") + name + ": " + detail);
        if (!ok) {
            failures++;
        }
    }

    public static void main(String[] args) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        if (args.length % 2 != 0 || !opts.containsKey("--sys") || !opts.containsKey("--allowlist")
                || !Set.of("--sys", "--allowlist", "--map", "--mingw-exports").containsAll(opts.keySet())) {
            System.err.println("usage: ImageCheck --sys PATH --allowlist PATH [--map PATH] [--mingw-exports DIR]");
            System.exit(2);
        }
        ImageCheck check = new ImageCheck(System.out);
        try {
            byte[] image = Files.readAllBytes(Path.of(opts.get("--sys")));
            List<Allowed> allow = parseAllowlist(Files.readString(Path.of(opts.get("--allowlist"))));
            String map = opts.containsKey("--map") ? Files.readString(Path.of(opts.get("--map"))) : null;
            List<byte[]> libs = new ArrayList<>();
            if (opts.containsKey("--mingw-exports")) {
                Path dir = Path.of(opts.get("--mingw-exports"));
                libs.add(Files.readAllBytes(dir.resolve("libntoskrnl.a")));
                libs.add(Files.readAllBytes(dir.resolve("libhal.a")));
            }
            check.run(image, allow, map, libs);
        } catch (IOException e) {
            System.err.println("ImageCheck: " + e);
            System.exit(2);
        }
        System.out.println(check.failures() == 0 ? "image check: all passed" : "image check: " + check.failures() + " failed");
        System.exit(check.failures() == 0 ? 0 : 1);
    }

    /** driver/imports.allowlist, copied into this jar by the build so a test machine can check an image alone. */
    public static final String BUNDLED_ALLOWLIST = "/dev/mdlbridge/windows/image/imports.allowlist";

    /**
     * The checks a test machine can run on a .sys with nothing but the jar (the build's allowlist, no map file, no
     * mingw export libraries): one {@code PASS|FAIL name: detail} line each to {@code out}.
     *
     * @return the number of failed checks
     */
    public static int verify(byte[] image, PrintStream out) {
        String allow;
        try (java.io.InputStream in = ImageCheck.class.getResourceAsStream(BUNDLED_ALLOWLIST)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + BUNDLED_ALLOWLIST + " (a build problem)");
            }
            allow = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new ImageCheck(out).run(image, parseAllowlist(allow), null, List.of());
    }

    static List<Allowed> parseAllowlist(String text) {
        List<Allowed> list = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.replaceAll("#.*", "").trim();
            if (l.isEmpty()) {
                continue;
            }
            String[] f = l.split("\\s+");
            if (f.length < 3) {
                throw new IllegalArgumentException("allowlist line needs NAME DLL MIN_WINDOWS: " + line);
            }
            list.add(new Allowed(f[0], f[1].toLowerCase(Locale.ROOT), f[2], f.length > 3 && f[3].equals("dynamic")));
        }
        return list;
    }

    /** Runs every check; returns the number of failures. */
    int run(byte[] bytes, List<Allowed> allow, String map, List<byte[]> mingwLibs) {
        PeImage pe;
        try {
            pe = PeImage.parse(bytes);
        } catch (PeFormatException e) {
            report(false, "pe-format", e.getMessage());
            return failures;
        }
        report(true, "pe-format", "PE32+ with " + pe.sections().size() + " sections");
        guard("machine", () -> report(pe.machine() == PeImage.MACHINE_AMD64, "machine",
                "0x" + Integer.toHexString(pe.machine()) + " (AMD64 is 0x8664)"));
        guard("subsystem", () -> report(pe.subsystem() == PeImage.SUBSYSTEM_NATIVE, "subsystem",
                pe.subsystem() + " (native is 1)"));
        guard("section-alignment", () -> report(pe.sectionAlignment() == 0x1000, "section-alignment",
                "0x" + Long.toHexString(pe.sectionAlignment())));
        guard("checksum", () -> report(pe.storedChecksum() == pe.computeChecksum() && pe.storedChecksum() != 0,
                "checksum", String.format("stored 0x%08X, computed 0x%08X", pe.storedChecksum(), pe.computeChecksum())));
        guard("relocations", () -> checkRelocations(pe));
        checkWx(pe);
        guard("entry-point", () -> checkEntry(pe, map));
        guard("unwind", () -> checkUnwind(pe));
        guard("imports", () -> checkImports(pe, allow, mingwLibs));
        guard("handlers", () -> checkHandlers(pe));
        guard("authenticode", () -> checkCertificate(pe));
        return failures;
    }

    private interface Step {
        void run() throws PeFormatException;
    }

    private void guard(String name, Step step) {
        try {
            step.run();
        } catch (PeFormatException | RuntimeException e) {
            report(false, name, "malformed image: " + e.getMessage());
        }
    }

    private void checkRelocations(PeImage pe) throws PeFormatException {
        long[] dir = pe.directory(PeImage.DIR_BASERELOC);
        report(dir[1] > 0, "relocations", dir[1] > 0 ? dir[1] + " bytes of base relocations"
                : "no base relocations: the image could not be loaded at another address");
    }

    private void checkWx(PeImage pe) {
        List<String> bad = new ArrayList<>();
        for (Section s : pe.sections()) {
            if (s.executable() && s.writable()) {
                bad.add(s.name());
            }
        }
        report(bad.isEmpty(), "no-wx-section", bad.isEmpty() ? "no section is both writable and executable"
                : "writable and executable: " + bad);
    }

    private void checkEntry(PeImage pe, String map) throws PeFormatException {
        long entry = pe.entryPointRva();
        Section s = pe.sectionOf(entry);
        boolean inCode = s != null && s.executable();
        boolean starts = pe.runtimeFunctions().stream().anyMatch(f -> f.begin() == entry);
        String detail = String.format("entry RVA 0x%X in %s%s", entry, s == null ? "no section" : s.name(),
                starts ? ", starts a RUNTIME_FUNCTION" : ", starts no RUNTIME_FUNCTION");
        boolean ok = inCode && starts;
        if (map != null) {
            Long driverEntry = mapSymbols(map).get("DriverEntry");
            boolean same = driverEntry != null && driverEntry - pe.imageBase() == entry;
            detail += same ? ", = DriverEntry in the map" : ", map's DriverEntry is " + driverEntry;
            ok &= same;
        }
        report(ok, "entry-point", detail);
    }

    static Map<String, Long> mapSymbols(String map) {
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher x = Pattern.compile("(?m)^\\s*[0-9a-fA-F]{4}:[0-9a-fA-F]{8}\\s+(\\S+)\\s+([0-9a-fA-F]{16})\\b").matcher(map);
        while (x.find()) {
            m.putIfAbsent(x.group(1), Long.parseUnsignedLong(x.group(2), 16));
        }
        return m;
    }

    private void checkUnwind(PeImage pe) throws PeFormatException {
        List<RuntimeFunction> fns = pe.runtimeFunctions();
        report(!fns.isEmpty(), "pdata", fns.size() + " RUNTIME_FUNCTIONs");
        long prevEnd = 0;
        List<String> bad = new ArrayList<>();
        for (RuntimeFunction f : fns) {
            Section s = pe.sectionOf(f.begin());
            if (f.begin() >= f.end() || f.begin() < prevEnd || s == null || !s.executable()
                    || f.end() > s.virtualAddress() + s.virtualSize()) {
                bad.add(String.format("[0x%X, 0x%X)", f.begin(), f.end()));
            }
            prevEnd = f.end();
        }
        report(bad.isEmpty(), "pdata-order", bad.isEmpty() ? "sorted, disjoint, inside code" : "bad entries " + bad);
        List<String> calls = new ArrayList<>();
        for (Section s : pe.sections()) {
            if (s.executable()) {
                scanUncovered(pe, s, fns, calls);
            }
        }
        report(calls.isEmpty(), "unwind-coverage", calls.isEmpty()
                ? "all code outside .pdata is leaf code or thunks"
                : "code outside .pdata calls or allocates stack at " + calls);
    }

    private static boolean covered(List<RuntimeFunction> fns, long rva) {
        for (RuntimeFunction f : fns) {
            if (rva >= f.begin() && rva < f.end()) {
                return true;
            }
        }
        return false;
    }

    private static void scanUncovered(PeImage pe, Section s, List<RuntimeFunction> fns, List<String> found)
            throws PeFormatException {
        Set<Long> starts = new TreeSet<>();
        for (RuntimeFunction f : fns) {
            starts.add(f.begin());
        }
        Map<Long, String> iat = new LinkedHashMap<>();
        for (Import i : pe.imports()) {
            iat.put(i.iatRva(), i.name());
        }
        long end = s.virtualAddress() + Math.min(s.virtualSize(), s.rawSize());
        for (long rva = s.virtualAddress(); rva < end && found.size() < 10; rva++) {
            if (covered(fns, rva)) {
                continue;
            }
            int b0 = pe.byteAt(rva);
            int b1 = rva + 1 < end ? pe.byteAt(rva + 1) : -1;
            int b2 = rva + 2 < end ? pe.byteAt(rva + 2) : -1;
            boolean call = false;
            if (b0 == 0xE8 && rva + 5 <= end) {
                long target = rva + 5 + (int) pe.u32AtRva(rva + 1);
                call = starts.contains(target) || isImportThunk(pe, target, iat) || alignedStart(pe, target);
            } else if (b0 == 0xFF && b1 == 0x15 && rva + 6 <= end) {
                call = iat.containsKey(rva + 6 + (int) pe.u32AtRva(rva + 2));
            }
            boolean frame = b0 == 0x48 && (b1 == 0x83 || b1 == 0x81) && b2 == 0xEC;
            if (call || frame) {
                found.add(String.format("0x%X", rva));
            }
        }
    }

    private static boolean isImportThunk(PeImage pe, long rva, Map<Long, String> iat) {
        try {
            Section t = pe.sectionOf(rva);
            return t != null && t.executable() && iat.containsValue(thunkTarget(pe, rva, iat));
        } catch (PeFormatException e) {
            return false;
        }
    }

    /** Where compilers put functions: 16-byte aligned, after padding or the previous function's ret. */
    private static boolean alignedStart(PeImage pe, long rva) {
        try {
            Section t = pe.sectionOf(rva);
            if (t == null || !t.executable() || (rva & 15) != 0) {
                return false;
            }
            if (rva == t.virtualAddress()) {
                return true;
            }
            int before = pe.byteAt(rva - 1);
            return before == 0xCC || before == 0x90 || before == 0xC3;
        } catch (PeFormatException e) {
            return false;
        }
    }

    private void checkImports(PeImage pe, List<Allowed> allow, List<byte[]> mingwLibs) throws PeFormatException {
        List<Import> imports = pe.imports();
        Map<String, Allowed> byName = new LinkedHashMap<>();
        for (Allowed a : allow) {
            byName.put(a.name(), a);
        }
        Set<String> names = new TreeSet<>();
        List<String> wrongDll = new ArrayList<>();
        List<String> notAllowed = new ArrayList<>();
        List<String> forbidden = new ArrayList<>();
        for (Import i : imports) {
            String dll = i.dll().toLowerCase(Locale.ROOT);
            names.add(i.name());
            if (!KERNEL_DLLS.contains(dll)) {
                wrongDll.add(i.dll() + "!" + i.name());
            }
            Allowed a = byName.get(i.name());
            if (a == null || a.dynamic() || !a.dll().equals(dll)) {
                notAllowed.add(i.dll() + "!" + i.name());
            }
            if (FORBIDDEN.contains(i.name())) {
                forbidden.add(i.name());
            }
        }
        report(wrongDll.isEmpty(), "import-dlls", wrongDll.isEmpty() ? imports.size() + " imports, all from ntoskrnl.exe/hal.dll"
                : "imports from other modules: " + wrongDll);
        report(notAllowed.isEmpty(), "import-allowlist", notAllowed.isEmpty() ? "every import is on the allowlist"
                : "not on the allowlist (or listed as dynamic / another DLL): " + notAllowed);
        report(forbidden.isEmpty(), "import-forbidden", forbidden.isEmpty()
                ? "no IoCreateDeviceSecure, ExAllocatePool2 or ExAllocatePool" : "forbidden: " + forbidden);
        List<String> missing = new ArrayList<>();
        for (String r : REQUIRED) {
            if (!names.contains(r)) {
                missing.add(r);
            }
        }
        report(missing.isEmpty(), "import-required", missing.isEmpty() ? "all " + REQUIRED.size() + " MDL DDIs imported"
                : "missing: " + missing);
        if (!mingwLibs.isEmpty()) {
            List<String> unknown = new ArrayList<>();
            for (String n : names) {
                byte[] needle = ("__imp_" + n + "\0").getBytes(StandardCharsets.US_ASCII);
                if (mingwLibs.stream().noneMatch(lib -> contains(lib, needle))) {
                    unknown.add(n);
                }
            }
            report(unknown.isEmpty(), "import-mingw-exports", unknown.isEmpty()
                    ? "every import is in mingw's libntoskrnl.a/libhal.a" : "not exported per mingw: " + unknown);
        }
    }

    static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private void checkHandlers(PeImage pe) throws PeFormatException {
        Map<Long, String> iat = new LinkedHashMap<>();
        for (Import i : pe.imports()) {
            iat.put(i.iatRva(), i.name());
        }
        int count = 0;
        List<String> bad = new ArrayList<>();
        for (RuntimeFunction f : pe.runtimeFunctions()) {
            if (!f.hasHandler()) {
                continue;
            }
            count++;
            String target = thunkTarget(pe, f.handlerRva(), iat);
            if (!"__C_specific_handler".equals(target)) {
                bad.add(String.format("function 0x%X -> handler 0x%X (%s)", f.begin(), f.handlerRva(), target));
            }
        }
        report(bad.isEmpty(), "exception-handlers", bad.isEmpty()
                ? count + " handlers, all __C_specific_handler" : "other handlers: " + bad);
    }

    /** The import a {@code jmp qword ptr [rip+disp32]} thunk at rva jumps through, or a description. */
    static String thunkTarget(PeImage pe, long rva, Map<Long, String> iat) throws PeFormatException {
        if (pe.byteAt(rva) != 0xFF || pe.byteAt(rva + 1) != 0x25) {
            return "not an import thunk";
        }
        long disp = (int) pe.u32AtRva(rva + 2);
        String name = iat.get(rva + 6 + disp);
        return name == null ? "jump through a slot that is not an import" : name;
    }

    private void checkCertificate(PeImage pe) throws PeFormatException {
        long[] c = pe.certificate();
        boolean ok = c != null && c[2] == 0x0200 && c[3] == 0x0002 && c[0] + c[1] == pe.length();
        report(ok, "authenticode", c == null ? "no certificate table"
                : String.format("WIN_CERTIFICATE at 0x%X, %d bytes, revision 0x%X, type %d%s", c[0], c[1], c[2], c[3],
                c[0] + c[1] == pe.length() ? ", ends the file" : ", does not end the file"));
    }
}
