package io.lessor.context;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakCheck.class)
class DiagnosticsOriginTest {

    @Test
    void loopStartedBeforeMarkIsNotReported() throws InterruptedException {
        Signal ticked = Signal.create();
        try (Worker loop = Worker.every(Context.background(), "pre-mark-loop", Duration.ofMillis(5), ctx -> {
            // Each tick leaves a fresh context and timer alive until the next one closes it.
            ticked.fire();
        })) {
            ticked.await();
            long mark = Diagnostics.mark();
            Thread.sleep(50);

            List<Diagnostics.LiveResource> live = Diagnostics.liveSince(mark);

            assertThat(live).isEmpty();
        }
    }

    @Test
    void resourceCreatedAfterMarkIsReported() {
        long mark = Diagnostics.mark();
        try (CancelableContext ctx = Context.background().withCancel()) {
            assertThat(Diagnostics.liveSince(mark))
                    .extracting(Diagnostics.LiveResource::name)
                    .containsExactly(ctx.toString());
        }
        assertThat(Diagnostics.liveSince(mark)).isEmpty();
    }

    @Test
    void attributeToMovesOriginBeforeMark() throws Exception {
        long origin = Diagnostics.mark();
        CancelableContext before = Context.background().withCancel();
        long mark = Diagnostics.mark();
        try (CancelableContext attributed = Diagnostics.attributeTo(origin, () -> Context.background().withCancel())) {
            assertThat(Diagnostics.liveSince(mark)).isEmpty();
            assertThat(attributed.isDone()).isFalse();
        } finally {
            before.close();
        }
    }
}
