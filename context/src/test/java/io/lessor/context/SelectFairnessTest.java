package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Select: among the cases ready at once, each is picked with the same probability. */
@ExtendWith(LeakCheck.class)
class SelectFairnessTest {

    private static final int ROUNDS = 30_000;

    @Test
    void readyCasesPickedUniformly() throws InterruptedException {
        // Given cases 0 and 2 ready and case 1 never ready between them,
        Signal fired = Signal.create();
        fired.fire();
        Signal never = Signal.create();
        int[] counts = new int[3];

        // when the select runs many times,
        for (int i = 0; i < ROUNDS; i++) {
            int picked = Select.<Integer>create()
                    .onDone(fired, () -> 0)
                    .onDone(never, () -> 1)
                    .onDone(fired, () -> 2)
                    .await();
            counts[picked]++;
        }

        // then each ready case wins about half the rounds. The bounds are over 15 standard
        // deviations wide, so a fair pick fails them with negligible probability, while picking
        // the ready case after a random start gives case 2 two thirds.
        assertThat(counts[1]).isZero();
        assertThat(counts[0]).isBetween(ROUNDS * 45 / 100, ROUNDS * 55 / 100);
        assertThat(counts[2]).isBetween(ROUNDS * 45 / 100, ROUNDS * 55 / 100);
    }

    @Test
    void singleReadyCaseAlwaysPicked() throws InterruptedException {
        Signal fired = Signal.create();
        fired.fire();
        Signal never = Signal.create();

        for (int i = 0; i < 1_000; i++) {
            int picked = Select.<Integer>create()
                    .onDone(never, () -> 0)
                    .onDone(fired, () -> 1)
                    .onDone(never, () -> 2)
                    .await();
            assertThat(picked).isEqualTo(1);
        }
    }
}
