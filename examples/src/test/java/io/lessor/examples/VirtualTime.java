package io.lessor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.ManualClock;
import java.time.Duration;

/** Steps of a {@link ManualClock} that wait for the example's threads to reach their next wait first. */
final class VirtualTime {

    /** Real time a test waits for an example's thread to schedule its next timer. */
    private static final Duration REAL_WAIT = Duration.ofSeconds(5);

    private VirtualTime() {
    }

    /**
     * Waits until {@code pendingTimers} timers are pending on {@code clock}, then advances it by
     * {@code step}.
     */
    static void advanceWhenPending(ManualClock clock, int pendingTimers, Duration step) throws InterruptedException {
        assertThat(clock.awaitPendingTimers(pendingTimers, REAL_WAIT))
                .as("%d timers pending on the manual clock within %s", pendingTimers, REAL_WAIT)
                .isTrue();
        clock.advance(step);
    }
}
