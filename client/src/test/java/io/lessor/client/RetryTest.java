package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Retries on UNAVAILABLE, against a fake server whose grant and put fail with UNAVAILABLE
 * until a set number of calls has been made.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class RetryTest {

    private final AtomicInteger grantCalls = new AtomicInteger();
    private final AtomicInteger putCalls = new AtomicInteger();
    private volatile int failuresBeforeSuccess;
    private Server fake;

    @BeforeEach
    void startFakeServer() throws IOException {
        fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .directExecutor()
                .addService(new LeaseGrpc.LeaseImplBase() {
                    @Override
                    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> responses) {
                        if (grantCalls.incrementAndGet() <= failuresBeforeSuccess) {
                            responses.onError(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
                            return;
                        }
                        responses.onNext(LeaseGrantResponse.newBuilder().setID(99).setTTL(request.getTTL()).build());
                        responses.onCompleted();
                    }
                })
                .addService(new KVGrpc.KVImplBase() {
                    @Override
                    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
                        putCalls.incrementAndGet();
                        responses.onError(Status.UNAVAILABLE.withDescription("etcdserver: no leader").asRuntimeException());
                    }
                })
                .build()
                .start();
    }

    @AfterEach
    void stopFakeServer() throws InterruptedException {
        fake.shutdownNow();
        fake.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Client client(int maxAttempts) {
        return Client.builder().endpoints("127.0.0.1:" + fake.getPort()).maxAttempts(maxAttempts).build();
    }

    @Test
    void grantRetriedUntilSuccess() throws Exception {
        failuresBeforeSuccess = 2;
        try (Client client = client(3)) {
            LeaseGrantResponse grant = client.lease().grant(Context.background(), 10);

            assertThat(grant.getID()).isEqualTo(99);
            assertThat(grantCalls.get()).isEqualTo(3);
        }
    }

    @Test
    void grantFailsAfterMaxAttempts() {
        failuresBeforeSuccess = 10;
        try (Client client = client(3)) {
            assertThatThrownBy(() -> client.lease().grant(Context.background(), 10))
                    .isInstanceOf(UnavailableException.class)
                    .satisfies(e -> assertThat(((EtcdException) e).serverMessage()).isEqualTo("etcdserver: no leader"));
            assertThat(grantCalls.get()).isEqualTo(3);
        }
    }

    @Test
    void putNotRetried() {
        try (Client client = client(3)) {
            assertThatThrownBy(() -> client.kv().put(Context.background(),
                    com.google.protobuf.ByteString.copyFromUtf8("k"), com.google.protobuf.ByteString.copyFromUtf8("v")))
                    .isInstanceOf(UnavailableException.class);
            assertThat(putCalls.get()).isEqualTo(1);
        }
    }
}
