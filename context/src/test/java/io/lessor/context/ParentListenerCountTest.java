package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What children cost their parent: a watched child is one listener on the parent's done signal
 * until it is closed, and an unwatched child costs nothing. The million-cycle loops run with leak
 * tracking paused; each cycle closes its child, and the parent is closed by its try block.
 */
@ExtendWith(LeakCheck.class)
class ParentListenerCountTest {

    private static final int CYCLES = 1_000_000;
    private static final int UNWATCHED = 100_000;

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void watchedChildCountsUntilClosed() {
        try (CancelableContext parent = root.withCancel()) {
            CancelableContext first = parent.withCancel();
            CancelableContext second = parent.withTimeout(Duration.ofSeconds(1));
            first.done();
            assertThat(parent.done().listenerCount()).isEqualTo(2);

            first.close();
            second.close();

            assertThat(parent.done().listenerCount()).isZero();
        }
    }

    @Test
    void cancelCyclesLeaveNoListener() {
        try (CancelableContext parent = root.withCancel()) {
            Done parentDone = parent.done();
            LeakTracking.paused(() -> {
                for (int i = 0; i < CYCLES; i++) {
                    try (CancelableContext child = parent.withCancel()) {
                        child.done();
                    }
                }
            });

            assertThat(parentDone.listenerCount()).isZero();
        }
    }

    @Test
    void timeoutCyclesLeaveNoListener() {
        try (CancelableContext parent = root.withCancel()) {
            Done parentDone = parent.done();
            LeakTracking.paused(() -> {
                for (int i = 0; i < CYCLES; i++) {
                    try (CancelableContext child = parent.withTimeout(Duration.ofSeconds(1))) {
                        child.done();
                    }
                }
            });

            assertThat(parentDone.listenerCount()).isZero();
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @Test
    void unwatchedChildrenCostNothing() {
        CancelableContext[] children = new CancelableContext[UNWATCHED];
        try (CancelableContext parent = root.withCancel()) {
            Done parentDone = parent.done();
            for (int i = 0; i < UNWATCHED; i++) {
                children[i] = parent.withCancel();
            }

            assertThat(parentDone.listenerCount()).isZero();
        }

        assertThat(children[0].isDone()).isTrue();
        assertThat(children[UNWATCHED - 1].isDone()).isTrue();
    }
}
