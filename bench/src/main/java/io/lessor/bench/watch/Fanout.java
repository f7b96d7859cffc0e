package io.lessor.bench.watch;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One fan-out measurement: {@code watchers} watchers of one prefix, and a writer that puts
 * keys under that prefix as fast as the server takes them, with up to {@code inFlight} puts
 * outstanding. It first puts {@code warmupPuts} keys and waits until every watcher has their
 * events, then measures {@code puts} more: the time from the first measured put to the moment
 * the last watcher has the event of the last put.
 */
final class Fanout {

    /** The figures of one run, printed as one line of JSON. */
    record Result(int watchers, int streams, int puts, long events, long responses, double putSeconds,
            double deliverSeconds) {

        double eventsPerSecond() {
            return events / deliverSeconds;
        }

        double putsPerSecond() {
            return puts / putSeconds;
        }

        String toJson() {
            return String.format(Locale.ROOT,
                    "{\"watchers\":%d,\"streams\":%d,\"puts\":%d,\"events\":%d,\"responses\":%d,"
                            + "\"put_seconds\":%.3f,\"deliver_seconds\":%.3f,\"events_per_second\":%.0f,"
                            + "\"puts_per_second\":%.0f}",
                    watchers, streams, puts, events, responses, putSeconds, deliverSeconds, eventsPerSecond(),
                    putsPerSecond());
        }
    }

    private final Options options;

    Fanout(Options options) {
        this.options = options;
    }

    Result run() throws InterruptedException {
        List<ManagedChannel> channels = Channels.open(options.endpoint(), options.channels());
        ManagedChannel writerChannel = Channels.open(options.endpoint(), 1).getFirst();
        try (PrefixWatchers watchers = PrefixWatchers.open(channels, options.prefix(), false, options.watchers(),
                options.watchersPerStream(), options.timeout())) {
            KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(writerChannel);

            deliver(watchers, kv, options.warmupPuts());
            long eventsBefore = watchers.events();
            long responsesBefore = watchers.responses();

            long startNanos = System.nanoTime();
            long putsDoneNanos = deliver(watchers, kv, options.puts());
            long lastEventNanos = watchers.awaitEvents(Duration.ZERO);
            return new Result(watchers.watchers(), watchers.streams(), options.puts(),
                    watchers.events() - eventsBefore, watchers.responses() - responsesBefore,
                    (putsDoneNanos - startNanos) / 1e9, (lastEventNanos - startNanos) / 1e9);
        } finally {
            Channels.close(channels);
            Channels.close(List.of(writerChannel));
        }
    }

    /**
     * Puts {@code count} keys, waits until every watcher has their events, and returns the
     * {@link System#nanoTime()} when the last put was acknowledged.
     */
    private long deliver(PrefixWatchers watchers, KVGrpc.KVFutureStub kv, int count) throws InterruptedException {
        watchers.expectEvents(watchers.events() + (long) count * watchers.watchers());
        long putsDoneNanos = putAll(kv, count);
        if (watchers.awaitEvents(options.timeout()) < 0) {
            throw new IllegalStateException("the watchers received " + watchers.events() + " events, fewer than "
                    + "expected, within " + options.timeout());
        }
        return putsDoneNanos;
    }

    private long putAll(KVGrpc.KVFutureStub kv, int count) throws InterruptedException {
        Semaphore inFlight = new Semaphore(options.inFlight());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        ByteString value = ByteString.copyFrom(new byte[options.valueBytes()]);
        for (int i = 0; i < count && failure.get() == null; i++) {
            inFlight.acquire();
            PutRequest request = PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8(options.prefix() + (i % options.keys())))
                    .setValue(value)
                    .build();
            Futures.addCallback(kv.withDeadlineAfter(options.timeout().toMillis(), TimeUnit.MILLISECONDS).put(request),
                    new FutureCallback<PutResponse>() {
                        @Override
                        public void onSuccess(PutResponse response) {
                            inFlight.release();
                        }

                        @Override
                        public void onFailure(Throwable error) {
                            failure.compareAndSet(null, error);
                            inFlight.release();
                        }
                    }, MoreExecutors.directExecutor());
        }
        inFlight.acquire(options.inFlight());
        long doneNanos = System.nanoTime();
        if (failure.get() != null) {
            throw new IllegalStateException("a put failed: " + failure.get(), failure.get());
        }
        return doneNanos;
    }
}
