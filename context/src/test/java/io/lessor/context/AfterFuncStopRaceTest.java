package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * afterFunc raced by cancel and stop() on different threads: for each registration exactly one
 * of "the function ran" and "stop() returned true" happens.
 */
@ExtendWith(LeakCheck.class)
class AfterFuncStopRaceTest {

    private static final int COUNT = 10_000;
    private static final int PAIRS = 2;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final Context root = Context.root(new ManualClock());

    @Test
    void exactlyOneOfRunOrStop() throws InterruptedException {
        CancelableContext[] contexts = new CancelableContext[COUNT];
        Registration[] registrations = new Registration[COUNT];
        AtomicIntegerArray runs = new AtomicIntegerArray(COUNT);
        boolean[] stopped = new boolean[COUNT];
        Semaphore ran = new Semaphore(0);
        for (int i = 0; i < COUNT; i++) {
            int index = i;
            contexts[i] = root.withCancel();
            registrations[i] = contexts[i].afterFunc(() -> {
                runs.incrementAndGet(index);
                ran.release();
            });
        }

        // Each pair of threads owns every PAIRS-th registration. A barrier per registration starts
        // its cancel and its stop together.
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int pair = 0; pair < PAIRS; pair++) {
            int first = pair;
            CyclicBarrier barrier = new CyclicBarrier(2);
            threads.add(Thread.ofPlatform().name("canceller-" + pair).start(() -> {
                for (int i = first; i < COUNT; i += PAIRS) {
                    await(barrier, failures);
                    contexts[i].cancel();
                }
            }));
            threads.add(Thread.ofPlatform().name("stopper-" + pair).start(() -> {
                for (int i = first; i < COUNT; i += PAIRS) {
                    await(barrier, failures);
                    stopped[i] = registrations[i].stop();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(LIMIT);
        }

        int stops = 0;
        for (boolean s : stopped) {
            stops += s ? 1 : 0;
        }
        boolean allRan = ran.tryAcquire(COUNT - stops, LIMIT.toSeconds(), TimeUnit.SECONDS);
        int neitherOrBoth = 0;
        for (int i = 0; i < COUNT; i++) {
            if (runs.get(i) + (stopped[i] ? 1 : 0) != 1) {
                neitherOrBoth++;
            }
        }

        assertThat(failures).isEmpty();
        assertThat(threads).noneMatch(Thread::isAlive);
        assertThat(allRan).as("%d functions expected to run", COUNT - stops).isTrue();
        assertThat(neitherOrBoth).isZero();
    }

    private static void await(CyclicBarrier barrier, ConcurrentLinkedQueue<Throwable> failures) {
        try {
            barrier.await(LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            failures.add(e);
            throw new IllegalStateException("start barrier broken", e);
        }
    }
}
