package dev.mdlbridge.cli.explore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The explore loop: sequence after sequence on fresh machines, each seeded from the run's seed and its index (so a
 * seed always gives the same sequences), until the time or sequence budget is spent. A violation not seen before
 * (by kind and bug check code) is shrunk and kept; later ones with the same key are counted only.
 */
final class Explorer {

    /**
     * How to explore.
     *
     * @param seed           the run's seed
     * @param nanos          time budget
     * @param maxSequences   sequence budget (Long.MAX_VALUE: time only)
     * @param minSteps       shortest sequence
     * @param maxSteps       longest sequence
     * @param stopAfterFirst stop at the first finding (tests)
     * @param out            directory for finding scenarios, or null
     */
    record Config(long seed, long nanos, long maxSequences, int minSteps, int maxSteps, boolean stopAfterFirst,
                  Path out) {
        static Config of(long seed, long seconds) {
            return new Config(seed, seconds * 1_000_000_000L, Long.MAX_VALUE, 20, 60, false, null);
        }

        Config stoppingAtFirst() {
            return new Config(seed, nanos, maxSequences, minSteps, maxSteps, true, out);
        }

        Config writingTo(Path dir) {
            return new Config(seed, nanos, maxSequences, minSteps, maxSteps, stopAfterFirst, dir);
        }
    }

    /** What a run did. */
    record Report(long seed, long sequences, long steps, long elapsedNanos, List<Finding> findings,
                  Map<String, Long> ops, Map<String, Long> refusals, Map<String, Long> repeats,
                  Map<String, Long> parameters, Map<String, Long> notImplemented) {
    }

    private final MachineFactory machines;
    private final Config config;

    Explorer(MachineFactory machines, Config config) {
        this.machines = machines;
        this.config = config;
    }

    /** Runs; {@code progress} gets a line now and then (the CLI prints it on stderr). */
    Report run(Consumer<String> progress) {
        return run(progress, (String) null);
    }

    /** As {@link #run(Consumer)}, stopping early once a finding with {@code stopAtKey} is kept (tests). */
    Report run(Consumer<String> progress, String stopAtKey) {
        return run(progress, stopAtKey == null ? k -> false : stopAtKey::equals);
    }

    /** As {@link #run(Consumer)}, stopping early once a finding whose key {@code stopAt} accepts is kept (tests:
     *  a removed refusal may show as a bug check or as the invariant it protects, whichever comes first). */
    Report run(Consumer<String> progress, java.util.function.Predicate<String> stopAt) {
        Coverage coverage = new Coverage();
        SequenceRunner runner = new SequenceRunner(machines, coverage);
        Shrinker shrinker = new Shrinker(machines);
        List<Finding> findings = new ArrayList<>();
        Map<String, Long> repeats = new LinkedHashMap<>();
        long begin = System.nanoTime();
        long deadline = begin + config.nanos();
        long lastProgress = begin;
        long sequences = 0;
        while (sequences < config.maxSequences() && System.nanoTime() < deadline) {
            SplittableRandom random = new SplittableRandom(config.seed() * 0x9E3779B97F4A7C15L + sequences);
            sequences++;
            int length = config.minSteps() + random.nextInt(config.maxSteps() - config.minSteps() + 1);
            MachineSetup setup = machines.simulator() ? MachineSetup.pick(random) : MachineSetup.NONE;
            OpGenerator gen = new OpGenerator(random, machines.simulator(), setup.mappingModifiers());
            int[] made = {0};
            SequenceRunner.Outcome o = runner.run(setup, m -> made[0]++ < length ? gen.next(m) : null);
            Violation v = o.violation();
            if (v != null) {
                if (repeats.merge(v.key(), 1L, Long::sum) == 1L) {
                    Shrinker.Result s = shrinker.shrink(o.steps(), setup, v);
                    Finding f = new Finding(s.violation(), s.steps(), s.setup(), sequences, null);
                    if (config.out() != null) {
                        f = f.writtenTo(ScenarioWriter.write(config.out(), findings.size() + 1, f).toString());
                    }
                    findings.add(f);
                    progress.accept("explore: finding " + findings.size() + ": " + f.violation().key() + " in "
                            + f.steps().size() + " steps: " + f.violation().summary());
                    if (config.stopAfterFirst() || stopAt.test(v.key())) {
                        break;
                    }
                }
            }
            long now = System.nanoTime();
            if (now - lastProgress > 2_000_000_000L) {
                lastProgress = now;
                progress.accept(String.format("explore: %d sequences, %d steps, %d findings, %ds", sequences,
                        coverage.steps(), findings.size(), (now - begin) / 1_000_000_000L));
            }
        }
        return new Report(config.seed(), sequences, coverage.steps(), System.nanoTime() - begin, findings,
                coverage.ops(), coverage.refusals(), repeats, coverage.parameters(), coverage.notImplemented());
    }
}
