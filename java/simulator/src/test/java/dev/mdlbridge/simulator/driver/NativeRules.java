package dev.mdlbridge.simulator.driver;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The C twin of the rules: driver/src/table.c + protocol.c + driver/test/diff/diff_shim.c, built by
 * driver/test/diff/build.sh into driver/out/host/libmdlb_diff.so and called through JNA.
 *
 * <p>{@link #lib()} builds the library when it is missing or older than one of its sources, so {@code ./mvnw
 * verify} alone compares the current C. Without a C compiler the calling test is skipped, except when the
 * environment variable CI is {@code true}: CI installs clang, so a missing compiler there is a broken runner, not
 * a reason to compare nothing.
 */
final class NativeRules {

    private NativeRules() {
    }

    /**
     * Every C function the comparison calls. The mdlb_* ones are table.c / protocol.c themselves (size_t is a
     * Java long: the library is only built for 64-bit hosts); the dt_* ones are the shim.
     */
    interface Lib extends Library {
        // protocol.c
        int mdlb_check_malformed(int code, Pointer in, long inLen, long outLen);

        int mdlb_check_parameters(int code, Pointer in, long inLen);

        int mdlb_min_reply_size(int code, Pointer in, long inLen);

        // table.c: the section 3 refusals and the predicates they use
        int mdlb_check_probe(Pointer t, Pointer mdl, int accessMode, int inUserRange, int shared);

        int mdlb_check_build_nonpaged(Pointer t, Pointer mdl);

        int mdlb_check_map(Pointer t, Pointer mdl, int user, int sharedHandle);

        int mdlb_check_unlock(Pointer mdl);

        int mdlb_check_free(Pointer mdl, int method);

        int mdlb_check_free_pages(Pointer mdl);

        int mdlb_check_unmap_system(Pointer mdl);

        int mdlb_check_partial(Pointer t, Pointer source, long offset, int length, int[] effectiveLength);

        int mdlb_check_pool_free(Pointer t, Pointer kbuf);

        int mdlb_check_allocate_pages(int shared);

        int mdlb_check_map_kernel(Pointer t, Pointer mdl, int sharedHandle);

        int mdlb_check_map_reserved(Pointer t, Pointer res, Pointer mdl, int sharedHandle);

        int mdlb_check_unmap_reserved(Pointer t, Pointer res, Pointer mdl);

        int mdlb_check_free_reservation(Pointer res);

        int mdlb_check_cache_type(Pointer mdl, int cacheType);

        int dt_get_cache_type(Pointer t, int id);

        void dt_set_cache_type(Pointer t, int id, int cacheType);

        int dt_get_mapping(Pointer t, int id);

        void dt_set_mapping(Pointer t, int id, int mapping);

        void dt_limits_configure(int present, long[] values13, long ram, long[] out15);

        long mdlb_table_growth_bytes(Pointer t);

        int dt_partial_state(Pointer t, int id, int sourceMapped);

        int dt_driver_pages_of(Pointer t, int id);

        int mdlb_check_transfer(Pointer t, Pointer mapping, Pointer mdl, int write, int offset, int length);

        int mdlb_mdl_writable(Pointer t, Pointer mdl);

        int mdlb_mdl_has_pages(Pointer t, Pointer mdl);

        int mdlb_table_in_user_mapping(Pointer t, long va, long len);

        // diff_shim.c
        Pointer dt_new();

        void dt_delete(Pointer t);

        Pointer dt_find(Pointer t, int id);

        int dt_lookup(Pointer t, int id, int kinds);

        int dt_insert(Pointer t, int kind, int state, int parent, long va, long length, int nowrite);

        void dt_remove(Pointer t, int id);

        int dt_get_state(Pointer t, int id);

        void dt_set_state(Pointer t, int id, int state);

        void dt_counters(Pointer t, int id, int[] out3);

        int dt_next_id(Pointer t);

        void dt_set_next_id(Pointer t, int next);

        int dt_next_release(Pointer t, int[] phase);

        int dt_release_mappings(Pointer t, int id, int phase);

        int dt_kernel_range(Pointer t, long va, long len);



        int dt_limit_check(long[] handleUse, long[] handleLimits, long[] driverUse, long[] driverLimits, long[] add);

        void dt_use_apply(long[] use, long[] delta, int sign);

        void dt_default_limits(long[] handle6, long[] driver6);

        int dt_reply(Pointer buf, int cap, int fixed, int pfnStart, int pfnMax, int status, int stage, int detail,
                int objectId, long value, int nsnaps, long[] snaps, Pointer pfns, int dataLen, int[] copied,
                int[] dataAt);
    }

    private static Lib lib;

    /** The loaded library, built first when needed; skips or fails the calling test when it cannot be built. */
    static synchronized Lib lib() {
        if (lib == null) {
            Path so = ensureBuilt();
            lib = Native.load(so.toString(), Lib.class);
        }
        return lib;
    }

    static Path repoRoot() {
        Path p = Paths.get("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("driver/test/diff/build.sh"))) {
            p = p.getParent();
        }
        Assertions.assertNotNull(p, "driver/test/diff/build.sh not found above " + Paths.get("").toAbsolutePath());
        return p;
    }

    private static Path ensureBuilt() {
        Path root = repoRoot();
        Path so = root.resolve("driver/out/host/libmdlb_diff.so");
        List<Path> sources = List.of(root.resolve("driver/src/table.c"), root.resolve("driver/src/table.h"),
                root.resolve("driver/src/protocol.c"), root.resolve("driver/src/protocol.h"),
                root.resolve("driver/include/mdlbridge.h"), root.resolve("driver/test/diff/diff_shim.c"),
                root.resolve("driver/test/diff/build.sh"));
        if (!stale(so, sources)) {
            return so;
        }
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (System.getProperty("os.name", "").toLowerCase().contains("win")) {
            Assumptions.abort("the C rules are compared on Linux/macOS hosts only (CI runs them)");
        }
        int rc;
        String output;
        try {
            Process pr = new ProcessBuilder("bash", root.resolve("driver/test/diff/build.sh").toString())
                    .redirectErrorStream(true).start();
            output = new String(pr.getInputStream().readAllBytes());
            if (!pr.waitFor(120, TimeUnit.SECONDS)) {
                pr.destroyForcibly();
                return Assertions.fail("driver/test/diff/build.sh took over 120 s:\n" + output);
            }
            rc = pr.exitValue();
        } catch (IOException e) {
            rc = 77; // no bash: no way to build here
            output = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Assertions.fail("interrupted while building the C rules");
        }
        if (rc == 77) {
            String why = "no C compiler to build driver/out/host/libmdlb_diff.so, so C and Java rules were not"
                    + " compared: " + output.trim();
            if (ci) {
                Assertions.fail(why + " (CI=true: CI must install clang)");
            }
            Assumptions.abort(why);
        }
        if (rc != 0) {
            Assertions.fail("driver/test/diff/build.sh failed (exit " + rc + "):\n" + output);
        }
        return so;
    }

    private static boolean stale(Path so, List<Path> sources) {
        try {
            if (!Files.isRegularFile(so)) {
                return true;
            }
            FileTime built = Files.getLastModifiedTime(so);
            for (Path s : sources) {
                if (Files.getLastModifiedTime(s).compareTo(built) > 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
