package io.lessor.bench.watch;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.ResponseHeader;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.server.engine.Engine;
import io.lessor.server.watch.WatchConfig;
import io.lessor.server.watch.WatchHub;
import io.lessor.server.watch.WatchOutbound;
import io.lessor.server.watch.WatchStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Publishes one revision to a {@link WatchHub} with {@code watchers} watchers, 100 to a stream,
 * and waits until every watcher that matches has been sent its response. The score is the time
 * per revision of the whole fan-out in the server: the writer's matching and queueing under the
 * hub's lock, and the streams' workers building and serializing the responses. gRPC and the
 * network are left out: a stream's transport is always ready and serializes each response into
 * a sink. After each iteration it prints the writer thread's CPU time per revision (the time
 * {@link WatchHub#onRevision} takes on the engine's writer thread, which delays every write),
 * which is steadier than the score on a busy machine.
 *
 * <p>Shapes: every watcher on the written key ({@code key}), every watcher on a prefix of it
 * ({@code prefix}), or each watcher on a key or prefix of its own, of which one matches each
 * revision ({@code distinctKeys}, {@code distinctPrefixes}), which shows the cost of finding the
 * watchers that match.
 *
 * <p>Run: {@code java -jar bench/target/lessor-bench.jar HubFanoutBenchmark -f 1 -wi 3 -i 5 -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HubFanoutBenchmark {

    /** Watchers per stream, as in bench/watch-fanout.sh. */
    static final int WATCHERS_PER_STREAM = 100;

    /** Shape of the watchers' ranges relative to the written keys. */
    public enum Shape {
        key, prefix, distinctKeys, distinctPrefixes
    }

    @Param({"1", "100", "10000"})
    public int watchers;

    @Param({"key", "prefix", "distinctKeys", "distinctPrefixes"})
    public Shape shape;

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final AtomicLong sent = new AtomicLong();
    private long writerCpuNanos;
    private long writerRevisions;
    private volatile long target;
    private volatile Thread waiter;

    private WatchHub hub;
    private final List<WatchStream> streams = new ArrayList<>();
    private long revision;
    private long expected;
    private final List<List<Event>> eventsByKey = new ArrayList<>();

    @Setup
    public void setUp() {
        hub = new WatchHub(stubEngine(), WatchConfig.defaults(1536 * 1024), Clock.system());
        WatchStream stream = null;
        for (int i = 0; i < watchers; i++) {
            if (i % WATCHERS_PER_STREAM == 0) {
                stream = hub.openStream(new SinkOutbound());
                streams.add(stream);
            }
            stream.create(createRequest(i));
        }
        boolean distinct = shape == Shape.distinctKeys || shape == Shape.distinctPrefixes;
        expected = distinct ? 1 : watchers;
        int keys = distinct ? watchers : 1;
        for (int i = 0; i < keys; i++) {
            eventsByKey.add(List.of(event(writtenKey(i))));
        }
        // Drain the created responses.
        awaitSent(watchers);
    }

    /** Prints the writer thread's CPU time per revision: the part of the fan-out that delays writes. */
    @TearDown(Level.Iteration)
    public void printWriterCpu() {
        if (writerRevisions > 0) {
            System.out.printf("writer CPU per revision: %.2f us over %d revisions%n",
                    writerCpuNanos / 1000.0 / writerRevisions, writerRevisions);
        }
        writerCpuNanos = 0;
        writerRevisions = 0;
    }

    @TearDown
    public void tearDown() {
        hub.closeAll();
    }

    @Benchmark
    public long publish() {
        long next = ++revision;
        long goal = sent.get() + expected;
        target = goal;
        waiter = Thread.currentThread();
        List<Event> events = withRevision(eventsByKey.get((int) (next % eventsByKey.size())), next);
        long cpuBefore = THREADS.getCurrentThreadCpuTime();
        hub.onRevision(next, events);
        writerCpuNanos += THREADS.getCurrentThreadCpuTime() - cpuBefore;
        writerRevisions++;
        awaitSent(goal);
        return next;
    }

    private void awaitSent(long goal) {
        target = goal;
        waiter = Thread.currentThread();
        while (sent.get() < goal) {
            LockSupport.parkNanos(100_000);
        }
    }

    private WatchCreateRequest createRequest(int i) {
        return switch (shape) {
            case key -> WatchCreateRequest.newBuilder().setKey(bytes("fanout/0")).build();
            case prefix -> WatchCreateRequest.newBuilder().setKey(bytes("fanout/"))
                    .setRangeEnd(bytes("fanout0")).build();
            case distinctKeys -> WatchCreateRequest.newBuilder().setKey(bytes("fanout/" + i)).build();
            case distinctPrefixes -> WatchCreateRequest.newBuilder().setKey(bytes("fanout/" + i + "/"))
                    .setRangeEnd(bytes("fanout/" + i + "0")).build();
        };
    }

    private ByteString writtenKey(int i) {
        return switch (shape) {
            case key, prefix, distinctKeys -> bytes("fanout/" + i);
            case distinctPrefixes -> bytes("fanout/" + i + "/k");
        };
    }

    private static Event event(ByteString key) {
        return Event.newBuilder().setType(Event.EventType.PUT).setKv(KeyValue.newBuilder().setKey(key)
                .setValue(ByteString.copyFrom(new byte[16])).setVersion(1)).build();
    }

    /** Returns the events with their revisions set, as the engine builds them for each revision. */
    private static List<Event> withRevision(List<Event> events, long revision) {
        Event first = events.getFirst();
        KeyValue kv = first.getKv().toBuilder().setCreateRevision(revision).setModRevision(revision).build();
        return List.of(first.toBuilder().setKv(kv).build());
    }

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** A transport that is always ready and serializes each response, as gRPC's marshaller would. */
    private final class SinkOutbound implements WatchOutbound {
        private final CodedOutputStream sink = CodedOutputStream.newInstance(OutputStream.nullOutputStream());

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public boolean send(WatchResponse response) {
            try {
                response.writeTo(sink);
                sink.flush();
            } catch (IOException e) {
                throw new IllegalStateException("writing to a null stream failed", e);
            }
            long count = response.getEventsCount() == 0 ? 1 : response.getEventsCount();
            if (sent.addAndGet(count) >= target) {
                LockSupport.unpark(waiter);
            }
            return true;
        }

        @Override
        public void fail(Throwable failure) {
            throw new IllegalStateException("watch stream failed", failure);
        }
    }

    /** Returns an engine with no revisions and no history: the benchmark feeds the hub itself. */
    private static Engine stubEngine() {
        ResponseHeader header = ResponseHeader.newBuilder().setClusterId(1).setMemberId(1).setRaftTerm(1).build();
        return (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "header" -> header;
                    case "revision", "compactedRevision" -> 0L;
                    case "events" -> List.of();
                    case "addRevisionListener", "removeRevisionListener" -> null;
                    case "toString" -> "stub engine";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
