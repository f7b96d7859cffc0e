package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Keep-alives across a restarted server, and a stream error that retrying cannot fix. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAliveRecoveryTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    /**
     * The in-process server that a restart starts again belongs to the class, not to the test,
     * so its loops and handler threads may outlive the test. The class-level check finds them stopped.
     */
    @ParameterizedTest
    @EnumSource(io.lessor.client.Server.class)
    @LeakCheck(ignoreThreads = {"lessor-writer", "lessor-lease-expiry", "grpc-handler-\\d+"})
    void restartedServerResumesLiveLeasesAndExpiresShortOnes(io.lessor.client.Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = Context.background().withCancel()) {
            long longId = client.lease().grant(ctx, 30).getID();
            long shortId = client.lease().grant(ctx, 3).getID();
            KeepAlive longKeepAlive = client.lease().keepAlive(ctx, longId);
            KeepAlive shortKeepAlive = client.lease().keepAlive(ctx, shortId);
            await().atMost(Duration.ofSeconds(5)).until(() -> longKeepAlive.received() > 0 && shortKeepAlive.received() > 0);

            // Down for longer than the short lease's TTL, shorter than the long one's.
            servers.restart(server, Duration.ofSeconds(5));
            long receivedBeforeRestart = longKeepAlive.received();

            assertThat(shortKeepAlive.end()).get().extracting(KeepAliveEnd::reason).isEqualTo(KeepAliveEnd.Reason.LEASE_EXPIRED);
            await().atMost(Duration.ofSeconds(15)).until(() -> longKeepAlive.received() > receivedBeforeRestart);
            assertThat(longKeepAlive.end()).isEmpty();
            client.lease().revoke(ctx, longId);
        }
    }

    @Test
    void nonRetryableStreamErrorHaltsWithCause() throws Exception {
        Server fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(new LeaseGrpc.LeaseImplBase() {
                    @Override
                    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
                        responses.onError(Status.PERMISSION_DENIED.withDescription("etcdserver: permission denied").asRuntimeException());
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(LeaseKeepAliveRequest request) {
                            }

                            @Override
                            public void onError(Throwable failure) {
                            }

                            @Override
                            public void onCompleted() {
                            }
                        };
                    }
                })
                .build()
                .start();
        try (Client client = Client.builder().endpoints("127.0.0.1:" + fake.getPort()).build();
                CancelableContext ctx = Context.background().withCancel()) {
            KeepAlive keepAlive = client.lease().keepAlive(ctx, 7);

            assertThat(keepAlive.done().await(Duration.ofSeconds(5))).isTrue();
            KeepAliveEnd end = keepAlive.end().orElseThrow();
            assertThat(end.reason()).isEqualTo(KeepAliveEnd.Reason.HALTED);
            assertThat(end.cause()).isInstanceOf(EtcdException.class);
            assertThat(((EtcdException) end.cause()).code()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(((EtcdException) end.cause()).serverMessage()).isEqualTo("etcdserver: permission denied");
        } finally {
            fake.shutdownNow();
            fake.awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
