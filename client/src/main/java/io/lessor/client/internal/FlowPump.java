package io.lessor.client.internal;

import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link Flow.Subscription} that delivers the items of a queue its owner fills to one
 * subscriber, as the subscriber requests them, on a virtual thread of its own, and then the end.
 * The thread exits when the end is delivered, when the subscriber cancels or requests a count
 * below one (which Flow makes an {@code IllegalArgumentException}), or when the subscriber throws.
 *
 * <p>The owner's lock guards both the owner's queue and this subscription's demand, so one
 * condition wakes the thread for every change. The owner signals that condition whenever it adds
 * an item or sets its end, and the hooks run with the lock held unless their documentation says
 * otherwise.
 * The end goes out without demand, as Flow allows, so a subscriber that stops requesting cannot
 * keep the thread once the owner has ended.
 *
 * <p>Internal to the client: the watch publisher delivers through it. The keep-alive publisher
 * uses only {@link #reject}, because its subscribers share one delivery thread per client.
 *
 * @param <T> the item type
 * @param <E> the owner's end, read under the lock and turned into a signal outside it
 */
public abstract class FlowPump<T, E> implements Flow.Subscription {

    private final ReentrantLock lock;
    private final Condition changed;
    private final Flow.Subscriber<? super T> subscriber;
    // @GuardedBy("lock")
    private long demand;
    // @GuardedBy("lock")
    private boolean cancelled;
    // @GuardedBy("lock"): set by a request of zero or fewer items, which Flow treats as an error.
    private boolean invalidRequest;

    /**
     * Creates a pump for {@code subscriber} over an owner whose state {@code lock} guards and
     * whose changes {@code changed} signals.
     */
    protected FlowPump(ReentrantLock lock, Condition changed, Flow.Subscriber<? super T> subscriber) {
        this.lock = Objects.requireNonNull(lock, "lock");
        this.changed = Objects.requireNonNull(changed, "changed");
        this.subscriber = Objects.requireNonNull(subscriber, "subscriber");
    }

    /**
     * Sends {@code subscriber} a subscription that does nothing, then {@code error}, as a
     * publisher that takes one subscriber does to every later one.
     */
    public static void reject(Flow.Subscriber<?> subscriber, Throwable error) {
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        subscriber.onError(error);
    }

    /** Starts the delivery thread, a virtual thread named {@code threadName}. */
    public final void start(String threadName) {
        Thread.ofVirtual().name(threadName).start(this::run);
    }

    @Override
    public final void request(long n) {
        lock.lock();
        try {
            if (n <= 0) {
                invalidRequest = true;
            } else {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public final void cancel() {
        lock.lock();
        try {
            cancelled = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the owner's queue has an item. Runs with the lock held. */
    protected abstract boolean hasItem();

    /** Removes and returns the owner's next item. Runs with the lock held, after {@link #hasItem()}. */
    protected abstract T takeItem();

    /**
     * Returns whether the end goes out next, ahead of any item still queued, given the items
     * requested and not yet delivered. Runs with the lock held.
     */
    protected abstract boolean endDue(long demand);

    /** Returns the owner's end for delivery, once {@link #endDue} is true. Runs with the lock held. */
    protected abstract E takeEnd();

    /**
     * Returns the error to pass to {@code onError} for {@code end}, or null for {@code onComplete}.
     * Runs without the lock.
     */
    protected abstract Throwable failure(E end);

    /** Logs {@code failure}, thrown by the subscriber, after which nothing more is delivered. Runs without the lock. */
    protected abstract void subscriberFailed(Throwable failure);

    /** Runs without the lock after {@link #takeItem()}, before the item goes to {@code onNext}. */
    protected void taken() {
    }

    /** Runs the delivery thread: {@code onSubscribe}, then items and the end as they are due. */
    protected void run() {
        try {
            subscriber.onSubscribe(this);
            deliver();
        } catch (RuntimeException | Error e) {
            // A subscriber that throws has broken the Flow contract, so delivery to it stops.
            subscriberFailed(e);
        }
    }

    private void deliver() {
        while (true) {
            T item = null;
            E end = null;
            boolean ending = false;
            boolean invalid;
            lock.lock();
            try {
                while (!cancelled && !invalidRequest && !(demand > 0 && hasItem()) && !endDue(demand)) {
                    changed.awaitUninterruptibly();
                }
                if (cancelled) {
                    return;
                }
                invalid = invalidRequest;
                if (!invalid) {
                    if (endDue(demand)) {
                        ending = true;
                        end = takeEnd();
                    } else {
                        item = takeItem();
                        demand--;
                    }
                }
            } finally {
                lock.unlock();
            }

            if (invalid) {
                subscriber.onError(new IllegalArgumentException("Flow.Subscription.request needs a positive count"));
                return;
            }
            if (ending) {
                Throwable error = failure(end);
                if (error == null) {
                    subscriber.onComplete();
                } else {
                    subscriber.onError(error);
                }
                return;
            }
            taken();
            subscriber.onNext(item);
        }
    }
}
