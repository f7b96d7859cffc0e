package io.lessor.bench.context;

import io.lessor.context.Context;
import io.lessor.context.Key;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Starts a virtual thread that looks up a key that none of {@code depth} value bindings
 * contains, and waits for it, as Go's {@code BenchmarkDeepValueNewGoRoutine} does with a
 * goroutine.
 *
 * <p>Go's benchmark function itself runs on a goroutine, and the goroutine it starts usually
 * runs on the same processor as soon as the benchmark goroutine blocks. To match that, this
 * suite's fork runs the JMH benchmark thread as a virtual thread ({@code -Djmh.executor=VIRTUAL}):
 * joining then parks a virtual thread instead of a platform thread. Most of the score is the
 * start and join of the thread, not the lookup.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-Djmh.executor=VIRTUAL"})
public class DeepValueNewThreadBenchmark {

    @Param({"10", "20", "30", "50", "100"})
    public int depth;

    private Context deep;
    private Key<Integer> missing;
    private io.grpc.Context grpcDeep;
    private io.grpc.Context.Key<Integer> grpcMissing;

    @Setup
    public void setUp() {
        Context context = Context.background();
        io.grpc.Context grpcContext = io.grpc.Context.ROOT;
        for (int i = 0; i < depth; i++) {
            context = context.with(Key.named("level-" + i), i);
            grpcContext = grpcContext.withValue(io.grpc.Context.key("level-" + i), i);
        }
        deep = context;
        grpcDeep = grpcContext;
        missing = Key.named("missing");
        grpcMissing = io.grpc.Context.key("missing");
    }

    @Benchmark
    public void lessor(Blackhole blackhole) throws InterruptedException {
        Lookup lookup = new Lookup(() -> deep.value(missing));
        Thread.startVirtualThread(lookup).join();
        blackhole.consume(lookup.result);
    }

    @Benchmark
    public void grpc(Blackhole blackhole) throws InterruptedException {
        Lookup lookup = new Lookup(() -> grpcMissing.get(grpcDeep));
        Thread.startVirtualThread(lookup).join();
        blackhole.consume(lookup.result);
    }

    /**
     * A lookup that runs on another thread. {@link Thread#join()} makes its result visible to
     * the thread that joined it.
     */
    private static final class Lookup implements Runnable {
        private final Supplier<Object> query;
        Object result;

        Lookup(Supplier<Object> query) {
            this.query = query;
        }

        @Override
        public void run() {
            result = query.get();
        }
    }
}
