package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** done() of descendants at any depth fires when the top context is cancelled. */
@ExtendWith(LeakCheck.class)
class DonePropagationTest {

    private final ManualClock clock = new ManualClock();
    private final Context root = Context.root(clock);
    private final RuntimeException cause = new RuntimeException("top cancelled");

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void watchedDescendantsFire(int depth) {
        CancelableContext top = root.withCancel();
        List<CancelableContext> chain = chain(top, depth);
        List<Done> signals = new ArrayList<>();
        for (CancelableContext ctx : chain) {
            signals.add(ctx.done());
        }

        top.cancel(cause);

        assertThat(signals).allMatch(Done::isFired);
        assertThat(chain.getLast().cause()).isSameAs(cause);
    }

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void watchedLeafFiresAlone(int depth) {
        CancelableContext top = root.withCancel();
        CancelableContext leaf = chain(top, depth).getLast();
        Done done = leaf.done();

        top.cancel(cause);

        assertThat(done.isFired()).isTrue();
        assertThat(leaf.cause()).isSameAs(cause);
    }

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void unwatchedLeafEnds(int depth) {
        CancelableContext top = root.withCancel();
        CancelableContext leaf = chain(top, depth).getLast();

        top.cancel(cause);

        assertThat(leaf.reason()).isEqualTo(Reason.CANCELED);
        assertThat(leaf.cause()).isSameAs(cause);
        assertThat(leaf.done().isFired()).isTrue();
    }

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void unwatchedLeafDoneFires(int depth) {
        CancelableContext top = root.withCancel();
        CancelableContext leaf = chain(top, depth).getLast();

        top.cancel(cause);

        assertThat(leaf.done().isFired()).isTrue();
    }

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void waitingThreadWakes(int depth) throws InterruptedException {
        CancelableContext top = root.withCancel();
        Done done = chain(top, depth).getLast().done();
        Thread waiter = Thread.ofVirtual().start(done::awaitUninterruptibly);

        top.cancel(cause);
        waiter.join(Bounded.LIMIT);

        assertThat(waiter.isAlive()).isFalse();
    }

    @ParameterizedTest(name = "depth={0}")
    @ValueSource(ints = {1, 10, 1000})
    void mixedChainEnds(int depth) {
        CancelableContext top = root.withCancel();
        Context leaf = top;
        for (int i = 0; i < depth; i++) {
            leaf = switch (i % 3) {
                case 0 -> leaf.with(Key.named("level-" + i), i);
                case 1 -> leaf.withTimeout(Duration.ofHours(1 + i));
                default -> leaf.withCancel();
            };
        }
        Done done = leaf.done();

        top.cancel(cause);

        assertThat(done.isFired()).isTrue();
        assertThat(leaf.cause()).isSameAs(cause);
        assertThat(clock.pendingTimers()).isZero();
    }

    private static List<CancelableContext> chain(CancelableContext top, int depth) {
        List<CancelableContext> chain = new ArrayList<>(depth);
        CancelableContext current = top;
        for (int i = 0; i < depth; i++) {
            current = current.withCancel();
            chain.add(current);
        }
        return chain;
    }
}
