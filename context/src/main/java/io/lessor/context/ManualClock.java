package io.lessor.context;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Virtual time for tests: the clock stands still until {@link #advance(Duration)} moves it, and
 * then runs every timer that has come due, in due order, on the thread that advances it.
 * Deadlines and loop periods of contexts rooted at {@code Context.root(clock)} follow it.
 *
 * <pre>{@code
 * ManualClock clock = new ManualClock();
 * try (CancelableContext ctx = Context.root(clock).withTimeout(Duration.ofSeconds(30))) {
 *     clock.advance(Duration.ofSeconds(29));
 *     assert !ctx.isDone();
 *     clock.advance(Duration.ofSeconds(1));
 *     assert ctx.reason() == Reason.DEADLINE_EXCEEDED;
 * }
 * }</pre>
 *
 * <p>A test that drives a loop on another thread first waits until that loop has scheduled its
 * next timer, with {@link #awaitPendingTimers(int, Duration)}, then advances the clock.
 *
 * <p>Like {@link System#nanoTime()}, {@link #nanoTime()} may wrap around from
 * {@code Long.MAX_VALUE} to negative readings; code must compare readings by their difference.
 * {@link #ManualClock(Instant, long)} starts the clock anywhere, so a test can cross the wrap on
 * purpose. {@link #instant()} does not wrap: it counts the time advanced since creation, and
 * stops at {@link Instant#MAX}.
 *
 * <p>Thread-safety: all methods may be called from any thread. Concurrent advances run one
 * after the other, so their steps add up and the clock never moves backwards.
 */
public final class ManualClock implements Clock {

    /**
     * Held for a whole {@link #advance(Duration)}, timers included, so that a second advance
     * starts from where the first one ended; taken before {@link #lock}, never after it.
     */
    private final ReentrantLock advanceLock = new ReentrantLock();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition timersChanged = lock.newCondition();
    // @GuardedBy("lock")
    private final PriorityQueue<ManualTimer> timers = new PriorityQueue<>();
    // @GuardedBy("lock"); wraps around like System.nanoTime().
    private long nowNanos;
    // @GuardedBy("lock"); the time advanced since creation, saturating at Long.MAX_VALUE.
    private long elapsedNanos;
    // @GuardedBy("lock")
    private long sequence;
    private final Instant origin;

    /** Creates a clock at monotonic time 0 whose wall time starts at 2000-01-01T00:00:00Z. */
    public ManualClock() {
        this(Instant.parse("2000-01-01T00:00:00Z"));
    }

    /** Creates a clock at monotonic time 0 whose wall time starts at {@code origin}. */
    public ManualClock(Instant origin) {
        this(origin, 0);
    }

    /**
     * Creates a clock whose monotonic time starts at {@code startNanos} and whose wall time
     * starts at {@code origin}; a start near {@code Long.MAX_VALUE} tests code across the wrap.
     */
    public ManualClock(Instant origin, long startNanos) {
        this.origin = Objects.requireNonNull(origin, "origin");
        this.nowNanos = startNanos;
    }

    @Override
    public long nanoTime() {
        lock.lock();
        try {
            return nowNanos;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Instant instant() {
        long elapsed;
        lock.lock();
        try {
            elapsed = elapsedNanos;
        } finally {
            lock.unlock();
        }
        try {
            return origin.plusNanos(elapsed);
        } catch (java.time.DateTimeException | ArithmeticException beyondMax) {
            return Instant.MAX;
        }
    }

    @Override
    public Timer schedule(long delayNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            // Delays up to half the long range keep due times comparable by difference.
            long boundedDelayNanos = Math.min(Math.max(0, delayNanos), Timeouts.MAX_DELAY_NANOS);
            ManualTimer timer = new ManualTimer(nowNanos + boundedDelayNanos, sequence++, action);
            timers.add(timer);
            timersChanged.signalAll();
            return timer;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Moves the clock forward by {@code step} and runs the timers that come due, each at its
     * own due time and in due order. Timers that those actions schedule run too if they fall
     * within the step. An advance that starts while another runs waits for it to finish. One step
     * moves the clock by at most about 146 years.
     *
     * @throws IllegalArgumentException if {@code step} is negative
     */
    public void advance(Duration step) {
        Objects.requireNonNull(step, "step");
        if (step.isNegative()) {
            throw new IllegalArgumentException("clock step must not be negative: " + step);
        }
        advanceLock.lock();
        try {
            advanceLocked(Timeouts.toDelayNanos(step));
        } finally {
            advanceLock.unlock();
        }
    }

    private void advanceLocked(long stepNanos) {
        assert advanceLock.isHeldByCurrentThread();
        long start;
        long target;
        lock.lock();
        try {
            start = nowNanos;
            // May wrap around, as System.nanoTime() may; every comparison below is a difference.
            target = nowNanos + stepNanos;
        } finally {
            lock.unlock();
        }
        while (true) {
            ManualTimer due;
            lock.lock();
            try {
                due = timers.peek();
                if (due == null || due.dueNanos - target > 0) {
                    // A timer action that advanced the clock itself may have gone past the target.
                    moveTo(start, target);
                    return;
                }
                timers.poll();
                moveTo(start, due.dueNanos);
                timersChanged.signalAll();
            } finally {
                lock.unlock();
            }
            // Outside the state lock, so the action may read the clock and schedule timers.
            due.runSafely();
        }
    }

    /** Moves the clock to {@code to} unless it is already later; both are measured from {@code start}. */
    private void moveTo(long start, long to) {
        assert lock.isHeldByCurrentThread();
        long forwardNanos = (to - start) - (nowNanos - start);
        if (forwardNanos > 0) {
            nowNanos += forwardNanos;
            elapsedNanos = elapsedNanos + forwardNanos < 0 ? Long.MAX_VALUE : elapsedNanos + forwardNanos;
        }
    }

    /** Returns how many timers wait to run. */
    public int pendingTimers() {
        lock.lock();
        try {
            return timers.size();
        } finally {
            lock.unlock();
        }
    }

    /** Returns the delays from now of the pending timers, soonest first. */
    public List<Duration> pendingDelays() {
        lock.lock();
        try {
            List<ManualTimer> sorted = new ArrayList<>(timers);
            sorted.sort(null);
            List<Duration> delays = new ArrayList<>(sorted.size());
            for (ManualTimer t : sorted) {
                delays.add(Duration.ofNanos(t.dueNanos - nowNanos));
            }
            return delays;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, in real time, until at least {@code count} timers are pending; a test calls it to
     * let a loop on another thread reach its next wait before advancing the clock.
     *
     * @return {@code true} if the timers were there before {@code timeout} passed
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    public boolean awaitPendingTimers(int count, Duration timeout) throws InterruptedException {
        long remaining = Timeouts.toDelayNanos(timeout);
        lock.lock();
        try {
            while (timers.size() < count) {
                if (remaining <= 0) {
                    return false;
                }
                remaining = timersChanged.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private boolean remove(ManualTimer timer) {
        lock.lock();
        try {
            boolean removed = timers.remove(timer);
            if (removed) {
                timersChanged.signalAll();
            }
            return removed;
        } finally {
            lock.unlock();
        }
    }

    private final class ManualTimer implements Timer, Comparable<ManualTimer> {
        final long dueNanos;
        final long order;
        final Runnable action;

        ManualTimer(long dueNanos, long order, Runnable action) {
            this.dueNanos = dueNanos;
            this.order = order;
            this.action = action;
        }

        @Override
        public boolean cancel() {
            return remove(this);
        }

        @Override
        public int compareTo(ManualTimer other) {
            int byDue = Long.compare(dueNanos - other.dueNanos, 0);
            return byDue != 0 ? byDue : Long.compare(order, other.order);
        }

        void runSafely() {
            try {
                action.run();
            } catch (Throwable t) {
                Log.callbackFailed(action, t);
            }
        }
    }
}
