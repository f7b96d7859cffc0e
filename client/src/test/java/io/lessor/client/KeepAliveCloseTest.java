package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** client.close() with many live keep-alives: fast, complete, and leaving nothing behind. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAliveCloseTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final int LEASES = 100;
    private static final int KEEP_ALIVES = 10_000;

    @ParameterizedTest
    @EnumSource(Server.class)
    void closeWithTenThousandKeepAlivesReturnsWithinOneSecond(Server server) throws Exception {
        List<Long> ids = new ArrayList<>();
        List<KeepAlive> keepAlives = new ArrayList<>(KEEP_ALIVES);
        Client client = servers.client(server);
        try (CancelableContext ctx = Context.background().withCancel()) {
            for (int i = 0; i < LEASES; i++) {
                ids.add(client.lease().grant(ctx, 30).getID());
            }
            for (int i = 0; i < KEEP_ALIVES; i++) {
                keepAlives.add(client.lease().keepAlive(ctx, ids.get(i % LEASES)));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> keepAlives.subList(0, LEASES).stream().allMatch(k -> k.received() > 0));

            long startNanos = System.nanoTime();
            client.close();
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

            assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
            assertThat(keepAlives).allSatisfy(k -> assertThat(k.end()).get()
                    .extracting(KeepAliveEnd::reason).isEqualTo(KeepAliveEnd.Reason.CLIENT_CLOSED));
            assertThat(client.keepAliveLeaseCount()).isZero();
        }
        try (Client revoker = servers.client(server)) {
            for (long id : ids) {
                revoker.lease().revoke(Context.background(), id);
            }
        }
    }
}
