package io.lessor.server.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.lessor.api.CompactionRequest;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.Event;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.context.LeakCheck;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.Engine;
import io.lessor.server.engine.LocalEngine;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
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
    private final List<WatchHub> hubs = new ArrayList<>();
    private final List<WatchStream> streams = new ArrayList<>();

    /** A client whose transport is ready only while the test sets {@code ready}. */
    private static class TestOutbound implements WatchOutbound {
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
        hub = hubWith(config());
    }

    @AfterEach
    void stop() {
        streams.forEach(WatchStream::close);
        for (WatchHub each : hubs) {
            assertThat(each.openStreams()).isZero();
            each.closeAll();
        }
        engine.close();
    }

    private static WatchConfig config() {
        return WatchConfig.defaults(1536 * 1024).withMaxPendingBytesPerWatcher(MAX_PENDING_BYTES);
    }

    private WatchHub hubWith(WatchConfig config) {
        WatchHub created = new WatchHub(engine, config, Clock.system());
        hubs.add(created);
        return created;
    }

    private WatchStream open(TestOutbound outbound) {
        return open(hub, outbound);
    }

    private WatchStream open(WatchHub owner, TestOutbound outbound) {
        WatchStream stream = owner.openStream(outbound);
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

        // given a revision that the hub never receives
        engine.removeRevisionListener(hub);
        long missed = put("g", "missed");
        engine.addRevisionListener(hub);
        long seen = put("g", "seen");

        List<Long> revisions = received(client, 2);
        assertThat(revisions).containsExactly(missed, seen);
    }

    @Test
    void unreadControlResponsesPauseReading() throws Exception {
        TestOutbound client = new TestOutbound();
        WatchStream stream = open(client);
        CountDownLatch resumed = new CountDownLatch(1);
        stream.onReadingResumed(resumed::countDown);

        // given a client that reads nothing while it creates watchers
        int read = 0;
        while (stream.acceptsMoreRequests()) {
            stream.create(watchKey("unread-" + read).build());
            read++;
            assertThat(read).as("requests read before the stream pauses").isLessThanOrEqualTo(1_000);
        }

        // then the stream stops reading once the created responses fill its control bound
        assertThat(read).isEqualTo(WatchStream.MAX_QUEUED_CONTROL_RESPONSES);
        assertThat(resumed.getCount()).isEqualTo(1);

        // and reads again once the client takes its responses
        client.ready = true;
        stream.wakeUp();
        assertThat(resumed.await(5, TimeUnit.SECONDS)).as("reading resumed").isTrue();
        assertThat(stream.acceptsMoreRequests()).isTrue();
        for (int i = 0; i < read; i++) {
            assertThat(client.next().getCreated()).isTrue();
        }
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

    @Test
    void startRevisionMissedByListenerIsDelivered() throws Exception {
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(client);

        // given a revision that the hub never receives, as when the listener is added while
        // that revision is being written
        engine.removeRevisionListener(hub);
        long missed = put("m", "missed");
        engine.addRevisionListener(hub);

        // when watchers start at that revision (id 0) and after it (id 1)
        stream.create(watchKey("m").setStartRevision(missed).build());
        stream.create(watchKey("m").build());
        List<WatchResponse> responses = List.of(client.next(), client.next(), client.next());

        // then both headers carry it as the current revision, and the first watcher gets it
        assertThat(responses).filteredOn(WatchResponse::getCreated)
                .extracting(r -> r.getHeader().getRevision()).containsExactly(missed, missed);
        assertThat(responses).filteredOn(r -> !r.getCreated()).singleElement().satisfies(replay -> {
            assertThat(replay.getWatchId()).isZero();
            assertThat(modRevisions(replay)).containsExactly(missed);
        });
        assertThat(client.sent.poll(200, TimeUnit.MILLISECONDS)).as("nothing for the watcher that starts after it")
                .isNull();
    }

    @Test
    void catchUpResponsesHoldAtMostMaxRevisions() throws Exception {
        WatchHub small = hubWith(config().withMaxRevisionsPerCatchUp(3));
        long first = engine.revision() + 1;
        for (int i = 0; i < 7; i++) {
            put("k", "v" + i);
            put("other", "v" + i);
        }
        long current = engine.revision();
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(small, client);

        stream.create(watchKey("k").setStartRevision(first).build());

        assertThat(client.next().getCreated()).isTrue();
        List<WatchResponse> batches = List.of(client.next(), client.next(), client.next());
        // Revisions of other keys do not count: each batch has 3 revisions of k, then 1.
        assertThat(batches).extracting(r -> modRevisions(r)).containsExactly(
                List.of(first, first + 2, first + 4),
                List.of(first + 6, first + 8, first + 10),
                List.of(first + 12));
        assertThat(batches).extracting(r -> r.getHeader().getRevision()).containsOnly(current);
        long live = put("k", "live");
        assertThat(modRevisions(client.next())).containsExactly(live);
    }

    @Test
    void catchUpCountsRevisionsThatFiltersDrop() throws Exception {
        WatchHub small = hubWith(config().withMaxRevisionsPerCatchUp(2));
        long first = engine.revision() + 1;
        for (int i = 0; i < 3; i++) {
            put("f", "v" + i);
            engine.deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("f")).build()).join();
        }
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(small, client);

        stream.create(watchKey("f").setStartRevision(first).addFilters(WatchCreateRequest.FilterType.NODELETE).build());

        // then, as in etcd, each batch of 2 revisions contains one put and a delete that the filter drops
        assertThat(client.next().getCreated()).isTrue();
        assertThat(modRevisions(client.next())).containsExactly(first);
        assertThat(modRevisions(client.next())).containsExactly(first + 2);
        assertThat(modRevisions(client.next())).containsExactly(first + 4);
        assertThat(client.sent.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void compactedStartJoinsLaterRevisions() throws Exception {
        put("c", "1");
        long compactAt = put("c", "2");
        long after = put("c", "3");
        engine.compact(CompactionRequest.newBuilder().setRevision(compactAt).build()).join();
        TestOutbound client = new TestOutbound();
        client.ready = true;
        WatchStream stream = open(client);

        stream.create(watchKey("c").setStartRevision(compactAt).build());

        assertThat(client.next().getCreated()).isTrue();
        WatchResponse replay = client.next();
        assertThat(modRevisions(replay)).containsExactly(compactAt, after);
        assertThat(replay.getHeader().getRevision()).isEqualTo(after);
    }

    @Test
    void stalledWatcherCatchesUpInBatches() throws Exception {
        WatchHub small = hubWith(config().withMaxRevisionsPerCatchUp(50));
        TestOutbound stalled = new TestOutbound();
        WatchStream stream = open(small, stalled);
        stream.create(watchKey("s").build());
        long first = engine.revision() + 1;

        long last = putMany("s", 500);
        stalled.ready = true;
        stream.wakeUp();

        assertThat(stalled.next().getCreated()).isTrue();
        List<WatchResponse> responses = new ArrayList<>();
        long expected = first;
        while (expected <= last) {
            WatchResponse response = stalled.next();
            responses.add(response);
            for (Event event : response.getEventsList()) {
                assertThat(event.getKv().getModRevision()).isEqualTo(expected++);
            }
        }
        // The first responses were queued live, one per revision, until the bound; the rest came
        // from storage in batches of at most 50 revisions.
        assertThat(responses.get(0).getEventsCount()).isEqualTo(1);
        assertThat(responses).extracting(WatchResponse::getEventsCount).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(50));
        assertThat(responses).extracting(WatchResponse::getEventsCount).contains(50);
    }

    @Test
    void fullStreamQueueJoinsRevisionsOfEachWatcher() throws Exception {
        WatchHub small = hubWith(WatchConfig.defaults(1536 * 1024).withStreamBufferResponses(4)
                .withMaxRevisionsPerCatchUp(10));
        TestOutbound stalled = new TestOutbound();
        WatchStream stream = open(small, stalled);
        stream.create(watchKey("j").build());
        stream.create(watchKey("j").build());

        // when 30 revisions arrive while the client reads nothing
        long first = engine.revision() + 1;
        for (int i = 0; i < 30; i++) {
            put("j", "v" + i);
        }
        stalled.ready = true;
        stream.wakeUp();

        // then, once 4 responses wait, each watcher's revisions join its waiting response, 10 at most
        assertThat(stalled.next().getCreated()).isTrue();
        assertThat(stalled.next().getCreated()).isTrue();
        List<WatchResponse> responses = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            responses.add(stalled.next());
        }
        for (long watchId : new long[] {0, 1}) {
            List<WatchResponse> own = responses.stream().filter(r -> r.getWatchId() == watchId).toList();
            assertThat(own).extracting(WatchHubTest::modRevisions).containsExactly(
                    LongStream.range(first, first + 10).boxed().toList(),
                    LongStream.range(first + 10, first + 20).boxed().toList(),
                    LongStream.range(first + 20, first + 30).boxed().toList());
            assertThat(own).extracting(r -> r.getHeader().getRevision())
                    .containsExactly(first + 9, first + 19, first + 29);
        }
        assertThat(stalled.sent.poll(200, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void outOfHeapEndsOnlyItsStream() throws Exception {
        long first = put("k", "1");
        put("k", "2");
        Engine failing = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("events")) {
                        throw new OutOfMemoryError("simulated: a catch-up revision too large for the heap");
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WatchHub failingHub = new WatchHub(failing, config(), Clock.system());
        hubs.add(failingHub);
        TestOutbound behind = new TestOutbound();
        behind.ready = true;
        TestOutbound live = new TestOutbound();
        live.ready = true;
        open(failingHub, live).create(watchKey("k").build());
        assertThat(live.next().getCreated()).isTrue();

        open(failingHub, behind).create(watchKey("k").setStartRevision(first).build());

        await().atMost(Duration.ofSeconds(5)).until(() -> behind.failure != null);
        assertThat(Status.fromThrowable(behind.failure).getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(Status.fromThrowable(behind.failure).getDescription()).isEqualTo(WatchStream.OUT_OF_MEMORY);
        long next = put("k", "3");
        WatchResponse liveEvent = live.next();
        while (liveEvent.getEventsCount() == 0) {
            liveEvent = live.next();
        }
        assertThat(liveEvent.getEvents(0).getKv().getModRevision()).as("the other stream goes on").isEqualTo(next);
    }

    @Test
    void longCatchUpLetsOtherResponsesThrough() throws Exception {
        // given a long history where the catching-up watcher's key is written once, at its start
        long first = put("rare", "1");
        putMany("other", 300);
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Runnable> onFirstRead = new AtomicReference<>();
        Engine counting = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("events")) {
                        Runnable hook = onFirstRead.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                        reads.incrementAndGet();
                    }
                    try {
                        return method.invoke(engine, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        WatchHub small = new WatchHub(counting, config().withMaxRevisionsPerCatchUp(10).withMaxRevisionsReadPerRound(20),
                Clock.system());
        hubs.add(small);
        List<Integer> readsAtSend = new CopyOnWriteArrayList<>();
        TestOutbound client = new TestOutbound() {
            @Override
            public boolean send(WatchResponse response) {
                readsAtSend.add(reads.get());
                return super.send(response);
            }
        };
        client.ready = true;
        WatchStream stream = open(small, client);
        stream.create(watchKey("live").build());
        assertThat(client.next().getCreated()).isTrue();

        // when a live event and a new watcher arrive while the catch-up reads its first revisions
        onFirstRead.set(() -> {
            put("live", "during catch-up");
            stream.create(watchKey("new").setWatchId(7).build());
        });
        stream.create(watchKey("rare").setWatchId(5).setStartRevision(first).build());

        // then both are sent before the catch-up has read its 301 revisions, 10 per storage read
        List<WatchResponse> responses = new ArrayList<>();
        List<Integer> reading = new ArrayList<>();
        while (responses.stream().noneMatch(r -> r.getWatchId() == 5 && r.getEventsCount() > 0)) {
            responses.add(client.next());
            reading.add(readsAtSend.get(responses.size()));
        }
        int liveEvent = indexOf(responses, r -> r.getWatchId() == 0 && r.getEventsCount() == 1);
        int created = indexOf(responses, r -> r.getWatchId() == 7 && r.getCreated());
        int caughtUp = responses.size() - 1;
        assertThat(liveEvent).as("live event sent before the catch-up response").isBetween(0, caughtUp - 1);
        assertThat(created).as("new watcher's created response sent before the catch-up response")
                .isBetween(0, caughtUp - 1);
        assertThat(reading.get(liveEvent)).as("storage reads when the live event was sent").isLessThan(31);
        assertThat(reading.get(created)).as("storage reads when the created response was sent").isLessThan(31);
        assertThat(reading.get(caughtUp)).as("storage reads when the catch-up response was sent").isEqualTo(31);
        assertThat(modRevisions(responses.get(caughtUp))).containsExactly(first);
    }

    private static int indexOf(List<WatchResponse> responses, java.util.function.Predicate<WatchResponse> test) {
        for (int i = 0; i < responses.size(); i++) {
            if (test.test(responses.get(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void closeAllClosesStreamsOpenedAfterIt() throws Exception {
        TestOutbound before = new TestOutbound();
        before.ready = true;
        WatchStream early = open(before);
        early.create(watchKey("x").build());
        assertThat(before.next().getCreated()).isTrue();

        hub.closeAll();
        TestOutbound after = new TestOutbound();
        after.ready = true;
        WatchStream late = open(after);
        late.create(watchKey("x").build());
        put("x", "1");

        assertThat(hub.openStreams()).isZero();
        assertThat(late.watcherCount()).isZero();
        assertThat(after.sent.poll(200, TimeUnit.MILLISECONDS)).isNull();
        assertThat(before.sent.poll(0, TimeUnit.MILLISECONDS)).isNull();
    }

    private static List<Long> modRevisions(WatchResponse response) {
        return response.getEventsList().stream().map(e -> e.getKv().getModRevision()).toList();
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
