package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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

    private static void revoke(Server server, List<Long> ids) throws Exception {
        try (Client revoker = servers.client(server)) {
            for (long id : ids) {
                revoker.lease().revoke(background, id);
            }
        }
    }
}
