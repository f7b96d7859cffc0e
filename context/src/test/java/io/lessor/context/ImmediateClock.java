package io.lessor.context;

import java.time.Instant;

/**
 * A clock whose timers come due the moment they are scheduled: {@link #schedule} runs the timer,
 * on the calling thread, before it returns. A {@link Select} on it arms every case and then
 * wakes at once, which lets a test run a million full waits without a second thread.
 */
final class ImmediateClock implements Clock {

    /** What a due timer does; the default runs the scheduled action. */
    interface OnDue {
        void run(Runnable action);
    }

    private final OnDue onDue;

    ImmediateClock() {
        this(Runnable::run);
    }

    ImmediateClock(OnDue onDue) {
        this.onDue = onDue;
    }

    @Override
    public long nanoTime() {
        return 0;
    }

    @Override
    public Instant instant() {
        return Instant.EPOCH;
    }

    @Override
    public Timer schedule(long delayNanos, Runnable action) {
        onDue.run(action);
        return () -> false;
    }
}
