package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Select: Go's select over done signals, futures, timeouts and a default case. */
@ExtendWith(LeakCheck.class)
class SelectTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void readyCasesPickedAtRandom() throws InterruptedException {
        Signal first = Signal.create();
        Signal second = Signal.create();
        first.fire();
        second.fire();
        int firstPicks = 0;
        int secondPicks = 0;

        for (int i = 0; i < 1000; i++) {
            String picked = Select.<String>on(clock)
                    .onDone(first, () -> "first")
                    .onDone(second, () -> "second")
                    .await();
            if (picked.equals("first")) {
                firstPicks++;
            } else {
                secondPicks++;
            }
        }

        assertThat(firstPicks).isPositive();
        assertThat(secondPicks).isPositive();
    }

    @Test
    void defaultRunsWhenNothingReady() throws InterruptedException {
        Signal never = Signal.create();

        String picked = Select.<String>on(clock)
                .onDone(never, () -> "signal")
                .onTimeout(Duration.ofSeconds(1), () -> "timeout")
                .otherwise(() -> "default")
                .await();

        assertThat(picked).isEqualTo("default");
        assertThat(never.listenerCount()).isZero();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void readyCaseBeatsDefault() throws InterruptedException {
        Signal fired = Signal.create();
        fired.fire();

        String picked = Select.<String>on(clock)
                .onDone(fired, () -> "signal")
                .otherwise(() -> "default")
                .await();

        assertThat(picked).isEqualTo("signal");
    }

    @Test
    void timeoutFiresOnVirtualTime() throws InterruptedException {
        Signal never = Signal.create();
        AtomicReference<String> picked = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                picked.set(Select.<String>on(clock)
                        .onDone(never, () -> "signal")
                        .onTimeout(Duration.ofSeconds(5), () -> "timeout")
                        .await());
            } catch (InterruptedException e) {
                picked.set("interrupted");
            }
        });
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

        clock.advance(Duration.ofSeconds(5).minusNanos(1));
        assertThat(clock.pendingTimers()).isOne();
        clock.advance(Duration.ofNanos(1));
        waiter.join(Bounded.LIMIT);

        assertThat(picked.get()).isEqualTo("timeout");
        assertThat(never.listenerCount()).isZero();
    }

    @Test
    void zeroTimeoutReadyAtOnce() throws InterruptedException {
        String picked = Select.<String>on(clock)
                .onDone(Signal.create(), () -> "signal")
                .onTimeout(Duration.ZERO, () -> "timeout")
                .await();

        assertThat(picked).isEqualTo("timeout");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void signalFiredWhileWaitingWins() throws InterruptedException {
        Signal signal = Signal.create();
        AtomicReference<String> picked = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                picked.set(Select.<String>on(clock)
                        .onDone(signal, () -> "signal")
                        .onTimeout(Duration.ofSeconds(5), () -> "timeout")
                        .await());
            } catch (InterruptedException e) {
                picked.set("interrupted");
            }
        });
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

        signal.fire();
        waiter.join(Bounded.LIMIT);

        assertThat(picked.get()).isEqualTo("signal");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void completedStageGivesValue() throws InterruptedException {
        String picked = Select.<String>on(clock)
                .onComplete(CompletableFuture.completedFuture("reply"),
                        (value, failure) -> failure == null ? value : "failed: " + failure)
                .await();

        assertThat(picked).isEqualTo("reply");
    }

    @Test
    void failedStageGivesFailure() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("unavailable");
        AtomicReference<Throwable> seen = new AtomicReference<>();
        AtomicReference<Object> seenValue = new AtomicReference<>("unset");

        Select.<Void>on(clock)
                .onComplete(CompletableFuture.failedFuture(failure), (value, thrown) -> {
                    seenValue.set(value);
                    seen.set(thrown);
                    return null;
                })
                .await();

        assertThat(seen.get()).isSameAs(failure);
        assertThat(seenValue.get()).isNull();
    }

    @Test
    void derivedStageFailureUnwrapped() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("parse error");
        CompletableFuture<String> derived = CompletableFuture.completedFuture("raw").thenApply(raw -> {
            throw failure;
        });

        Throwable seen = Select.<Throwable>on(clock)
                .onComplete(derived, (value, thrown) -> thrown)
                .await();

        assertThat(seen).isSameAs(failure);
    }

    @Test
    void cancelledStageGivesCancellation() throws InterruptedException {
        CompletableFuture<String> future = new CompletableFuture<>();
        future.cancel(false);

        Throwable seen = Select.<Throwable>on(clock)
                .onComplete(future, (value, thrown) -> thrown)
                .await();

        assertThat(seen).isInstanceOf(CancellationException.class);
    }

    @Test
    void stageCompletedWhileWaitingWins() throws InterruptedException {
        CompletableFuture<String> reply = new CompletableFuture<>();
        AtomicReference<String> picked = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                picked.set(Select.<String>on(clock)
                        .onComplete(reply, (value, failure) -> value)
                        .onTimeout(Duration.ofSeconds(5), () -> "timeout")
                        .await());
            } catch (InterruptedException e) {
                picked.set("interrupted");
            }
        });
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

        reply.complete("reply");
        waiter.join(Bounded.LIMIT);

        assertThat(picked.get()).isEqualTo("reply");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void interruptThrowsAndUnhooks() throws InterruptedException {
        Signal never = Signal.create();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> interruptStillSet = new AtomicReference<>();
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                Select.<String>on(clock)
                        .onDone(never, () -> "signal")
                        .onTimeout(Duration.ofHours(1), () -> "timeout")
                        .await();
            } catch (InterruptedException e) {
                thrown.set(e);
                interruptStillSet.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();
        assertThat(never.listenerCount()).isOne();

        waiter.interrupt();
        waiter.join(Bounded.LIMIT);

        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(interruptStillSet.get()).isFalse();
        assertThat(never.listenerCount()).isZero();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void awaitTwiceThrows() throws InterruptedException {
        Signal fired = Signal.create();
        fired.fire();
        Select<String> select = Select.<String>on(clock).onDone(fired, () -> "signal");
        select.await();

        assertThatIllegalStateException().isThrownBy(select::await);
    }

    @Test
    void noCaseNoDefaultThrows() {
        assertThatIllegalStateException().isThrownBy(() -> Select.<String>on(clock).await());
    }

    @Test
    void contextCaseWatchesItsDone() throws InterruptedException {
        try (CancelableContext parent = Context.root(clock).withCancel()) {
            CancelableContext child = parent.withCancel();
            AtomicReference<String> picked = new AtomicReference<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    picked.set(Select.<String>on(clock)
                            .onDone(child, () -> "done")
                            .onTimeout(Duration.ofHours(1), () -> "timeout")
                            .await());
                } catch (InterruptedException e) {
                    picked.set("interrupted");
                }
            });
            assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

            parent.cancel();
            waiter.join(Bounded.LIMIT);

            assertThat(picked.get()).isEqualTo("done");
            assertThat(clock.pendingTimers()).isZero();
        }
    }
}
