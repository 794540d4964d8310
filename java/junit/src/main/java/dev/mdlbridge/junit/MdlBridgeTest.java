package dev.mdlbridge.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A test class that talks to mdlbridge: one bridge per class, on the backend chosen by {@code mdlbridge.backend}
 * (a JUnit configuration parameter, which JUnit also reads from a system property and from
 * {@code junit-platform.properties}; else the {@code MDLBRIDGE_BACKEND} environment variable; else {@code auto});
 * {@code MdlBridge} and {@code SimulatorControl} parameters are injected; every test must leave the driver's
 * counters as it found them and release every user buffer it allocated through the bridge.
 *
 * <p>The attributes set the simulator's options (see {@code dev.mdlbridge.spi.SimulatorOptions}); an attribute
 * left at its default takes the configuration parameter {@code mdlbridge.simulator.NAME}, else the simulator's
 * default. The driver backend takes none of them: a class that sets one runs on the simulator under {@code auto}
 * and fails under {@code driver}.
 *
 * <p>Every {@code @MdlBridgeTest} class holds the shared resource lock {@value #RESOURCE_LOCK}, so with JUnit's
 * parallel execution the tests of such classes never run at the same time, neither with each other nor with
 * those of another {@code @MdlBridgeTest} class (the driver counts per process, over all handles). Other classes
 * still run in parallel.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(MdlBridgeExtension.class)
@ResourceLock(MdlBridgeTest.RESOURCE_LOCK)
public @interface MdlBridgeTest {

    /** The exclusive resource every {@code @MdlBridgeTest} class locks (read-write) for its whole run. */
    String RESOURCE_LOCK = "dev.mdlbridge.junit.bridge";

    /** Simulator version profile ({@code win10-x64}, {@code win7-x64}, {@code nt52-x64}); empty: not set here. */
    String profile() default "";

    /** Seed of the simulator's physical frame assignment; negative: not set here. */
    long seed() default -1;

    /** Driver Verifier on the simulated machine (0xC4 bug checks); false: not set here. */
    boolean verifier() default false;

    /** TrackLockedPages on the simulated machine (0x76 / 0xCB at process exit); false: not set here. */
    boolean trackLockedPages() default false;

    /** The simulated driver without its safety refusals; false: not set here. */
    boolean unchecked() default false;

    /** Nonpaged-pool allocations that succeed before every later one fails; negative: not set here. */
    long poolFailAfter() default -1;

    /** System PTEs available for kernel-mode mappings; negative: not set here. */
    long systemPtesAvailable() default -1;

    /** Highest lock count of a physical page; negative: not set here. */
    long lockCountLimit() default -1;

    /** Simulated RAM: bytes or a size with a K, M, G or T suffix ({@code "4G"}); empty: not set here. */
    String physicalMemory() default "";

    /**
     * Administrator limits of the simulated driver, each {@code NAME=VALUE} as {@code mdl driver install --limit}
     * takes it ({@code "maxPageAllocationBytes=2G"}, {@code "maxObjects=64"}): a name of
     * {@code Protocol.LIMIT_NAMES}, a value in bytes, objects or handles with an optional K, M, G or T suffix. The
     * simulated driver clamps a value outside the limit's range as the driver does, and reports it clamped
     * ({@code bridge.limits()}); an unknown name or a value that is not a number fails every test of the class.
     * Empty: not set here.
     */
    String[] limits() default {};

    /**
     * Any other simulator setting, each {@code KEY=VALUE} with a key of {@code SimulatorOptions.KEYS}
     * ({@code "physicalMemory=2G"}), for settings without an attribute of their own. A key set both here and by
     * its attribute or in {@link #limits()} is an error. Empty: not set here.
     */
    String[] settings() default {};
}
