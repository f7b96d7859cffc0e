package io.lessor.context;

import java.time.Instant;

/**
 * The real clock. Timers run on one daemon platform thread named {@value Clock#TIMER_THREAD_NAME},
 * started on first use and kept for the life of the process, as grpc-java's deadline timer is.
 * Scheduling and cancelling take no lock, and cancelled timers are purged from the queue, so
 * cancelled timeouts do not pile up; {@link TimerQueue} describes how.
 */
final class SystemClock implements Clock {

    static final SystemClock INSTANCE = new SystemClock();

    private SystemClock() {
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant instant() {
        return Instant.now();
    }

    @Override
    public Timer schedule(long delayNanos, Runnable action) {
        return Scheduler.QUEUE.schedule(delayNanos, action);
    }

    /** Holder class, so the timer thread starts only when a timer is first needed. */
    private static final class Scheduler {
        static final TimerQueue QUEUE = TimerQueue.start(TIMER_THREAD_NAME);
    }
}
