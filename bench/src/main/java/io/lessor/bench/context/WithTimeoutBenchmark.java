package io.lessor.bench.context;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Creates ten one-hour timeouts under the background context and cancels them, while
 * {@code concurrency} other timeouts stay pending, as Go's {@code BenchmarkWithTimeout} does.
 *
 * <p>Go fills its timer heaps with {@code concurrency} pending timeouts, then runs the ten
 * creates and cancels on every CPU at once ({@code b.RunParallel}). Here the pending timeouts
 * sit in Lessor's one timer queue, and the operation runs on one thread ({@link #oneThread},
 * Go's {@code -cpu 1}) and on one thread per CPU ({@link #allCpus}, Go's default). The
 * {@code allCpus} score is per thread, so divide it by the thread count to compare it with
 * Go's number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class WithTimeoutBenchmark {

    /** Timeouts created and cancelled by one operation, as in Go. */
    static final int BATCH = 10;

    @Param({"40", "4000", "400000"})
    public int concurrency;

    private Context parent;
    private Duration timeout;
    private List<CancelableContext> pending;

    /** The contexts of one thread's batch. */
    @State(Scope.Thread)
    public static class Batch {
        final CancelableContext[] contexts = new CancelableContext[BATCH];
    }

    @Setup(Level.Trial)
    public void setUp() {
        parent = Context.background();
        timeout = Duration.ofHours(1);
        pending = new ArrayList<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            pending.add(parent.withTimeout(timeout));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (CancelableContext context : pending) {
            context.close();
        }
        pending = null;
    }

    @Benchmark
    @Threads(1)
    public void oneThread(Batch batch, Blackhole blackhole) {
        createAndCancel(batch.contexts, blackhole);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void allCpus(Batch batch, Blackhole blackhole) {
        createAndCancel(batch.contexts, blackhole);
    }

    private void createAndCancel(CancelableContext[] contexts, Blackhole blackhole) {
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = parent.withTimeout(timeout);
        }
        for (CancelableContext context : contexts) {
            blackhole.consume(context.cancel());
        }
    }
}
