package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.lessor.api.WatchGrpc;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.Diagnostics;
import io.lessor.context.Signal;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * client.close() while another thread is still cancelling the client's watches and events
 * flow: every call of the client ends, and every watch stream ends on the server as well, even
 * one whose cancel reaches gRPC only after the channel was shut down.
 */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class WatchCloseTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static final int ROUNDS = 10;
    private static final int WATCHES_PER_CLIENT = 4;
    /** The watch whose cancel is held back: the second, so the first one's cancel goes through. */
    private static final int HELD_WATCH = 1;
    private static final Duration STREAM_END_WITHIN = Duration.ofSeconds(2);

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void closeDuringWatchCancelEndsEveryStream(Server server) throws Exception {
        long mark = Diagnostics.mark();
        String prefix = "watch-close/" + UUID.randomUUID() + "/";
        AtomicReference<Throwable> putFailure = new AtomicReference<>();
        try (Client writer = servers.client(server); CancelableContext writing = background.withCancel()) {
            Thread putter = Thread.ofVirtual().name("watch-close-putter").start(() -> putUntilDone(writer, writing, prefix, putFailure));
            try {
                for (int round = 0; round < ROUNDS; round++) {
                    runRound(server, prefix, round, mark);
                }
            } finally {
                writing.cancel();
                putter.join();
            }
        }
        assertThat(putFailure.get()).as("failure of the putter").isNull();
    }

    /**
     * Runs one client through the race. This thread cancels the watches' context, which ends the
     * watches in the order they were opened. It is held inside the cancel of one watch's gRPC
     * call while a second thread closes the client, as if the canceller were preempted there.
     */
    private void runRound(Server server, String prefix, int round, long mark) throws Exception {
        // given a client whose watches all receive events
        HeldCancel heldCancel = new HeldCancel(Thread.currentThread());
        Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(heldCancel).build();
        CancelableContext watching = background.withCancel();
        List<Watcher> watchers = new ArrayList<>();
        for (int i = 0; i < WATCHES_PER_CLIENT; i++) {
            watchers.add(client.watch().watch(watching, bytes(prefix), WatchOptions.withPrefix()));
        }
        for (Watcher watcher : watchers) {
            assertThat(watcher.poll(Duration.ofSeconds(5))).as("first event of a watch in round %d", round).isNotNull();
        }

        // when the client closes while the cancel of one watch's call has not reached gRPC yet
        Thread closer = Thread.ofVirtual().name("watch-close-closer").start(() -> {
            heldCancel.holding.awaitUninterruptibly();
            client.close();
            heldCancel.released.fire();
        });
        watching.cancel();
        closer.join();

        // then every call of the client has ended, and so has every watch stream on the server
        assertThat(heldCancel.heldCancels.get()).as("cancels held in round %d", round).isEqualTo(1);
        assertThat(watchers).allSatisfy(watcher -> assertThat(watcher.end()).isPresent());
        assertThat(client.openCalls()).as("open calls after close in round %d", round).isZero();
        assertNoWatchStreamOnServer(server, round, mark);
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void watchEndFollowsStreamCancel(Server server) throws Exception {
        // given a watch whose stream records whether the watch had ended when it was cancelled
        AtomicReference<Watcher> watched = new AtomicReference<>();
        AtomicReference<Optional<WatchEnd>> endAtCancel = new AtomicReference<>();
        ClientInterceptor recordEnd = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void cancel(String message, Throwable cause) {
                        Watcher watcher = watched.get();
                        if (watcher != null) {
                            endAtCancel.compareAndSet(null, watcher.end());
                        }
                        super.cancel(message, cause);
                    }
                };
            }
        };
        try (Client client = Client.builder().endpoints(servers.endpoint(server)).interceptors(recordEnd).build();
                CancelableContext ctx = background.withCancel()) {
            Watcher watcher = client.watch().watch(ctx, bytes("watch-close/" + UUID.randomUUID()), WatchOptions.DEFAULT);
            watched.set(watcher);

            // when its context ends
            ctx.cancel();

            // then the stream was cancelled before the end became visible to a reader
            assertThat(watcher.end()).as("end after the context ended").isPresent();
            assertThat(endAtCancel.get()).as("end seen when the stream was cancelled").isNotNull();
            assertThat(endAtCancel.get()).as("end seen when the stream was cancelled").isEmpty();
        }
    }

    private static void putUntilDone(Client writer, Context ctx, String prefix, AtomicReference<Throwable> failure) {
        try {
            for (long i = 0; !ctx.isDone(); i++) {
                writer.kv().put(ctx, bytes(prefix + (i % 8)), bytes(Long.toString(i)));
            }
        } catch (ContextDoneException e) {
            // The test cancelled the writing context.
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private static void assertNoWatchStreamOnServer(Server server, int round, long mark) {
        switch (server) {
            case ETCD -> await().atMost(STREAM_END_WITHIN).untilAsserted(() -> assertThat(
                    EtcdMetrics.openCalls(servers.etcd().clientPort(), WatchGrpc.SERVICE_NAME, "Watch"))
                    .as("open Watch calls on etcd after round %d", round).isZero());
            // Lessor's server runs in this JVM, and each of its watch streams is a task named
            // watch-stream-N that ends when the stream ends.
            case LESSOR -> await().atMost(STREAM_END_WITHIN).untilAsserted(() -> assertThat(
                    Diagnostics.liveSince(mark).stream()
                            .filter(live -> live.kind() == Diagnostics.Kind.TASK && live.name().startsWith("watch-stream-"))
                            .map(Diagnostics.LiveResource::name)
                            .toList())
                    .as("watch streams alive on the server after round %d", round).isEmpty());
        }
    }

    /**
     * Holds the cancel of the {@link #HELD_WATCH}th Watch call, when {@code canceller} makes it,
     * until {@link #released} fires, and fires {@link #holding} once it holds it.
     */
    private static final class HeldCancel implements ClientInterceptor {
        final Signal holding = Signal.create();
        final Signal released = Signal.create();
        final AtomicInteger heldCancels = new AtomicInteger();
        private final Thread canceller;
        private final AtomicInteger watchCalls = new AtomicInteger();

        HeldCancel(Thread canceller) {
            this.canceller = canceller;
        }

        @Override
        public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
            ClientCall<Q, R> call = next.newCall(method, options);
            boolean watch = method.getFullMethodName().equals(WatchGrpc.getWatchMethod().getFullMethodName());
            if (!watch || watchCalls.getAndIncrement() != HELD_WATCH) {
                return call;
            }
            return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
                @Override
                public void cancel(String message, Throwable cause) {
                    if (Thread.currentThread() == canceller) {
                        heldCancels.incrementAndGet();
                        holding.fire();
                        released.awaitUninterruptibly();
                    }
                    super.cancel(message, cause);
                }
            };
        }
    }
}
