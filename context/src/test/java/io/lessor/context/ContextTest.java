package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class ContextTest {

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void backgroundNeverEnds() {
        Context bg = Context.background();
        assertThat(bg.isDone()).isFalse();
        assertThat(bg.reason()).isNull();
        assertThat(bg.cause()).isNull();
        assertThat(bg.deadline()).isEmpty();
        assertThat(bg.done().isFired()).isFalse();
        assertThat(Context.todo().toString()).isEqualTo("context.TODO");
    }

    @Test
    void cancelSetsReasonAndCause() {
        CancelableContext ctx = root.withCancel();
        assertThat(ctx.reason()).isNull();
        assertThat(ctx.cause()).isNull();

        assertThat(ctx.cancel()).isTrue();

        assertThat(ctx.reason()).isEqualTo(Reason.CANCELED);
        assertThat(ctx.cause()).isSameAs(ContextDoneException.CANCELED);
        assertThat(ctx.done().isFired()).isTrue();
        assertThat(ctx.cancel()).isFalse();
    }

    @Test
    void firstCauseWins() {
        IllegalStateException first = new IllegalStateException("first");
        CancelableContext ctx = root.withCancel();
        assertThat(ctx.cancel(first)).isTrue();
        assertThat(ctx.cancel(new IllegalStateException("second"))).isFalse();
        assertThat(ctx.cause()).isSameAs(first);
    }

    @Test
    void parentCancelReachesUnwatchedChild() {
        IllegalStateException why = new IllegalStateException("why");
        try (CancelableContext parent = root.withCancel()) {
            CancelableContext child = parent.withCancel();
            Context grandchild = child.with(Key.named("k"), 1).withCancel();
            parent.cancel(why);
            assertThat(grandchild.reason()).isEqualTo(Reason.CANCELED);
            assertThat(grandchild.cause()).isSameAs(why);
            assertThat(child.cancel(new RuntimeException("late"))).isFalse();
            assertThat(child.cause()).isSameAs(why);
        }
    }

    @Test
    void parentCancelReachesWatchedChild() throws InterruptedException {
        try (CancelableContext parent = root.withCancel()) {
            CancelableContext child = parent.withCancel();
            Done childDone = child.done();
            Thread waiter = Thread.ofVirtual().start(() -> childDone.awaitUninterruptibly());
            parent.cancel();
            waiter.join(Duration.ofSeconds(5));
            assertThat(waiter.isAlive()).isFalse();
            assertThat(child.reason()).isEqualTo(Reason.CANCELED);
        }
    }

    @Test
    void closedChildLeavesNoListenerOnParent() {
        try (CancelableContext parent = root.withCancel()) {
            for (int i = 0; i < 100_000; i++) {
                try (CancelableContext child = parent.withCancel()) {
                    child.done();
                }
            }
            assertThat(parent.done().listenerCount()).isZero();
        }
    }

    @Test
    void timeoutFiresOnVirtualTime() {
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(30))) {
            assertThat(ctx.deadline()).contains(clock.instant().plusSeconds(30));
            clock.advance(Duration.ofSeconds(29));
            assertThat(ctx.isDone()).isFalse();
            assertThat(ctx.timeRemaining()).contains(Duration.ofSeconds(1));
            clock.advance(Duration.ofSeconds(1));
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(ctx.cause()).isSameAs(ContextDoneException.DEADLINE_EXCEEDED);
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void parentEarlierDeadlineKeepsParentCause() {
        RuntimeException parentCause = new RuntimeException("parent deadline");
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(1), parentCause);
                CancelableContext child = parent.withTimeout(Duration.ofSeconds(5), new RuntimeException("child"))) {
            assertThat(child.deadline()).isEqualTo(parent.deadline());
            clock.advance(Duration.ofSeconds(1));
            assertThat(child.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(child.cause()).isSameAs(parentCause);
        }
    }

    @Test
    void pastDeadlineIsBornDone() {
        try (CancelableContext ctx = root.withDeadline(clock.instant().minusSeconds(1))) {
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
        try (CancelableContext ctx = root.withTimeout(Duration.ZERO)) {
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void extremeTimeoutsDoNotOverflow() {
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(Long.MAX_VALUE))) {
            assertThat(ctx.isDone()).isFalse();
            assertThat(ctx.deadline()).contains(Instant.MAX);
        }
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(Long.MIN_VALUE))) {
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
        try (CancelableContext ctx = root.withDeadline(Instant.MAX)) {
            assertThat(ctx.isDone()).isFalse();
        }
        try (CancelableContext ctx = root.withDeadline(Instant.MIN)) {
            assertThat(ctx.isDone()).isTrue();
        }
    }

    @Test
    void valuesInnermostWins() {
        Key<String> key = Key.named("k");
        Key<String> other = Key.named("k");
        Context ctx = root.with(key, "outer").with(key, "inner");
        assertThat(ctx.value(key)).isEqualTo("inner");
        assertThat(ctx.value(other)).isNull();
    }

    @Test
    void withoutCancelKeepsValuesNeverEnds() {
        Key<String> key = Key.named("k");
        try (CancelableContext parent = root.with(key, "v").withTimeout(Duration.ofSeconds(1))) {
            Context detached = parent.withoutCancel();
            parent.cancel();
            assertThat(detached.value(key)).isEqualTo("v");
            assertThat(detached.isDone()).isFalse();
            assertThat(detached.deadline()).isEmpty();
            assertThat(detached.done().isFired()).isFalse();
        }
    }

    @Test
    void afterFuncStopTrueFalseFalse() {
        try (CancelableContext ctx = root.withCancel()) {
            AtomicInteger runs = new AtomicInteger();
            Registration r = ctx.afterFunc(runs::incrementAndGet);
            assertThat(r.stop()).isTrue();
            assertThat(r.stop()).isFalse();
            ctx.cancel();
            assertThat(r.stop()).isFalse();
            assertThat(runs).hasValue(0);
        }
    }

    @Test
    void afterFuncRunsAfterCancel() throws InterruptedException {
        Signal ran = Signal.create();
        try (CancelableContext ctx = root.withCancel()) {
            Registration r = ctx.afterFunc(ran::fire);
            ctx.cancel();
            assertThat(ran.await(Duration.ofSeconds(5))).isTrue();
            assertThat(r.stop()).isFalse();
        }
    }

    @Test
    void throwIfDoneCarriesCause() {
        IllegalStateException why = new IllegalStateException("why");
        CancelableContext ctx = root.withCancel();
        ctx.throwIfDone();
        ctx.cancel(why);
        assertThatThrownBy(ctx::throwIfDone)
                .isInstanceOf(ContextDoneException.class)
                .hasCause(why)
                .hasMessageContaining("context canceled");
    }
}
