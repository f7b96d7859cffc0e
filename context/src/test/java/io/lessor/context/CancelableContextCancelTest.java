package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Go's Err, Cause and cancel semantics: WithCancel, WithCancelCause and their return values. */
@ExtendWith(LeakCheck.class)
class CancelableContextCancelTest {

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void reasonAndCauseNullBeforeCancel() {
        try (CancelableContext ctx = root.withCancel()) {
            assertThat(ctx.reason()).isNull();
            assertThat(ctx.cause()).isNull();
            assertThat(ctx.isDone()).isFalse();
            assertThat(ctx.done().isFired()).isFalse();
        }
    }

    @Test
    void cancelWithoutCauseUsesSentinel() {
        CancelableContext ctx = root.withCancel();

        ctx.cancel();

        assertThat(ctx.reason()).isEqualTo(Reason.CANCELED);
        assertThat(ctx.cause()).isSameAs(ContextDoneException.CANCELED);
        assertThat(ctx.done().isFired()).isTrue();
    }

    @Test
    void cancelNullCauseUsesSentinel() {
        CancelableContext ctx = root.withCancel();

        ctx.cancel(null);

        assertThat(ctx.cause()).isSameAs(ContextDoneException.CANCELED);
    }

    @Test
    void closeCancelsWithoutCause() {
        CancelableContext ctx = root.withCancel();

        ctx.close();

        assertThat(ctx.reason()).isEqualTo(Reason.CANCELED);
        assertThat(ctx.cause()).isSameAs(ContextDoneException.CANCELED);
    }

    @Test
    void cancelCauseKeepsCanceledReason() {
        IllegalStateException cause = new IllegalStateException("shutting down");
        CancelableContext ctx = root.withCancel();

        ctx.cancel(cause);

        assertThat(ctx.reason()).isEqualTo(Reason.CANCELED);
        assertThat(ctx.cause()).isSameAs(cause);
    }

    @ParameterizedTest(name = "watched={0}")
    @ValueSource(booleans = {false, true})
    void childCancelledFirstKeepsOwnCause(boolean watched) {
        RuntimeException childCause = new RuntimeException("child");
        RuntimeException parentCause = new RuntimeException("parent");
        CancelableContext parent = root.withCancel();
        CancelableContext child = parent.withCancel();
        if (watched) {
            child.done();
        }

        child.cancel(childCause);
        parent.cancel(parentCause);

        assertThat(child.cause()).isSameAs(childCause);
        assertThat(parent.cause()).isSameAs(parentCause);
    }

    @ParameterizedTest(name = "watched={0}")
    @ValueSource(booleans = {false, true})
    void parentCancelledFirstGivesChildParentCause(boolean watched) {
        RuntimeException parentCause = new RuntimeException("parent");
        CancelableContext parent = root.withCancel();
        CancelableContext child = parent.withCancel();
        if (watched) {
            child.done();
        }

        parent.cancel(parentCause);
        boolean childCancelled = child.cancel(new RuntimeException("child"));

        assertThat(childCancelled).isFalse();
        assertThat(child.reason()).isEqualTo(Reason.CANCELED);
        assertThat(child.cause()).isSameAs(parentCause);
    }

    @Test
    void laterCauseDoesNotReplaceFirst() {
        RuntimeException first = new RuntimeException("first");
        CancelableContext ctx = root.withCancel();

        ctx.cancel(first);
        ctx.cancel(new RuntimeException("second"));
        ctx.cancel();

        assertThat(ctx.cause()).isSameAs(first);
    }

    @Test
    void causeReachesThroughValueLayers() {
        RuntimeException cause = new RuntimeException("request aborted");
        CancelableContext parent = root.withCancel();
        Context layered = parent.with(Key.named("a"), 1).with(Key.named("b"), 2);
        CancelableContext child = layered.withCancel();
        Context leaf = child.with(Key.named("c"), 3);

        parent.cancel(cause);

        assertThat(layered.reason()).isEqualTo(Reason.CANCELED);
        assertThat(layered.cause()).isSameAs(cause);
        assertThat(leaf.reason()).isEqualTo(Reason.CANCELED);
        assertThat(leaf.cause()).isSameAs(cause);
    }

    @Test
    void childOfValueLayerCancelsAlone() {
        RuntimeException cause = new RuntimeException("child only");
        try (CancelableContext parent = root.withCancel()) {
            Context layered = parent.with(Key.named("a"), 1);
            CancelableContext child = layered.withCancel();

            child.cancel(cause);

            assertThat(child.cause()).isSameAs(cause);
            assertThat(layered.isDone()).isFalse();
            assertThat(parent.isDone()).isFalse();
        }
    }

    @Test
    void cancelReturnsTrueOnlyOnce() {
        CancelableContext ctx = root.withCancel();

        boolean first = ctx.cancel();
        boolean second = ctx.cancel();
        boolean withCause = ctx.cancel(new RuntimeException("late"));

        assertThat(first).isTrue();
        assertThat(second).isFalse();
        assertThat(withCause).isFalse();
    }

    @ParameterizedTest(name = "watched={0}")
    @ValueSource(booleans = {false, true})
    void cancelAfterParentEndReturnsFalse(boolean watched) {
        CancelableContext parent = root.withCancel();
        CancelableContext child = parent.withCancel();
        if (watched) {
            child.done();
        }

        parent.cancel();

        assertThat(child.cancel()).isFalse();
    }

    @Test
    void cancelAfterDeadlineReturnsFalse() {
        try (CancelableContext ctx = root.withTimeout(Duration.ofSeconds(1))) {
            clock.advance(Duration.ofSeconds(1));

            assertThat(ctx.cancel()).isFalse();
            assertThat(ctx.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
    }

    @Test
    void concurrentCancelsHaveOneWinner() throws InterruptedException {
        int rounds = 500;
        int threads = 4;
        int roundsWithOneWinner = 0;
        int roundsWithWinnersCause = 0;
        for (int round = 0; round < rounds; round++) {
            CancelableContext ctx = root.withCancel();
            Signal start = Signal.create();
            AtomicInteger winners = new AtomicInteger();
            RuntimeException[] causes = new RuntimeException[threads];
            boolean[] won = new boolean[threads];
            List<Thread> started = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int index = t;
                causes[t] = new RuntimeException("canceller " + t);
                started.add(Thread.ofVirtual().start(() -> {
                    start.awaitUninterruptibly();
                    won[index] = ctx.cancel(causes[index]);
                    if (won[index]) {
                        winners.incrementAndGet();
                    }
                }));
            }

            start.fire();
            for (Thread thread : started) {
                thread.join(Bounded.LIMIT);
            }

            if (winners.get() == 1) {
                roundsWithOneWinner++;
            }
            for (int t = 0; t < threads; t++) {
                if (won[t] && ctx.cause() == causes[t]) {
                    roundsWithWinnersCause++;
                }
            }
        }

        assertThat(roundsWithOneWinner).isEqualTo(rounds);
        assertThat(roundsWithWinnersCause).isEqualTo(rounds);
    }
}
