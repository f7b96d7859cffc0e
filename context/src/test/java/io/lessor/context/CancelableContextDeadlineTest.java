package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's WithDeadline, WithTimeout and their Cause variants, on virtual time. */
@ExtendWith(LeakCheck.class)
class CancelableContextDeadlineTest {

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void deadlineWithoutCauseUsesSentinel() {
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(1))) {
            clock.advance(Duration.ofSeconds(1));

            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(ctx.cause()).isSameAs(ContextDoneException.DEADLINE_EXCEEDED);
        }
    }

    @Test
    void deadlineCauseBecomesCause() {
        RuntimeException cause = new RuntimeException("lease expired");
        try (CancelableContext ctx = root.withDeadline(clock.instant().plusSeconds(1), cause)) {
            clock.advance(Duration.ofSeconds(1));

            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(ctx.cause()).isSameAs(cause);
        }
    }

    @Test
    void deadlineFiresNotOneNanoEarly() {
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(1))) {
            clock.advance(Duration.ofSeconds(1).minusNanos(1));
            assertThat(ctx.isDone()).isFalse();

            clock.advance(Duration.ofNanos(1));
            assertThat(ctx.isDone()).isTrue();
        }
    }

    @Test
    void parentEarlierDeadlineKeepsParentCause() {
        RuntimeException parentCause = new RuntimeException("parent");
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(2), parentCause);
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(3), new RuntimeException("child"))) {
            clock.advance(Duration.ofSeconds(2));

            assertThat(child.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(child.cause()).isSameAs(parentCause);
        }
    }

    @Test
    void childEarlierDeadlineFiresWithChildCause() {
        RuntimeException parentCause = new RuntimeException("parent");
        RuntimeException childCause = new RuntimeException("child");
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(10), parentCause);
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(5), childCause)) {
            clock.advance(Duration.ofSeconds(5));

            assertThat(child.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(child.cause()).isSameAs(childCause);
            assertThat(parent.isDone()).isFalse();

            clock.advance(Duration.ofSeconds(5));

            assertThat(parent.cause()).isSameAs(parentCause);
            assertThat(child.cause()).isSameAs(childCause);
        }
    }

    @Test
    void deadlineIsOwnWhenEarlier() {
        Instant start = clock.instant();
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(10));
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(5))) {
            assertThat(child.deadline()).contains(start.plusSeconds(5));
        }
    }

    @Test
    void deadlineIsParentsWhenEarlier() {
        Instant start = clock.instant();
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(5));
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(10))) {
            assertThat(child.deadline()).contains(start.plusSeconds(5));
            assertThat(child.timeRemaining()).contains(Duration.ofSeconds(5));
        }
    }

    @Test
    void deadlineInheritedThroughValueAndCancel() {
        Instant start = clock.instant();
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(5))) {
            Context layered = parent.with(Key.named("k"), "v");
            CancelableContext child = layered.withCancel();

            assertThat(layered.deadline()).contains(start.plusSeconds(5));
            assertThat(child.deadline()).contains(start.plusSeconds(5));
        }
    }

    @Test
    void noDeadlineWithoutTimeout() {
        try (CancelableContext ctx = root.withCancel()) {
            assertThat(ctx.deadline()).isEmpty();
            assertThat(ctx.timeRemaining()).isEmpty();
            assertThat(root.deadline()).isEmpty();
        }
    }

    @ParameterizedTest(name = "offset={0}ns")
    @ValueSource(longs = {0, -1, -1_000_000_000L})
    void pastDeadlineIsBornDone(long offsetNanos) {
        try (CancelableContext ctx = root.withDeadline(clock.instant().plusNanos(offsetNanos))) {
            assertThat(ctx.done().isFired()).isTrue();
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(ctx.cause()).isSameAs(ContextDoneException.DEADLINE_EXCEEDED);
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    @ParameterizedTest(name = "timeout={0}ns")
    @ValueSource(longs = {0, -1, -1_000_000_000L, Long.MIN_VALUE})
    void pastTimeoutIsBornDone(long timeoutNanos) {
        try (CancelableContext ctx = root.withTimeout(Duration.ofNanos(timeoutNanos))) {
            assertThat(ctx.done().isFired()).isTrue();
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(ctx.cause()).isSameAs(ContextDoneException.DEADLINE_EXCEEDED);
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void pastTimeoutKeepsGivenCause() {
        RuntimeException cause = new RuntimeException("no time left");
        try (CancelableContext ctx = root.withTimeout(Duration.ZERO, cause)) {
            assertThat(ctx.cause()).isSameAs(cause);
        }
    }

    @Test
    void pastDeadlineTakesCancelledParentReason() {
        RuntimeException parentCause = new RuntimeException("parent");
        CancelableContext parent = root.withCancel();
        parent.cancel(parentCause);

        try (CancelableContext child = parent.withTimeout(Duration.ZERO)) {
            assertThat(child.reason()).isEqualTo(Reason.CANCELED);
            assertThat(child.cause()).isSameAs(parentCause);
        }
    }

    @Test
    void closeReleasesDeadlineTimer() {
        CancelableContext ctx = root.withTimeout(Duration.ofSeconds(1));
        assertThat(clock.pendingTimers()).isOne();

        ctx.close();

        assertThat(clock.pendingTimers()).isZero();
        assertThat(ctx.reason()).isEqualTo(Reason.CANCELED);
    }

    @Test
    void inheritedDeadlineSchedulesNoTimer() {
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(1));
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(2))) {
            assertThat(child.deadline()).isEqualTo(parent.deadline());
            assertThat(clock.pendingTimers()).isOne();
        }
    }
}
