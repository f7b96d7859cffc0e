package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Go's WithoutCancel: the parent's values without its end or its deadline. */
@ExtendWith(LeakCheck.class)
class WithoutCancelTest {

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);
    private final Key<String> key = Key.named("request-id");

    @Test
    void seesParentValues() {
        try (CancelableContext parent = root.with(key, "r-1").withCancel()) {
            Context detached = parent.withoutCancel();

            assertThat(detached.value(key)).isEqualTo("r-1");
        }
    }

    @Test
    void neverEndsWhenParentCancelled() {
        CancelableContext parent = root.withCancel();
        Context detached = parent.withoutCancel();
        Done done = detached.done();

        parent.cancel(new RuntimeException("request over"));

        assertThat(detached.isDone()).isFalse();
        assertThat(detached.reason()).isNull();
        assertThat(detached.cause()).isNull();
        assertThat(done.isFired()).isFalse();
    }

    @Test
    void hasNoDeadline() {
        try (CancelableContext parent = root.withTimeout(Duration.ofSeconds(1))) {
            Context detached = parent.withoutCancel();

            clock.advance(Duration.ofSeconds(2));

            assertThat(detached.deadline()).isEmpty();
            assertThat(detached.timeRemaining()).isEmpty();
            assertThat(detached.isDone()).isFalse();
        }
    }

    @Test
    void childCancelsOnItsOwn() {
        RuntimeException cause = new RuntimeException("cleanup aborted");
        try (CancelableContext parent = root.withCancel()) {
            CancelableContext child = parent.withoutCancel().withCancel();

            child.cancel(cause);

            assertThat(child.reason()).isEqualTo(Reason.CANCELED);
            assertThat(child.cause()).isSameAs(cause);
            assertThat(parent.isDone()).isFalse();
        }
    }

    @Test
    void childOutlivesCancelledParent() {
        CancelableContext parent = root.withCancel();
        try (CancelableContext child = parent.withoutCancel().withCancel()) {
            Done done = child.done();

            parent.cancel();

            assertThat(child.isDone()).isFalse();
            assertThat(done.isFired()).isFalse();
        }
    }

    @Test
    void childTimeoutRunsOnParentClock() {
        CancelableContext parent = root.withCancel();
        parent.cancel();
        try (CancelableContext child = parent.withoutCancel().withTimeout(Duration.ofSeconds(1))) {
            clock.advance(Duration.ofSeconds(1));

            assertThat(child.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
        }
    }

    @Test
    void afterFuncNeverRuns() {
        AtomicInteger runs = new AtomicInteger();
        CancelableContext parent = root.withCancel();
        Registration registration = parent.withoutCancel().afterFunc(runs::incrementAndGet);

        parent.cancel();

        assertThat(registration.stop()).isTrue();
        assertThat(runs).hasValue(0);
    }
}
