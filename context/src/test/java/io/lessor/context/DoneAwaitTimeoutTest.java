package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Done.await(Duration) with a timeout that is zero or negative returns at once. */
@ExtendWith(LeakCheck.class)
class DoneAwaitTimeoutTest {

    @ParameterizedTest
    @ValueSource(longs = {0, -1, -1_000_000_000L, Long.MIN_VALUE})
    void nonPositiveTimeoutReturnsAtOnce(long seconds) throws Exception {
        Signal signal = Signal.create();
        Duration timeout = Duration.ofSeconds(seconds);

        // On a separate thread, so that a wait that blocks fails the test instead of hanging it.
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                result.complete(signal.await(timeout));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });

        assertThat(result.get(10, TimeUnit.SECONDS)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(longs = {0, Long.MIN_VALUE})
    void firedSignalReturnsTrue(long seconds) throws InterruptedException {
        Signal signal = Signal.create();
        signal.fire();

        assertThat(signal.await(Duration.ofSeconds(seconds))).isTrue();
    }
}
