package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The keep-alive stream and keepAliveOnce against real servers, on real time with short TTLs. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAliveTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    /** The shortest TTL etcd keeps as given with its default flags; it is renewed every second. */
    private static final long SHORT_TTL = 3;

    private static Client client(Server server, SentRenewals sent) {
        return Client.builder().endpoints(servers.endpoint(server)).interceptors(sent).build();
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveDeliversRenewals(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(ctx, 10).getID();

            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            LeaseKeepAliveResponse first = keepAlive.poll(Duration.ofSeconds(5));

            assertThat(first).isNotNull();
            assertThat(first.getID()).isEqualTo(id);
            assertThat(first.getTTL()).isEqualTo(10);
            assertThat(keepAlive.end()).isEmpty();
            client.lease().revoke(ctx, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void revokeEndsKeepAliveWithLeaseNotFound(Server server) throws Exception {
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(ctx, SHORT_TTL).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            assertThat(keepAlive.poll(Duration.ofSeconds(5))).isNotNull();

            client.lease().revoke(ctx, id);

            assertThat(keepAlive.done().await(Duration.ofSeconds(5))).isTrue();
            KeepAliveEnd end = keepAlive.end().orElseThrow();
            assertThat(end.reason()).isEqualTo(KeepAliveEnd.Reason.LEASE_NOT_FOUND);
            assertThat(end.cause()).isInstanceOf(LeaseNotFoundException.class);
            assertThat(client.keepAliveLeaseCount()).isZero();
            // Responses from before the revoke stay readable, then the end is reported.
            assertThatThrownBy(() -> {
                while (true) {
                    keepAlive.next();
                }
            }).isInstanceOf(KeepAliveEndedException.class)
                    .satisfies(e -> assertThat(((KeepAliveEndedException) e).end()).isEqualTo(end));
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void contextCancelEndsKeepAliveAndStopsRenewals(Server server) throws Exception {
        SentRenewals sent = new SentRenewals();
        try (Client client = client(server, sent); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(background, SHORT_TTL).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            assertThat(keepAlive.poll(Duration.ofSeconds(5))).isNotNull();

            ctx.cancel();
            int sentAtCancel = sent.count(id);
            Thread.sleep(2500);

            assertThat(keepAlive.end().orElseThrow().reason()).isEqualTo(KeepAliveEnd.Reason.CONTEXT_DONE);
            assertThat(keepAlive.end().orElseThrow().cause()).isSameAs(ctx.cause());
            assertThat(sent.count(id)).isEqualTo(sentAtCancel);
            assertThat(client.keepAliveLeaseCount()).isZero();
            client.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void renewalsStopWithLastSubscription(Server server) throws Exception {
        SentRenewals sent = new SentRenewals();
        try (Client client = client(server, sent);
                CancelableContext first = background.withCancel();
                CancelableContext second = background.withCancel()) {
            long id = client.lease().grant(background, SHORT_TTL).getID();
            KeepAlive firstKeepAlive = client.lease().keepAlive(first, id);
            KeepAlive secondKeepAlive = client.lease().keepAlive(second, id);
            assertThat(firstKeepAlive.poll(Duration.ofSeconds(5))).isNotNull();

            first.cancel();
            int sentAfterFirst = sent.count(id);

            // The second subscription still renews the lease, about once a second.
            await().atMost(Duration.ofSeconds(3)).until(() -> sent.count(id) > sentAfterFirst);
            assertThat(secondKeepAlive.end()).isEmpty();

            second.cancel();
            int sentAfterSecond = sent.count(id);
            Thread.sleep(2500);

            assertThat(sent.count(id)).isEqualTo(sentAfterSecond);
            assertThat(secondKeepAlive.end().orElseThrow().reason()).isEqualTo(KeepAliveEnd.Reason.CONTEXT_DONE);
            client.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void clientCloseEndsKeepAliveWithClientClosed(Server server) throws Exception {
        long id;
        KeepAlive keepAlive;
        try (CancelableContext ctx = background.withCancel()) {
            Client client = servers.client(server);
            id = client.lease().grant(ctx, 10).getID();
            keepAlive = client.lease().keepAlive(ctx, id);
            assertThat(keepAlive.poll(Duration.ofSeconds(5))).isNotNull();

            client.close();

            assertThat(keepAlive.end().orElseThrow().reason()).isEqualTo(KeepAliveEnd.Reason.CLIENT_CLOSED);
            assertThat(keepAlive.end().orElseThrow().cause()).isInstanceOf(ClientClosedException.class);
            KeepAlive afterClose = client.lease().keepAlive(ctx, id);
            assertThat(afterClose.end().orElseThrow().reason()).isEqualTo(KeepAliveEnd.Reason.CLIENT_CLOSED);
        }
        try (Client other = servers.client(server)) {
            other.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publisherDeliversThenCompletesOnCancel(Server server) throws Exception {
        List<LeaseKeepAliveResponse> items = new CopyOnWriteArrayList<>();
        AtomicBoolean completed = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(background, 10).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);

            keepAlive.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(LeaseKeepAliveResponse item) {
                    items.add(item);
                }

                @Override
                public void onError(Throwable error) {
                    failure.set(error);
                }

                @Override
                public void onComplete() {
                    completed.set(true);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> !items.isEmpty());
            ctx.cancel();

            await().atMost(Duration.ofSeconds(2)).untilTrue(completed);
            assertThat(failure.get()).isNull();
            assertThat(items.get(0).getID()).isEqualTo(id);
            client.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publisherEndsSubscriberThatNeverRequests(Server server) throws Exception {
        AtomicBoolean completed = new AtomicBoolean();
        AtomicInteger delivered = new AtomicInteger();
        long id;
        KeepAlive keepAlive;
        try (Client client = servers.client(server)) {
            id = client.lease().grant(background, 10).getID();
            keepAlive = client.lease().keepAlive(background, id);
            keepAlive.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    // Requests nothing, so the first renewal stays in the buffer.
                }

                @Override
                public void onNext(LeaseKeepAliveResponse item) {
                    delivered.incrementAndGet();
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onComplete() {
                    completed.set(true);
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive.received() > 0);
        }

        // The delivery thread ends with the client although the subscriber never requested the
        // buffered response. The leak check after the test verifies that the thread has exited.
        await().atMost(Duration.ofSeconds(2)).untilTrue(completed);
        assertThat(delivered).hasValue(0);
        assertThat(keepAlive.dropped()).isPositive();
        try (Client other = servers.client(server)) {
            other.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publisherReportsRevokeAsError(Server server) throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long id = client.lease().grant(background, SHORT_TTL).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            keepAlive.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription subscription) {
                    subscription.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(LeaseKeepAliveResponse item) {
                }

                @Override
                public void onError(Throwable error) {
                    failure.set(error);
                }

                @Override
                public void onComplete() {
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> keepAlive.received() > 0);

            client.lease().revoke(background, id);

            await().atMost(Duration.ofSeconds(5)).until(() -> failure.get() != null);
            assertThat(failure.get()).isInstanceOf(KeepAliveEndedException.class);
            assertThat(((KeepAliveEndedException) failure.get()).end().reason()).isEqualTo(KeepAliveEnd.Reason.LEASE_NOT_FOUND);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveOnceRenewsAndLeavesNoStream(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            long id = client.lease().grant(background, 10).getID();

            LeaseKeepAliveResponse response = client.lease().keepAliveOnce(background, id);

            assertThat(response.getID()).isEqualTo(id);
            assertThat(response.getTTL()).isEqualTo(10);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
            assertNoOpenKeepAliveStreamOnServer(server);
            client.lease().revoke(background, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveOnceOfRevokedLeaseRaisesNotFound(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            long id = client.lease().grant(background, 10).getID();
            client.lease().revoke(background, id);

            assertThatThrownBy(() -> client.lease().keepAliveOnce(background, id))
                    .isInstanceOf(LeaseNotFoundException.class);
            assertThatThrownBy(() -> client.lease().keepAliveOnce(background, 0x7fff_0000_0000_0004L))
                    .isInstanceOf(LeaseNotFoundException.class);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
            assertNoOpenKeepAliveStreamOnServer(server);
        }
    }

    @Test
    void keepAliveOnceCancelLeavesNoStream() throws Exception {
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).build();
                CancelableContext ctx = background.withCancel()) {
            Thread canceller = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.cancel();
            });

            assertThatThrownBy(() -> client.lease().keepAliveOnce(ctx, 1)).isInstanceOf(ContextDoneException.class);
            canceller.join();
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveOnceRacingDeadline(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            long id = client.lease().grant(background, 60).getID();
            int succeeded = 0;
            int timedOut = 0;
            for (int i = 0; i < 1_500; i++) {
                // Deadlines of 0 to 2 ms end around the call's start, which once made gRPC throw.
                try (CancelableContext ctx = background.withTimeout(Duration.ofNanos(i % 20 * 100_000L))) {
                    client.lease().keepAliveOnce(ctx, id);
                    succeeded++;
                } catch (ContextDoneException expected) {
                    timedOut++;
                }
            }

            assertThat(succeeded + timedOut).isEqualTo(1_500);
            assertThat(timedOut).as("calls whose deadline passed").isPositive();
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
            client.lease().revoke(background, id);
        }
    }

    @Test
    void keepAliveOnceTimeoutLeavesNoStream() throws Exception {
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).requestTimeout(Duration.ofMillis(400)).build()) {
            assertThatThrownBy(() -> client.lease().keepAliveOnce(background, 1)).isInstanceOf(RequestTimeoutException.class);
            await().atMost(Duration.ofSeconds(2)).until(() -> client.openCalls() == 0);
        }
    }

    /**
     * Checks the server's side: etcd's metrics count the streams it started and ended. Lessor's
     * server offers no such count.
     */
    private static void assertNoOpenKeepAliveStreamOnServer(Server server) {
        if (server != Server.ETCD) {
            // NOTE: Lessor's server exposes no count of open streams, so only the client's side is checked for it.
            return;
        }
        await().atMost(Duration.ofSeconds(2)).until(() ->
                EtcdMetrics.openCalls(servers.etcd().clientPort(), LeaseGrpc.SERVICE_NAME, "LeaseKeepAlive") == 0);
    }
}
