package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Deadlines beyond the timer horizon of about 146 years: deadline() keeps the earlier real
 * deadline, and timeRemaining() agrees with it.
 */
@ExtendWith(LeakCheck.class)
class DeadlineHorizonTest {

    private static final Duration TWO_HUNDRED_YEARS = Duration.ofDays(365L * 200);

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void earlierFarTimeoutUnderMaxDeadlineWins() {
        try (CancelableContext parent = root.withDeadline(Instant.MAX);
                CancelableContext child = parent.withTimeout(TWO_HUNDRED_YEARS)) {
            assertThat(child.deadline()).contains(clock.instant().plus(TWO_HUNDRED_YEARS));
            assertThat(child.timeRemaining()).contains(TWO_HUNDRED_YEARS);
            assertThat(child).hasToString(parent + ".WithDeadline(" + clock.instant().plus(TWO_HUNDRED_YEARS) + ")");
        }
    }

    @Test
    void laterFarDeadlineUnderFarTimeoutKeepsParent() {
        try (CancelableContext parent = root.withTimeout(TWO_HUNDRED_YEARS);
                CancelableContext child = parent.withDeadline(Instant.MAX)) {
            assertThat(child.deadline()).contains(clock.instant().plus(TWO_HUNDRED_YEARS));
            assertThat(child).hasToString(parent + ".WithCancel");
        }
    }

    @Test
    void maxDeadlineRemainingMatchesDeadline() {
        try (CancelableContext ctx = root.withDeadline(Instant.MAX)) {
            assertThat(ctx.timeRemaining()).contains(Duration.between(clock.instant(), Instant.MAX));
        }
    }

    @Test
    void nearDeadlineUnderMaxUsesMonotonicClock() {
        try (CancelableContext parent = root.withDeadline(Instant.MAX);
                CancelableContext child = parent.withTimeout(Duration.ofHours(1))) {
            clock.advance(Duration.ofMinutes(20));

            assertThat(child.deadline()).contains(Instant.parse("2000-01-01T01:00:00Z"));
            assertThat(child.timeRemaining()).contains(Duration.ofMinutes(40));
        }
    }

    @Test
    void farDeadlineEndsAtHorizon() {
        try (CancelableContext ctx = root.withDeadline(Instant.MAX)) {
            clock.advance(Duration.ofNanos(Timeouts.MAX_DELAY_NANOS - 1));
            assertThat(ctx.isDone()).isFalse();

            clock.advance(Duration.ofNanos(1));

            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
    }
}
