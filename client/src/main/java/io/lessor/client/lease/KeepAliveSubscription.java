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
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber of a lease's keep-alive: a bounded buffer of responses that the receive loop
 * fills without ever blocking, and the end, set once.
 */
final class KeepAliveSubscription implements KeepAlive {

    private static final Logger log = LoggerFactory.getLogger(KeepAliveSubscription.class);

    private final long leaseId;
    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // @GuardedBy("lock")
    private final ArrayDeque<LeaseKeepAliveResponse> buffer = new ArrayDeque<>();
    // Written under `lock`; volatile so end() reads it without the lock.
    private volatile KeepAliveEnd end;
    private final Signal done = Signal.create();
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean publisherTaken = new AtomicBoolean();
    private volatile Registration contextWatch;

    KeepAliveSubscription(long leaseId, int capacity) {
        this.leaseId = leaseId;
        this.capacity = capacity;
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
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            received.incrementAndGet();
            if (buffer.size() >= capacity) {
                long total = dropped.incrementAndGet();
                if (total == 1 || Long.bitCount(total) == 1) {
                    // Logged at 1, 2, 4, 8, ... drops, so a reader that never reads cannot flood the log.
                    log.warn("keep-alive response dropped: buffer full, lease-id={} buffer-size={} dropped-total={}",
                            String.format("%016x", leaseId), capacity, total);
                }
                return false;
            }
            buffer.add(response);
            changed.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Ends this subscription with {@code reason} unless it has ended; buffered responses stay
     * readable.
     *
     * @return {@code true} if this call ended it
     */
    boolean finish(KeepAliveEnd.Reason reason, Throwable cause) {
        lock.lock();
        try {
            if (end != null) {
                return false;
            }
            end = new KeepAliveEnd(reason, cause);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Registration watch = contextWatch;
        if (watch != null) {
            watch.stop();
        }
        done.fire();
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
        return received.get();
    }

    @Override
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber");
        if (!publisherTaken.compareAndSet(false, true)) {
            FlowPump.reject(subscriber, new IllegalStateException(String.format(
                    "the keep-alive of lease %016x already has a subscriber; it takes one", leaseId)));
            return;
        }
        new Pump(subscriber).start(String.format("lessor-keepalive-publisher-%016x", leaseId));
    }

    /**
     * Delivers buffered responses to a Flow subscriber as it requests them, on a virtual thread
     * that exits when the keep-alive has ended and its end is delivered, or when the subscriber
     * cancels. Every subscription ends at the latest when its client closes, so the thread
     * never outlives the client.
     */
    private final class Pump extends FlowPump<LeaseKeepAliveResponse, KeepAliveEnd> {

        Pump(Flow.Subscriber<? super LeaseKeepAliveResponse> subscriber) {
            super(lock, changed, subscriber);
        }

        @Override
        protected boolean hasItem() {
            return !buffer.isEmpty();
        }

        @Override
        protected LeaseKeepAliveResponse takeItem() {
            return buffer.poll();
        }

        @Override
        protected boolean endDue(long demand) {
            // Once the keep-alive has ended, only responses already requested go out before the end.
            return end != null && (demand == 0 || buffer.isEmpty());
        }

        @Override
        protected KeepAliveEnd takeEnd() {
            // Responses the subscriber has not requested are stale once the keep-alive has
            // ended, so they count as dropped.
            dropped.addAndGet(buffer.size());
            buffer.clear();
            return end;
        }

        @Override
        protected Throwable failure(KeepAliveEnd ended) {
            boolean normal = ended.reason() == KeepAliveEnd.Reason.CONTEXT_DONE
                    || ended.reason() == KeepAliveEnd.Reason.CLIENT_CLOSED;
            return normal ? null : new KeepAliveEndedException(leaseId, ended);
        }

        @Override
        protected void subscriberFailed(Throwable failure) {
            log.warn("keep-alive subscriber failed, delivery stopped: lease-id={}", String.format("%016x", leaseId), failure);
        }
    }

    @Override
    public String toString() {
        KeepAliveEnd ended = end;
        return String.format("KeepAlive[lease %016x, %s]", leaseId, ended == null ? "running" : "ended: " + ended.reason());
    }
}
