package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The system clock's timer queue, on its own queue and thread per test. Timers run on real time
 * here, so the tests use delays that are long against scheduling (tens of milliseconds) or
 * timers that never come due (one hour), and wait for outcomes with a generous limit.
 */
@ExtendWith(LeakCheck.class)
class TimerQueueTest {

    private static final long HOUR_NANOS = TimeUnit.HOURS.toNanos(1);
    private static final long LIMIT_SECONDS = 30;

    private TimerQueue queue;

    @BeforeEach
    void startQueue() {
        queue = TimerQueue.start("timer-queue-test");
    }

    @AfterEach
    void stopQueue() throws InterruptedException {
        queue.shutdown();
    }

    @Test
    void timersRunInDeadlineOrder() throws InterruptedException {
        // Given 50 timers, 1 ms apart starting 200 ms out, scheduled in shuffled order.
        int count = 50;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            order.add(i);
        }
        Collections.shuffle(order);
        ConcurrentLinkedQueue<Integer> ran = new ConcurrentLinkedQueue<>();
        CountDownLatch all = new CountDownLatch(count);
        long firstDeadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
        TimerQueue.Entry[] entries = new TimerQueue.Entry[count];

        // Each delay is measured from the moment of its own schedule() call, so the deadlines
        // stay 1 ms apart however long scheduling takes.
        List<Integer> scheduled = new ArrayList<>();
        for (int i : order) {
            long delayNanos = firstDeadlineNanos + TimeUnit.MILLISECONDS.toNanos(i) - System.nanoTime();
            entries[i] = queue.schedule(delayNanos, () -> {
                ran.add(i);
                all.countDown();
            });
            scheduled.add(i);
        }

        // Then they run earliest deadline first. The deadlines are the ones the entries got, so
        // a stall that pushes a schedule() call past its intended deadline moves that timer back.
        assertThat(all.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        List<Integer> expected = new ArrayList<>(scheduled);
        expected.sort((a, b) -> Long.signum(entries[a].deadlineNanos - entries[b].deadlineNanos));
        assertThat(new ArrayList<>(ran)).isEqualTo(expected);
    }

    @Test
    void earlierTimerWakesSleepingThread() throws InterruptedException {
        Clock.Timer late = queue.schedule(HOUR_NANOS, () -> { });
        waitUntil(() -> queue.heapEntryCount() == 1);
        CountDownLatch ran = new CountDownLatch(1);

        queue.schedule(TimeUnit.MILLISECONDS.toNanos(10), ran::countDown);

        assertThat(ran.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(late.cancel()).isTrue();
    }

    @Test
    void zeroAndNegativeDelaysRunAtOnce() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(3);

        queue.schedule(0, ran::countDown);
        queue.schedule(-1, ran::countDown);
        queue.schedule(Long.MIN_VALUE, ran::countDown);

        assertThat(ran.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void maxDelayIsAcceptedAndCancellable() {
        Clock.Timer timer = queue.schedule(Long.MAX_VALUE, () -> { });

        assertThat(timer.cancel()).isTrue();
        assertThat(timer.cancel()).isFalse();
    }

    @Test
    void cancelledTimerNeverRuns() throws InterruptedException {
        AtomicInteger cancelledRuns = new AtomicInteger();
        CountDownLatch later = new CountDownLatch(1);
        Clock.Timer timer = queue.schedule(TimeUnit.MILLISECONDS.toNanos(20), cancelledRuns::incrementAndGet);

        boolean cancelled = timer.cancel();
        queue.schedule(TimeUnit.MILLISECONDS.toNanos(60), later::countDown);

        assertThat(cancelled).isTrue();
        assertThat(later.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRuns.get()).isZero();
    }

    @Test
    void cancelAfterRunReturnsFalse() throws InterruptedException {
        CountDownLatch ran = new CountDownLatch(1);
        Clock.Timer timer = queue.schedule(0, ran::countDown);

        assertThat(ran.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(timer.cancel()).isFalse();
    }

    @Test
    void failingActionDoesNotStopThread() throws InterruptedException {
        CountDownLatch next = new CountDownLatch(1);

        queue.schedule(0, () -> {
            throw new IllegalStateException("thrown by test action");
        });
        queue.schedule(TimeUnit.MILLISECONDS.toNanos(10), next::countDown);

        assertThat(next.await(LIMIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void cancellingHeapEntriesPurgesThem() throws InterruptedException {
        // Given timers that the timer thread has moved into its heap.
        int count = 4 * TimerQueue.PURGE_MIN;
        List<Clock.Timer> timers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            timers.add(queue.schedule(HOUR_NANOS, () -> { }));
        }
        queue.wake();
        waitUntil(() -> queue.heapEntryCount() == count);

        // When all are cancelled.
        for (Clock.Timer timer : timers) {
            assertThat(timer.cancel()).isTrue();
        }

        // Then the heap is purged of them without any of them coming due.
        waitUntil(() -> {
            queue.wake();
            return queue.heapEntryCount() == 0;
        });
        assertThat(queue.heapEntryCount()).isZero();
    }

    @Test
    void millionScheduleCancelPairsDoNotGrow() throws InterruptedException {
        // One live timer stays pending throughout, as a process's long timeouts do.
        Clock.Timer live = queue.schedule(HOUR_NANOS, () -> { });
        int pairs = 1_000_000;
        int[] maxHeapEntries = new int[1];

        // Tracking would record a stack trace per timer; every timer here is cancelled at once.
        LeakTracking.paused(() -> {
            for (int i = 0; i < pairs; i++) {
                Clock.Timer timer = queue.schedule(HOUR_NANOS, () -> { });
                timer.cancel();
                if (i % 1000 == 0) {
                    maxHeapEntries[0] = Math.max(maxHeapEntries[0], queue.heapEntryCount());
                }
            }
        });
        waitUntil(() -> {
            queue.wake();
            return queue.isIntakeEmpty() && queue.heapEntryCount() <= 1 + TimerQueue.PURGE_MIN;
        });

        // Cancelled entries are dropped at intake, or purged once they pass PURGE_MIN.
        assertThat(maxHeapEntries[0]).isLessThanOrEqualTo(2 * TimerQueue.PURGE_MIN + TimerQueue.INTAKE_BATCH);
        assertThat(queue.heapEntryCount()).isLessThanOrEqualTo(1 + TimerQueue.PURGE_MIN);
        assertThat(live.cancel()).isTrue();
    }

    @Test
    void timersFromManyThreadsRunOrCancelOnce() throws InterruptedException {
        // Given 8 threads that each schedule 2000 short timers and cancel every other one.
        int threads = 8;
        int perThread = 2000;
        AtomicIntegerArray runs = new AtomicIntegerArray(threads * perThread);
        AtomicIntegerArray cancelled = new AtomicIntegerArray(threads * perThread);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> schedulers = new ArrayList<>();

        for (int t = 0; t < threads; t++) {
            int first = t * perThread;
            schedulers.add(Thread.ofPlatform().name("scheduler-" + t).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = first; i < first + perThread; i++) {
                    int id = i;
                    long delayNanos = TimeUnit.MICROSECONDS.toNanos(id % 5000);
                    Clock.Timer timer = queue.schedule(delayNanos, () -> runs.incrementAndGet(id));
                    if (id % 2 == 0 && timer.cancel()) {
                        cancelled.set(id, 1);
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : schedulers) {
            t.join(TimeUnit.SECONDS.toMillis(LIMIT_SECONDS));
        }

        // Then every timer either ran once or was cancelled, never both.
        waitUntil(() -> {
            for (int id = 0; id < runs.length(); id++) {
                if (runs.get(id) + cancelled.get(id) == 0) {
                    return false;
                }
            }
            return true;
        });
        int ranTwice = 0;
        int ranAndCancelled = 0;
        int neither = 0;
        for (int id = 0; id < runs.length(); id++) {
            if (runs.get(id) > 1) {
                ranTwice++;
            }
            if (runs.get(id) == 1 && cancelled.get(id) == 1) {
                ranAndCancelled++;
            }
            if (runs.get(id) == 0 && cancelled.get(id) == 0) {
                neither++;
            }
        }
        assertThat(ranTwice).isZero();
        assertThat(ranAndCancelled).isZero();
        assertThat(neither).isZero();
    }

    private static void waitUntil(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition met within " + LIMIT_SECONDS + " s").isNegative();
            Thread.sleep(5);
        }
    }
}
