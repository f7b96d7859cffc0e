package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.lessor.api.Event;
import io.lessor.api.WatchResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Watch options, progress requests and the ways a watch ends, against both servers. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class WatchFeaturesTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Reads responses until {@code count} events have arrived, or fails after 10 s. */
    private static List<Event> events(Watcher watcher, int count) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (events.size() < count) {
            WatchResponse response = watcher.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            assertThat(response).as("watch response before the 10 s deadline, after " + events.size() + " events").isNotNull();
            events.addAll(response.getEventsList());
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void noPutFilterReportsOnlyDeletes(Server server) throws Exception {
        String prefix = "watch-features/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long start = client.kv().put(ctx, bytes(prefix + "a"), bytes("1")).getHeader().getRevision();
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));
            client.kv().delete(ctx, bytes(prefix + "a"));
            client.kv().delete(ctx, bytes(prefix + "b"));

            Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(start).withNoPut());
            List<Event> events = events(watcher, 2);

            assertThat(events).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
            assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly(prefix + "a", prefix + "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void noDeleteFilterReportsOnlyPuts(Server server) throws Exception {
        String prefix = "watch-features/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().withNoDelete());
            await().atMost(Duration.ofSeconds(5)).until(() -> client.openCalls() == 1);
            client.kv().put(ctx, bytes(prefix + "a"), bytes("1"));
            client.kv().delete(ctx, bytes(prefix + "a"));
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));

            List<Event> events = events(watcher, 2);

            assertThat(events).extracting(Event::getType).containsOnly(Event.EventType.PUT);
            assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly(prefix + "a", prefix + "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void requestProgressReturnsRevisionAfterEvents(Server server) throws Exception {
        ByteString key = bytes("watch-features/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            // From the next revision, so the put below is seen even if it lands before the
            // server has registered the watch.
            long next = client.kv().get(ctx, key).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(next));
            long written = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            events(watcher, 1);

            boolean sent = watcher.requestProgress();
            WatchResponse progress = watcher.poll(Duration.ofSeconds(10));
            client.kv().put(ctx, key, bytes("2"));
            List<Event> after = events(watcher, 1);

            assertThat(sent).isTrue();
            assertThat(progress).isNotNull();
            assertThat(Watcher.isProgressNotify(progress)).isTrue();
            assertThat(progress.getHeader().getRevision()).isGreaterThanOrEqualTo(written);
            assertThat(after).extracting(e -> e.getKv().getValue()).containsExactly(bytes("2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void requestProgressOnEndedWatchReturnsFalse(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes("watch-features/ended"), WatchOptions.DEFAULT);

            ctx.cancel();

            assertThat(watcher.requestProgress()).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compactedStartEndsWithCompactRevision(Server server) throws Exception {
        ByteString key = bytes("watch-features/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long first = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            long second = client.kv().put(ctx, key, bytes("2")).getHeader().getRevision();
            client.kv().compact(ctx, second, false);

            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(first));
            assertThat(watcher.done().await(Duration.ofSeconds(10))).as("watch ended within 10 s").isTrue();

            WatchEnd end = watcher.end().orElseThrow();
            assertThat(end.reason()).isEqualTo(WatchEnd.Reason.COMPACTED);
            assertThat(end.compactRevision()).isEqualTo(second);
            assertThat(end.cause()).isInstanceOf(CompactedRevisionException.class);
            assertThatThrownBy(watcher::next).isInstanceOf(WatchEndedException.class)
                    .hasMessageContaining("compacted at revision " + second);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compactedRevisionItselfCanBeWatched(Server server) throws Exception {
        ByteString key = bytes("watch-features/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            client.kv().put(ctx, key, bytes("1"));
            long second = client.kv().put(ctx, key, bytes("2")).getHeader().getRevision();
            client.kv().compact(ctx, second, false);

            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(second));
            List<Event> events = events(watcher, 1);

            assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(second);
            assertThat(watcher.end()).isEmpty();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void invalidRangeEndsCanceledByServerWithReason(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes("watch-features/b"),
                    WatchOptions.DEFAULT.until(bytes("watch-features/a")));
            assertThat(watcher.done().await(Duration.ofSeconds(10))).as("watch ended within 10 s").isTrue();

            WatchEnd end = watcher.end().orElseThrow();
            assertThat(end.reason()).isEqualTo(WatchEnd.Reason.CANCELED_BY_SERVER);
            assertThat(end.cancelReason()).isEqualTo("mvcc: watcher range is empty");
            assertThat(end.cause()).isInstanceOf(WatchCanceledException.class);
            assertThat(end.compactRevision()).isZero();
            await().atMost(Duration.ofSeconds(5)).until(() -> client.openCalls() == 0);
        }
    }

    /** Returns an interceptor that counts the watch responses marked as a fragment. */
    private static ClientInterceptor countFragments(AtomicInteger fragments) {
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                            @Override
                            public void onMessage(R message) {
                                if (message instanceof WatchResponse response && response.getFragment()) {
                                    fragments.incrementAndGet();
                                }
                                super.onMessage(message);
                            }
                        }, headers);
                    }
                };
            }
        };
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void fragmentedRevisionArrivesAsOneResponse(Server server) throws Exception {
        String prefix = "watch-features/" + UUID.randomUUID() + "/";
        byte[] big = new byte[1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        AtomicInteger fragments = new AtomicInteger();
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(countFragments(fragments)).build();
                CancelableContext ctx = background.withCancel()) {
            for (int i = 0; i < 5; i++) {
                client.kv().put(ctx, bytes(prefix + i), ByteString.copyFrom(big));
            }
            Watcher fragmented = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().withPrevKv().withFragment());
            Watcher whole = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().withPrevKv());
            await().atMost(Duration.ofSeconds(5)).until(() -> client.openCalls() == 2);

            // One revision with five deletes whose previous values add up to 5 MiB: more than
            // etcd's 1.5 MiB request limit, so the server splits it when asked to.
            long deleted = client.kv().delete(ctx, bytes(prefix), DeleteOptions.withPrefix()).getHeader().getRevision();
            WatchResponse joined = fragmented.poll(Duration.ofSeconds(10));
            WatchResponse unsplit = whole.poll(Duration.ofSeconds(10));

            assertThat(fragments.get()).as("fragments received").isGreaterThanOrEqualTo(3);
            assertThat(joined).isNotNull();
            assertThat(joined.getFragment()).isFalse();
            assertThat(joined.getEventsList()).hasSize(5).allSatisfy(e -> {
                assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
                assertThat(e.getKv().getModRevision()).isEqualTo(deleted);
                assertThat(e.getPrevKv().getValue().size()).isEqualTo(big.length);
            });
            assertThat(unsplit).isNotNull();
            assertThat(unsplit.getEventsList()).hasSize(5);
        }
    }
}
