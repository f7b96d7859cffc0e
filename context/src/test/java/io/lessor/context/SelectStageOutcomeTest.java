package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Select.onComplete: the handler gets the stage's own value or exception. */
@ExtendWith(LeakCheck.class)
class SelectStageOutcomeTest {

    private record Outcome(Object value, Throwable failure) {
    }

    @Test
    void completedStageGivesValue() throws InterruptedException {
        Outcome outcome = select(CompletableFuture.completedFuture("ok"));

        assertThat(outcome.value()).isEqualTo("ok");
        assertThat(outcome.failure()).isNull();
    }

    @Test
    void failedStageGivesItsException() throws InterruptedException {
        IOException failure = new IOException("disk");

        Outcome outcome = select(CompletableFuture.failedFuture(failure));

        assertThat(outcome.failure()).isSameAs(failure);
    }

    @Test
    void dependentFailureUnwrapped() throws InterruptedException {
        IOException failure = new IOException("disk");
        CompletableFuture<String> dependent = CompletableFuture.<String>failedFuture(failure).thenApply(v -> v);

        Outcome outcome = select(dependent);

        assertThat(outcome.failure()).isSameAs(failure);
    }

    @Test
    void contextDoneFailureGivenAsIs() throws InterruptedException {
        ContextDoneException failure = new ContextDoneException(Reason.CANCELED, new RuntimeException("why"));

        Outcome outcome = select(CompletableFuture.failedFuture(failure));

        assertThat(outcome.failure()).isSameAs(failure);
    }

    @Test
    void cancelledStageGivesCancellation() throws InterruptedException {
        CompletableFuture<String> cancelled = new CompletableFuture<>();
        cancelled.cancel(false);

        Outcome outcome = select(cancelled);

        assertThat(outcome.failure()).isInstanceOf(CancellationException.class);
        assertThat(outcome.value()).isNull();
    }

    @Test
    void stageFailedLaterGivesItsException() throws InterruptedException {
        CompletableFuture<String> later = new CompletableFuture<>();
        ContextDoneException failure = new ContextDoneException(Reason.DEADLINE_EXCEEDED, new RuntimeException("late"));
        Thread.ofVirtual().start(() -> later.completeExceptionally(failure));

        Outcome outcome = select(later);

        assertThat(outcome.failure()).isSameAs(failure);
    }

    private static Outcome select(CompletableFuture<?> stage) throws InterruptedException {
        return Select.<Outcome>create().onComplete(stage, Outcome::new).await();
    }
}
