package io.lessor.bench.context;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * {@link WithTimeoutBenchmark} for grpc-java: {@code withDeadlineAfter} under
 * {@code Context.ROOT}, with every deadline on one shared single-thread scheduler.
 *
 * <p>The scheduler removes a cancelled task from its queue at once, as Lessor's timer does, so
 * the queue holds only the {@code concurrency} pending deadlines and not every deadline ever
 * cancelled.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class GrpcWithTimeoutBenchmark {

    @Param({"40", "4000", "400000"})
    public int concurrency;

    private io.grpc.Context parent;
    private long timeoutNanos;
    private ScheduledThreadPoolExecutor scheduler;
    private List<io.grpc.Context.CancellableContext> pending;

    /** The contexts of one thread's batch. */
    @State(Scope.Thread)
    public static class Batch {
        final io.grpc.Context.CancellableContext[] contexts =
                new io.grpc.Context.CancellableContext[WithTimeoutBenchmark.BATCH];
    }

    @Setup(Level.Trial)
    public void setUp() {
        parent = io.grpc.Context.ROOT;
        timeoutNanos = TimeUnit.HOURS.toNanos(1);
        scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "grpc-deadline-timer");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        pending = new ArrayList<>(concurrency);
        for (int i = 0; i < concurrency; i++) {
            pending.add(parent.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, scheduler));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (io.grpc.Context.CancellableContext context : pending) {
            context.close();
        }
        pending = null;
        scheduler.shutdownNow();
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

    private void createAndCancel(io.grpc.Context.CancellableContext[] contexts, Blackhole blackhole) {
        for (int i = 0; i < contexts.length; i++) {
            contexts[i] = parent.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS, scheduler);
        }
        for (io.grpc.Context.CancellableContext context : contexts) {
            blackhole.consume(context.cancel(null));
        }
    }
}
