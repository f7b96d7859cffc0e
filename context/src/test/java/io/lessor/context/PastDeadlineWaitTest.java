package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Blocking calls that start after the deadline has passed: they fail or return at once with
 * deadline exceeded and leave no timer behind.
 */
@ExtendWith(LeakCheck.class)
class PastDeadlineWaitTest {

    private static final Duration LONG_WAIT = Duration.ofHours(1);

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    /** Returns a context born past its deadline, or one whose deadline passed after creation. */
    private CancelableContext expired(boolean bornDone) {
        if (bornDone) {
            return root.withDeadline(clock.instant().minusSeconds(1));
        }
        CancelableContext ctx = root.withTimeout(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(2));
        return ctx;
    }

    @ParameterizedTest(name = "bornDone={0}")
    @ValueSource(booleans = {true, false})
    void sleepFailsAtOnce(boolean bornDone) {
        try (CancelableContext ctx = expired(bornDone)) {
            ContextDoneException thrown = catchThrowableOfType(ContextDoneException.class,
                    () -> Bounded.run(() -> ctx.sleep(LONG_WAIT)));

            assertThat(thrown).isNotNull();
            assertThat(thrown.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @ParameterizedTest(name = "bornDone={0}")
    @ValueSource(booleans = {true, false})
    void selectPicksDoneAtOnce(boolean bornDone) throws Exception {
        try (CancelableContext ctx = expired(bornDone)) {
            String picked = Bounded.call(() -> Select.<String>on(clock)
                    .onDone(ctx, () -> "done")
                    .onTimeout(LONG_WAIT, () -> "timeout")
                    .await());

            assertThat(picked).isEqualTo("done");
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @ParameterizedTest(name = "bornDone={0}")
    @ValueSource(booleans = {true, false})
    void doneAwaitReturnsAtOnce(boolean bornDone) throws Exception {
        try (CancelableContext ctx = expired(bornDone)) {
            Bounded.run(() -> ctx.done().await());
            boolean fired = Bounded.call(() -> ctx.done().await(LONG_WAIT));

            assertThat(fired).isTrue();
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @Test
    void childOfExpiredParentFailsAtOnce() {
        try (CancelableContext parent = expired(false)) {
            Context child = parent.with(Key.named("k"), 1).withCancel();

            ContextDoneException thrown = catchThrowableOfType(ContextDoneException.class,
                    () -> Bounded.run(() -> child.sleep(LONG_WAIT)));

            assertThat(thrown).isNotNull();
            assertThat(thrown.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @Test
    void systemClockSleepLeavesNoTimer() {
        long mark = Diagnostics.mark();
        try (CancelableContext ctx = Context.background().withDeadline(Instant.now().minusSeconds(1))) {
            long startNanos = System.nanoTime();
            ContextDoneException thrown = catchThrowableOfType(ContextDoneException.class,
                    () -> Bounded.run(() -> ctx.sleep(LONG_WAIT)));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);

            assertThat(thrown).isNotNull();
            assertThat(thrown.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(elapsed).isLessThan(Duration.ofSeconds(1));
            assertThat(liveTimers(mark)).isEmpty();
        }
    }

    @Test
    void systemClockSelectLeavesNoTimer() throws Exception {
        long mark = Diagnostics.mark();
        try (CancelableContext ctx = Context.background().withTimeout(Duration.ofMillis(1))) {
            assertThat(ctx.done().await(Bounded.LIMIT)).isTrue();

            String picked = Bounded.call(() -> Select.<String>create()
                    .onDone(ctx, () -> "done")
                    .onTimeout(LONG_WAIT, () -> "timeout")
                    .await());

            assertThat(picked).isEqualTo("done");
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(liveTimers(mark)).isEmpty();
        }
    }

    private static List<Diagnostics.LiveResource> liveTimers(long mark) {
        return Diagnostics.liveSince(mark).stream()
                .filter(resource -> resource.kind() == Diagnostics.Kind.TIMER)
                .toList();
    }
}
