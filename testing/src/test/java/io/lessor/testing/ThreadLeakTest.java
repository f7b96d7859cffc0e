package io.lessor.testing;

import static io.lessor.testing.FixtureRunner.assertPassed;
import static io.lessor.testing.FixtureRunner.onlyTestFailure;
import static io.lessor.testing.FixtureRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The leak check on platform and virtual threads, its wait and its ignore lists. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class ThreadLeakTest {

    @AfterEach
    void closeLeftovers() throws Exception {
        Leftovers.closeAll();
    }

    @Test
    void platformThreadLeftRunningFails() {
        String message = onlyTestFailure(run(PlatformThreadLeft.class));

        assertThat(message).startsWith("1 leak still alive 100 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^PLATFORM_THREAD leaky-platform-thread \\(#\\d+, WAITING, daemon\\)$");
        assertThat(message).contains("    running at:\n");
        assertThat(message).contains("java.util.concurrent.CountDownLatch.await(");
        assertThat(message).contains("io.lessor.testing.ParkedThread.park(");
    }

    @Test
    void virtualThreadLeftParkedPassesWhenNotChecked() {
        assertPassed(run(VirtualThreadLeft.class));
    }

    @Test
    void virtualThreadLeftParkedFailsWhenAnnotationChecks() {
        String message = onlyTestFailure(run(VirtualThreadLeftChecked.class));

        assertThat(message).startsWith("1 leak still alive 100 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^VIRTUAL_THREAD leaky-virtual-thread \\(#\\d+\\)$");
        assertThat(message).contains("java.util.concurrent.CountDownLatch.await(");
    }

    @Test
    void virtualThreadLeftParkedFailsWhenParameterChecks() {
        String message = onlyTestFailure(run(VirtualThreadLeft.class,
                Map.of(LeakCheckExtension.VIRTUAL_THREADS_PROPERTY, "true")));

        assertThat(message).containsPattern("(?m)^VIRTUAL_THREAD leaky-virtual-thread \\(#\\d+\\)$");
    }

    @Test
    void virtualThreadLeftParkedFailsWhenBuilderChecks() {
        String message = onlyTestFailure(run(VirtualThreadLeftBuilder.class));

        assertThat(message).startsWith("1 leak still alive 150 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^VIRTUAL_THREAD leaky-virtual-thread \\(#\\d+\\)$");
    }

    @Test
    void unnamedVirtualThreadIsShownAsUnnamed() {
        String message = onlyTestFailure(run(UnnamedVirtualThreadLeft.class));

        assertThat(message).containsPattern("(?m)^VIRTUAL_THREAD \\(unnamed\\) \\(#\\d+\\)$");
    }

    @Test
    void threadEndingWithinWaitPasses() {
        long startNanos = System.nanoTime();

        assertPassed(run(ThreadEndsSoon.class));

        assertThat(System.nanoTime() - startNanos).as("nanoseconds spent").isGreaterThanOrEqualTo(200_000_000L);
    }

    @Test
    void waitIsBounded() {
        long startNanos = System.nanoTime();

        String message = onlyTestFailure(run(PlatformThreadLeftWait300.class));

        assertThat(System.nanoTime() - startNanos).as("nanoseconds spent").isGreaterThanOrEqualTo(300_000_000L);
        assertThat(message).startsWith("1 leak still alive 300 ms after the test ended:\n");
    }

    @Test
    void annotationIgnoresThreadsByName() {
        assertPassed(run(IgnoredByAnnotation.class));
    }

    @Test
    void parameterIgnoresThreadsByName() {
        assertPassed(run(NotIgnored.class, Map.of(LeakCheckExtension.IGNORE_THREADS_PROPERTY,
                " unrelated-.* , known-helper-\\d+ ")));
    }

    @Test
    void systemPropertyIgnoresThreadsByName() {
        System.setProperty(LeakCheckExtension.IGNORE_THREADS_PROPERTY, "known-helper-\\d+");
        try {
            assertPassed(run(NotIgnored.class));
        } finally {
            System.clearProperty(LeakCheckExtension.IGNORE_THREADS_PROPERTY);
        }
    }

    @Test
    void builderIgnoresThreadsByName() {
        assertPassed(run(IgnoredByBuilder.class));
    }

    @Test
    void ignorePatternMustMatchWholeName() {
        String message = onlyTestFailure(run(NotIgnored.class,
                Map.of(LeakCheckExtension.IGNORE_THREADS_PROPERTY, "known-helper")));

        assertThat(message).containsPattern("(?m)^PLATFORM_THREAD known-helper-1 ");
        assertThat(message).containsPattern("(?m)^VIRTUAL_THREAD known-helper-2 ");
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class PlatformThreadLeft {
        @Test
        void leavesPlatformThread() {
            Leftovers.keep(ParkedThread.platform("leaky-platform-thread"));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 300)
    static class PlatformThreadLeftWait300 {
        @Test
        void leavesPlatformThread() {
            Leftovers.keep(ParkedThread.platform("leaky-platform-thread"));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class VirtualThreadLeft {
        @Test
        void leavesVirtualThread() {
            Leftovers.keep(ParkedThread.virtual("leaky-virtual-thread"));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class VirtualThreadLeftChecked {
        @Test
        void leavesVirtualThread() {
            Leftovers.keep(ParkedThread.virtual("leaky-virtual-thread"));
        }
    }

    @Fixture
    static class VirtualThreadLeftBuilder {
        @RegisterExtension
        static final LeakCheckExtension LEAKS = LeakCheckExtension.builder()
                .waitUpTo(Duration.ofMillis(150))
                .checkVirtualThreads(true)
                .build();

        @Test
        void leavesVirtualThread() {
            Leftovers.keep(ParkedThread.virtual("leaky-virtual-thread"));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class UnnamedVirtualThreadLeft {
        @Test
        void leavesVirtualThread() {
            Leftovers.keep(ParkedThread.virtual(""));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(virtualThreads = true)
    static class ThreadEndsSoon {
        @Test
        void startsThreadsThatExitAfter200Millis() {
            Runnable sleep = () -> {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            };
            Thread.ofPlatform().name("short-platform-thread").start(sleep);
            Thread.ofVirtual().name("short-virtual-thread").start(sleep);
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class NotIgnored {
        @Test
        void leavesHelpers() {
            Leftovers.keep(ParkedThread.platform("known-helper-1"));
            Leftovers.keep(ParkedThread.virtual("known-helper-2"));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true, ignoreThreads = {"unrelated", "known-helper-\\d+"})
    static class IgnoredByAnnotation {
        @Test
        void leavesHelpers() {
            Leftovers.keep(ParkedThread.platform("known-helper-1"));
            Leftovers.keep(ParkedThread.virtual("known-helper-2"));
        }
    }

    @Fixture
    static class IgnoredByBuilder {
        @RegisterExtension
        static final LeakCheckExtension LEAKS = LeakCheckExtension.builder()
                .waitUpTo(Duration.ofMillis(100))
                .checkVirtualThreads(true)
                .ignoreThreads("known-helper-\\d+")
                .build();

        @Test
        void leavesHelpers() {
            Leftovers.keep(ParkedThread.platform("known-helper-1"));
            Leftovers.keep(ParkedThread.virtual("known-helper-2"));
        }
    }
}
