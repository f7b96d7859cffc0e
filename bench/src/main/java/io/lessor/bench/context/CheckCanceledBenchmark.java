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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Asks a cancelled context whether it has ended, on one thread, as Go's
 * {@code BenchmarkCheckCanceled} does. Go's {@code Err} case is {@code reason()} here and
 * {@code isCancelled()} in grpc-java. Go's {@code Done} case, a non-blocking receive from the
 * done channel, is {@code done().isFired()}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CheckCanceledBenchmark {

    private CancelableContext cancelled;
    private io.grpc.Context.CancellableContext grpcCancelled;

    @Setup
    public void setUp() {
        cancelled = Context.background().withCancel();
        cancelled.cancel();
        grpcCancelled = io.grpc.Context.ROOT.withCancellation();
        grpcCancelled.cancel(null);
    }

    @TearDown
    public void tearDown() {
        cancelled.close();
        grpcCancelled.close();
    }

    @Benchmark
    public void lessorErr(Blackhole blackhole) {
        blackhole.consume(cancelled.reason());
    }

    @Benchmark
    public void lessorDone(Blackhole blackhole) {
        blackhole.consume(cancelled.done().isFired());
    }

    @Benchmark
    public void grpcErr(Blackhole blackhole) {
        blackhole.consume(grpcCancelled.isCancelled());
    }
}
