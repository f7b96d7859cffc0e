package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registrations racing the first fire of a fresh signal, which is when a signal creates its list
 * lock or marks itself fired without one. Each round publishes a new signal, several threads
 * register a callback on it at once while the test thread fires it after a random short spin,
 * and the round then checks that every callback ran exactly once. One registrar stops its
 * callback right after registering, so a stop also races the fire; its callback must run once
 * if the stop came too late and never if the stop returned {@code true}.
 */
@ExtendWith(LeakCheck.class)
class DoneRegisterFireRaceTest {

    private static final int ROUNDS = 100_000;
    private static final int REGISTRARS = 3;
    private static final int STOPPING_REGISTRAR = 0;
    private static final long LIMIT_NANOS = TimeUnit.SECONDS.toNanos(120);

    /** The signal of the current round; registrars start on a change of {@link #round}. */
    private volatile Signal current;
    private final AtomicInteger round = new AtomicInteger();
    private final AtomicInteger arrived = new AtomicInteger();
    private final AtomicIntegerArray runs = new AtomicIntegerArray(REGISTRARS);
    private final AtomicReferenceArray<Registration> registrations = new AtomicReferenceArray<>(REGISTRARS);
    private final boolean[] stopped = new boolean[REGISTRARS];
    /** Callbacks run by fire() from the detached list, and callbacks run at once by onFire(). */
    private final AtomicInteger ranByFire = new AtomicInteger();
    private final AtomicInteger ranAtRegistration = new AtomicInteger();
    private volatile Thread firingThread;

    @Test
    void everyListenerRunsExactlyOnce() throws InterruptedException {
        firingThread = Thread.currentThread();
        List<Thread> registrars = new ArrayList<>();
        for (int r = 0; r < REGISTRARS; r++) {
            int index = r;
            registrars.add(Thread.ofPlatform().name("registrar-" + r).start(() -> register(index)));
        }

        int missed = 0;
        int ranTwice = 0;
        int ranAfterStop = 0;
        int leftInList = 0;
        int stopAfterFireSucceeded = 0;
        long deadline = System.nanoTime() + LIMIT_NANOS;
        boolean timedOut = false;
        try {
            for (int i = 1; i <= ROUNDS; i++) {
                // Given a fresh signal published to the registrars.
                Signal signal = Signal.create();
                for (int r = 0; r < REGISTRARS; r++) {
                    runs.set(r, 0);
                }
                arrived.set(0);
                // Most rounds race the fire against the registrations. One round in eight lets
                // every registration land first, and one fires first, so both outcomes are
                // covered whatever the scheduler does with the racing rounds.
                boolean registerFirst = i % 8 == 0;
                boolean fireFirst = i % 8 == 4;
                if (fireFirst) {
                    signal.fire();
                }
                current = signal;
                round.set(i);

                // When it fires while they register.
                if (registerFirst) {
                    while (arrived.get() < REGISTRARS && System.nanoTime() - deadline < 0) {
                        Thread.yield();
                    }
                } else {
                    spinRandomly();
                }
                if (!fireFirst) {
                    signal.fire();
                }
                while (arrived.get() < REGISTRARS) {
                    if (System.nanoTime() - deadline > 0) {
                        timedOut = true;
                        break;
                    }
                    Thread.yield();
                }
                if (timedOut) {
                    break;
                }

                // Then each callback has run once, unless its stop won.
                for (int r = 0; r < REGISTRARS; r++) {
                    int count = runs.get(r);
                    if (stopped[r]) {
                        if (count != 0) {
                            ranAfterStop++;
                        }
                    } else if (count == 0) {
                        missed++;
                    } else if (count > 1) {
                        ranTwice++;
                    }
                    // A stop after the fire must be safe and report that it came too late.
                    if (registrations.get(r).stop()) {
                        stopAfterFireSucceeded++;
                    }
                }
                if (signal.listenerCount() != 0) {
                    leftInList++;
                }
            }
        } finally {
            round.set(-1);
            for (Thread t : registrars) {
                t.join(TimeUnit.NANOSECONDS.toMillis(LIMIT_NANOS));
            }
        }

        assertThat(timedOut).as("rounds finished within the limit").isFalse();
        assertThat(missed).as("rounds with a callback that never ran").isZero();
        assertThat(ranTwice).as("rounds with a callback that ran twice").isZero();
        assertThat(ranAfterStop).as("rounds with a stopped callback that ran").isZero();
        assertThat(leftInList).as("rounds that left listeners in the fired signal").isZero();
        assertThat(stopAfterFireSucceeded).as("stops after the fire that returned true").isZero();
        // Both outcomes happened: callbacks run by the firing thread and at registration.
        assertThat(ranByFire.get()).as("callbacks run by fire()").isPositive();
        assertThat(ranAtRegistration.get()).as("callbacks run at once by onFire()").isPositive();
    }

    /** Registers one callback per round on the round's signal, until the round becomes -1. */
    private void register(int index) {
        int seen = 0;
        while (true) {
            int spins = 0;
            int now;
            while ((now = round.get()) == seen) {
                if (++spins > 64) {
                    Thread.yield();
                } else {
                    Thread.onSpinWait();
                }
            }
            if (now < 0) {
                return;
            }
            seen = now;

            Registration registration = current.onFire(() -> {
                runs.incrementAndGet(index);
                if (Thread.currentThread() == firingThread) {
                    ranByFire.incrementAndGet();
                } else {
                    ranAtRegistration.incrementAndGet();
                }
            });
            stopped[index] = index == STOPPING_REGISTRAR && registration.stop();
            registrations.set(index, registration);
            // Publishes the writes above to the test thread, which reads them after it reads the count.
            arrived.incrementAndGet();
        }
    }

    private static void spinRandomly() {
        int spins = ThreadLocalRandom.current().nextInt(200);
        for (int s = 0; s < spins; s++) {
            Thread.onSpinWait();
        }
    }
}
