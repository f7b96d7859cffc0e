package io.lessor.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lessor.api.Event;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchProgressRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.client.internal.FlowPump;
import io.lessor.context.Clock;
import io.lessor.context.Context;
import io.lessor.context.Done;
import io.lessor.context.Registration;
import io.lessor.context.Signal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch: a Watch stream per attempt, opened again from the next revision after a retryable
 * failure. No thread of its own runs: gRPC's callbacks queue responses and handle the end of
 * an attempt, a timer of the client's clock opens the next attempt after the backoff, and the
 * reader takes responses from the queue. A Flow subscriber gets a virtual thread that reads for it.
 */
final class WatchSubscription implements Watcher {

    /*
     * Implementation notes.
     *
     * Flow control: each attempt requests one response from gRPC at the start and one more each
     * time the reader takes a response, or the attempt consumes one itself (the created response,
     * a fragment), so at most a couple of responses wait in the queue.
     *
     * Resuming: nextRevision is the first revision not yet reported. It starts at the start
     * revision, or at the revision after the created response's header when none was given, and
     * moves to the last event's mod_revision + 1, as etcd's Go client resumes. A periodic
     * progress notification (it carries the watch's own id) moves it to its header revision + 1.
     * etcd 3.4 sends those only to watchers that are synced, on the same channel as their events,
     * so every event up to that revision has been received. The response to a progress request
     * (watch id -1) does not move it, because etcd 3.4 sends that one at once, possibly ahead of
     * events still being replayed from history.
     *
     * Fragments: a revision split by the server is joined before it is queued or counted in
     * nextRevision, so a stream that breaks mid-revision replays the whole revision.
     */

    private static final Logger log = LoggerFactory.getLogger(WatchSubscription.class);

    private static final Duration MIN_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(4);
    private static final Set<Status.Code> RETRYABLE = Set.of(Status.Code.OK, Status.Code.UNAVAILABLE,
            Status.Code.INTERNAL, Status.Code.UNKNOWN, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED);
    /** etcd's watch id for a response that belongs to no watcher, such as a progress response. */
    private static final long NO_WATCH_ID = -1;

    private final Channel channel;
    private final Context clientContext;
    private final Clock clock;
    private final ByteString key;
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
    // @GuardedBy("lock"): set when finish() starts, before it cancels the stream and publishes end.
    private boolean finishing;
    // Written under `lock`; volatile so end() reads it without the lock.
    private volatile WatchEnd end;
    private final Signal done = Signal.create();
    private final AtomicBoolean publisherTaken = new AtomicBoolean();
    private volatile Registration onCallerDone;
    private volatile Registration onClientClosed;

    private WatchSubscription(Channel channel, Context clientContext, ByteString key, WatchOptions options) {
        this.channel = channel;
        this.clientContext = clientContext;
        this.clock = clientContext.clock();
        this.key = key;
        this.options = options;
        this.nextRevision = options.startRevision();
    }

    /** Starts a watch that ends with {@code ctx} or with the client's context. */
    static WatchSubscription start(Channel channel, Context ctx, Context clientContext, ByteString key,
            WatchOptions options) {
        WatchSubscription watch = new WatchSubscription(channel, clientContext, key, options);
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
    static WatchSubscription ended(Context clientContext, WatchEnd.Reason reason, Throwable cause) {
        WatchSubscription watch = new WatchSubscription(null, clientContext, ByteString.EMPTY, WatchOptions.DEFAULT);
        watch.finish(reason, cause);
        return watch;
    }

    // ---- reading -------------------------------------------------------------------------------

    @Override
    public WatchResponse next() throws InterruptedException {
        return take(0, false);
    }

    @Override
    public WatchResponse poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        return take(timeout.toNanos(), true);
    }

    /** Takes the next response, waiting at most {@code timeoutNanos} if {@code timed}, or returns null on timeout. */
    private WatchResponse take(long timeoutNanos, boolean timed) throws InterruptedException {
        long remainingNanos = timeoutNanos;
        WatchResponse response;
        Attempt current;
        lock.lock();
        try {
            while (queue.isEmpty()) {
                throwIfEnded();
                if (!timed) {
                    changed.await();
                } else if (remainingNanos <= 0) {
                    return null;
                } else {
                    remainingNanos = changed.awaitNanos(remainingNanos);
                }
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
    public boolean requestProgress() {
        Attempt current;
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            current = attempt;
        } finally {
            lock.unlock();
        }
        if (current == null) {
            return false;
        }
        return current.send(WatchRequest.newBuilder()
                .setProgressRequest(WatchProgressRequest.getDefaultInstance())
                .build());
    }

    @Override
    public Done done() {
        return done;
    }

    @Override
    public Optional<WatchEnd> end() {
        return Optional.ofNullable(end);
    }

    @Override
    public void subscribe(Flow.Subscriber<? super WatchResponse> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!publisherTaken.compareAndSet(false, true)) {
            FlowPump.reject(subscriber, new IllegalStateException("this watch already has a subscriber; it takes one"));
            return;
        }
        new WatchPump(subscriber).start("lessor-watch-publisher");
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

    // ---- attempts and the end ------------------------------------------------------------------

    /** Opens a new attempt from the next revision, unless the watch has ended. */
    private void open() {
        Attempt opened = new Attempt();
        // Held until the create request is out, so that requestProgress() and cancel() on this
        // attempt wait for it, because a progress request must not overtake the create.
        opened.sendLock.lock();
        try {
            long startRevision;
            lock.lock();
            try {
                if (finishing) {
                    return;
                }
                reopenTimer = null;
                attempt = opened;
                startRevision = nextRevision;
            } finally {
                lock.unlock();
            }
            WatchGrpc.newStub(channel).watch(opened);
            opened.sendLocked(WatchRequest.newBuilder().setCreateRequest(options.createRequest(key, startRevision)).build());
        } finally {
            opened.sendLock.unlock();
        }
    }

    /** Ends the watch with {@code reason} unless it has ended; responses already queued stay readable. */
    private void finish(WatchEnd.Reason reason, Throwable cause) {
        Attempt last;
        Clock.Timer timer;
        lock.lock();
        try {
            if (finishing) {
                return;
            }
            finishing = true;
            last = attempt;
            attempt = null;
            timer = reopenTimer;
            reopenTimer = null;
        } finally {
            lock.unlock();
        }

        // The stream is cancelled before the end is published, so a reader that closes the
        // client as soon as it reads the end cannot race this cancel.
        if (timer != null) {
            timer.cancel();
        }
        if (last != null) {
            last.cancel();
        }

        lock.lock();
        try {
            end = new WatchEnd(reason, cause);
            changed.signalAll();
        } finally {
            lock.unlock();
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

    /** Ends the watch for a response with {@code canceled} set, with the reason the server gave. */
    private void finishCanceled(WatchResponse response) {
        if (response.getCompactRevision() != 0) {
            finish(WatchEnd.Reason.COMPACTED, new CompactedRevisionException(CompactedRevisionException.MESSAGE,
                    response.getCompactRevision(), null));
        } else {
            finish(WatchEnd.Reason.CANCELED_BY_SERVER, new WatchCanceledException(response.getCancelReason()));
        }
    }

    /** One Watch stream. Its callbacks act only while it is the current attempt. */
    private final class Attempt implements ClientResponseObserver<WatchRequest, WatchResponse> {
        // StreamObserver.onNext is not thread-safe, and the reader's progress requests race with
        // the create request and with cancel().
        final ReentrantLock sendLock = new ReentrantLock();
        private volatile ClientCallStreamObserver<WatchRequest> requests;
        // Read and written only by gRPC's callbacks of this call, which never run concurrently.
        private long watchId = NO_WATCH_ID;
        private final List<Event> fragments = new ArrayList<>();

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requests = requestStream;
            requestStream.disableAutoRequestWithInitial(1);
        }

        /** Sends {@code request}, or returns {@code false} if the call was cancelled meanwhile. */
        boolean send(WatchRequest request) {
            sendLock.lock();
            try {
                return sendLocked(request);
            } finally {
                sendLock.unlock();
            }
        }

        boolean sendLocked(WatchRequest request) {
            assert sendLock.isHeldByCurrentThread();
            try {
                requests.onNext(request);
                return true;
            } catch (IllegalStateException cancelledMeanwhile) {
                // finish() or a failure cancelled this attempt before the request went out.
                return false;
            }
        }

        void requestOne() {
            requests.request(1);
        }

        void cancel() {
            sendLock.lock();
            try {
                requests.cancel("watch ended by the client", null);
            } finally {
                sendLock.unlock();
            }
        }

        @Override
        public void onNext(WatchResponse response) {
            if (response.getCanceled()) {
                if (isCurrent()) {
                    finishCanceled(response);
                }
                return;
            }
            if (response.getCreated()) {
                created(response);
                requestOne();
                return;
            }
            if (response.getFragment()) {
                // Not handed to the reader, so ask for the next piece here.
                fragments.addAll(response.getEventsList());
                requestOne();
                return;
            }
            queue(joinFragments(response));
        }

        private void created(WatchResponse response) {
            watchId = response.getWatchId();
            lock.lock();
            try {
                if (attempt == this) {
                    backoffNanos = MIN_BACKOFF.toNanos();
                    if (nextRevision == 0) {
                        nextRevision = response.getHeader().getRevision() + 1;
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        private WatchResponse joinFragments(WatchResponse last) {
            if (fragments.isEmpty()) {
                return last;
            }
            List<Event> events = new ArrayList<>(fragments);
            events.addAll(last.getEventsList());
            fragments.clear();
            return last.toBuilder().clearEvents().addAllEvents(events).build();
        }

        private void queue(WatchResponse response) {
            lock.lock();
            try {
                if (attempt != this) {
                    return;
                }
                backoffNanos = MIN_BACKOFF.toNanos();
                int count = response.getEventsCount();
                if (count > 0) {
                    nextRevision = response.getEvents(count - 1).getKv().getModRevision() + 1;
                } else if (response.getWatchId() == watchId && watchId != NO_WATCH_ID) {
                    nextRevision = Math.max(nextRevision, response.getHeader().getRevision() + 1);
                }
                queue.add(response);
                changed.signalAll();
            } finally {
                lock.unlock();
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

    // ---- the Flow view -------------------------------------------------------------------------

    /**
     * Delivers queued responses to a Flow subscriber as it requests them, on a virtual thread
     * that exits when the end is delivered or the subscriber cancels. The end goes out at the
     * latest when the client closes, even to a subscriber that requests nothing more, so the
     * thread never outlives the client.
     */
    private final class WatchPump extends FlowPump<WatchResponse, WatchEnd> {
        // @GuardedBy("lock")
        private boolean clientClosed;
        // The attempt current when the last response was taken, read and written by the delivery thread only.
        private Attempt takenFrom;

        WatchPump(Flow.Subscriber<? super WatchResponse> subscriber) {
            super(lock, changed, subscriber);
        }

        private void clientClosed() {
            lock.lock();
            try {
                clientClosed = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        @Override
        protected void run() {
            Registration onClose = clientContext.done().onFire(this::clientClosed);
            try {
                super.run();
            } finally {
                onClose.stop();
            }
        }

        @Override
        protected boolean hasItem() {
            return !queue.isEmpty();
        }

        @Override
        protected WatchResponse takeItem() {
            takenFrom = attempt;
            return queue.poll();
        }

        @Override
        protected void taken() {
            requestMore(takenFrom);
        }

        /** Returns whether the end goes out next: every response before it is delivered, or the client closed. */
        @Override
        protected boolean endDue(long demand) {
            assert lock.isHeldByCurrentThread();
            return end != null && (queue.isEmpty() || clientClosed);
        }

        @Override
        protected WatchEnd takeEnd() {
            return end;
        }

        @Override
        protected Throwable failure(WatchEnd ended) {
            boolean normal = ended.reason() == WatchEnd.Reason.CONTEXT_DONE
                    || ended.reason() == WatchEnd.Reason.CLIENT_CLOSED;
            return normal ? null : new WatchEndedException(ended);
        }

        @Override
        protected void subscriberFailed(Throwable failure) {
            log.warn("watch subscriber failed, delivery stopped: key={}", key.toStringUtf8(), failure);
        }
    }

    @Override
    public String toString() {
        WatchEnd ended = end;
        return "Watcher[" + key.toStringUtf8() + ", " + (ended == null ? "running" : "ended: " + ended.reason()) + "]";
    }
}
