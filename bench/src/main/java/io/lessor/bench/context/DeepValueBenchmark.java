package io.lessor.bench.context;

import io.lessor.context.Context;
import io.lessor.context.Key;
import java.util.concurrent.TimeUnit;
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
 * Looks up a key that none of {@code depth} value bindings contains, so the lookup visits them
 * all, as Go's {@code BenchmarkDeepValueSameGoRoutine} does. {@link DeepValueNewThreadBenchmark}
 * runs the same lookup on a new thread.
 *
 * <p>Lessor walks the chain of bindings as Go does. grpc-java keeps its values in a persistent
 * hash trie, so its lookup does not walk the chain.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class DeepValueBenchmark {

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
    public void lessorSameThread(Blackhole blackhole) {
        blackhole.consume(deep.value(missing));
    }

    @Benchmark
    public void grpcSameThread(Blackhole blackhole) {
        blackhole.consume(grpcMissing.get(grpcDeep));
    }
}
