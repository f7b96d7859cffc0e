package io.lessor.context;

import java.time.Duration;

/** Conversions of {@link Duration} to nanoseconds that saturate instead of overflowing. */
final class Timeouts {

    /**
     * The longest delay the library schedules, about 146 years. Keeping delays below half of
     * the {@code long} range lets every deadline be compared as a difference of two
     * {@link System#nanoTime()} readings without wrap-around.
     */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE / 2;

    private Timeouts() {
    }

    /** Converts {@code d} to nanoseconds, clamped to [{@code Long.MIN_VALUE}, {@code Long.MAX_VALUE}]. */
    static long toNanosSaturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Converts {@code d} to a delay in nanoseconds within [0, {@link #MAX_DELAY_NANOS}]. */
    static long toDelayNanos(Duration d) {
        long nanos = toNanosSaturated(d);
        if (nanos <= 0) {
            return 0;
        }
        return Math.min(nanos, MAX_DELAY_NANOS);
    }
}
