package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Library waits that start after the context has ended, on a worker thread whose interrupt for
 * that end was swallowed: each fails or returns at once, because none of them relies on the
 * interrupt to notice the end.
 */
@ExtendWith(LeakCheck.class)
class WaitAfterDoneTest {

    private static final Duration LONG_WAIT = Duration.ofHours(1);

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);

    @Test
    void sleepFailsAtOnce() throws InterruptedException {
        Object outcome = afterSwallowedInterrupt(ctx -> {
            try {
                ctx.sleep(LONG_WAIT);
                return "slept";
            } catch (ContextDoneException e) {
                return e.reason();
            }
        });

        assertThat(outcome).isEqualTo(Reason.CANCELED);
    }

    @Test
    void selectPicksDoneAtOnce() throws InterruptedException {
        Object outcome = afterSwallowedInterrupt(ctx -> Select.<String>on(clock)
                .onDone(ctx, () -> "done")
                .onTimeout(LONG_WAIT, () -> "timeout")
                .await());

        assertThat(outcome).isEqualTo("done");
    }

    @Test
    void doneAwaitReturnsAtOnce() throws InterruptedException {
        Object outcome = afterSwallowedInterrupt(ctx -> {
            ctx.done().await();
            return ctx.done().await(LONG_WAIT);
        });

        assertThat(outcome).isEqualTo(true);
    }

    @Test
    void childContextSleepFailsAtOnce() throws InterruptedException {
        Object outcome = afterSwallowedInterrupt(ctx -> {
            try (CancelableContext child = ctx.withTimeout(LONG_WAIT)) {
                child.sleep(LONG_WAIT);
                return "slept";
            } catch (ContextDoneException e) {
                return e.reason();
            }
        });

        assertThat(outcome).isEqualTo(Reason.CANCELED);
    }

    /** A wait under test; it returns what it observed. */
    private interface Wait {
        Object run(Context ctx) throws Exception;
    }

    /**
     * Runs {@code wait} on a worker after the worker's context has ended and the worker has
     * swallowed the interrupt that came with the end, and returns what it returned.
     */
    private Object afterSwallowedInterrupt(Wait wait) throws InterruptedException {
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicReference<Boolean> interruptPending = new AtomicReference<>();
        Signal blocked = Signal.create();
        Worker worker = Worker.start(root, "swallower", ctx -> {
            blocked.fire();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException swallowed) {
                // The body ignores the interrupt, as careless code does.
            }
            interruptPending.set(Thread.currentThread().isInterrupted());
            outcome.set(wait.run(ctx));
        });
        assertThat(blocked.await(Bounded.LIMIT)).isTrue();

        boolean stopped = worker.stop(Bounded.LIMIT);

        assertThat(stopped).as("worker finished its wait").isTrue();
        assertThat(interruptPending.get()).isFalse();
        return outcome.get();
    }
}
