package io.lessor.bench.watch;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many watchers of key prefixes, {@code perStream} to a Watch stream, with the streams spread
 * over the given channels in turn. It counts the events and responses that all of them receive,
 * and lets the caller wait until a number of events has arrived.
 *
 * <p>Thread-safety: the counters and waits may be used from any thread; {@link #close()} once.
 */
final class PrefixWatchers implements AutoCloseable {

    private final List<Stream> streams = new ArrayList<>();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong responses = new AtomicLong();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private volatile long awaitedEvents = Long.MAX_VALUE;
    private volatile CountDownLatch awaited = new CountDownLatch(1);
    private volatile long lastEventNanos;
    private final CountDownLatch created;
    private final int watchers;

    private PrefixWatchers(int watchers) {
        this.watchers = watchers;
        this.created = new CountDownLatch(watchers);
    }

    /**
     * Opens {@code watchers} watchers from the current revision and waits until the server has
     * confirmed every one of them. They all watch {@code prefix}, or with {@code distinct} each
     * watches a prefix of its own under it: {@code prefix + i + "/"} for watcher {@code i}.
     *
     * @throws IllegalStateException if a watcher is not confirmed within {@code timeout}, or a
     *     stream fails
     */
    static PrefixWatchers open(List<ManagedChannel> channels, String prefix, boolean distinct, int watchers,
            int perStream, Duration timeout) throws InterruptedException {
        PrefixWatchers opened = new PrefixWatchers(watchers);
        int next = 0;
        while (next < watchers) {
            int onThisStream = Math.min(perStream, watchers - next);
            ManagedChannel channel = channels.get(opened.streams.size() % channels.size());
            Stream stream = opened.new Stream();
            WatchGrpc.newStub(channel).watch(stream);
            for (int i = 0; i < onThisStream; i++) {
                String watched = distinct ? prefix + next + "/" : prefix;
                WatchCreateRequest create = WatchCreateRequest.newBuilder()
                        .setKey(ByteString.copyFromUtf8(watched))
                        .setRangeEnd(prefixEnd(watched))
                        .build();
                stream.requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
                next++;
            }
            opened.streams.add(stream);
        }
        if (!opened.created.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            opened.close();
            throw new IllegalStateException(opened.created.getCount() + " of " + watchers
                    + " watchers were not created within " + timeout + "; " + opened.failureText());
        }
        opened.throwIfFailed();
        return opened;
    }

    int watchers() {
        return watchers;
    }

    int streams() {
        return streams.size();
    }

    /** Returns the events received so far by all watchers together. */
    long events() {
        return events.get();
    }

    /** Returns the responses with events received so far. */
    long responses() {
        return responses.get();
    }

    /** Sets the count of events that {@link #awaitEvents} waits for. */
    void expectEvents(long total) {
        CountDownLatch latch = new CountDownLatch(1);
        awaited = latch;
        awaitedEvents = total;
        if (events.get() >= total) {
            latch.countDown();
        }
    }

    /**
     * Waits until the events set by {@link #expectEvents} have arrived.
     *
     * @return the {@link System#nanoTime()} when the last of them arrived, or -1 on timeout
     */
    long awaitEvents(Duration timeout) throws InterruptedException {
        if (!awaited.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return -1;
        }
        throwIfFailed();
        return lastEventNanos;
    }

    void throwIfFailed() {
        String failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
    }

    private String failureText() {
        String failed = failure.get();
        return failed == null ? "no stream failed" : failed;
    }

    @Override
    public void close() {
        for (Stream stream : streams) {
            stream.requests.cancel("benchmark finished", null);
        }
    }

    private static ByteString prefixEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8);
        end[end.length - 1]++;
        return ByteString.copyFrom(end);
    }

    /** One Watch stream and its watchers. */
    private final class Stream implements ClientResponseObserver<WatchRequest, WatchResponse> {
        private volatile ClientCallStreamObserver<WatchRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
        }

        @Override
        public void onNext(WatchResponse response) {
            if (response.getCreated()) {
                if (response.getCanceled()) {
                    failure.compareAndSet(null, "a create was refused: " + response.getCancelReason());
                }
                created.countDown();
                return;
            }
            if (response.getCanceled()) {
                failure.compareAndSet(null, "the server cancelled watcher " + response.getWatchId() + ": "
                        + response.getCancelReason() + " (compact revision " + response.getCompactRevision() + ")");
                awaited.countDown();
                return;
            }
            int count = response.getEventsCount();
            if (count == 0) {
                return;
            }
            responses.incrementAndGet();
            long total = events.addAndGet(count);
            CountDownLatch latch = awaited;
            if (total >= awaitedEvents && latch.getCount() > 0) {
                lastEventNanos = System.nanoTime();
                latch.countDown();
            }
        }

        @Override
        public void onError(Throwable error) {
            Status status = Status.fromThrowable(error);
            if (status.getCode() != Status.Code.CANCELLED) {
                failure.compareAndSet(null, "a watch stream failed: " + status);
                awaited.countDown();
            }
        }

        @Override
        public void onCompleted() {
            failure.compareAndSet(null, "the server ended a watch stream");
            awaited.countDown();
        }
    }
}
