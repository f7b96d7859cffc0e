package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Flow side of keep-alives: one delivery thread shared by every lease of a client. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAlivePublisherTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static final int LEASES = 20;

    /** Records the name of each thread that calls onNext. */
    private static final class ThreadRecordingSubscriber extends RecordingSubscriber<LeaseKeepAliveResponse> {

        final Set<String> threadNames;

        ThreadRecordingSubscriber(Set<String> threadNames) {
            super(Long.MAX_VALUE);
            this.threadNames = threadNames;
        }

        @Override
        public void onNext(LeaseKeepAliveResponse item) {
            threadNames.add(Thread.currentThread().getName());
            super.onNext(item);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publishersShareOneDeliveryThread(Server server) throws Exception {
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        List<Long> ids = new ArrayList<>();
        List<ThreadRecordingSubscriber> subscribers = new ArrayList<>();
        try (Client client = servers.client(server)) {
            for (int i = 0; i < LEASES; i++) {
                long id = client.lease().grant(background, 10).getID();
                ids.add(id);
                ThreadRecordingSubscriber subscriber = new ThreadRecordingSubscriber(threadNames);
                client.lease().keepAlive(background, id).subscribe(subscriber);
                subscribers.add(subscriber);
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> subscribers.stream().allMatch(s -> !s.items.isEmpty()));

            assertThat(threadNames).containsExactly("lessor-keepalive-deliver");
        }
        // close() returns once the ends went out.
        assertThat(subscribers).allSatisfy(s -> {
            assertThat(s.completed).isTrue();
            assertThat(s.error.get()).isNull();
        });
        revoke(server, ids);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publisherThatThrowsLeavesOthersDelivered(Server server) throws Exception {
        AtomicInteger thrownCalls = new AtomicInteger();
        RecordingSubscriber<LeaseKeepAliveResponse> throwing = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(LeaseKeepAliveResponse item) {
                thrownCalls.incrementAndGet();
                throw new IllegalStateException("subscriber failure on purpose");
            }
        };
        RecordingSubscriber<LeaseKeepAliveResponse> other = new RecordingSubscriber<>(Long.MAX_VALUE);
        List<Long> ids = new ArrayList<>();
        try (Client client = servers.client(server)) {
            long throwingId = client.lease().grant(background, 10).getID();
            long otherId = client.lease().grant(background, 10).getID();
            ids.addAll(List.of(throwingId, otherId));
            client.lease().keepAlive(background, throwingId).subscribe(throwing);
            await().atMost(Duration.ofSeconds(5)).until(() -> thrownCalls.get() > 0);

            client.lease().keepAlive(background, otherId).subscribe(other);

            await().atMost(Duration.ofSeconds(5)).until(() -> !other.items.isEmpty());
        }
        assertThat(other.completed).isTrue();
        assertThat(thrownCalls).hasValue(1);
        assertThat(throwing.completed).isFalse();
        assertThat(throwing.error.get()).isNull();
        revoke(server, ids);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void cancelOrThrowStopsRenewals(Server server) throws Exception {
        RecordingSubscriber<LeaseKeepAliveResponse> cancelling = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(LeaseKeepAliveResponse item) {
                super.onNext(item);
                try {
                    subscription().cancel();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        RecordingSubscriber<LeaseKeepAliveResponse> throwing = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(LeaseKeepAliveResponse item) {
                throw new IllegalStateException("subscriber failure on purpose");
            }
        };
        try (Client client = servers.client(server)) {
            long cancelledId = client.lease().grant(background, 2).getID();
            long throwingId = client.lease().grant(background, 2).getID();
            KeepAlive cancelled = client.lease().keepAlive(background, cancelledId);
            KeepAlive threw = client.lease().keepAlive(background, throwingId);
            cancelled.subscribe(cancelling);
            threw.subscribe(throwing);

            await().atMost(Duration.ofSeconds(5)).until(() -> cancelled.end().isPresent() && threw.end().isPresent());

            assertThat(cancelled.end().get().reason()).isEqualTo(KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED);
            assertThat(threw.end().get().reason()).isEqualTo(KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED);
            assertThat(threw.end().get().cause()).hasMessage("subscriber failure on purpose");
            assertThat(client.keepAliveLeaseCount()).as("leases still renewed").isZero();
            // Nothing renews them any more, so both expire on the server within their TTL.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(client.lease().timeToLive(background, cancelledId, false).getTTL()).isEqualTo(-1);
                assertThat(client.lease().timeToLive(background, throwingId, false).getTTL()).isEqualTo(-1);
            });
        }
        assertThat(cancelling.items).hasSize(1);
        assertThat(cancelling.completed).isFalse();
        assertThat(cancelling.error.get()).isNull();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void invalidRequestStopsRenewals(Server server) throws Exception {
        RecordingSubscriber<LeaseKeepAliveResponse> invalid = new RecordingSubscriber<>(0);
        try (Client client = servers.client(server)) {
            long id = client.lease().grant(background, 2).getID();
            KeepAlive keepAlive = client.lease().keepAlive(background, id);
            keepAlive.subscribe(invalid);
            invalid.subscription().request(0);

            await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive.end().isPresent());

            assertThat(keepAlive.end().get().reason()).isEqualTo(KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED);
            assertThat(invalid.error.get()).isInstanceOf(IllegalArgumentException.class);
            assertThat(client.keepAliveLeaseCount()).isZero();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> client.lease().timeToLive(background, id, false).getTTL() == -1);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void streamStartFailureIsRetried(Server server) throws Exception {
        AtomicInteger failedStarts = new AtomicInteger();
        ClientInterceptor failTwice = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                ClientCall<Q, R> call = next.newCall(method, options);
                if (!method.getFullMethodName().endsWith("LeaseKeepAlive") || failedStarts.get() >= 2) {
                    return call;
                }
                return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        failedStarts.incrementAndGet();
                        throw new IllegalStateException("start failure on purpose");
                    }
                };
            }
        };
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(failTwice).build()) {
            long id = client.lease().grant(background, 10).getID();

            KeepAlive keepAlive = client.lease().keepAlive(background, id);

            await().atMost(Duration.ofSeconds(10)).until(() -> keepAlive.received() > 0);
            assertThat(failedStarts).hasValue(2);
            assertThat(keepAlive.end()).isEmpty();
            client.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void blockedSubscriberDelaysCloseOneSecond(Server server) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch blocking = new CountDownLatch(1);
        RecordingSubscriber<LeaseKeepAliveResponse> blocked = new RecordingSubscriber<>(Long.MAX_VALUE) {
            @Override
            public void onNext(LeaseKeepAliveResponse item) {
                blocking.countDown();
                while (true) {
                    try {
                        release.await();
                        return;
                    } catch (InterruptedException ignored) {
                        // Ignores interrupts, as a badly behaved subscriber would.
                    }
                }
            }
        };
        RecordingSubscriber<LeaseKeepAliveResponse> other = new RecordingSubscriber<>(Long.MAX_VALUE);
        List<Long> ids = new ArrayList<>();
        long closeMillis;
        try {
            try (Client client = servers.client(server)) {
                ids.add(client.lease().grant(background, 10).getID());
                ids.add(client.lease().grant(background, 10).getID());
                client.lease().keepAlive(background, ids.get(0)).subscribe(blocked);
                blocking.await();
                client.lease().keepAlive(background, ids.get(1)).subscribe(other);

                long start = System.nanoTime();
                client.close();
                closeMillis = (System.nanoTime() - start) / 1_000_000;
            }

            assertThat(closeMillis).as("close() with a blocked subscriber, ms").isLessThan(1_900);
            await().atMost(Duration.ofSeconds(2)).until(() -> other.completed);
        } finally {
            release.countDown();
        }
        revoke(server, ids);
    }

    private static void revoke(Server server, List<Long> ids) throws Exception {
        try (Client revoker = servers.client(server)) {
            for (long id : ids) {
                revoker.lease().revoke(background, id);
            }
        }
    }
}
