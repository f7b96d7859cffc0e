package io.lessor.client.lease;

import io.lessor.context.Context;
import io.lessor.context.Worker;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that delivers keep-alive responses and ends to the Flow subscribers of a
 * client's keep-alives. A subscription with something to deliver is queued once, and the thread
 * delivers what is due to it. So no lease has a thread of its own, and a subscriber that stops
 * requesting holds no thread.
 *
 * <pre>
 *   NEW ──start──▶ RUNNING ──close──▶ CLOSING ──queue empty──▶ STOPPED
 *    └──────────────────────close──────────────────────────────▲
 * </pre>
 *
 * <p>Outside RUNNING and CLOSING, such as for a keep-alive that ended before the loops started
 * or after the client closed, a subscription is delivered on a virtual thread of its own, which
 * exits as soon as nothing is due.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
final class FlowDelivery {

    private static final Logger log = LoggerFactory.getLogger(FlowDelivery.class);

    private enum State { NEW, RUNNING, CLOSING, STOPPED }

    /**
     * How long the thread waits, after a delivery, for more to deliver before it waits for a
     * signal. Responses arrive a few at a time (about three per wake-up with 100,000 leases
     * on one stream against etcd 3.4), and each signal is a thread wake-up on both sides. While
     * responses keep coming, the thread wakes at most once per gather period instead, and a
     * response waits at most this long. After a quiet period the next one wakes it at once.
     */
    private static final long GATHER_NANOS = Duration.ofMillis(2).toNanos();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // @GuardedBy("lock"): the subscriptions with something to deliver. A subscription schedules
    // itself only while it is not scheduled, so it appears here at most once.
    private final ArrayDeque<KeepAliveSubscription> queue = new ArrayDeque<>();
    // @GuardedBy("lock")
    private State state = State.NEW;
    // @GuardedBy("lock"): whether the thread waits for work. Only then does a schedule signal it.
    private boolean waiting;
    // @GuardedBy("lock")
    private Worker worker;
    // The delivery thread, set when it starts, so that close() called from a subscriber does not
    // wait for the thread that runs it.
    private volatile Thread thread;

    /** Starts the delivery thread under {@code parent}, unless it has started or closed. */
    void start(Context parent) {
        lock.lock();
        try {
            if (state == State.NEW) {
                state = State.RUNNING;
                // A platform thread: it wakes up to 500 times a second under load, and waking a
                // virtual thread also wakes a carrier thread of the shared pool.
                worker = Worker.startPlatform(parent, "lessor-keepalive-deliver", this::run);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues {@code subscription} for delivery. Its owner calls this once per period in which it
     * has something to deliver, so the queue contains each subscription at most once.
     */
    void schedule(KeepAliveSubscription subscription) {
        lock.lock();
        try {
            if (state == State.RUNNING || state == State.CLOSING) {
                queue.add(subscription);
                if (waiting) {
                    waiting = false;
                    changed.signalAll();
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        deliverAlone(subscription);
    }

    /**
     * Lets the thread deliver what is queued, such as the ends of the subscriptions that the
     * client's close() has just ended, then stops it, all within {@code grace}. If a subscriber
     * blocks the thread longer, what is still queued goes out on threads of its own, and so does
     * everything scheduled later.
     */
    void close(Duration grace) {
        long deadlineNanos = System.nanoTime() + grace.toNanos();
        Worker running = null;
        List<KeepAliveSubscription> left = List.of();
        lock.lock();
        try {
            if (state == State.NEW) {
                state = State.STOPPED;
            } else if (state == State.RUNNING) {
                state = State.CLOSING;
                changed.signalAll();
            }
            if (Thread.currentThread() == thread) {
                // Called by a subscriber: the thread stops by itself once the queue is empty.
                return;
            }
            running = worker;
            long leftNanos = deadlineNanos - System.nanoTime();
            while (state != State.STOPPED && leftNanos > 0) {
                leftNanos = changed.awaitNanos(leftNanos);
            }
            if (state != State.STOPPED) {
                // A subscriber blocks the thread: the others do not wait for it.
                state = State.STOPPED;
                left = new ArrayList<>(queue);
                queue.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        for (KeepAliveSubscription subscription : left) {
            deliverAlone(subscription);
        }
        Duration stopGrace = Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
        if (running != null && !running.stop(stopGrace)) {
            log.warn("keep-alive delivery thread did not stop, a subscriber blocks it: waited-ms={}", grace.toMillis());
        }
    }

    private void run(Context ctx) throws InterruptedException {
        thread = Thread.currentThread();
        boolean delivered = false;
        try {
            while (true) {
                KeepAliveSubscription next;
                lock.lock();
                try {
                    if (queue.isEmpty() && delivered && state == State.RUNNING) {
                        // Not `waiting`, so schedule() only queues; close() still signals.
                        changed.awaitNanos(GATHER_NANOS);
                    }
                    delivered = false;
                    while (queue.isEmpty()) {
                        if (state != State.RUNNING) {
                            return;
                        }
                        waiting = true;
                        changed.await();
                    }
                    // One at a time, so that close() can hand what is queued to other threads
                    // while a subscriber blocks this one.
                    next = queue.poll();
                } finally {
                    lock.unlock();
                }
                next.deliver();
                delivered = true;
            }
        } finally {
            List<KeepAliveSubscription> left;
            lock.lock();
            try {
                state = State.STOPPED;
                waiting = false;
                left = new ArrayList<>(queue);
                queue.clear();
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            // Stopped by an interrupt: nothing queued is lost.
            for (KeepAliveSubscription subscription : left) {
                deliverAlone(subscription);
            }
        }
    }

    private static void deliverAlone(KeepAliveSubscription subscription) {
        Thread.ofVirtual()
                .name(String.format("lessor-keepalive-publisher-%016x", subscription.leaseId()))
                .start(subscription::deliver);
    }
}
