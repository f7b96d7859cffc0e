package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Very deep context chains: names are built on demand, so neither creating a chain nor printing
 * it costs more than linear time and memory, or recursion.
 */
@ExtendWith(LeakCheck.class)
class ContextDepthTest {

    private static final int DEPTH = 100_000;
    private static final Key<Integer> LEVEL = Key.named("level");

    private final ManualClock clock = new ManualClock();

    @Test
    void deepCancelChainEndsWithRoot() {
        CancelableContext root = Context.root(clock).withCancel();
        Context leaf = root;
        for (int i = 0; i < DEPTH; i++) {
            leaf = leaf.withCancel();
        }

        RuntimeException cause = new RuntimeException("stop");
        root.cancel(cause);

        assertThat(leaf.reason()).isEqualTo(Reason.CANCELED);
        assertThat(leaf.cause()).isSameAs(cause);
        assertThat(leaf.toString())
                .startsWith("context.Root(" + clock + ").WithCancel.WithCancel")
                .endsWith(".WithCancel")
                .hasSize(("context.Root(" + clock + ")").length() + (DEPTH + 1) * ".WithCancel".length());
    }

    @Test
    void deepValueChainThenWithCancel() {
        CancelableContext root = Context.root(clock).withCancel();
        Context values = valueChain(root);

        try (CancelableContext leaf = values.withCancel()) {
            root.cancel();

            assertThat(leaf.reason()).isEqualTo(Reason.CANCELED);
            assertThat(leaf.value(LEVEL)).isEqualTo(DEPTH - 1);
            assertThat(leaf.toString()).endsWith(".WithValue(level).WithValue(level).WithCancel");
        }
    }

    @Test
    void deepValueChainThenWithTimeout() {
        CancelableContext root = Context.root(clock).withCancel();
        Context values = valueChain(root);

        try (CancelableContext leaf = values.withTimeout(Duration.ofSeconds(30))) {
            root.cancel();

            assertThat(leaf.reason()).isEqualTo(Reason.CANCELED);
            assertThat(leaf.toString()).contains(".WithValue(level).WithDeadline(");
        }
    }

    @Test
    void deepDetachedChainThenWithTimeout() {
        Context detached = Context.root(clock);
        for (int i = 0; i < DEPTH; i++) {
            detached = detached.withoutCancel();
        }

        try (CancelableContext leaf = detached.withTimeout(Duration.ofSeconds(30))) {
            clock.advance(Duration.ofSeconds(30));

            assertThat(leaf.reason()).isEqualTo(Reason.DEADLINE_EXCEEDED);
            assertThat(leaf.toString()).contains(".WithoutCancel.WithDeadline(");
        }
    }

    private static Context valueChain(Context parent) {
        Context c = parent;
        for (int i = 0; i < DEPTH; i++) {
            c = c.with(LEVEL, i);
        }
        return c;
    }
}
