package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests made while the server is down wait for it and are sent once it is back, against
 * both servers: a restart runs on another thread, and the requests start once the server's
 * port refuses connections.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true, ignoreThreads = {"lessor-writer", "lessor-lease-expiry", "grpc-handler-\\d+",
        "watch-stream-.*"})
class OutageTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context ctx = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    private static boolean refusesConnections(String endpoint) {
        URI uri = URI.create(endpoint);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 200);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void putDuringOutageWaitsAndIsAppliedOnce(Server server) throws Exception {
        ByteString key = bytes("outage-test/" + UUID.randomUUID());
        String endpoint = servers.endpoint(server);
        try (Client client = servers.client(server)) {
            client.kv().get(ctx, key);
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
                try {
                    servers.restart(server, Duration.ofSeconds(2));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable));
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> refusesConnections(endpoint));

            long revision = client.kv().put(ctx, key, bytes("during")).getHeader().getRevision();
            KeyValue stored = client.kv().get(ctx, key).getKvs(0);

            restart.get(60, TimeUnit.SECONDS);
            assertThat(stored.getValue()).isEqualTo(bytes("during"));
            assertThat(stored.getVersion()).as("written exactly once").isEqualTo(1);
            assertThat(stored.getModRevision()).isEqualTo(revision);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void getDuringOutageWaitsForServer(Server server) throws Exception {
        ByteString key = bytes("outage-test/" + UUID.randomUUID());
        String endpoint = servers.endpoint(server);
        try (Client client = servers.client(server)) {
            client.kv().put(ctx, key, bytes("before"));
            CompletableFuture<Void> restart = CompletableFuture.runAsync(() -> {
                try {
                    servers.restart(server, Duration.ofSeconds(2));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, runnable -> Thread.ofVirtual().start(runnable));
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() -> refusesConnections(endpoint));

            KeyValue stored = client.kv().get(ctx, key).getKvs(0);

            restart.get(60, TimeUnit.SECONDS);
            assertThat(stored.getValue()).isEqualTo(bytes("before"));
        }
    }
}
