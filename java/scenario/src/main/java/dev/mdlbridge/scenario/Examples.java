package dev.mdlbridge.scenario;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The example scenarios shipped in this library, by the name users give them ({@code example:NAME}, as in
 * {@code mdl run example:lifecycle}). Each is a resource {@code examples/NAME.json}; the result it gives on the
 * simulator's default profile is shipped beside it as {@code examples/expected/NAME.json} (what
 * {@code mdl selftest} compares with).
 *
 * <pre>{@code
 * Scenario s = Examples.load("lifecycle");                            // or "example:lifecycle"
 * RunResult r = ScenarioRunner.run(s, "simulator", BackendOptions.none(), "example:lifecycle");
 * System.out.println(r.outcome() + " " + ResultJson.toString(r));
 * }</pre>
 */
public final class Examples {

    /** The prefix that names a shipped example where a scenario file is expected. */
    public static final String PREFIX = "example:";

    private static final List<String> NAMES = List.of("lifecycle", "bad-buffers", "guard-pages", "partial-mdl",
            "nonpaged-pool", "initialize-mdl", "user-mapping", "direct-io", "chains", "cleanup", "process-exit",
            "unchecked-leak", "unchecked-leak-tracked", "unchecked-double-unlock", "two-handles", "shared-handles",
            "several-handles", "expectations", "expect-mismatch", "repeat-until-failure", "page-allocations",
            "pool-page-offset", "kernel-mapping", "reserved-mapping");

    private Examples() {
    }

    /** The names of the shipped examples, in the order {@code mdl run --list} prints them (simplest first). */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * The text of example {@code name} (a scenario document); {@code name} may carry the {@code example:} prefix.
     *
     * @throws ScenarioUsageException when no example has that name (the message lists the known ones)
     */
    public static String text(String name) {
        String n = strip(name);
        return read("examples/" + n + ".json").orElseThrow(() -> new ScenarioUsageException(
                PREFIX + n + " is not shipped; known: " + NAMES));
    }

    /**
     * Example {@code name}, parsed; its source (in error messages and results) is {@code example:NAME}.
     *
     * @throws ScenarioUsageException when no example has that name
     */
    public static Scenario load(String name) {
        String n = strip(name);
        return ScenarioParser.parse(text(n), PREFIX + n);
    }

    /**
     * The result document (CONTRACT.md section 8) example {@code name} gives on the simulator's default profile,
     * as JSON text; {@code mdl selftest} compares each run with it by {@code mdl diff}'s rules.
     *
     * @throws ScenarioUsageException when no expected result is shipped for that name
     */
    public static String expected(String name) {
        String n = strip(name);
        return read("examples/expected/" + n + ".json").orElseThrow(() -> new ScenarioUsageException(
                "no expected result is shipped for " + PREFIX + n + " (examples/expected/" + n + ".json)"));
    }

    private static String strip(String name) {
        return name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : name;
    }

    private static Optional<String> read(String resource) {
        try (InputStream in = Examples.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty()
                    : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
