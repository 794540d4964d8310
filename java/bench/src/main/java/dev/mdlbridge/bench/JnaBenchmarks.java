package dev.mdlbridge.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** JNA call overhead: direct mapping against interface mapping, on libc's getpagesize() (no system call) and getpid() (a system call). */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class JnaBenchmarks {

    @Benchmark
    public int directMapping() {
        return JnaCalls.direct();
    }

    @Benchmark
    public int interfaceMapping() {
        return JnaCalls.viaInterface();
    }

    @Benchmark
    public int directMappingSyscall() {
        return JnaCalls.directSyscall();
    }

    @Benchmark
    public int interfaceMappingSyscall() {
        return JnaCalls.viaInterfaceSyscall();
    }

    /** The JVM's own cached pid: what a call costs with no native transition at all. */
    @Benchmark
    public long javaBaseline() {
        return ProcessHandle.current().pid();
    }
}
