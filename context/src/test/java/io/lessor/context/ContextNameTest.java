package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** toString of contexts: the chain of constructors from the root, as Go's String methods print it. */
@ExtendWith(LeakCheck.class)
class ContextNameTest {

    private static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");
    private static final Instant FARTHER = Instant.parse("2200-01-01T00:00:00Z");

    @Test
    void rootsNamedLikeGo() {
        assertThat(Context.background()).hasToString("context.Background");
        assertThat(Context.todo()).hasToString("context.TODO");
    }

    @Test
    void withCancelAppendsToParent() {
        try (CancelableContext ctx = Context.background().withCancel();
                CancelableContext todo = Context.todo().withCancel()) {
            assertThat(ctx).hasToString("context.Background.WithCancel");
            assertThat(todo).hasToString("context.TODO.WithCancel");
        }
    }

    @Test
    void nestedNamesListEveryStep() {
        try (CancelableContext ctx = Context.background().withCancel()) {
            Context leaf = ctx.with(Key.named("request-id"), "r-1").withoutCancel();

            assertThat(leaf).hasToString("context.Background.WithCancel.WithValue(request-id).WithoutCancel");
        }
    }

    @Test
    void withDeadlineShowsInstant() {
        try (CancelableContext ctx = Context.background().withDeadline(FAR)) {
            assertThat(ctx).hasToString("context.Background.WithDeadline(2100-01-01T00:00:00Z)");
        }
    }

    @Test
    void laterDeadlineUnderEarlierIsWithCancel() {
        try (CancelableContext parent = Context.background().withDeadline(FAR);
                CancelableContext child = parent.withDeadline(FARTHER)) {
            assertThat(child).hasToString("context.Background.WithDeadline(2100-01-01T00:00:00Z).WithCancel");
        }
    }
}
