package io.lessor.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import org.HdrHistogram.Histogram;

/**
 * A stream of requests from closed-loop clients: each client sends one request, waits for its
 * outcome, and sends the next, until the limit is reached, {@link #stop()} is called, or
 * {@code maxErrors} requests have failed. The requests are numbered from 0 across all clients,
 * in the order they are sent.
 *
 * <pre>{@code
 * ClosedLoop.Result result = ClosedLoop.start("put", clients, client -> (sequence, outcome) ->
 *         connections.kv(client).put(request(sequence), Unary.of(outcome)),
 *         limit, Long.MAX_VALUE, recorder, maxErrors).await();
 * }</pre>
 *
 * <p>Clients are not threads. A requester sends asynchronously and reports the outcome from
 * any thread, usually a network thread, and the client sends its next request from there at
 * once. So a thousand clients need no thousand threads. A requester must report exactly one
 * outcome per request, and must not block.
 *
 * <p>Latency is the time from just before {@code send} to the call that reports the outcome.
 * Failed requests are counted by kind and not timed.
 */
final class ClosedLoop {

    /** How long {@link #await()} waits for any response before it gives up on the stream. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(60);

    /** Receives the outcome of one request. */
    interface Outcome {

        void succeeded();

        void failed(Throwable error);
    }

    /** Sends the requests of one client. */
    @FunctionalInterface
    interface Requester {

        /** Sends request number {@code sequence}, and reports its outcome to {@code outcome} once. */
        void send(long sequence, Outcome outcome);
    }

    /**
     * The outcome of a stream of requests.
     *
     * @param succeeded requests that succeeded
     * @param failed requests that failed, including unexpected responses
     * @param elapsedNanos the time from the first request to the last outcome
     * @param stoppedByErrors whether the stream stopped because {@code maxErrors} requests failed
     * @param abandoned requests still in flight when the stream gave up on them after
     *     {@link #STALL_TIMEOUT} without any outcome; 0 when every request got its outcome
     */
    record Result(long succeeded, long failed, long elapsedNanos, boolean stoppedByErrors, long abandoned) {

        long sent() {
            return succeeded + failed + abandoned;
        }

        double seconds() {
            return elapsedNanos / 1e9;
        }
    }

    private final String label;
    private final LatencyRecorder recorder;
    private final long maxErrors;
    private final long totalLimit;
    private final long deadlineNanos;
    private final boolean timed;
    private final AtomicLong nextSequence = new AtomicLong();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean stoppedByErrors;
    private final LongAdder succeeded = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicInteger clientsLeft;
    private final CountDownLatch allFinished = new CountDownLatch(1);
    private final long startNanos;
    private volatile long lastOutcomeNanos;
    private volatile long endNanos;
    /** Only {@link #progressLine()} reads and writes it. */
    private long completedAtLastLine;

    private ClosedLoop(String label, int clients, RunLimit limit, long maxRequests, LatencyRecorder recorder,
            long maxErrors) {
        this.label = label;
        this.recorder = recorder;
        this.maxErrors = maxErrors;
        this.clientsLeft = new AtomicInteger(clients);
        this.startNanos = System.nanoTime();
        this.lastOutcomeNanos = startNanos;
        switch (limit) {
            case RunLimit.Total total -> {
                totalLimit = Math.min(total.requests(), maxRequests);
                timed = false;
                deadlineNanos = 0;
            }
            case RunLimit.Timed time -> {
                totalLimit = maxRequests;
                timed = true;
                deadlineNanos = startNanos + time.duration().toNanos();
            }
            case null -> {
                totalLimit = maxRequests;
                timed = false;
                deadlineNanos = 0;
            }
        }
    }

    /**
     * Starts {@code clients} clients, client {@code i} sending with {@code requesters.apply(i)}.
     * {@link #progressLine()} describes the stream under {@code label}.
     *
     * @param limit when the stream ends; {@code null} to run until {@link #stop()}
     * @param maxRequests the maximum number of requests to send, even if {@code limit} allows
     *     more, such as the size of a pool of leases to revoke; {@link Long#MAX_VALUE} for no bound
     * @param maxErrors failed requests after which the stream stops; 0 for no limit
     */
    static ClosedLoop start(String label, int clients, IntFunction<Requester> requesters, RunLimit limit,
            long maxRequests, LatencyRecorder recorder, long maxErrors) {
        if (clients < 1) {
            throw new IllegalArgumentException("clients must be positive, got " + clients);
        }
        ClosedLoop loop = new ClosedLoop(label, clients, limit, maxRequests, recorder, maxErrors);
        List<Client> started = new ArrayList<>(clients);
        for (int i = 0; i < clients; i++) {
            started.add(loop.new Client(requesters.apply(i)));
        }
        started.forEach(Client::next);
        return loop;
    }

    /** Stops sending: each client finishes the request it has in flight and sends no more. */
    void stop() {
        stopRequested.set(true);
    }

    /**
     * Waits until every client has finished, or until no outcome has arrived for
     * {@link #STALL_TIMEOUT}, and returns what the stream did. Takes the last latencies into
     * the recorder's total.
     *
     * @throws InterruptedException if interrupted while waiting; the stream is stopped first
     */
    Result await() throws InterruptedException {
        long abandoned = 0;
        try {
            while (!allFinished.await(1, TimeUnit.SECONDS)) {
                if (System.nanoTime() - lastOutcomeNanos > STALL_TIMEOUT.toNanos()) {
                    stop();
                    abandoned = clientsLeft.get();
                    endNanos = lastOutcomeNanos;
                    break;
                }
            }
        } catch (InterruptedException e) {
            stop();
            throw e;
        }
        recorder.takeInterval();
        return new Result(succeeded.sum(), failed.sum(), endNanos - startNanos, stoppedByErrors, abandoned);
    }

    /** Returns the number of requests completed so far, with or without error. */
    long completed() {
        return succeeded.sum() + failed.sum();
    }

    /** Returns the {@link System#nanoTime()} at which the stream started. */
    long startNanos() {
        return startNanos;
    }

    /** Returns the next request number, or -1 when the stream has ended. */
    private long claim() {
        if (stopRequested.get()) {
            return -1;
        }
        if (timed && System.nanoTime() - deadlineNanos >= 0) {
            return -1;
        }
        long sequence = nextSequence.getAndIncrement();
        return sequence < totalLimit ? sequence : -1;
    }

    /**
     * Returns a line on the stream's progress since the last call, for {@link Progress}: it takes
     * the latencies recorded since then from the recorder. Called from one thread at a time.
     */
    String progressLine() {
        Histogram interval = recorder.takeInterval();
        long completed = completed();
        long rate = completed - completedAtLastLine;
        completedAtLastLine = completed;
        String latency = interval.getTotalCount() == 0
                ? "no latencies timed"
                : String.format("p50 %.3f ms, p99 %.3f ms", interval.getValueAtPercentile(50) / 1e6,
                        interval.getValueAtPercentile(99) / 1e6);
        String limit = totalLimit == Long.MAX_VALUE ? "" : String.format(" of %,d", totalLimit);
        return String.format("%s: %s, %,d%s completed, %,d since the last line, %s, %,d errors", label,
                Progress.seconds(startNanos), completed, limit, rate, latency, failed.sum());
    }

    /**
     * One closed-loop client. {@code pendingSends} lets only one thread run the send loop: an
     * outcome reported while {@code send} is still running, as a request that fails at once
     * does, leaves the next send to the thread already in the loop, so the stack does not grow
     * with each failed request.
     */
    private final class Client implements Outcome {

        private final Requester requester;
        private final AtomicInteger pendingSends = new AtomicInteger();
        private final AtomicBoolean awaitingOutcome = new AtomicBoolean();
        private volatile long sentNanos;

        Client(Requester requester) {
            this.requester = requester;
        }

        void next() {
            if (pendingSends.getAndIncrement() != 0) {
                return;
            }
            int missed = 1;
            while (true) {
                long sequence = claim();
                if (sequence < 0) {
                    // No request is in flight, so no outcome can call next() again.
                    finish();
                    return;
                }
                awaitingOutcome.set(true);
                sentNanos = System.nanoTime();
                try {
                    requester.send(sequence, this);
                } catch (RuntimeException e) {
                    failed(e);
                }
                missed = pendingSends.addAndGet(-missed);
                if (missed == 0) {
                    return;
                }
            }
        }

        @Override
        public void succeeded() {
            long now = System.nanoTime();
            checkAwaiting();
            recorder.recordSuccess(sentNanos, now);
            succeeded.increment();
            lastOutcomeNanos = now;
            next();
        }

        @Override
        public void failed(Throwable error) {
            checkAwaiting();
            recorder.recordError(error);
            failed.increment();
            lastOutcomeNanos = System.nanoTime();
            if (maxErrors > 0 && failed.sum() >= maxErrors) {
                stoppedByErrors = true;
                stop();
            }
            next();
        }

        private void checkAwaiting() {
            if (!awaitingOutcome.compareAndSet(true, false)) {
                throw new IllegalStateException(label + ": a requester reported two outcomes for one request");
            }
        }

        private void finish() {
            if (clientsLeft.decrementAndGet() == 0) {
                endNanos = System.nanoTime();
                allFinished.countDown();
            }
        }
    }
}
