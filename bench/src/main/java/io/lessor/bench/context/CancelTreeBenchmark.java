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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Builds a chain of {@code depth} cancelable contexts, each the child of the one before, under
 * one of three roots. This is Go's {@code BenchmarkCancelTree}.
 *
 * <ul>
 *   <li>{@code Background}: the chain hangs off the background context and is dropped, never
 *       cancelled.</li>
 *   <li>{@code OpenCanceler}: the chain hangs off a fresh cancelable root, which is cancelled
 *       after the chain is built.</li>
 *   <li>{@code ClosedCanceler}: the root is cancelled first, so every context of the chain is
 *       born ended.</li>
 * </ul>
 *
 * <p>Go attaches every child to its parent when it creates it. Lessor attaches a child only when
 * something watches it, so {@link #lessor} measures chains that no code watches, and
 * {@link #lessorWatchedLeaf} calls {@code done()} on the last context of the chain, which
 * attaches the whole chain as Go would.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class CancelTreeBenchmark {

    /** The root kinds, named as Go's sub-benchmarks name them. */
    public enum Root {
        Background,
        OpenCanceler,
        ClosedCanceler
    }

    @Param({"1", "10", "100", "1000"})
    public int depth;

    @Param({"Background", "OpenCanceler", "ClosedCanceler"})
    public Root root;

    private Context background;
    private io.grpc.Context grpcBackground;

    @Setup
    public void setUp() {
        background = Context.background();
        grpcBackground = io.grpc.Context.ROOT;
        Benchmarks.silenceGrpcContextLog();
    }

    @Benchmark
    public void lessor(Blackhole blackhole) {
        buildUnderRoot(false, blackhole);
    }

    @Benchmark
    public void lessorWatchedLeaf(Blackhole blackhole) {
        buildUnderRoot(true, blackhole);
    }

    @Benchmark
    public void grpc(Blackhole blackhole) {
        switch (root) {
            case Background -> blackhole.consume(buildGrpcChain(grpcBackground));
            case OpenCanceler -> {
                io.grpc.Context.CancellableContext top = grpcBackground.withCancellation();
                blackhole.consume(buildGrpcChain(top));
                blackhole.consume(top.cancel(null));
            }
            case ClosedCanceler -> {
                io.grpc.Context.CancellableContext top = grpcBackground.withCancellation();
                blackhole.consume(top.cancel(null));
                blackhole.consume(buildGrpcChain(top));
            }
        }
    }

    private void buildUnderRoot(boolean watchLeaf, Blackhole blackhole) {
        switch (root) {
            case Background -> blackhole.consume(buildChain(background, watchLeaf));
            case OpenCanceler -> {
                CancelableContext top = background.withCancel();
                blackhole.consume(buildChain(top, watchLeaf));
                blackhole.consume(top.cancel());
            }
            case ClosedCanceler -> {
                CancelableContext top = background.withCancel();
                blackhole.consume(top.cancel());
                blackhole.consume(buildChain(top, watchLeaf));
            }
        }
    }

    /** Returns the last context of the chain, or its done signal when {@code watchLeaf} is set. */
    private Object buildChain(Context top, boolean watchLeaf) {
        Context leaf = top;
        for (int i = 0; i < depth; i++) {
            leaf = leaf.withCancel();
        }
        return watchLeaf ? leaf.done() : leaf;
    }

    private io.grpc.Context buildGrpcChain(io.grpc.Context top) {
        io.grpc.Context leaf = top;
        for (int i = 0; i < depth; i++) {
            leaf = leaf.withCancellation();
        }
        return leaf;
    }
}
