package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * keepAlive racing its context's cancel, or the client's close, from many threads: once all
 * of them have returned, the keep-alive has ended and no renewal is sent for it any more, while
 * the send loop keeps ticking on real time.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class KeepAliveRaceTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final int SUBSCRIBERS = 8;
    private static final int ROUNDS = 150;

    /** Longer than two send periods, so a leftover renewal would have been sent by then. */
    private static final long QUIET_MILLIS = 1200;

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveRacingCancelSendsNothingAfter(Server server) throws Exception {
        SentRenewals sent = new SentRenewals();
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(sent).build()) {
            long id = client.lease().grant(Context.background(), 60).getID();
            int sentAfterRounds = 0;

            for (int round = 0; round < ROUNDS; round++) {
                try (CancelableContext ctx = Context.background().withCancel()) {
                    AtomicReferenceArray<KeepAlive> keepAlives = new AtomicReferenceArray<>(SUBSCRIBERS);
                    CyclicBarrier start = new CyclicBarrier(SUBSCRIBERS + 1);
                    List<Thread> threads = new ArrayList<>();
                    for (int i = 0; i < SUBSCRIBERS; i++) {
                        int slot = i;
                        threads.add(Thread.ofVirtual().start(() -> {
                            await(start);
                            keepAlives.set(slot, client.lease().keepAlive(ctx, id));
                        }));
                    }
                    threads.add(Thread.ofVirtual().start(() -> {
                        await(start);
                        ctx.cancel();
                    }));
                    for (Thread thread : threads) {
                        thread.join();
                    }

                    for (int i = 0; i < SUBSCRIBERS; i++) {
                        assertThat(keepAlives.get(i).end()).get()
                                .extracting(KeepAliveEnd::reason).isEqualTo(KeepAliveEnd.Reason.CONTEXT_DONE);
                    }
                    assertThat(client.keepAliveLeaseCount()).isZero();
                    sentAfterRounds = sent.count(id);
                }
            }
            Thread.sleep(QUIET_MILLIS);

            assertThat(sent.count(id)).isEqualTo(sentAfterRounds);
            client.lease().revoke(Context.background(), id);
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void keepAliveRacingCloseSendsNothingAfter(Server server) throws Exception {
        long id;
        try (Client granter = servers.client(server)) {
            id = granter.lease().grant(Context.background(), 60).getID();
        }
        SentRenewals sent = new SentRenewals();

        for (int round = 0; round < 20; round++) {
            Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(sent).build();
            // Warm up: the loops and the stream run before the race begins.
            client.lease().keepAlive(Context.background(), id).poll(java.time.Duration.ofSeconds(5));
            AtomicReferenceArray<KeepAlive> keepAlives = new AtomicReferenceArray<>(SUBSCRIBERS);
            CyclicBarrier start = new CyclicBarrier(SUBSCRIBERS + 1);
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++) {
                int slot = i;
                threads.add(Thread.ofVirtual().start(() -> {
                    await(start);
                    keepAlives.set(slot, client.lease().keepAlive(Context.background(), id));
                }));
            }
            threads.add(Thread.ofVirtual().start(() -> {
                await(start);
                client.close();
            }));
            for (Thread thread : threads) {
                thread.join();
            }

            for (int i = 0; i < SUBSCRIBERS; i++) {
                assertThat(keepAlives.get(i).end()).get()
                        .extracting(KeepAliveEnd::reason).isEqualTo(KeepAliveEnd.Reason.CLIENT_CLOSED);
            }
            assertThat(client.keepAliveLeaseCount()).isZero();
        }
        int sentAfterRounds = sent.count(id);
        Thread.sleep(QUIET_MILLIS);

        assertThat(sent.count(id)).isEqualTo(sentAfterRounds);
        try (Client revoker = servers.client(server)) {
            revoker.lease().revoke(Context.background(), id);
        }
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException("start barrier broken", e);
        }
    }
}
