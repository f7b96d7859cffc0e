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
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests that require a leader: against a real etcd member whose only peer is down, and
 * against both single-node servers, which always have one.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class NoLeaderTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void requireLeaderWorksWhenServerHasLeader(Server server) throws Exception {
        ByteString key = bytes("no-leader-test/" + UUID.randomUUID());
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            Context leader = Client.withRequireLeader(ctx);
            long next = client.kv().get(ctx, key).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(leader, key, WatchOptions.DEFAULT.fromRevision(next));

            long revision = client.kv().put(leader, key, bytes("v")).getHeader().getRevision();
            WatchResponse response = watcher.poll(Duration.ofSeconds(10));

            assertThat(client.kv().get(leader, key).getKvs(0).getModRevision()).isEqualTo(revision);
            assertThat(response).isNotNull();
            assertThat(response.getEventsList()).extracting(Event::getType).containsExactly(Event.EventType.PUT);
        }
    }

    @Test
    void memberWithoutLeaderFailsFastAndWatchResumes() throws Exception {
        ByteString key = bytes("no-leader-test/" + UUID.randomUUID());
        try (EtcdPair pair = EtcdPair.start();
                Client client = Client.builder().endpoints(pair.endpointA()).build();
                CancelableContext ctx = background.withCancel()) {
            Context leader = Client.withRequireLeader(ctx);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> client.kv().put(ctx, key, bytes("before")).getHeader().getRevision() > 0);
            Watcher watcher = client.watch().watch(leader, key, WatchOptions.DEFAULT);
            await().atMost(Duration.ofSeconds(5)).until(() -> client.openCalls() == 1);

            pair.killB();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    client.kv().get(leader, key);
                    return false;
                } catch (UnavailableException e) {
                    return e.serverMessage().equals("etcdserver: no leader");
                }
            });

            long started = System.nanoTime();
            assertThatThrownBy(() -> client.kv().get(leader, key))
                    .isInstanceOf(UnavailableException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: no leader"));
            assertThatThrownBy(() -> client.kv().put(leader, key, bytes("lost")))
                    .isInstanceOf(UnavailableException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: no leader"));
            Duration failedWithin = Duration.ofNanos(System.nanoTime() - started);
            // A serializable read needs no leader.
            assertThat(client.kv().get(ctx, key, GetOptions.DEFAULT.withSerializable()).getKvs(0).getValue())
                    .isEqualTo(bytes("before"));

            pair.startB();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> client.kv().put(leader, key, bytes("after")).getHeader().getRevision() > 0);
            WatchResponse resumed = watcher.poll(Duration.ofSeconds(20));

            assertThat(failedWithin).isLessThan(Duration.ofSeconds(5));
            assertThat(resumed).isNotNull();
            assertThat(resumed.getEventsList()).extracting(e -> e.getKv().getValue()).containsExactly(bytes("after"));
            assertThat(watcher.end()).isEmpty();
        }
    }
}
