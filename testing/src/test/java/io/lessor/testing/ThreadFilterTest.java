package io.lessor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

@CheckLeaks
class ThreadFilterTest {

    private final ThreadFilter filter = ThreadFilter.withBuiltIns(List.of(Pattern.compile("my-pool-\\d+")));

    @ParameterizedTest
    @ValueSource(strings = {
        "VirtualThread-unblocker", "Read-Poller", "Write-Poller", "MasterPoller", "SubPoller-0", "Common-Cleaner",
        "process reaper", "Attach Listener", "Signal Dispatcher", "Reference Handler", "Finalizer",
        "Notification Thread", "ForkJoinPool.commonPool-worker-3", "ForkJoinPool.commonPool-delayScheduler",
        "junit-jupiter-timeout-watcher", "surefire-forkedjvm-ping-30s", "lessor-timer", "my-pool-12",
        "grpc-nio-worker-ELG-1-2", "grpc-default-worker-ELG-3-1", "grpc-default-boss-ELG-1-1", "globalEventExecutor-1-34"})
    void ignoresInfrastructureAndUserNames(String name) {
        assertThat(filter.ignoresName(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"my-pool-", "my-pool-1x", "lessor-timer-2", "ForkJoinPool-1-worker-1", "main", "",
        "grpc-default-worker-ELG"})
    void reportsOtherNames(String name) {
        assertThat(filter.ignoresName(name)).isFalse();
    }

    @Test
    void ignoresCarrierThreadsWhateverTheirName() throws Exception {
        Thread[] carrier = new Thread[1];
        Thread.ofVirtual().start(() -> {
            // A virtual thread's carrier is the only platform thread named like a pool worker here.
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
                    carrier[0] = t;
                }
            }
        }).join();

        assertThat(carrier[0]).isNotNull();
        assertThat(filter.ignores(carrier[0])).isTrue();
    }

    @Test
    void reportsOrdinaryPlatformThread() throws Exception {
        try (ParkedThread parked = ParkedThread.platform("ordinary")) {
            assertThat(filter.ignores(parked.thread())).isFalse();
        }
    }
}
