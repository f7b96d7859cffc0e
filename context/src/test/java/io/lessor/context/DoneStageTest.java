package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Done.asStage(): one stage per signal, and none kept for a signal that never fires. */
@ExtendWith(LeakCheck.class)
class DoneStageTest {

    @Test
    void asStageReturnsSameStage() {
        try (CancelableContext ctx = Context.background().withCancel()) {
            CompletionStage<Void> first = ctx.done().asStage();
            CompletionStage<Void> second = ctx.done().asStage();

            // As Object: AssertJ turns a CompletionStage into a new CompletableFuture.
            assertThat((Object) second).isSameAs(first);
        }
    }

    @Test
    void asStageCompletesWhenFired() {
        Signal signal = Signal.create();
        CompletionStage<Void> stage = signal.asStage();
        AtomicBoolean ran = new AtomicBoolean();
        stage.thenRun(() -> ran.set(true));

        signal.fire();

        assertThat(ran).isTrue();
        assertThat((Object) signal.asStage()).isSameAs(stage);
    }

    @Test
    void backgroundStageSharedAndNeverCompletes() {
        CompletionStage<Void> stage = Context.background().done().asStage();
        AtomicBoolean ran = new AtomicBoolean();

        CompletionStage<Void> derived = stage.thenRun(() -> ran.set(true));
        CompletableFuture<Void> userCopy = stage.toCompletableFuture();
        userCopy.complete(null);

        assertThat((Object) Context.background().done().asStage()).isSameAs(stage);
        assertThat((Object) Context.background().withoutCancel().done().asStage()).isSameAs(stage);
        assertThat(derived.toCompletableFuture()).isNotDone();
        assertThat(stage.toCompletableFuture()).isNotDone();
        assertThat(ran).isFalse();
    }

    @Test
    void backgroundStageEitherFollowsOther() {
        CompletionStage<Void> never = Context.background().done().asStage();
        CompletableFuture<Void> other = new CompletableFuture<>();

        CompletionStage<String> either = never.applyToEither(other, ignored -> "other");
        other.complete(null);

        assertThat(either.toCompletableFuture()).isCompletedWithValue("other");
    }
}
