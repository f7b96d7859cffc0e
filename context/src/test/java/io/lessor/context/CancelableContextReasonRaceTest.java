package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reader that spins on reason() while another thread cancels: once reason() returns a value,
 * done() has fired and cause() is set. The canceller ends the contexts in order without waiting, and
 * the reader keeps reading the one the canceller is on, so reads land while contexts end. The
 * contexts are created with leak tracking paused, and the test checks that every one has ended.
 */
@ExtendWith(LeakCheck.class)
class CancelableContextReasonRaceTest {

    private static final int COUNT = 100_000;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final Context root = Context.root(new ManualClock());
    private final RuntimeException cause = new RuntimeException("cancelled by test");

    @Test
    void directCancelPublishesDoneFirst() throws InterruptedException {
        CancelableContext[] contexts = new CancelableContext[COUNT];
        LeakTracking.paused(() -> {
            for (int i = 0; i < COUNT; i++) {
                contexts[i] = root.withCancel();
                contexts[i].done();
            }
        });

        Violations violations = race(contexts, i -> contexts[i].cancel(cause));

        assertThat(violations.unfinished).isFalse();
        assertThat(violations.notDone).isZero();
        assertThat(violations.reasonBeforeDone).isZero();
        assertThat(violations.reasonWithoutCause).isZero();
        assertThat(violations.wrongCause).isZero();
    }

    @Test
    void watchedChildPublishesDoneFirst() throws InterruptedException {
        CancelableContext[] parents = new CancelableContext[COUNT];
        CancelableContext[] children = new CancelableContext[COUNT];
        LeakTracking.paused(() -> {
            for (int i = 0; i < COUNT; i++) {
                parents[i] = root.withCancel();
                children[i] = parents[i].withCancel();
                children[i].done();
            }
        });

        Violations violations = race(children, i -> parents[i].cancel(cause));

        assertThat(violations.unfinished).isFalse();
        assertThat(violations.notDone).isZero();
        assertThat(violations.reasonBeforeDone).isZero();
        assertThat(violations.reasonWithoutCause).isZero();
        assertThat(violations.wrongCause).isZero();
    }

    @Test
    void unwatchedChildPublishesDoneFirst() throws InterruptedException {
        CancelableContext[] parents = new CancelableContext[COUNT];
        CancelableContext[] children = new CancelableContext[COUNT];
        LeakTracking.paused(() -> {
            for (int i = 0; i < COUNT; i++) {
                parents[i] = root.withCancel();
                parents[i].done();
                children[i] = parents[i].withCancel();
            }
        });

        Violations violations = race(children, i -> parents[i].cancel(cause));

        assertThat(violations.unfinished).isFalse();
        assertThat(violations.notDone).isZero();
        assertThat(violations.reasonBeforeDone).isZero();
        assertThat(violations.reasonWithoutCause).isZero();
        assertThat(violations.wrongCause).isZero();
    }

    /** What the reader saw that it must never see, counted over all contexts. */
    private static final class Violations {
        int reasonBeforeDone;
        int reasonWithoutCause;
        int wrongCause;
        int notDone;
        boolean unfinished;
    }

    /**
     * Ends target {@code i} with {@code cancel}, for every {@code i} in order, on one thread, while
     * another thread reads the target being ended until the first thread is through.
     */
    private Violations race(Context[] targets, IntConsumer cancel) throws InterruptedException {
        AtomicInteger cancellerAt = new AtomicInteger();
        Violations violations = new Violations();

        Thread reader = Thread.ofPlatform().name("reason-reader").start(() -> {
            for (int i = cancellerAt.get(); i < targets.length; i = cancellerAt.get()) {
                Context target = targets[i];
                // Reason first, then done: the order in which a reader could catch them apart.
                Reason reason = target.reason();
                if (reason == null) {
                    Thread.onSpinWait();
                    continue;
                }
                boolean fired = target.done().isFired();
                Throwable seenCause = target.cause();
                if (!fired) {
                    violations.reasonBeforeDone++;
                }
                if (seenCause == null) {
                    violations.reasonWithoutCause++;
                } else if (seenCause != cause) {
                    violations.wrongCause++;
                }
            }
        });
        Thread canceller = Thread.ofPlatform().name("canceller").start(() -> {
            for (int i = 0; i < targets.length; i++) {
                cancel.accept(i);
                cancellerAt.set(i + 1);
            }
        });

        canceller.join(LIMIT);
        reader.join(LIMIT);
        violations.unfinished = reader.isAlive() || canceller.isAlive();
        for (Context target : targets) {
            if (!target.isDone()) {
                violations.notDone++;
            }
        }
        return violations;
    }
}
