package io.lessor.server.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.CompactionRequest;
import io.lessor.api.Event;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.context.LeakCheck;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.LocalEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The hub and its streams on a real engine, with a client whose readiness the test controls. */
@ExtendWith(LeakCheck.class)
class WatchHubTest {

    private static final int MAX_PENDING_BYTES = 4 * 1024;

    @TempDir
    Path dataDir;

    private LocalEngine engine;
    private WatchHub hub;
    private final List<WatchStream> streams = new ArrayList<>();

    /** A client whose transport is ready only while the test sets {@code ready}. */
    private static final class TestOutbound implements WatchOutbound {
        final LinkedBlockingQueue<WatchResponse> sent = new LinkedBlockingQueue<>();
        volatile boolean ready;
        volatile Throwable failure;

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public boolean send(WatchResponse response) {
            sent.add(response);
            return true;
        }

        @Override
        public void fail(Throwable failure) {
            this.failure = failure;
        }

        WatchResponse next() throws InterruptedException {
            WatchResponse response = sent.poll(5, TimeUnit.SECONDS);
            assertThat(response).as("a response within 5 s").isNotNull();
            return response;
        }
    }

    @BeforeEach
    void start() {
        engine = LocalEngine.open(ServerConfig.defaults(dataDir), Clock.system());
        WatchConfig config = WatchConfig.defaults(1536 * 1024).withMaxPendingBytesPerWatcher(MAX_PENDING_BYTES);
        hub = new WatchHub(engine, config, Clock.system());
    }

    @AfterEach
    void stop() {
        streams.forEach(WatchStream::close);
        assertThat(hub.openStreams()).isZero();
        engine.close();
    }

    private WatchStream open(TestOutbound outbound) {
        WatchStream stream = hub.openStream(outbound);
        streams.add(stream);
        return stream;
    }

    private long put(String key, String value) {
        return engine.put(request(key, value)).join().getHeader().getRevision();
    }

    private static PutRequest request(String key, String value) {
        return PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build();
    }

    /** Puts {@code count} values of key {@code key}, all in flight at once, and returns the last revision. */
    private long putMany(String key, int count) {
        List<CompletableFuture<PutResponse>> puts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            puts.add(engine.put(request(key, "value-" + i)));
        }
        return puts.stream().mapToLong(f -> f.join().getHeader().getRevision()).max().orElseThrow();
    }

    private static WatchCreateRequest.Builder watchKey(String key) {
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key));
    }

    @Test
    void stalledClientBoundedThenCatchesUp() throws Exception {
        TestOutbound stalled = new TestOutbound();
        WatchStream stream = open(stalled);
        TestOutbound live = new TestOutbound();
        live.ready = true;
        WatchStream other = open(live);
        long first = engine.revision() + 1;
        stream.create(watchKey("k").build());
        other.create(watchKey("k").build());
        assertThat(live.next().getCreated()).isTrue();

        long last = putMany("k", 2_000);

        assertThat(stream.queuedEventBytes()).as("queued bytes stay within the bound").isLessThanOrEqualTo(MAX_PENDING_BYTES);
        assertThat(received(live, 2_000)).as("the other watcher got every event live").hasSize(2_000);
        stalled.ready = true;
        stream.wakeUp();
        assertThat(stalled.next().getCreated()).isTrue();
        List<Long> revisions = received(stalled, 2_000);
        for (int i = 0; i < revisions.size(); i++) {
            assertThat(revisions.get(i)).as("event %d", i).isEqualTo(first + i);
        }
        assertThat(revisions.get(revisions.size() - 1)).isEqualTo(last);
    }

    @Test
    void compactionCancelsAfterQueuedEvents() throws Exception {
        TestOutbound stalled = new TestOutbound();
        WatchStream stream = open(stalled);
        long first = engine.revision() + 1;
        stream.create(watchKey("c").build());
        long last = putMany("c", 500);
        engine.compact(CompactionRequest.newBuilder().setRevision(last).build()).join();

        stalled.ready = true;
        stream.wakeUp();

        assertThat(stalled.next().getCreated()).isTrue();
        long expected = first;
        WatchResponse response;
        while ((response = stalled.next()).getEventsCount() > 0) {
            for (Event event : response.getEventsList()) {
                assertThat(event.getKv().getModRevision()).isEqualTo(expected++);
            }
        }
        assertThat(expected).as("some events were queued before it fell behind").isGreaterThan(first);
        assertThat(response.getCanceled()).isTrue();
        assertThat(response.getCompactRevision()).isEqualTo(last);
        assertThat(stream.watcherCount()).isZero();
    }

    @Test
    void revisionMissedByListenerIsReadFromStorage() throws Exception {
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(client);
        stream.create(watchKey("g").build());
        assertThat(client.next().getCreated()).isTrue();

        // given a revision that the hub never hears about
        engine.removeRevisionListener(hub);
        long missed = put("g", "missed");
        engine.addRevisionListener(hub);
        long seen = put("g", "seen");

        List<Long> revisions = received(client, 2);
        assertThat(revisions).containsExactly(missed, seen);
    }

    @Test
    void progressRequestWaitsUntilWatchersCaughtUp() throws Exception {
        long first = put("p", "1");
        long second = put("p", "2");
        TestOutbound client = new TestOutbound();
        WatchStream stream = open(client);
        stream.create(watchKey("p").setStartRevision(first).build());
        stream.requestProgress();

        client.ready = true;
        stream.wakeUp();

        assertThat(client.next().getCreated()).isTrue();
        assertThat(received(client, 2)).containsExactly(first, second);
        WatchResponse progress = client.next();
        assertThat(progress.getWatchId()).isEqualTo(-1);
        assertThat(progress.getHeader().getRevision()).isEqualTo(second);
    }

    @Test
    void closeRemovesWatchersAndStopsListening() throws Exception {
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(client);
        stream.create(watchKey("x").build());
        assertThat(client.next().getCreated()).isTrue();

        stream.close();
        put("x", "after close");

        assertThat(hub.openStreams()).isZero();
        assertThat(stream.watcherCount()).isZero();
        assertThat(client.sent.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    /** Collects the mod revisions of {@code count} events sent to {@code client}. */
    private static List<Long> received(TestOutbound client, int count) throws InterruptedException {
        List<Long> revisions = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (revisions.size() < count && System.nanoTime() - deadline < 0) {
            WatchResponse response = client.sent.poll(1, TimeUnit.SECONDS);
            if (response == null) {
                continue;
            }
            for (Event event : response.getEventsList()) {
                revisions.add(event.getKv().getModRevision());
            }
        }
        return revisions;
    }
}
