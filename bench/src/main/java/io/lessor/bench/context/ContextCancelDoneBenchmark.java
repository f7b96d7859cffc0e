package io.lessor.bench.context;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Polls the done signal of one open context from one thread per CPU at once, as Go's
 * {@code BenchmarkContextCancelDone} does from {@code b.RunParallel}. The score is per thread,
 * so divide it by the thread count to compare it with Go's number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ContextCancelDoneBenchmark {

    private CancelableContext open;

    @Setup
    public void setUp() {
        open = Context.background().withCancel();
    }

    @TearDown
    public void tearDown() {
        open.close();
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void lessor(Blackhole blackhole) {
        blackhole.consume(open.done().isFired());
    }
}
