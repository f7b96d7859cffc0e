package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
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
 * Retries on UNAVAILABLE, against a fake server whose grant and range fail with etcd's
 * {@code UNAVAILABLE "etcdserver: no leader"} until a set number of calls has been made, and
 * whose writes always fail with it.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class RetryTest {

    private static final Status NO_LEADER = Status.UNAVAILABLE.withDescription("etcdserver: no leader");

    private final AtomicInteger grantCalls = new AtomicInteger();
    private final AtomicInteger putCalls = new AtomicInteger();
    private final AtomicInteger rangeCalls = new AtomicInteger();
    private final AtomicInteger writeCalls = new AtomicInteger();
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
                            responses.onError(NO_LEADER.asRuntimeException());
                            return;
                        }
                        responses.onNext(LeaseGrantResponse.newBuilder().setID(99).setTTL(request.getTTL()).build());
                        responses.onCompleted();
                    }
                })
                .addService(new KVGrpc.KVImplBase() {
                    @Override
                    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
                        if (rangeCalls.incrementAndGet() <= failuresBeforeSuccess) {
                            responses.onError(NO_LEADER.asRuntimeException());
                            return;
                        }
                        responses.onNext(RangeResponse.newBuilder().setCount(1).build());
                        responses.onCompleted();
                    }

                    @Override
                    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
                        putCalls.incrementAndGet();
                        responses.onError(NO_LEADER.asRuntimeException());
                    }

                    @Override
                    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> responses) {
                        writeCalls.incrementAndGet();
                        responses.onError(NO_LEADER.asRuntimeException());
                    }

                    @Override
                    public void txn(TxnRequest request, StreamObserver<TxnResponse> responses) {
                        writeCalls.incrementAndGet();
                        responses.onError(NO_LEADER.asRuntimeException());
                    }

                    @Override
                    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> responses) {
                        writeCalls.incrementAndGet();
                        responses.onError(NO_LEADER.asRuntimeException());
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
    void getRetriedOnNoLeader() throws Exception {
        failuresBeforeSuccess = 2;
        try (Client client = client(3)) {
            RangeResponse got = client.kv().get(Context.background(), ByteString.copyFromUtf8("k"));

            assertThat(got.getCount()).isEqualTo(1);
            assertThat(rangeCalls.get()).isEqualTo(3);
        }
    }

    @Test
    void getNotRetriedWithOneAttempt() {
        failuresBeforeSuccess = 10;
        try (Client client = client(1)) {
            assertThatThrownBy(() -> client.kv().get(Context.background(), ByteString.copyFromUtf8("k")))
                    .isInstanceOf(UnavailableException.class);
            assertThat(rangeCalls.get()).isEqualTo(1);
        }
    }

    @Test
    void deleteTxnAndCompactNotRetried() {
        Context ctx = Context.background();
        ByteString key = ByteString.copyFromUtf8("k");
        try (Client client = client(3)) {
            assertThatThrownBy(() -> client.kv().delete(ctx, key)).isInstanceOf(UnavailableException.class);
            assertThatThrownBy(() -> client.kv().txn(ctx, Txn.when().then(Ops.put(key, key))))
                    .isInstanceOf(UnavailableException.class);
            assertThatThrownBy(() -> client.kv().compact(ctx, 5, false)).isInstanceOf(UnavailableException.class);
            assertThat(writeCalls.get()).isEqualTo(3);
        }
    }

    @Test
    void putNotRetried() {
        try (Client client = client(3)) {
            assertThatThrownBy(() -> client.kv().put(Context.background(), ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v")))
                    .isInstanceOf(UnavailableException.class);
            assertThat(putCalls.get()).isEqualTo(1);
        }
    }
}
