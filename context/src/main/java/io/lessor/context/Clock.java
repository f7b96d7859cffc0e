package io.lessor.context;

import java.time.Instant;

/**
 * The time source behind deadlines, timeouts and loop periods. Deadlines are kept on the
 * monotonic {@link #nanoTime()}, so a jump of the wall clock never fires or delays them; the
 * wall clock is only used to show a deadline as an {@link Instant}.
 *
 * <p>{@link #system()} is the real clock. {@link ManualClock} is virtual time for tests: its
 * timers fire only when the test advances it.
 *
 * <p>Implementations must be thread-safe.
 */
public interface Clock {

    /**
     * The name of the one platform thread that runs {@link #system()}'s timers. It starts on
     * first use and lives as long as the process; leak checks ignore it.
     */
    String TIMER_THREAD_NAME = "lessor-timer";

    /** Returns the current monotonic time in nanoseconds; only differences are meaningful. */
    long nanoTime();

    /** Returns the current wall-clock time. */
    Instant instant();

    /**
     * Runs {@code action} once, {@code delayNanos} from now. The action runs on a thread of the
     * clock's and must be short and must not block.
     *
     * @param delayNanos the delay; zero or less runs the action as soon as possible
     * @return a handle that cancels the action if it has not run
     */
    Timer schedule(long delayNanos, Runnable action);

    /** Returns the real clock, shared by the whole process. */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /** A scheduled action. */
    interface Timer {
        /**
         * Cancels the action.
         *
         * @return {@code true} if this call prevented the action from running
         */
        boolean cancel();
    }
}
