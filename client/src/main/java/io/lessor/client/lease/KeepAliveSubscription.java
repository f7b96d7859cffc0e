package io.lessor.client.lease;

import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.client.KeepAlive;
import io.lessor.client.KeepAliveEnd;
import io.lessor.client.KeepAliveEndedException;
import io.lessor.client.internal.FlowPump;
import io.lessor.context.Done;
import io.lessor.context.Registration;
import io.lessor.context.Signal;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of a lease's keep-alive: a bounded buffer of responses that the receive loop
 * fills without ever blocking, and the end, set once. A Flow subscriber reads the buffer through
 * the client's {@link FlowDelivery}, which this subscription schedules whenever it has something
 * to deliver.
 */
final class KeepAliveSubscription implements KeepAlive {

    private static final Logger log = LoggerFactory.getLogger(KeepAliveSubscription.class);

    private final long leaseId;
    private final int capacity;
    private final FlowDelivery delivery;
    // Ends this subscription when its Flow subscriber cancels, throws or makes an invalid
    // request, so that renewals stop.
    private final KeepAlives owner;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // @GuardedBy("lock")
    private final ArrayDeque<LeaseKeepAliveResponse> buffer = new ArrayDeque<>();
    // Written under `lock`; volatile so end() reads it without the lock.
    private volatile KeepAliveEnd end;
    private final Signal done = Signal.create();
    // Written under `lock`; volatile so received() and dropped() read them without it.
    private volatile long received;
    private volatile long dropped;
    private final AtomicBoolean publisherTaken = new AtomicBoolean();
    private volatile Registration contextWatch;
    // @GuardedBy("lock"): the Flow subscriber's state, or null while it has none.
    private FlowSide flow;

    KeepAliveSubscription(long leaseId, int capacity, FlowDelivery delivery, KeepAlives owner) {
        this.leaseId = leaseId;
        this.capacity = capacity;
        this.delivery = delivery;
        this.owner = owner;
    }

    @Override
    public long leaseId() {
        return leaseId;
    }

    /**
     * Keeps the registration that ends this subscription with its context, so that an end for
     * another reason removes it. If the subscription has ended already, removes it at once.
     */
    void watchContext(Registration registration) {
        contextWatch = registration;
        // finish() reads contextWatch after it sets end, so at least one of the two reads the other's write.
        if (end != null) {
            registration.stop();
        }
    }

    /**
     * Adds a response to the buffer without blocking.
     *
     * @return {@code false} if the buffer was full, so the response was dropped and counted, or
     *     the subscription has ended
     */
    boolean offer(LeaseKeepAliveResponse response) {
        boolean schedule;
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            received++;
            if (buffer.size() >= capacity) {
                long total = ++dropped;
                if (total == 1 || Long.bitCount(total) == 1) {
                    // Logged at 1, 2, 4, 8, ... drops, so a reader that never reads cannot flood the log.
                    log.warn("keep-alive response dropped: buffer full, lease-id={} buffer-size={} dropped-total={}",
                            String.format("%016x", leaseId), capacity, total);
                }
                return false;
            }
            buffer.add(response);
            changed.signalAll();
            // A subscriber that has requested nothing gets no delivery, so nothing is scheduled for it.
            schedule = flow != null && flow.demand > 0 && flow.markScheduled();
        } finally {
            lock.unlock();
        }
        if (schedule) {
            delivery.schedule(this);
        }
        return true;
    }

    /**
     * Ends this subscription with {@code reason} unless it has ended; buffered responses stay
     * readable.
     *
     * @return {@code true} if this call ended it
     */
    boolean finish(KeepAliveEnd.Reason reason, Throwable cause) {
        boolean schedule;
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            end = new KeepAliveEnd(reason, cause);
            changed.signalAll();
            schedule = flow != null && flow.markScheduled();
        } finally {
            lock.unlock();
        }
        Registration watch = contextWatch;
        if (watch != null) {
            watch.stop();
        }
        done.fire();
        if (schedule) {
            delivery.schedule(this);
        }
        return true;
    }

    @Override
    public LeaseKeepAliveResponse next() throws InterruptedException {
        lock.lock();
        try {
            while (buffer.isEmpty()) {
                throwIfEnded();
                changed.await();
            }
            return buffer.poll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public LeaseKeepAliveResponse poll(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long remainingNanos = timeout.toNanos();
        lock.lock();
        try {
            while (buffer.isEmpty()) {
                throwIfEnded();
                if (remainingNanos <= 0) {
                    return null;
                }
                remainingNanos = changed.awaitNanos(remainingNanos);
            }
            return buffer.poll();
        } finally {
            lock.unlock();
        }
    }

    private void throwIfEnded() {
        assert lock.isHeldByCurrentThread();
        KeepAliveEnd ended = end;
        if (ended != null) {
            throw new KeepAliveEndedException(leaseId, ended);
        }
    }

    @Override
    public Done done() {
        return done;
    }

    @Override
    public Optional<KeepAliveEnd> end() {
        return Optional.ofNullable(end);
    }

    @Override
    public long received() {
        return received;
    }

    @Override
    public long dropped() {
        return dropped;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!publisherTaken.compareAndSet(false, true)) {
            FlowPump.reject(subscriber, new IllegalStateException(String.format(
                    "the keep-alive of lease %016x already has a subscriber; it takes one", leaseId)));
            return;
        }
        lock.lock();
        try {
            flow = new FlowSide(subscriber);
            flow.markScheduled();
        } finally {
            lock.unlock();
        }
        // The first delivery is onSubscribe.
        delivery.schedule(this);
    }

    /**
     * Delivers to the Flow subscriber what is due: onSubscribe first, then the requested
     * responses, and the end once it has come, which goes out without demand, as Flow allows.
     * Returns when nothing more is due, or when the subscriber has cancelled, made an invalid
     * request or thrown. Runs on one thread at a time: the one that {@link FlowDelivery} runs
     * it on after this subscription scheduled itself.
     */
    void deliver() {
        FlowSide side;
        lock.lock();
        try {
            side = flow;
        } finally {
            lock.unlock();
        }
        Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber = side.subscriber;
        try {
            if (!side.subscribed) {
                side.subscribed = true;
                subscriber.onSubscribe(side);
            }
            while (true) {
                LeaseKeepAliveResponse item = null;
                KeepAliveEnd ended = null;
                boolean invalid = false;
                lock.lock();
                try {
                    if (side.cancelled || side.terminated) {
                        side.scheduled = false;
                        return;
                    }
                    if (side.invalidRequest) {
                        invalid = true;
                        side.terminated = true;
                    } else if (end != null && (side.demand == 0 || buffer.isEmpty())) {
                        // Once the keep-alive has ended, only responses already requested go out
                        // before the end. The rest are stale, so they count as dropped.
                        dropped += buffer.size();
                        buffer.clear();
                        ended = end;
                        side.terminated = true;
                    } else if (side.demand > 0 && !buffer.isEmpty()) {
                        item = buffer.poll();
                        side.demand--;
                    } else {
                        side.scheduled = false;
                        return;
                    }
                } finally {
                    lock.unlock();
                }

                if (invalid) {
                    IllegalArgumentException failure =
                            new IllegalArgumentException("Flow.Subscription.request needs a positive count");
                    subscriber.onError(failure);
                    // Flow ends the subscription here, so the keep-alive ends with it.
                    owner.end(this, KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED, failure);
                    return;
                }
                if (ended != null) {
                    boolean normal = ended.reason() == KeepAliveEnd.Reason.CONTEXT_DONE
                            || ended.reason() == KeepAliveEnd.Reason.CLIENT_CLOSED;
                    if (normal) {
                        subscriber.onComplete();
                    } else {
                        subscriber.onError(new KeepAliveEndedException(leaseId, ended));
                    }
                    return;
                }
                subscriber.onNext(item);
            }
        } catch (RuntimeException | Error e) {
            // A subscriber that throws has broken the Flow contract, so delivery to it stops,
            // and the shared delivery thread goes on with the others.
            lock.lock();
            try {
                side.terminated = true;
                side.scheduled = false;
            } finally {
                lock.unlock();
            }
            log.warn("keep-alive subscriber failed, delivery stopped: lease-id={}", String.format("%016x", leaseId), e);
            owner.end(this, KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED, e);
        }
    }

    /**
     * The state of the one Flow subscriber, guarded by the subscription's lock unless a field's
     * comment names another guard.
     */
    private final class FlowSide implements Flow.Subscription {

        final Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber;
        /** Whether onSubscribe went out; read and written only by the delivering thread. */
        boolean subscribed;
        long demand;
        boolean cancelled;
        /** Set by a request of zero or fewer items, which Flow treats as an error. */
        boolean invalidRequest;
        /** Whether the end, or an error, went out, after which nothing more is delivered. */
        boolean terminated;
        /** Whether the subscription is queued for delivery or being delivered. */
        boolean scheduled;

        FlowSide(Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber) {
            this.subscriber = subscriber;
        }

        /** Marks the subscription scheduled and returns true, unless it was scheduled already. */
        boolean markScheduled() {
            assert lock.isHeldByCurrentThread();
            if (scheduled || terminated || cancelled) {
                return false;
            }
            scheduled = true;
            return true;
        }

        @Override
        public void request(long n) {
            boolean schedule;
            lock.lock();
            try {
                if (n <= 0) {
                    invalidRequest = true;
                } else {
                    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                }
                schedule = markScheduled();
            } finally {
                lock.unlock();
            }
            if (schedule) {
                delivery.schedule(KeepAliveSubscription.this);
            }
        }

        @Override
        public void cancel() {
            boolean first;
            lock.lock();
            try {
                first = !cancelled;
                cancelled = true;
            } finally {
                lock.unlock();
            }
            if (first) {
                owner.end(KeepAliveSubscription.this, KeepAliveEnd.Reason.SUBSCRIBER_CANCELLED,
                        new CancellationException("the Flow subscriber cancelled the keep-alive"));
            }
        }
    }

    @Override
    public String toString() {
        KeepAliveEnd ended = end;
        return String.format("KeepAlive[lease %016x, %s]", leaseId, ended == null ? "running" : "ended: " + ended.reason());
    }
}
