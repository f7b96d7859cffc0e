package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** ManualClock.advance: concurrent advances add up, and the clock saturates instead of wrapping. */
@ExtendWith(LeakCheck.class)
class ManualClockAdvanceTest {

    private final ManualClock clock = new ManualClock();

    @Test
    void concurrentAdvancesAddUp() throws InterruptedException {
        // Given an advance of 10 s that is held inside a timer due at 5 s,
        CountDownLatch inTimer = new CountDownLatch(1);
        CountDownLatch releaseTimer = new CountDownLatch(1);
        clock.schedule(Duration.ofSeconds(5).toNanos(), () -> {
            inTimer.countDown();
            awaitQuietly(releaseTimer);
        });
        Thread first = Thread.ofVirtual().start(() -> clock.advance(Duration.ofSeconds(10)));
        assertThat(inTimer.await(10, TimeUnit.SECONDS)).isTrue();

        // when a second advance of 100 s starts meanwhile and the first one then finishes,
        Thread second = Thread.ofVirtual().start(() -> clock.advance(Duration.ofSeconds(100)));
        awaitBlockedOrDone(second);
        long whileFirstHeld = clock.nanoTime();
        releaseTimer.countDown();
        first.join();
        second.join();

        // then the steps add up, and no reading went backwards.
        assertThat(clock.nanoTime()).isEqualTo(Duration.ofSeconds(110).toNanos());
        assertThat(whileFirstHeld).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void nanoTimeWrapsLikeSystemClock() {
        Instant origin = Instant.parse("2000-01-01T00:00:00Z");
        ManualClock nearWrap = new ManualClock(origin, Long.MAX_VALUE - 5);

        nearWrap.advance(Duration.ofNanos(10));

        assertThat(nearWrap.nanoTime()).isEqualTo(Long.MIN_VALUE + 4);
        assertThat(nearWrap.instant()).isEqualTo(origin.plusNanos(10));
    }

    @Test
    void timerFiresAcrossWrap() {
        ManualClock nearWrap = new ManualClock(Instant.EPOCH, Long.MAX_VALUE - 1_000_000_000L);
        boolean[] ran = new boolean[1];
        nearWrap.schedule(Duration.ofSeconds(2).toNanos(), () -> ran[0] = true);

        nearWrap.advance(Duration.ofSeconds(1));
        assertThat(ran[0]).isFalse();
        nearWrap.advance(Duration.ofSeconds(1));

        assertThat(ran[0]).isTrue();
        assertThat(nearWrap.pendingTimers()).isZero();
    }

    @Test
    void instantStopsInsteadOfWrapping() {
        clock.advance(Duration.ofSeconds(Long.MAX_VALUE));
        clock.advance(Duration.ofSeconds(Long.MAX_VALUE));
        clock.advance(Duration.ofSeconds(Long.MAX_VALUE));

        assertThat(clock.instant()).isEqualTo(Instant.parse("2000-01-01T00:00:00Z").plusNanos(Long.MAX_VALUE));
    }

    /**
     * Waits, in real time, until {@code thread} is parked or has ended: the second advance has
     * either blocked behind the first or, without serialization, finished on its own.
     */
    private static void awaitBlockedOrDone(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - deadline < 0) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TERMINATED) {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("second advance neither blocked nor finished: " + thread.getState());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
