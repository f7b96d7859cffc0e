package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.WatchResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@CheckLeaks
@LeakCheck(virtualThreads = true)
class WatchTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Reads responses until {@code count} events have arrived, or fails after 5 s. */
    private static List<Event> events(Watcher watcher, int count) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (events.size() < count) {
            WatchResponse response = watcher.poll(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            assertThat(response).as("watch response before the 5 s deadline").isNotNull();
            events.addAll(response.getEventsList());
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void watchReportsPutsAndDelete(Server server) throws Exception {
        ByteString key = bytes("watch-test/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.withPrevKv());
            long first = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            client.kv().put(ctx, key, bytes("2"));
            client.kv().delete(ctx, key);

            List<Event> events = events(watcher, 3);

            assertThat(events).extracting(Event::getType).containsExactly(Event.EventType.PUT, Event.EventType.PUT,
                    Event.EventType.DELETE);
            assertThat(events).extracting(e -> e.getKv().getModRevision()).containsExactly(first, first + 1, first + 2);
            assertThat(events.get(1).getPrevKv().getValue()).isEqualTo(bytes("1"));
            assertThat(events.get(2).getPrevKv().getValue()).isEqualTo(bytes("2"));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void watchPrefixFromRevisionReplaysHistory(Server server) throws Exception {
        String prefix = "watch-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long start = client.kv().put(ctx, bytes(prefix + "a"), bytes("1")).getHeader().getRevision();
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));
            client.kv().put(ctx, bytes("watch-test/other"), bytes("x"));

            Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(start));
            List<Event> events = events(watcher, 2);

            assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly(prefix + "a", prefix + "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void leaseRevokeReportsDeletes(Server server) throws Exception {
        String prefix = "watch-test/" + UUID.randomUUID() + "/";
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(ctx, 30).getID();
            client.kv().put(ctx, bytes(prefix + "a"), bytes("1"), PutOptions.withLease(id));
            client.kv().put(ctx, bytes(prefix + "b"), bytes("2"), PutOptions.withLease(id));
            long next = client.kv().get(ctx, bytes(prefix)).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(next));

            client.lease().revoke(ctx, id);
            List<Event> events = events(watcher, 2);

            assertThat(events).extracting(Event::getType).containsOnly(Event.EventType.DELETE);
            assertThat(events).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly(prefix + "a", prefix + "b");
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void contextCancelEndsWatchAndStream(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes("watch-test/cancel"), WatchOptions.DEFAULT);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 1);

            ctx.cancel();

            assertThat(watcher.done().isFired()).isTrue();
            assertThat(watcher.end().orElseThrow().reason()).isEqualTo(WatchEnd.Reason.CONTEXT_DONE);
            assertThatThrownBy(watcher::next).isInstanceOf(WatchEndedException.class);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void clientCloseEndsWatch(Server server) throws Exception {
        Client client = servers.client(server);
        Watcher watcher = client.watch().watch(background, bytes("watch-test/close"), WatchOptions.DEFAULT);

        client.close();

        assertThat(watcher.end().orElseThrow().reason()).isEqualTo(WatchEnd.Reason.CLIENT_CLOSED);
        assertThat(client.watch().watch(background, bytes("watch-test/close"), WatchOptions.DEFAULT).end())
                .get().extracting(WatchEnd::reason).isEqualTo(WatchEnd.Reason.CLIENT_CLOSED);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    @LeakCheck(ignoreThreads = {"lessor-writer", "lessor-lease-expiry", "grpc-handler-\\d+", "watch-stream-.*"})
    void restartedServerResumesWithoutLoss(Server server) throws Exception {
        ByteString key = bytes("watch-test/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long next = client.kv().get(ctx, key).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(next));
            client.kv().put(ctx, key, bytes("before"));
            assertThat(events(watcher, 1).get(0).getKv().getValue()).isEqualTo(bytes("before"));

            servers.restart(server, Duration.ofMillis(500));
            // Waits until the restarted server serves reads, so the puts below go to it.
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> client.kv().get(ctx, key).getKvsCount() == 1);
            client.kv().put(ctx, key, bytes("after-1"));
            client.kv().put(ctx, key, bytes("after-2"));

            List<Event> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (events.size() < 2 && System.nanoTime() - deadline < 0) {
                WatchResponse response = watcher.poll(Duration.ofMillis(200));
                if (response != null) {
                    events.addAll(response.getEventsList());
                }
            }
            assertThat(events).extracting(e -> e.getKv().getValue()).containsExactly(bytes("after-1"), bytes("after-2"));
            assertThat(watcher.end()).isEmpty();
        }
    }
}
