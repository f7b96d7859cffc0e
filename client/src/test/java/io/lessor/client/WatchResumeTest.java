package io.lessor.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.RangeRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Watches from a revision already written, and watches that ride out a server restart. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class WatchResumeTest {

    @RegisterExtension
    static final Servers servers = new Servers();

    private static final Context background = Context.background();

    private static ByteString bytes(String text) {
        return ByteString.copyFromUtf8(text);
    }

    /** Reads events until {@code count} have arrived or {@code timeout} has passed. */
    private static List<Event> eventsWithin(Watcher watcher, int count, Duration timeout) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (events.size() < count && deadline - System.nanoTime() > 0) {
            WatchResponse response = watcher.poll(Duration.ofMillis(100));
            if (response != null) {
                events.addAll(response.getEventsList());
            }
        }
        return events;
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    void watchFromWrittenRevisionDeliversAllEvents(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            for (int round = 0; round < 200; round++) {
                String prefix = "watch-resume/" + UUID.randomUUID() + "/";
                try (CancelableContext ctx = background.withCancel()) {
                    long first = client.kv().put(ctx, bytes(prefix + "a"), bytes("1")).getHeader().getRevision();
                    client.kv().put(ctx, bytes(prefix + "b"), bytes("2"));
                    client.kv().put(ctx, bytes(prefix + "c"), bytes("3"));

                    Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(first));
                    List<Event> events = eventsWithin(watcher, 3, Duration.ofSeconds(5));

                    assertThat(events).as("round %d", round).extracting(e -> e.getKv().getModRevision())
                            .containsExactly(first, first + 1, first + 2);
                }
            }
        }
    }

    /**
     * Opens each watch while the write of its start revision is still in flight, on a server
     * that has no other watch open, 300 times.
     */
    @ParameterizedTest
    @EnumSource(Server.class)
    void watchOpenedDuringWriteOfStartRevisionDeliversIt(Server server) throws Exception {
        try (Client client = servers.client(server)) {
            for (int round = 0; round < 300; round++) {
                String prefix = "watch-resume/" + UUID.randomUUID() + "/";
                try (CancelableContext ctx = background.withCancel()) {
                    long current = client.kv().get(ctx, bytes("watch-resume/none")).getHeader().getRevision();
                    Thread writer = Thread.ofVirtual().start(() -> {
                        try {
                            client.kv().put(ctx, bytes(prefix + "a"), bytes("1"));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(current + 1));
                    writer.join();

                    List<Event> events = eventsWithin(watcher, 1, Duration.ofSeconds(5));

                    assertThat(events).as("round %d, start revision %d", round, current + 1)
                            .extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly(prefix + "a");
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Server.class)
    @LeakCheck(ignoreThreads = {"lessor-writer", "lessor-lease-expiry", "grpc-handler-\\d+", "watch-stream-.*"})
    void restartMidStreamLosesAndRepeatsNothing(Server server) throws Exception {
        String prefix = "watch-resume/" + UUID.randomUUID() + "/";
        AtomicBoolean restarted = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        try (Client client = servers.client(server); CancelableContext ctx = background.withCancel()) {
            long next = client.kv().get(ctx, bytes(prefix)).getHeader().getRevision() + 1;
            Watcher watcher = client.watch().watch(ctx, bytes(prefix), WatchOptions.withPrefix().fromRevision(next));
            // Writes distinct keys until 20 writes after the restart. A write in flight when the
            // server stops may fail with UNAVAILABLE and yet have been applied. So the check
            // below reads back which keys exist instead of trusting the writer's count.
            Thread writer = Thread.ofVirtual().start(() -> {
                int afterRestart = 0;
                for (int i = 0; afterRestart < 20; i++) {
                    try {
                        client.kv().put(ctx, bytes(String.format("%s%05d", prefix, i)), bytes("v"));
                    } catch (UnavailableException maybeApplied) {
                        // Ambiguous outcome; the final read decides.
                    } catch (InterruptedException e) {
                        return;
                    } catch (RuntimeException e) {
                        writerFailure.set(e);
                        return;
                    }
                    written.incrementAndGet();
                    if (restarted.get()) {
                        afterRestart++;
                    }
                }
            });

            List<Event> events = new ArrayList<>(eventsWithin(watcher, 20, Duration.ofSeconds(10)));
            servers.restart(server, Duration.ofMillis(500));
            restarted.set(true);
            writer.join(Duration.ofSeconds(60));
            List<KeyValue> stored = client.kv().get(ctx, bytes(prefix),
                    GetOptions.withPrefix().withSort(RangeRequest.SortTarget.CREATE, RangeRequest.SortOrder.ASCEND)).getKvsList();
            events.addAll(eventsWithin(watcher, stored.size() - events.size(), Duration.ofSeconds(20)));

            assertThat(writerFailure.get()).isNull();
            assertThat(writer.isAlive()).isFalse();
            assertThat(stored.size()).isGreaterThanOrEqualTo(40);
            assertThat(events).extracting(e -> e.getKv().getKey())
                    .as("every stored key once, in revision order")
                    .containsExactlyElementsOf(stored.stream().map(KeyValue::getKey).toList());
            assertThat(events).extracting(e -> e.getKv().getModRevision())
                    .containsExactlyElementsOf(stored.stream().map(KeyValue::getModRevision).toList());
            assertThat(watcher.end()).isEmpty();
        }
    }
}
