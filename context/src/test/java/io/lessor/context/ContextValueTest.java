package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Go's WithValue and Value: lookup order, key identity and null values. */
@ExtendWith(LeakCheck.class)
class ContextValueTest {

    private final Context root = Context.root(new ManualClock());
    private final Key<String> key = Key.named("request-id");

    @Test
    void innermostBindingWins() {
        Context ctx = root.with(key, "outer").with(Key.named("other"), "x").with(key, "inner");

        assertThat(ctx.value(key)).isEqualTo("inner");
    }

    @Test
    void outerBindingSeenFromInside() {
        Key<Integer> other = Key.named("attempt");
        Context ctx = root.with(key, "r-1").with(other, 3);

        assertThat(ctx.value(key)).isEqualTo("r-1");
        assertThat(ctx.value(other)).isEqualTo(3);
    }

    @Test
    void keysCompareByIdentity() {
        Key<String> sameName = Key.named("request-id");
        Context ctx = root.with(key, "r-1");

        assertThat(ctx.value(sameName)).isNull();
        assertThat(ctx.with(sameName, "r-2").value(key)).isEqualTo("r-1");
    }

    @Test
    void missingKeyReturnsNull() {
        assertThat(root.value(key)).isNull();
        assertThat(Context.background().value(key)).isNull();
    }

    @Test
    void nullValueIsBound() {
        Context ctx = root.with(key, null);

        assertThat(ctx.value(key)).isNull();
    }

    @Test
    void nullValueShadowsOuterBinding() {
        Context ctx = root.with(key, "outer").with(key, null);

        assertThat(ctx.value(key)).isNull();
    }

    @Test
    void nullKeyRejected() {
        assertThatNullPointerException().isThrownBy(() -> root.with(null, "v"));
        assertThatNullPointerException().isThrownBy(() -> root.value(null));
    }

    @Test
    void valuesSeenThroughCancelableChildren() {
        try (CancelableContext ctx = root.with(key, "r-1").withCancel();
                CancelableContext leaf = ctx.withTimeout(Duration.ofSeconds(1))) {
            assertThat(leaf.value(key)).isEqualTo("r-1");
        }
    }

    @Test
    void valuesReadableAfterCancel() {
        CancelableContext ctx = root.with(key, "r-1").withCancel();

        ctx.cancel();

        assertThat(ctx.value(key)).isEqualTo("r-1");
    }
}
