package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Worker: tick schedule on virtual time, stopping, failures and interrupts. */
@ExtendWith(LeakCheck.class)
class WorkerTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);
    private static final Duration SHORT_GRACE = Duration.ofMillis(100);

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);
    private final BlockingQueue<Duration> ticks = new LinkedBlockingQueue<>();

    @Test
    void everyTicksAtOnceThenEachPeriod() throws InterruptedException {
        try (Worker worker = Worker.every(root, "ticker", PERIOD, ctx -> ticks.add(now()))) {
            assertThat(nextTick()).isEqualTo(Duration.ZERO);

            advanceLoop(PERIOD);
            assertThat(nextTick()).isEqualTo(PERIOD);

            advanceLoop(PERIOD);
            assertThat(nextTick()).isEqualTo(PERIOD.multipliedBy(2));
            assertThat(worker.failure()).isNull();
        }
    }

    @Test
    void everyWaitsFullPeriod() throws InterruptedException {
        try (Worker worker = Worker.every(root, "ticker", PERIOD, ctx -> ticks.add(now()))) {
            assertThat(nextTick()).isEqualTo(Duration.ZERO);

            advanceLoop(PERIOD.minusNanos(1));

            assertThat(clock.pendingDelays()).containsExactly(Duration.ofNanos(1));
            assertThat(ticks).isEmpty();
            assertThat(worker.failure()).isNull();
        }
    }

    @Test
    void everySkipsMissedTicksAfterOverrun() throws InterruptedException {
        AtomicInteger tickCount = new AtomicInteger();
        Signal inSecondTick = Signal.create();
        CountDownLatch finishSecondTick = new CountDownLatch(1);
        try (Worker worker = Worker.every(root, "ticker", PERIOD, ctx -> {
            ticks.add(now());
            if (tickCount.incrementAndGet() == 2) {
                inSecondTick.fire();
                finishSecondTick.await();
            }
        })) {
            assertThat(nextTick()).isEqualTo(Duration.ZERO);
            advanceLoop(PERIOD);
            assertThat(inSecondTick.await(Bounded.LIMIT)).isTrue();

            // The second tick, started at 10 s, runs until 35 s: the ticks due at 20 s and 30 s are missed.
            clock.advance(PERIOD.multipliedBy(5).dividedBy(2));
            finishSecondTick.countDown();
            assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

            assertThat(clock.pendingDelays()).containsExactly(PERIOD.dividedBy(2));
            clock.advance(PERIOD.dividedBy(2));
            assertThat(nextTick()).isEqualTo(PERIOD);
            assertThat(nextTick()).isEqualTo(PERIOD.multipliedBy(4));
            assertThat(worker.failure()).isNull();
        }
    }

    @ParameterizedTest(name = "periods={0}")
    @ValueSource(ints = {1, 2, 3})
    void everyTicksAtOnceAfterExactOverrun(int periods) throws InterruptedException {
        AtomicInteger tickCount = new AtomicInteger();
        Signal inFirstTick = Signal.create();
        CountDownLatch finishFirstTick = new CountDownLatch(1);
        Duration overrun = PERIOD.multipliedBy(periods);
        try (Worker worker = Worker.every(root, "ticker", PERIOD, ctx -> {
            ticks.add(now());
            if (tickCount.incrementAndGet() == 1) {
                inFirstTick.fire();
                finishFirstTick.await();
            }
        })) {
            assertThat(inFirstTick.await(Bounded.LIMIT)).isTrue();

            // The first tick takes a whole number of periods, so the next is due the moment it returns.
            clock.advance(overrun);
            finishFirstTick.countDown();

            assertThat(nextTick()).isEqualTo(Duration.ZERO);
            assertThat(nextTick()).isEqualTo(overrun);
            assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();
            assertThat(clock.pendingDelays()).containsExactly(PERIOD);
            assertThat(worker.failure()).isNull();
        }
    }

    @Test
    void everyRejectsNonPositivePeriod() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Worker.every(root, "ticker", Duration.ZERO, ctx -> { }))
                .withMessageContaining("ticker");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Worker.every(root, "ticker", Duration.ofNanos(-1), ctx -> { }));
    }

    @Test
    void everyStopsOnParentCancel() throws InterruptedException {
        RuntimeException cause = new RuntimeException("client closed");
        CancelableContext parent = root.withCancel();
        try (Worker worker = Worker.every(parent, "ticker", PERIOD, ctx -> ticks.add(now()))) {
            assertThat(nextTick()).isEqualTo(Duration.ZERO);
            assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

            parent.cancel(cause);

            assertThat(worker.stopped().await(Bounded.LIMIT)).isTrue();
            assertThat(worker.context().cause()).isSameAs(cause);
            assertThat(worker.failure()).isNull();
            assertThat(clock.pendingTimers()).isZero();
        }
    }

    @Test
    void stopInterruptsBlockedBody() throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Signal started = Signal.create();
        Worker worker = Worker.start(root, "sleeper", ctx -> {
            started.fire();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                thrown.set(e);
                throw e;
            }
        });
        assertThat(started.await(Bounded.LIMIT)).isTrue();

        boolean stopped = worker.stop(Bounded.LIMIT);

        assertThat(stopped).isTrue();
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(worker.failure()).isNull();
    }

    @Test
    void startPlatformUsesDaemonPlatformThread() throws InterruptedException {
        AtomicReference<Thread> runner = new AtomicReference<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Signal started = Signal.create();
        Worker worker = Worker.startPlatform(root, "platform-sleeper", ctx -> {
            runner.set(Thread.currentThread());
            started.fire();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                thrown.set(e);
                throw e;
            }
        });
        assertThat(started.await(Bounded.LIMIT)).isTrue();

        boolean stopped = worker.stop(Bounded.LIMIT);

        assertThat(stopped).isTrue();
        assertThat(runner.get().isVirtual()).isFalse();
        assertThat(runner.get().isDaemon()).isTrue();
        assertThat(runner.get().getName()).isEqualTo("platform-sleeper");
        assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
        assertThat(worker.isStopped()).isTrue();
        assertThat(worker.failure()).isNull();
    }

    @Test
    void stopReturnsFalseForStuckBody() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Signal started = Signal.create();
        Worker worker = Worker.start(root, "stuck", ctx -> {
            started.fire();
            awaitIgnoringInterrupts(release);
        });
        assertThat(started.await(Bounded.LIMIT)).isTrue();

        boolean stopped = worker.stop(SHORT_GRACE);
        release.countDown();

        assertThat(stopped).isFalse();
        assertThat(worker.stopped().await(Bounded.LIMIT)).isTrue();
    }

    @Test
    void closeThrowsNamingStuckWorker() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        Signal started = Signal.create();
        Worker worker = Worker.start(root, "stuck-sender", ctx -> {
            started.fire();
            awaitIgnoringInterrupts(release);
        });
        assertThat(started.await(Bounded.LIMIT)).isTrue();

        // close() waits its fixed grace of five seconds, so this test takes that long.
        WorkerNotStoppedException thrown = catchThrowableOfType(WorkerNotStoppedException.class, worker::close);
        release.countDown();

        assertThat(thrown).isNotNull();
        assertThat(thrown.workerName()).isEqualTo("stuck-sender");
        assertThat(thrown).hasMessageContaining("stuck-sender");
        assertThat(worker.stopped().await(Bounded.LIMIT)).isTrue();
    }

    @Test
    void bodyFailureBecomesFailureAndCause() throws InterruptedException {
        IllegalStateException failure = new IllegalStateException("disk full");
        Worker worker = Worker.start(root, "failing", ctx -> {
            throw failure;
        });

        assertThat(worker.stopped().await(Bounded.LIMIT)).isTrue();

        assertThat(worker.failure()).isSameAs(failure);
        assertThat(worker.context().reason()).isEqualTo(Reason.CANCELED);
        assertThat(worker.context().cause()).isSameAs(failure);
        worker.close();
    }

    @Test
    void noInterruptAfterBodyReturns() throws InterruptedException {
        AtomicReference<Thread> bodyThread = new AtomicReference<>();
        Worker worker = Worker.start(root, "short", ctx -> bodyThread.set(Thread.currentThread()));
        assertThat(worker.stopped().await(Bounded.LIMIT)).isTrue();
        bodyThread.get().join(Bounded.LIMIT);

        worker.close();

        assertThat(bodyThread.get().isAlive()).isFalse();
        assertThat(bodyThread.get().isInterrupted()).isFalse();
    }

    @Test
    void noInterruptAfterTickReturns() throws InterruptedException {
        AtomicReference<Thread> tickThread = new AtomicReference<>();
        Worker worker = Worker.every(root, "ticker", PERIOD, ctx -> tickThread.set(Thread.currentThread()));
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();

        worker.close();
        tickThread.get().join(Bounded.LIMIT);

        assertThat(tickThread.get().isAlive()).isFalse();
        assertThat(tickThread.get().isInterrupted()).isFalse();
        assertThat(worker.failure()).isNull();
    }

    private Duration now() {
        return Duration.ofNanos(clock.nanoTime());
    }

    private Duration nextTick() throws InterruptedException {
        Duration tick = ticks.poll(Bounded.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(tick).as("tick within %s", Bounded.LIMIT).isNotNull();
        return tick;
    }

    /** Waits until the loop has scheduled its next tick, then moves the clock by {@code step}. */
    private void advanceLoop(Duration step) throws InterruptedException {
        assertThat(clock.awaitPendingTimers(1, Bounded.LIMIT)).isTrue();
        clock.advance(step);
    }

    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException swallowed) {
                // The point of this body: it ignores the stop request.
            }
        }
    }
}
