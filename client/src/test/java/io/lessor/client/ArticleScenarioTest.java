package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Service registration with a lease, end to end and on real time: a key put with a 10 s lease
 * stays while a keep-alive runs for 30 s, and is gone within 11 s after the client closes.
 * Slow (about 40 s per server).
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class ArticleScenarioTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    @ParameterizedTest
    @EnumSource(Server.class)
    void keyLivesWithKeepAliveAndGoesAfterClose(Server server) throws Exception {
        ByteString key = ByteString.copyFromUtf8("article/" + UUID.randomUUID());
        Context background = Context.background();
        Client client = servers.client(server);
        KeepAlive keepAlive;
        try (CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(ctx, 10).getID();
            client.kv().put(ctx, key, ByteString.copyFromUtf8("registered"), PutOptions.withLease(id));
            keepAlive = client.lease().keepAlive(ctx, id);

            long endNanos = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() - endNanos < 0) {
                assertThat(client.kv().get(ctx, key).getKvsCount()).as("key while the keep-alive runs").isEqualTo(1);
                Thread.sleep(1000);
            }
            assertThat(keepAlive.end()).isEmpty();
        }
        client.close();
        long closedNanos = System.nanoTime();

        try (Client observer = servers.client(server)) {
            while (observer.kv().get(background, key).getKvsCount() > 0) {
                assertThat(Duration.ofNanos(System.nanoTime() - closedNanos)).as("time until the key is gone")
                        .isLessThan(Duration.ofSeconds(11));
                Thread.sleep(100);
            }
        }
        assertThat(keepAlive.end()).get().extracting(KeepAliveEnd::reason).isIn(
                KeepAliveEnd.Reason.CONTEXT_DONE, KeepAliveEnd.Reason.CLIENT_CLOSED);
    }
}
