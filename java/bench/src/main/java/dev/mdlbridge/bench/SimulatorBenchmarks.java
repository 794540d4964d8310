package dev.mdlbridge.bench;

import dev.mdlbridge.api.Describe;
import dev.mdlbridge.api.LockOperation;
import dev.mdlbridge.api.MdlBridge;
import dev.mdlbridge.spi.UserMemory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The simulator path. Run them all with {@code java -jar java/bench/target/mdlbridge-bench.jar Simulator}, or one
 * with a regular expression ({@code ...jar 'SimulatorBenchmarks.lock'}). Heap: -Xmx1g per fork, so the 4 GiB - 4 KiB
 * describe also shows it fits a small heap.
 */
public class SimulatorBenchmarks {

    static final long GIB = 1L << 30;

    /** A pre-faulted 1 GiB buffer with one IoAllocateMdl over it, and the floor: its 2 MiB PFN array. */
    @State(Scope.Thread)
    public static class Lock1GiB {
        SimStack stack;
        int mdl;
        PfnFloor floor;

        @Setup(Level.Trial)
        public void setUp() {
            stack = new SimStack();
            long address = stack.memory.allocate(GIB, UserMemory.PAGE_READWRITE, false);
            mdl = stack.allocateMdl(address, GIB);
            stack.probeRead(mdl); // faults every page in: later probes find them resident
            stack.unlock(mdl);
            floor = new PfnFloor((int) (GIB >>> 12));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            stack.free(mdl);
            stack.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = "-Xmx1g")
    public void lockUnlock1GiB(Lock1GiB s) {
        s.stack.probeRead(s.mdl);
        s.stack.unlock(s.mdl);
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(value = 1, jvmArgsAppend = "-Xmx1g")
    public long pfnArrayCopyFloor1GiB(Lock1GiB s) {
        return s.floor.copy();
    }

    /** A bridge with a one-page buffer. */
    @State(Scope.Thread)
    public static class OnePage {
        SimStack stack;
        MdlBridge bridge;
        long address;

        @Setup(Level.Trial)
        public void setUp() {
            stack = new SimStack();
            bridge = stack.bridge();
            address = stack.memory.allocate(4096, UserMemory.PAGE_READWRITE, false);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bridge.close();
            stack.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    @Fork(1)
    public Describe describeOnePage(OnePage s) {
        return s.bridge.describe(s.address, 4096, LockOperation.READ);
    }

    /** Cost against size: the whole one-shot describe of a pre-faulted buffer. */
    @State(Scope.Thread)
    public static class Sized {
        @Param({"4096", "65536", "1048576", "16777216", "268435456", "1073741824", "4294963200"})
        public long size;
        SimStack stack;
        MdlBridge bridge;
        long address;

        @Setup(Level.Trial)
        public void setUp() {
            stack = new SimStack();
            bridge = stack.bridge();
            address = stack.memory.allocate(size, UserMemory.PAGE_READWRITE, false);
            if (!bridge.describe(address, (int) size, LockOperation.READ).succeeded()) {
                throw new IllegalStateException("describe of " + size + " bytes failed");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            bridge.close();
            stack.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    @Fork(value = 1, jvmArgsAppend = "-Xmx512m")
    public Describe describeBySize(Sized s) {
        return s.bridge.describe(s.address, (int) s.size, LockOperation.READ);
    }
}
