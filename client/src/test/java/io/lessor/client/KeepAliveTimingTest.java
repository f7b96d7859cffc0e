package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.client.lease.KeepAliveConfig;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ManualClock;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The keep-alive loops' own timing, on a {@link ManualClock}: the servers respond in real time,
 * but renewals, deadlines and loop periods follow the virtual clock that the test advances in
 * steps of the send period.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAliveTimingTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Duration STEP = Duration.ofMillis(500);

    /** The send loop and the deadline loop each wait on one timer between ticks. */
    private static final int LOOP_TIMERS = 2;

    /**
     * Advances the clock by one step, then waits until both loops have run their tick and every
     * renewal sent so far has a response dispatched to {@code keepAlives}.
     */
    private static void step(ManualClock clock, SentRenewals sent, List<KeepAlive> keepAlives) throws InterruptedException {
        clock.advance(STEP);
        assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();
        awaitAnswered(sent, keepAlives);
    }

    /**
     * Waits until each keep-alive has its first response and both loops wait for their next
     * tick, so the test starts stepping at virtual time 0 with the first renewal answered.
     */
    private static void awaitStarted(ManualClock clock, List<KeepAlive> keepAlives) throws InterruptedException {
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                .until(() -> keepAlives.stream().allMatch(k -> k.received() >= 1));
        assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();
    }

    private static void awaitAnswered(SentRenewals sent, List<KeepAlive> keepAlives) {
        // Polled every millisecond: awaitility's default of 100 ms would make each step slow.
        await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(5))
                .until(() -> keepAlives.stream()
                .allMatch(k -> k.end().isPresent() || k.received() == sent.count(k.leaseId())));
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void renewsEveryThirdOfTtl(Server server) throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).clock(clock).interceptors(sent).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            long id = client.lease().grant(ctx, 6).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            awaitStarted(clock, List.of(keepAlive));
            assertThat(sent.count(id)).isEqualTo(1);

            for (int i = 0; i < 40; i++) {
                step(clock, sent, List.of(keepAlive));
            }

            // TTL 6 s: a renewal at 0 s, then every 2 s up to 20 s.
            List<Long> expected = new ArrayList<>();
            for (long seconds = 0; seconds <= 20; seconds += 2) {
                expected.add(Duration.ofSeconds(seconds).toNanos());
            }
            assertThat(sent.times(id)).containsExactlyElementsOf(expected);
            client.lease().revoke(ctx, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void renewalPeriodCountsFromSend(Server server) throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        HeldResponses held = new HeldResponses();
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).clock(clock)
                .interceptors(sent, held).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            long id = client.lease().grant(ctx, 6).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            awaitStarted(clock, List.of(keepAlive));
            for (int i = 0; i < 3; i++) {
                step(clock, sent, List.of(keepAlive));
            }

            // Given the renewal sent at 2 s, whose response arrives half a second later,
            held.holdNext();
            clock.advance(STEP);
            assertThat(held.awaitHeld(Duration.ofSeconds(5))).isTrue();
            clock.advance(STEP);
            assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();
            held.release();
            awaitAnswered(sent, List.of(keepAlive));
            // when the clock goes on to 6.5 s,
            for (int i = 0; i < 8; i++) {
                step(clock, sent, List.of(keepAlive));
            }

            // then the next renewals are due 2 s after the send at 2 s, not after the response.
            assertThat(sent.times(id)).containsExactly(0L, Duration.ofSeconds(2).toNanos(),
                    Duration.ofSeconds(4).toNanos(), Duration.ofSeconds(6).toNanos());
            client.lease().revoke(ctx, id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void unreadSubscriberKeepsRenewalRate(Server server) throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).clock(clock).interceptors(sent)
                .keepAlive(KeepAliveConfig.defaults().withBufferSize(2)).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            long readId = client.lease().grant(ctx, 6).getID();
            long unreadId = client.lease().grant(ctx, 6).getID();
            KeepAlive read = client.lease().keepAlive(ctx, readId);
            KeepAlive unread = client.lease().keepAlive(ctx, unreadId);
            List<KeepAlive> both = List.of(read, unread);
            awaitStarted(clock, both);

            List<Long> readOffsets = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                step(clock, sent, both);
                while (read.poll(Duration.ZERO) != null) {
                    readOffsets.add(clock.nanoTime());
                }
            }

            assertThat(sent.count(unreadId)).isEqualTo(sent.count(readId)).isEqualTo(11);
            assertThat(offsets(sent.times(unreadId))).isEqualTo(offsets(sent.times(readId)));
            assertThat(unread.received()).isEqualTo(11);
            assertThat(unread.dropped()).isEqualTo(11 - 2);
            assertThat(read.dropped()).isZero();
            assertThat(unread.end()).isEmpty();
            client.lease().revoke(ctx, readId);
            client.lease().revoke(ctx, unreadId);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void publisherDeliversOnlyRequestedItems(Server server) throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        List<LeaseKeepAliveResponse> items = new CopyOnWriteArrayList<>();
        AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).clock(clock).interceptors(sent).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            long id = client.lease().grant(ctx, 6).getID();
            KeepAlive keepAlive = client.lease().keepAlive(ctx, id);
            keepAlive.subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription.set(s);
                    s.request(1);
                }

                @Override
                public void onNext(LeaseKeepAliveResponse item) {
                    items.add(item);
                }

                @Override
                public void onError(Throwable error) {
                }

                @Override
                public void onComplete() {
                }
            });
            awaitStarted(clock, List.of(keepAlive));

            // Renewals at 2 s and 4 s: three responses, of which one was requested.
            for (int i = 0; i < 8; i++) {
                step(clock, sent, List.of(keepAlive));
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> items.size() == 1);
            assertThat(keepAlive.received()).isEqualTo(3);
            Thread.sleep(100);
            assertThat(items).hasSize(1);

            subscription.get().request(2);

            await().atMost(Duration.ofSeconds(2)).until(() -> items.size() == 3);
            assertThat(items).extracting(LeaseKeepAliveResponse::getID).containsOnly(id);
            client.lease().revoke(ctx, id);
        }
    }

    /** Returns the gaps between consecutive send times. */
    private static List<Long> offsets(List<Long> times) {
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < times.size(); i++) {
            gaps.add(times.get(i) - times.get(i - 1));
        }
        return gaps;
    }

    @Test
    void silentServerExpiresAfterFirstTimeout() throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).clock(clock).interceptors(sent).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            KeepAlive keepAlive = client.lease().keepAlive(ctx, 42);
            assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();

            for (int i = 0; i < 9; i++) {
                clock.advance(STEP);
                assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();
            }
            assertThat(keepAlive.end()).isEmpty();
            clock.advance(STEP);

            // 5 s, the first-response timeout, have passed with no response.
            assertThat(keepAlive.done().await(Duration.ofSeconds(5))).isTrue();
            assertThat(keepAlive.end().orElseThrow().reason()).isEqualTo(KeepAliveEnd.Reason.LEASE_EXPIRED);
            assertThat(client.keepAliveLeaseCount()).isZero();
        }
    }

    @Test
    void unansweredRenewalIsNotRepeated() throws Exception {
        ManualClock clock = new ManualClock();
        SentRenewals sent = new SentRenewals(clock::nanoTime);
        try (Silent silent = new Silent();
                Client client = Client.builder().endpoints(silent.endpoint()).clock(clock).interceptors(sent).build();
                CancelableContext ctx = Context.root(clock).withCancel()) {
            KeepAlive keepAlive = client.lease().keepAlive(ctx, 42);
            // The receive loop opens the stream on its own thread, then sends the first renewal.
            await().atMost(Duration.ofSeconds(5)).until(() -> sent.count(42) == 1);
            assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();

            // Nine send periods pass on a stream that stays open and never responds.
            for (int i = 0; i < 9; i++) {
                clock.advance(STEP);
                assertThat(clock.awaitPendingTimers(LOOP_TIMERS, Duration.ofSeconds(5))).isTrue();
            }

            // The one request waits on the stream; copies would only queue behind it.
            assertThat(sent.count(42)).isEqualTo(1);
            assertThat(keepAlive.end()).isEmpty();
        }
    }
}
