package dev.mdlbridge.bench;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.spi.UserMemory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every headline number in one JVM run, with System.nanoTime loops after a warm-up (JMH is the tool for the
 * careful numbers; this is the quick, single-run summary whose ratios compare measurements taken side by side).
 *
 * <ul>
 *   <li>lock: probe-and-lock then unlock of a pre-faulted 1 GiB buffer on the simulator (raw device channel, no
 *       PFNs copied into the reply), interleaved with the floor, copying its PFN array ({@code long[262144]});</li>
 *   <li>describe: the one-shot describe of a 1-page buffer through the whole stack (codec, simulated driver,
 *       simulated kernel, decoding), single thread, median over many single calls;</li>
 *   <li>size sweep: the one-shot describe of pre-faulted buffers of 4 KiB .. 2 GiB and 4 GiB - 4 KiB, in ns per page;</li>
 *   <li>JNA: libc getpagesize() (and getpid(), a system call) through direct and interface mapping, and the JVM's cached pid as the baseline.</li>
 * </ul>
 * This class runs the measurements; {@link QuickOptions} parses the command line and {@link QuickReport} renders
 * the result (JSON or text).
 */
final class QuickSummary {

    static final long GIB = 1L << 30;
    static final long MAX_MDL = (4L << 30) - 4096;
    /** Sizes whose ns per page are compared for linearity (fixed per-call costs dominate below this). */
    static final long LINEARITY_FROM = 1L << 20;

    private final QuickOptions options;
    private final boolean smoke;
    private final PrintStream log;

    private QuickSummary(QuickOptions options, PrintStream log) {
        this.options = options;
        this.smoke = options.smoke();
        this.log = log;
    }

    /** Parses {@code args}, measures, prints the report to {@code out} (and the file of --out); progress goes to
     *  {@code err}. Returns the exit status: 0, or 2 for an unknown option. */
    static int run(String[] args, PrintStream out, PrintStream err) throws IOException {
        QuickOptions options;
        try {
            options = QuickOptions.parse(args);
        } catch (QuickOptions.UnknownOption e) {
            err.println(e.getMessage());
            return 2;
        }
        Map<String, Object> result = new QuickSummary(options, err).measure();
        String text = QuickReport.render(result, options.json());
        out.println(text);
        if (options.outFile() != null) {
            Files.writeString(Path.of(options.outFile()), text + System.lineSeparator());
        }
        return 0;
    }

    Map<String, Object> measure() {
        long t0 = System.nanoTime();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("machine", machine());
        r.put("mode", smoke ? "smoke" : "quick");
        if (options.wanted("lock")) {
            lock(r);
        }
        if (options.wanted("describe")) {
            describeOnePage(r);
        }
        if (options.wanted("sizes")) {
            sizes(r);
        }
        if (options.jna() && options.wanted("jna")) {
            jna(r);
        }
        Map<String, Object> targets = new LinkedHashMap<>();
        if (r.containsKey("lockGiBRatioToFloor")) {
            targets.put("lockGiBRatioToFloorMax", 30);
            targets.put("lockGiBRatioToFloorMet", ((Number) r.get("lockGiBRatioToFloor")).doubleValue() <= 30);
        }
        if (r.containsKey("describeOnePageMedianNanos")) {
            targets.put("describeOnePageMedianNanosMax", 5000);
            targets.put("describeOnePageMedianNanosMet",
                    ((Number) r.get("describeOnePageMedianNanos")).longValue() <= 5000);
        }
        r.put("targets", targets);
        r.put("elapsedMillis", (System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    // ----------------------------------------------------------------------------------------------- lock

    private void lock(Map<String, Object> r) {
        log.println("bench: lock of a pre-faulted 1 GiB buffer against copying its PFN array ...");
        int pages = (int) (GIB >>> 12);
        PfnFloor floor = new PfnFloor(pages);
        int warm = smoke ? 3 : 8;
        int reps = smoke ? 9 : 31;
        long sink = 0;
        try (SimStack s = new SimStack()) {
            long address = s.memory.allocate(GIB, UserMemory.PAGE_READWRITE, false);
            long tf = System.nanoTime();
            int mdl = s.allocateMdl(address, GIB);
            s.probeRead(mdl); // first touch: every page faults in
            s.unlock(mdl);
            long firstTouch = System.nanoTime() - tf;
            for (int i = 0; i < warm; i++) {
                s.probeRead(mdl);
                s.unlock(mdl);
                for (int k = 0; k < 20; k++) {
                    sink += floor.copy();
                }
            }
            long[] lock = new long[reps];
            long[] copy = new long[reps * 5];
            for (int i = 0; i < reps; i++) {
                for (int k = 0; k < 5; k++) {
                    long a = System.nanoTime();
                    sink += floor.copy();
                    copy[i * 5 + k] = System.nanoTime() - a;
                }
                long a = System.nanoTime();
                s.probeRead(mdl);
                s.unlock(mdl);
                lock[i] = System.nanoTime() - a;
            }
            s.free(mdl);
            s.memory.release(address);
            long lockMedian = median(lock);
            long floorMedian = median(copy);
            r.put("lockGiBMedianNanos", lockMedian);
            r.put("lockGiBMinNanos", Arrays.stream(lock).min().orElse(0));
            r.put("pfnCopyFloorMedianNanos", floorMedian);
            r.put("lockGiBRatioToFloor", round2((double) lockMedian / floorMedian));
            r.put("lockGiBNanosPerPage", round2((double) lockMedian / pages));
            r.put("lockGiBFirstTouchNanos", firstTouch);
            r.put("lockGiBRepetitions", reps);
        }
        if (sink == 42) {
            log.println();
        }
    }

    // ------------------------------------------------------------------------------------------- describe

    private void describeOnePage(Map<String, Object> r) {
        log.println("bench: one-shot describe of a 1-page buffer through the whole stack ...");
        int warm = smoke ? 5_000 : 30_000;
        int reps = smoke ? 5_000 : 30_000;
        try (SimStack s = new SimStack(); MdlBridge bridge = s.bridge()) {
            long address = s.memory.allocate(4096, UserMemory.PAGE_READWRITE, false);
            for (int i = 0; i < warm; i++) {
                check(bridge.describe(address, 4096, LockOperation.READ), 4096);
            }
            long[] t = new long[reps];
            for (int i = 0; i < reps; i++) {
                long a = System.nanoTime();
                Describe d = bridge.describe(address, 4096, LockOperation.READ);
                t[i] = System.nanoTime() - a;
                if (!d.succeeded()) {
                    check(d, 4096);
                }
            }
            long[] sorted = t.clone();
            Arrays.sort(sorted);
            r.put("describeOnePageMedianNanos", sorted[sorted.length / 2]);
            r.put("describeOnePageP10Nanos", sorted[sorted.length / 10]);
            r.put("describeOnePageP90Nanos", sorted[sorted.length * 9 / 10]);
            r.put("describeOnePageP99Nanos", sorted[sorted.length * 99 / 100]);
            r.put("describeOnePageRepetitions", reps);
        }
    }

    // ---------------------------------------------------------------------------------------------- sizes

    private void sizes(Map<String, Object> r) {
        List<Long> sizes = new ArrayList<>();
        for (long sz = 4096; sz <= 2 * GIB && sz <= options.maxSize(); sz <<= 1) {
            sizes.add(sz);
        }
        if (options.maxSize() >= MAX_MDL) {
            sizes.add(MAX_MDL);
        }
        log.println("bench: cost against size, " + sizes.size() + " sizes up to " + sizes.get(sizes.size() - 1)
                + " bytes (heap max " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB) ...");
        Map<String, Object> nsPerPage = new LinkedHashMap<>();
        Map<String, Object> nsTotal = new LinkedHashMap<>();
        double lo = Double.MAX_VALUE;
        double hi = 0;
        try (SimStack s = new SimStack(); MdlBridge bridge = s.bridge()) {
            for (long size : sizes) {
                long pages = size >>> 12;
                long address = s.memory.allocate(size, UserMemory.PAGE_READWRITE, false);
                check(bridge.describe(address, (int) size, LockOperation.READ), size); // faults the pages in
                long budgetPages = smoke ? (1L << 19) : (1L << 22);
                int reps = (int) Math.max(3, Math.min(smoke ? 50 : 300, budgetPages / pages));
                int warm = Math.max(1, reps / 3);
                for (int i = 0; i < warm; i++) {
                    check(bridge.describe(address, (int) size, LockOperation.READ), size);
                }
                long[] t = new long[reps];
                for (int i = 0; i < reps; i++) {
                    long a = System.nanoTime();
                    Describe d = bridge.describe(address, (int) size, LockOperation.READ);
                    t[i] = System.nanoTime() - a;
                    check(d, size);
                }
                s.memory.release(address);
                long med = median(t);
                double perPage = (double) med / pages;
                nsPerPage.put(Long.toString(size), round2(perPage));
                nsTotal.put(Long.toString(size), med);
                if (size >= LINEARITY_FROM) {
                    lo = Math.min(lo, perPage);
                    hi = Math.max(hi, perPage);
                }
                log.printf("bench:   %,14d bytes: %,12d ns median of %d, %.1f ns/page%n", size, med, reps, perPage);
            }
        }
        r.put("nanosPerPageBySize", nsPerPage);
        r.put("describeMedianNanosBySize", nsTotal);
        r.put("nanosPerPageMaxOverMinFrom1MiB", hi == 0 ? null : round2(hi / lo));
        r.put("largestDescribeBytes", sizes.get(sizes.size() - 1));
        r.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
    }

    private static void check(Describe d, long size) {
        if (!d.succeeded()) {
            throw new IllegalStateException("describe of " + size + " bytes failed: "
                    + d.steps().get(d.steps().size() - 1));
        }
    }

    // ------------------------------------------------------------------------------------------------ JNA

    private void jna(Map<String, Object> r) {
        log.println("bench: JNA direct against interface mapping (libc getpagesize, getpid) ...");
        Map<String, Object> j = new LinkedHashMap<>();
        if (!JnaCalls.available()) {
            j.put("available", false);
            r.put("jna", j);
            return;
        }
        int calls = smoke ? 200_000 : 1_000_000;
        int rounds = smoke ? 5 : 9;
        long[] direct = new long[rounds];
        long[] iface = new long[rounds];
        long[] java = new long[rounds];
        long[] directSys = new long[rounds];
        long[] ifaceSys = new long[rounds];
        long sink = 0;
        for (int w = 0; w < 3; w++) {
            sink += loopDirect(calls) + loopInterface(calls) + loopJava(calls);
        }
        for (int i = 0; i < rounds; i++) {
            long a = System.nanoTime();
            sink += loopDirect(calls);
            long b = System.nanoTime();
            sink += loopInterface(calls);
            long c = System.nanoTime();
            sink += loopJava(calls);
            long d = System.nanoTime();
            direct[i] = b - a;
            iface[i] = c - b;
            java[i] = d - c;
            long e = System.nanoTime();
            sink += loopDirectSyscall(calls / 4);
            long f = System.nanoTime();
            sink += loopInterfaceSyscall(calls / 4);
            long g = System.nanoTime();
            directSys[i] = (f - e) * 4;
            ifaceSys[i] = (g - f) * 4;
        }
        double dn = (double) median(direct) / calls;
        double in = (double) median(iface) / calls;
        j.put("available", true);
        j.put("call", "libc getpagesize() (no system call)");
        j.put("directNanosPerCall", round2(dn));
        j.put("interfaceNanosPerCall", round2(in));
        j.put("javaBaselineNanosPerCall", round2((double) median(java) / calls));
        j.put("interfaceOverDirect", round2(in / dn));
        j.put("interfaceMinusDirectNanos", round2(in - dn));
        double ds = (double) median(directSys) / calls;
        double is = (double) median(ifaceSys) / calls;
        j.put("syscallCall", "libc getpid() (a system call)");
        j.put("directSyscallNanosPerCall", round2(ds));
        j.put("interfaceSyscallNanosPerCall", round2(is));
        j.put("callsPerRound", calls);
        j.put("rounds", rounds);
        r.put("jna", j);
        if (sink == 42) {
            log.println();
        }
    }

    private static long loopDirect(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += JnaCalls.direct();
        }
        return s;
    }

    private static long loopInterface(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += JnaCalls.viaInterface();
        }
        return s;
    }

    private static long loopDirectSyscall(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += JnaCalls.directSyscall();
        }
        return s;
    }

    private static long loopInterfaceSyscall(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += JnaCalls.viaInterfaceSyscall();
        }
        return s;
    }

    private static long loopJava(int n) {
        long s = 0;
        for (int i = 0; i < n; i++) {
            s += ProcessHandle.current().pid();
        }
        return s;
    }

    // --------------------------------------------------------------------------------------------- helpers

    static long median(long[] v) {
        long[] c = v.clone();
        Arrays.sort(c);
        return c[c.length / 2];
    }

    static double round2(double d) {
        return Math.round(d * 100.0) / 100.0;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("availableProcessors", Runtime.getRuntime().availableProcessors());
        m.put("cpu", cpuModel());
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("maxHeapBytes", Runtime.getRuntime().maxMemory());
        m.put("backend", "simulator (in-process, this JVM)");
        return m;
    }

    private static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }
}
