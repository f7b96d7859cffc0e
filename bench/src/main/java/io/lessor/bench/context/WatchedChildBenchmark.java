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
 * Creates a child of one shared open parent, watches it, and closes it. This measures the cost
 * of attaching a child to its parent, which Lessor pays only for watched children. Go has no
 * such benchmark, because its {@code WithCancel} always attaches.
 *
 * <p>{@code lessorUnwatched} skips the watch, so the difference to {@code lessorWatched} is the
 * attachment: linking into the parent's listener list and unlinking on close. grpc-java also
 * attaches lazily, when the first cancellation listener is added. The {@code AllCpus} variants
 * run on one thread per CPU against the same parent, and their score is per thread.
 *
 * <p>NOTE: grpc-java 1.85.1 does not remove a cancelled child's entry from the parent's listener
 * list (1000 watched and cancelled children leave 1000 entries), so the grpc scores grow with
 * the length of the run and are not a steady cost per operation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class WatchedChildBenchmark {

    private CancelableContext parent;
    private io.grpc.Context.CancellableContext grpcParent;

    @Setup
    public void setUp() {
        parent = Context.background().withCancel();
        grpcParent = io.grpc.Context.ROOT.withCancellation();
    }

    @TearDown
    public void tearDown() {
        parent.close();
        grpcParent.close();
    }

    @Benchmark
    @Threads(1)
    public void lessorUnwatched(Blackhole blackhole) {
        CancelableContext child = parent.withCancel();
        blackhole.consume(child);
        blackhole.consume(child.cancel());
    }

    @Benchmark
    @Threads(1)
    public void lessorWatched(Blackhole blackhole) {
        watchAndClose(blackhole);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void lessorWatchedAllCpus(Blackhole blackhole) {
        watchAndClose(blackhole);
    }

    @Benchmark
    @Threads(1)
    public void grpcWatched(Blackhole blackhole) {
        watchAndCloseGrpc(blackhole);
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void grpcWatchedAllCpus(Blackhole blackhole) {
        watchAndCloseGrpc(blackhole);
    }

    private void watchAndClose(Blackhole blackhole) {
        CancelableContext child = parent.withCancel();
        blackhole.consume(child.done());
        blackhole.consume(child.cancel());
    }

    private void watchAndCloseGrpc(Blackhole blackhole) {
        io.grpc.Context.CancellableContext child = grpcParent.withCancellation();
        child.addListener(Benchmarks.IGNORE_CANCEL, Benchmarks.DIRECT);
        blackhole.consume(child.cancel(null));
    }
}
