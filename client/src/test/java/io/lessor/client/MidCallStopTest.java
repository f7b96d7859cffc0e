package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that stops while a request is in flight, then comes back on the same port: a read
 * is sent again and succeeds, a write fails and is not sent again. The fake server's first
 * incarnation leaves every request unanswered until it stops, then fails it as a stopping etcd
 * does, with {@code UNAVAILABLE "etcdserver: server stopped"}, so the request is certainly in
 * flight.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class MidCallStopTest {

    private final AtomicInteger rangeCalls = new AtomicInteger();
    private final AtomicInteger putCalls = new AtomicInteger();
    private final List<StreamObserver<?>> unanswered = new CopyOnWriteArrayList<>();
    private int port;
    private Server fake;

    /** Starts a fake KV server on {@link #port}: it never responds if {@code hang}, else it responds at once. */
    private void startFake(boolean hang) throws IOException {
        fake = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
                .directExecutor()
                .addService(new KVGrpc.KVImplBase() {
                    @Override
                    public void range(RangeRequest request, StreamObserver<RangeResponse> responses) {
                        rangeCalls.incrementAndGet();
                        if (hang) {
                            unanswered.add(responses);
                        } else {
                            responses.onNext(RangeResponse.newBuilder().setCount(7).build());
                            responses.onCompleted();
                        }
                    }

                    @Override
                    public void put(PutRequest request, StreamObserver<PutResponse> responses) {
                        putCalls.incrementAndGet();
                        if (hang) {
                            unanswered.add(responses);
                        } else {
                            responses.onNext(PutResponse.getDefaultInstance());
                            responses.onCompleted();
                        }
                    }
                })
                .build()
                .start();
    }

    private void stopFake() throws InterruptedException {
        // Refuse new calls first, so that a retry cannot reach this incarnation.
        fake.shutdown();
        for (StreamObserver<?> responses : unanswered) {
            responses.onError(Status.UNAVAILABLE.withDescription("etcdserver: server stopped").asRuntimeException());
        }
        unanswered.clear();
        fake.shutdownNow();
        fake.awaitTermination(5, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopLastFake() throws InterruptedException {
        if (fake != null) {
            stopFake();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Test
    void getInFlightRetriedOnRestartedServer() throws Exception {
        port = freePort();
        startFake(true);
        try (Client client = Client.builder().endpoints("127.0.0.1:" + port).build()) {
            CompletableFuture<RangeResponse> got = new CompletableFuture<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    got.complete(client.kv().get(Context.background(), ByteString.copyFromUtf8("k")));
                } catch (Throwable e) {
                    got.completeExceptionally(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> rangeCalls.get() == 1);

            stopFake();
            startFake(false);

            assertThat(got.get(10, TimeUnit.SECONDS).getCount()).isEqualTo(7);
            assertThat(rangeCalls.get()).isEqualTo(2);
            reader.join();
        }
    }

    @Test
    void putInFlightFailsAndIsNotResent() throws Exception {
        port = freePort();
        startFake(true);
        try (Client client = Client.builder().endpoints("127.0.0.1:" + port).build()) {
            CompletableFuture<PutResponse> put = new CompletableFuture<>();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    put.complete(client.kv().put(Context.background(), ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v")));
                } catch (Throwable e) {
                    put.completeExceptionally(e);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> putCalls.get() == 1);

            stopFake();
            startFake(false);

            assertThatThrownBy(() -> put.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(UnavailableException.class);
            writer.join();
            // A later put reaches the restarted server, so the failed one was not queued behind it.
            client.kv().put(Context.background(), ByteString.copyFromUtf8("k"), ByteString.copyFromUtf8("v2"));
            assertThat(putCalls.get()).isEqualTo(2);
        }
    }
}
