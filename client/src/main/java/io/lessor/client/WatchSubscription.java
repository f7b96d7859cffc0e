package io.lessor.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.context.Context;
import io.lessor.context.Done;
import io.lessor.context.Registration;
import io.lessor.context.Signal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a Watch stream per attempt, opened again from the next revision after a retryable
 * failure. No thread of its own runs: gRPC's callbacks queue responses and handle the end of
 * an attempt, a timer of the client's clock opens the next attempt after the backoff, and the
 * reader takes responses from the queue.
 */
final class WatchSubscription implements Watcher {

    /*
     * Implementation notes.
     *
     * Flow control: each attempt requests one response from gRPC at the start and one more each
     * time the reader takes a response, so at most a couple of responses wait in the queue.
     *
     * Resuming: nextRevision is the first revision not yet reported. It starts at the
     * revision after the created response's header (when no start revision was given) and
     * moves to the last event's mod_revision + 1, as etcd's Go client resumes.
     */

    private static final Logger log = LoggerFactory.getLogger(WatchSubscription.class);

    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.OK, Status.Code.UNAVAILABLE,
            Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED);

    private final Channel channel;
    private final Clock clock;
    private final ByteString key;
    private final ByteString rangeEnd;
    private final WatchOptions options;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // @GuardedBy("lock")
    private final ArrayDeque<WatchResponse> queue = new ArrayDeque<>();
    // @GuardedBy("lock")
    private Attempt attempt;
    // @GuardedBy("lock")
    private Clock.Timer reopenTimer;
    // @GuardedBy("lock")
    private long nextRevision;
    // @GuardedBy("lock")
    private long backoffNanos = MIN_BACKOFF.toNanos();
    // Written under `lock`; volatile so end() reads it without the lock.
    private volatile WatchEnd end;
    private final Signal done = Signal.create();
    private volatile Registration onCallerDone;
    private volatile Registration onClientClosed;

    private WatchSubscription(Channel channel, Clock clock, ByteString key, WatchOptions options) {
        this.channel = channel;
        this.clock = clock;
        this.key = key;
        this.rangeEnd = options.prefix() ? KeyRanges.prefixEnd(key) : options.rangeEnd();
        this.options = options;
        this.nextRevision = options.startRevision();
    }

    /** Starts a watch that ends with {@code ctx} or with the client's context. */
    static WatchSubscription start(Channel channel, Context ctx, Context clientContext, ByteString key,
            WatchOptions options) {
        WatchSubscription watch = new WatchSubscription(channel, clientContext.clock(), key, options);
        watch.open();
        watch.onCallerDone = ctx.done().onFire(() -> watch.finish(WatchEnd.Reason.CONTEXT_DONE, ctx.cause()));
        watch.onClientClosed = clientContext.done().onFire(() -> watch.finish(WatchEnd.Reason.CLIENT_CLOSED,
                new ClientClosedException("the client was closed")));
        // finish() may have run before the registrations were stored.
        if (watch.end != null) {
            watch.stopRegistrations();
        }
        return watch;
    }

    /** Returns a watch that has ended already, for a client that is closed. */
    static WatchSubscription ended(WatchEnd.Reason reason, Throwable cause) {
        WatchSubscription watch = new WatchSubscription(null, Clock.system(), ByteString.EMPTY, WatchOptions.DEFAULT);
        watch.finish(reason, cause);
        return watch;
    }

    @Override
    public WatchResponse next() throws InterruptedException {
        WatchResponse response;
        Attempt current;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                throwIfEnded();
                changed.await();
            }
            response = queue.poll();
            current = attempt;
        } finally {
            lock.unlock();
        }
        requestMore(current);
        return response;
    }

    @Override
    public WatchResponse poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long remainingNanos = timeout.toNanos();
        WatchResponse response;
        Attempt current;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                throwIfEnded();
                if (remainingNanos <= 0) {
                    return null;
                }
                remainingNanos = changed.awaitNanos(remainingNanos);
            }
            response = queue.poll();
            current = attempt;
        } finally {
            lock.unlock();
        }
        requestMore(current);
        return response;
    }

    @Override
    public Done done() {
        return done;
    }

    @Override
    public Optional<WatchEnd> end() {
        return Optional.ofNullable(end);
    }

    private void throwIfEnded() {
        assert lock.isHeldByCurrentThread();
        WatchEnd ended = end;
        if (ended != null) {
            throw new WatchEndedException(ended);
        }
    }

    private static void requestMore(Attempt current) {
        if (current != null) {
            current.requestOne();
        }
    }

    /** Opens a new attempt from the next revision, unless the watch has ended. */
    private void open() {
        Attempt opened = new Attempt();
        long startRevision;
        lock.lock();
        try {
            if (end != null) {
                return;
            }
            reopenTimer = null;
            attempt = opened;
            startRevision = nextRevision;
        } finally {
            lock.unlock();
        }
        WatchGrpc.newStub(channel).watch(opened);
        opened.create(WatchCreateRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(rangeEnd)
                .setStartRevision(startRevision)
                .setPrevKv(options.prevKv())
                .setProgressNotify(options.progressNotify())
                .build());
    }

    /** Ends the watch with {@code reason} unless it has ended; responses already queued stay readable. */
    private void finish(WatchEnd.Reason reason, Throwable cause) {
        Attempt last;
        Clock.Timer timer;
        lock.lock();
        try {
            if (end != null) {
                return;
            }
            end = new WatchEnd(reason, cause);
            last = attempt;
            attempt = null;
            timer = reopenTimer;
            reopenTimer = null;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (timer != null) {
            timer.cancel();
        }
        if (last != null) {
            last.cancel();
        }
        stopRegistrations();
        done.fire();
    }

    private void stopRegistrations() {
        Registration caller = onCallerDone;
        if (caller != null) {
            caller.stop();
        }
        Registration client = onClientClosed;
        if (client != null) {
            client.stop();
        }
    }

    /** One Watch stream. Its callbacks act only while it is the current attempt. */
    private final class Attempt implements ClientResponseObserver<WatchRequest, WatchResponse> {
        private volatile ClientCallStreamObserver<WatchRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        void create(WatchCreateRequest create) {
            try {
                requests.onNext(WatchRequest.newBuilder().setCreateRequest(create).build());
            } catch (IllegalStateException cancelledMeanwhile) {
                // finish() cancelled this attempt before the request went out.
            }
        }

        void requestOne() {
            requests.request(1);
        }

        void cancel() {
            requests.cancel("watch ended by the client", null);
        }

        @Override
        public void onNext(WatchResponse response) {
            if (response.getCanceled()) {
                Throwable cause = response.getCompactRevision() != 0
                        ? new CompactedRevisionException(CompactedRevisionException.MESSAGE + " (compacted at revision "
                                + response.getCompactRevision() + ")", null)
                        : new EtcdException(Status.Code.CANCELLED, response.getCancelReason(), null);
                if (isCurrent()) {
                    finish(WatchEnd.Reason.CANCELED_BY_SERVER, cause);
                }
                return;
            }

            lock.lock();
            try {
                if (attempt != this) {
                    return;
                }
                backoffNanos = MIN_BACKOFF.toNanos();
                if (response.getCreated()) {
                    if (nextRevision == 0) {
                        nextRevision = response.getHeader().getRevision() + 1;
                    }
                } else {
                    if (response.getEventsCount() > 0) {
                        nextRevision = response.getEvents(response.getEventsCount() - 1).getKv().getModRevision() + 1;
                    }
                    queue.add(response);
                    changed.signalAll();
                }
            } finally {
                lock.unlock();
            }
            // The created response is not handed to the reader, so ask for the next one here.
            if (response.getCreated()) {
                requestOne();
            }
        }

        @Override
        public void onError(Throwable failure) {
            ended(Status.fromThrowable(failure));
        }

        @Override
        public void onCompleted() {
            ended(Status.OK);
        }

        private void ended(Status status) {
            if (!RETRYABLE.contains(status.getCode())) {
                if (isCurrent()) {
                    finish(WatchEnd.Reason.HALTED, EtcdException.from(status.asRuntimeException()));
                }
                return;
            }
            lock.lock();
            try {
                if (attempt != this || end != null) {
                    return;
                }
                attempt = null;
                long delayNanos = backoffNanos;
                backoffNanos = Math.min(backoffNanos * 2, MAX_BACKOFF.toNanos());
                log.info("watch stream ended, reopening: code={} description={} next-revision={} backoff-ms={}",
                        status.getCode(), status.getDescription(), nextRevision, delayNanos / 1_000_000);
                reopenTimer = clock.schedule(delayNanos, WatchSubscription.this::open);
            } finally {
                lock.unlock();
            }
        }

        private boolean isCurrent() {
            lock.lock();
            try {
                return attempt == this;
            } finally {
                lock.unlock();
            }
        }
    }
}
