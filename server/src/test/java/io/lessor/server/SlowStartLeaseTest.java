package io.lessor.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A restart that takes longer than a second to open storage still gives leases their full TTL. */
@ExtendWith(LeakCheck.class)
class SlowStartLeaseTest {

    @TempDir
    Path dataDir;

    private final ManualClock clock = new ManualClock();

    @Test
    void slowRestartKeepsFullTtl() throws Exception {
        ServerConfig config = ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0));

        // given a 30 s lease granted before a restart
        long leaseId;
        try (LessorServer server = ServerMain.start(config, clock, () -> { })) {
            leaseId = call(server, stub -> stub.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(30).build()).getID());
        }

        // when the restart spends 3 s between opening storage and serving
        long ttl;
        try (LessorServer server = ServerMain.start(config, clock, () -> clock.advance(Duration.ofSeconds(3)))) {
            clock.advance(Duration.ofMillis(500));
            ttl = call(server, stub -> stub.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(leaseId).build())
                    .getTTL());
        }

        // then TimeToLive reads the full TTL, as etcd's does right after a restart
        assertThat(ttl).isEqualTo(30);
    }

    private static long call(LessorServer server, StubCall body) throws InterruptedException {
        InetSocketAddress address = server.listenAddresses().getFirst();
        ManagedChannel channel = NettyChannelBuilder.forAddress(address.getHostString(), address.getPort())
                .usePlaintext()
                .build();
        try {
            return body.apply(LeaseGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @FunctionalInterface
    private interface StubCall {
        long apply(LeaseGrpc.LeaseBlockingStub stub);
    }
}
