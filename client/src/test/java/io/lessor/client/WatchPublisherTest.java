package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.lessor.api.WatchResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Flow.Publisher view of a watch, against both servers. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class WatchPublisherTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static List<String> values(List<WatchResponse> responses) {
        return responses.stream().flatMap(r -> r.getEventsList().stream()).map(e -> e.getKv().getValue().toStringUtf8()).toList();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void deliversOnlyWhatWasRequested(Server server) throws Exception {
        ByteString key = bytes("watch-publisher/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            // From the next revision: the calls may open after the puts below reach the server.
            long next = client.kv().get(ctx, key).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(next));
            Watcher reference = client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(next));
            await().atMost(Duration.ofSeconds(5)).until(() -> client.openCalls() == 2);
            RecordingSubscriber<WatchResponse> subscriber = new RecordingSubscriber<>(1);
            watcher.subscribe(subscriber);

            // A watcher that is up to date gets one response per revision.
            for (String value : List.of("1", "2", "3")) {
                client.kv().put(ctx, key, bytes(value));
            }
            for (int i = 0; i < 3; i++) {
                assertThat(reference.poll(Duration.ofSeconds(10))).as("reference response " + i).isNotNull();
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> !subscriber.items.isEmpty());
            List<String> afterFirstRequest = values(subscriber.items);
            subscriber.subscription().request(Long.MAX_VALUE);
            await().atMost(Duration.ofSeconds(10)).until(() -> values(subscriber.items).size() == 3);
            ctx.cancel();

            assertThat(subscriber.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(afterFirstRequest).containsExactly("1");
            assertThat(values(subscriber.items)).containsExactly("1", "2", "3");
            assertThat(subscriber.completed).isTrue();
            assertThat(subscriber.error.get()).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void compactionEndsWithError(Server server) throws Exception {
        ByteString key = bytes("watch-publisher/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long first = client.kv().put(ctx, key, bytes("1")).getHeader().getRevision();
            long second = client.kv().put(ctx, key, bytes("2")).getHeader().getRevision();
            client.kv().compact(ctx, second, false);
            RecordingSubscriber<WatchResponse> subscriber = new RecordingSubscriber<>(Long.MAX_VALUE);

            client.watch().watch(ctx, key, WatchOptions.DEFAULT.fromRevision(first)).subscribe(subscriber);

            assertThat(subscriber.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(subscriber.error.get()).isInstanceOfSatisfying(WatchEndedException.class, e -> {
                assertThat(e.end().reason()).isEqualTo(WatchEnd.Reason.COMPACTED);
                assertThat(e.end().compactRevision()).isEqualTo(second);
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void clientCloseCompletesSubscriberWithoutDemand(Server server) throws Exception {
        ByteString key = bytes("watch-publisher/" + UUID.randomUUID());
        RecordingSubscriber<WatchResponse> subscriber = new RecordingSubscriber<>(0);
        Client client = servers.client(server);
        try {
            long start = client.kv().put(background, key, bytes("1")).getHeader().getRevision();
            Watcher watcher = client.watch().watch(background, key, WatchOptions.DEFAULT.fromRevision(start));
            watcher.subscribe(subscriber);
            subscriber.subscription();
        } finally {
            client.close();
        }

        assertThat(subscriber.terminated.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(subscriber.completed).isTrue();
        assertThat(subscriber.items).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void secondSubscriberAndZeroRequestGetErrors(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes("watch-publisher/twice"), WatchOptions.DEFAULT);
            RecordingSubscriber<WatchResponse> first = new RecordingSubscriber<>(0);
            RecordingSubscriber<WatchResponse> second = new RecordingSubscriber<>(1);

            watcher.subscribe(first);
            watcher.subscribe(second);
            first.subscription().request(0);

            assertThat(second.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(second.error.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("takes one");
            assertThat(first.terminated.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(first.error.get()).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void closedClientWatchCompletesAtOnce(Server server) throws Exception {
        Client client = servers.client(server);
        client.close();
        RecordingSubscriber<WatchResponse> subscriber = new RecordingSubscriber<>(1);

        client.watch().watch(background, bytes("watch-publisher/closed"), WatchOptions.DEFAULT).subscribe(subscriber);

        assertThat(subscriber.terminated.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(subscriber.completed).isTrue();
    }
}
