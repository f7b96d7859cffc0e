package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A million Select waits that another case wins leave no listener on a Done that never fires.
 * The waits run on an {@link ImmediateClock}, so each one arms every case, wakes, and disarms.
 */
@ExtendWith(LeakCheck.class)
class SelectListenerCountTest {

    private static final int AWAITS = 1_000_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(1);

    private final Context root = Context.root(new ManualClock());

    @Test
    void timeoutsLeaveContextDoneEmpty() throws InterruptedException {
        try (CancelableContext ctx = root.withCancel()) {
            int timeouts = timeoutWins(ctx.done());

            assertThat(timeouts).isEqualTo(AWAITS);
            assertThat(ctx.done().listenerCount()).isZero();
        }
    }

    @Test
    void timeoutsLeaveSignalEmpty() throws InterruptedException {
        Signal never = Signal.create();

        int timeouts = timeoutWins(never);

        assertThat(timeouts).isEqualTo(AWAITS);
        assertThat(never.listenerCount()).isZero();
    }

    @Test
    void signalWinsLeaveContextDoneEmpty() throws InterruptedException {
        try (CancelableContext ctx = root.withCancel()) {
            int signalWins = signalWins(ctx.done());

            assertThat(signalWins).isEqualTo(AWAITS);
            assertThat(ctx.done().listenerCount()).isZero();
        }
    }

    @Test
    void signalWinsLeaveSignalEmpty() throws InterruptedException {
        Signal never = Signal.create();

        int signalWins = signalWins(never);

        assertThat(signalWins).isEqualTo(AWAITS);
        assertThat(never.listenerCount()).isZero();
    }

    @Test
    void backgroundDoneKeepsNoListener() throws InterruptedException {
        int timeouts = timeoutWins(Context.background().done());

        assertThat(timeouts).isEqualTo(AWAITS);
        assertThat(Context.background().done().listenerCount()).isZero();
    }

    private static int timeoutWins(Done never) throws InterruptedException {
        ImmediateClock clock = new ImmediateClock();
        int wins = 0;
        for (int i = 0; i < AWAITS; i++) {
            boolean timedOut = Select.<Boolean>on(clock)
                    .onDone(never, () -> false)
                    .onTimeout(TIMEOUT, () -> true)
                    .await();
            wins += timedOut ? 1 : 0;
        }
        return wins;
    }

    /**
     * Waits on {@code never} and a fresh signal per wait. The timeout case is armed last, and its
     * immediate timer fires the signal instead of running, so the signal case wins each time.
     */
    private static int signalWins(Done never) throws InterruptedException {
        Signal[] current = new Signal[1];
        ImmediateClock clock = new ImmediateClock(action -> current[0].fire());
        int wins = 0;
        for (int i = 0; i < AWAITS; i++) {
            current[0] = Signal.create();
            String picked = Select.<String>on(clock)
                    .onDone(never, () -> "never")
                    .onDone(current[0], () -> "signal")
                    .onTimeout(TIMEOUT, () -> "timeout")
                    .await();
            wins += picked.equals("signal") ? 1 : 0;
        }
        return wins;
    }
}
