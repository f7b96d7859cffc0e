package io.lessor.bench.context;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.Key;
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
 * Derives a child of one shared cancelable parent, reads a value through it and cancels it,
 * from one thread per CPU at once, as Go's {@code BenchmarkCommonParentCancel} does. As in Go, a chain
 * of 100 dependent integer divisions runs after the read and again after the cancel, which
 * spaces out the threads' visits to the parent.
 *
 * <p>The score is per thread: divide it by the thread count to compare it with Go's number.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CommonParentCancelBenchmark {

    private Key<String> key;
    private CancelableContext shared;
    private io.grpc.Context.Key<String> grpcKey;
    private io.grpc.Context.CancellableContext grpcShared;

    /** The busy work of one thread. Its value is a field, so the compiler cannot fold the divisions away. */
    @State(Scope.Thread)
    public static class Spin {
        long x;

        void divide() {
            long v = x;
            for (int i = 0; i < 100; i++) {
                v /= v + 1;
            }
            x = v;
        }
    }

    @Setup
    public void setUp() {
        key = Key.named("key");
        shared = Context.background().with(key, "value").withCancel();
        grpcKey = io.grpc.Context.key("key");
        grpcShared = io.grpc.Context.ROOT.withValue(grpcKey, "value").withCancellation();
    }

    @TearDown
    public void tearDown() {
        shared.close();
        grpcShared.close();
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void lessor(Spin spin, Blackhole blackhole) {
        CancelableContext child = shared.withCancel();
        blackhole.consume(child.value(key));
        spin.divide();
        blackhole.consume(child.cancel());
        spin.divide();
    }

    /** Runs the busy work alone, a control to subtract from the other two scores. */
    @Benchmark
    @Threads(Threads.MAX)
    public void divisionsOnly(Spin spin) {
        spin.divide();
        spin.divide();
    }

    @Benchmark
    @Threads(Threads.MAX)
    public void grpc(Spin spin, Blackhole blackhole) {
        io.grpc.Context.CancellableContext child = grpcShared.withCancellation();
        blackhole.consume(grpcKey.get(child));
        spin.divide();
        blackhole.consume(child.cancel(null));
        spin.divide();
    }
}
