package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A client with a dead endpoint first in its list uses the live one. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class FailoverTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    /** Returns an endpoint on which connections are refused: a port that was free a moment ago. */
    private static String deadEndpoint() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void pickFirstSkipsDeadEndpoint(Server server) throws Exception {
        runAgainstDeadThenLive(server, LoadBalancing.PICK_FIRST);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void roundRobinSkipsDeadEndpoint(Server server) throws Exception {
        runAgainstDeadThenLive(server, LoadBalancing.ROUND_ROBIN);
    }

    private static void runAgainstDeadThenLive(Server server, LoadBalancing loadBalancing) throws Exception {
        try (Client client = Client.builder().endpoints(deadEndpoint(), servers.endpoint(server))
                .loadBalancing(loadBalancing).build();
                CancelableContext ctx = Context.background().withCancel()) {
            long id = 0;
            for (int i = 0; i < 5; i++) {
                id = client.lease().grant(ctx, 10).getID();
                client.lease().revoke(ctx, id);
            }
            long keptId = client.lease().grant(ctx, 10).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, keptId);

            await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive.received() > 0);
            assertThat(id).isNotZero();
            client.lease().revoke(ctx, keptId);
        }
    }
}
