package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

@CheckLeaks
class LeakFinderTest {

    private static LeakSettings settings(Duration wait, boolean virtualThreads) {
        return new LeakSettings(wait, virtualThreads, ThreadFilter.withBuiltIns(List.of()));
    }

    @Test
    void maxWaitWithNothingLeakedReturnsAtOnce() throws InterruptedException {
        LeakFinder.Baseline baseline = LeakFinder.baseline(true);

        List<Leak> leaks = LeakFinder.awaitNoLeaks(baseline, settings(Duration.ofMillis(Long.MAX_VALUE), true), Set.of());

        assertThat(leaks).isEmpty();
    }

    @Test
    void zeroWaitReportsLeakAfterOneCheck() throws Exception {
        LeakFinder.Baseline baseline = LeakFinder.baseline(false);
        try (CancelableContext ctx = Context.background().withCancel()) {
            List<Leak> leaks = LeakFinder.awaitNoLeaks(baseline, settings(Duration.ZERO, false), Set.of());

            assertThat(leaks).singleElement().satisfies(leak -> {
                assertThat(leak.kind()).isEqualTo(Leak.Kind.CONTEXT);
                assertThat(leak.title()).isEqualTo(ctx.toString());
                assertThat(leak.traces()).extracting(Leak.Trace::label).containsExactly("created at");
            });
        }
    }

    @Test
    void excludedKeysAreSkipped() throws Exception {
        LeakFinder.Baseline baseline = LeakFinder.baseline(true);
        try (CancelableContext ctx = Context.background().withCancel();
                ParkedThread platform = ParkedThread.platform("finder-platform");
                ParkedThread virtual = ParkedThread.virtual("finder-virtual")) {
            List<Leak> all = LeakFinder.find(baseline, settings(Duration.ZERO, true), Set.of());
            assertThat(all).extracting(Leak::kind)
                    .containsExactly(Leak.Kind.CONTEXT, Leak.Kind.PLATFORM_THREAD, Leak.Kind.VIRTUAL_THREAD);

            Set<String> excluded = Set.of("thread " + platform.thread().threadId(), "thread " + virtual.thread().threadId());
            List<Leak> rest = LeakFinder.find(baseline, settings(Duration.ZERO, true), excluded);

            assertThat(rest).extracting(Leak::kind).containsExactly(Leak.Kind.CONTEXT);
        }
    }

    @Test
    void threadsInBaselineAreNotLeaks() throws Exception {
        try (ParkedThread platform = ParkedThread.platform("finder-old-platform");
                ParkedThread virtual = ParkedThread.virtual("finder-old-virtual")) {
            LeakFinder.Baseline baseline = LeakFinder.baseline(true);

            assertThat(LeakFinder.find(baseline, settings(Duration.ZERO, true), Set.of())).isEmpty();
        }
    }
}
