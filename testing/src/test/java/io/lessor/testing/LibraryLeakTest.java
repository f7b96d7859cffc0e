package io.lessor.testing;

import static io.lessor.testing.FixtureRunner.assertPassed;
import static io.lessor.testing.FixtureRunner.failures;
import static io.lessor.testing.FixtureRunner.onlyTestFailure;
import static io.lessor.testing.FixtureRunner.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.TaskGroup;
import io.lessor.context.Worker;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/** The leak check on tasks, contexts and timers of io.lessor.context. */
@CheckLeaks
@LeakCheck(virtualThreads = true)
class LibraryLeakTest {

    @AfterEach
    void closeLeftovers() throws Exception {
        Leftovers.closeAll();
    }

    @Test
    void workerLeftRunningFails() {
        String message = onlyTestFailure(run(WorkerLeftRunning.class));

        assertThat(message).startsWith("2 leaks still alive 100 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^TASK leaky-worker \\(virtual thread #\\d+\\)$");
        assertThat(message).containsPattern("(?m)^CONTEXT context\\.Background\\.WithCancel$");
        assertThat(message).contains("    created at:\n        io.lessor.context.Worker.start(");
        assertThat(message).contains("LibraryLeakTest$WorkerLeftRunning.leavesWorker(LibraryLeakTest.java:");
        assertThat(message).contains("    running at:\n");
        assertThat(message).contains("io.lessor.context.Done.await(");
        assertThat(message).contains(" more frames (JUnit and the reflective call into the test)\n");
        // The worker's virtual thread is listed with its task only.
        assertThat(message).doesNotContain("VIRTUAL_THREAD");
    }

    @Test
    void platformWorkerReportedOnceAsTask() {
        String message = onlyTestFailure(run(PlatformWorkerLeftRunning.class));

        assertThat(message).startsWith("2 leaks still alive 100 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^TASK leaky-platform-worker \\(thread #\\d+\\)$");
        assertThat(message).doesNotContain("PLATFORM_THREAD");
    }

    @Test
    void contextLeftOpenFails() {
        String message = onlyTestFailure(run(ContextLeftOpen.class));

        assertThat(message).startsWith("1 leak still alive 100 ms after the test ended:\n"
                + "CONTEXT context.Background.WithCancel\n"
                + "    created at:\n"
                + "        io.lessor.context.Context.withCancel(");
        assertThat(message).contains("LibraryLeakTest$ContextLeftOpen.leavesContext(LibraryLeakTest.java:");
    }

    @Test
    void timeoutLeftOpenFailsForContextAndTimer() {
        String message = onlyTestFailure(run(TimeoutLeftOpen.class));

        assertThat(message).startsWith("2 leaks still alive 100 ms after the test ended:\n");
        assertThat(message).containsPattern("(?m)^CONTEXT context\\.Background\\.WithDeadline\\(.+\\)$");
        assertThat(message).containsPattern("(?m)^TIMER .+$");
        assertThat(message).contains("LibraryLeakTest$TimeoutLeftOpen.leavesTimeout(LibraryLeakTest.java:");
    }

    @Test
    void closedResourcesPass() {
        assertPassed(run(ClosesEverything.class));
    }

    @Test
    void contextEndedByParentPasses() {
        assertPassed(run(ChildOfClosedParent.class));
    }

    @Test
    void timeoutExpiringWithinWaitPasses() {
        assertPassed(run(TimeoutExpiresSoon.class));
    }

    @Test
    void testLeakNotReportedAgainForClass() {
        EngineExecutionResults results = run(WorkerLeftRunning.class);

        assertThat(failures(results.testEvents())).hasSize(1);
        assertThat(failures(results.containerEvents())).isEmpty();
    }

    @Test
    void leakFromBeforeAllFailsClass() {
        EngineExecutionResults results = run(WorkerFromBeforeAll.class);

        assertThat(results.testEvents().succeeded().count()).isEqualTo(1);
        List<Throwable> failures = failures(results.containerEvents());
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).getMessage())
                .startsWith("2 leaks still alive 100 ms after all tests of WorkerFromBeforeAll ended:\n")
                .containsPattern("(?m)^TASK class-worker \\(virtual thread #\\d+\\)$")
                .contains("LibraryLeakTest$WorkerFromBeforeAll.startWorker(LibraryLeakTest.java:");
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class WorkerLeftRunning {
        @Test
        void leavesWorker() {
            Leftovers.keep(Worker.start(Context.background(), "leaky-worker", ctx -> ctx.done().await()));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class PlatformWorkerLeftRunning {
        @Test
        void leavesWorker() {
            Leftovers.keep(Worker.startPlatform(Context.background(), "leaky-platform-worker", ctx -> ctx.done().await()));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class ContextLeftOpen {
        @Test
        void leavesContext() {
            Leftovers.keep(Context.background().withCancel());
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class TimeoutLeftOpen {
        @Test
        void leavesTimeout() {
            Leftovers.keep(Context.background().withTimeout(Duration.ofHours(1)));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100, virtualThreads = true)
    static class ClosesEverything {
        @Test
        void closesWhatItStarts() throws Exception {
            try (CancelableContext ctx = Context.background().withTimeout(Duration.ofHours(1));
                    Worker worker = Worker.every(ctx, "ticker", Duration.ofMillis(5), c -> { });
                    TaskGroup group = TaskGroup.open(ctx, "group")) {
                group.go("waiter", c -> c.done().await());
                assertThat(worker.isStopped()).isFalse();
            }
            try (ParkedThread platform = ParkedThread.platform("closed-platform-thread");
                    ParkedThread virtual = ParkedThread.virtual("closed-virtual-thread")) {
                assertThat(platform.thread().isAlive()).isTrue();
                assertThat(virtual.thread().isAlive()).isTrue();
            }
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class ChildOfClosedParent {
        @Test
        void closesOnlyParent() {
            try (CancelableContext parent = Context.background().withCancel()) {
                parent.withCancel();
                parent.withTimeout(Duration.ofHours(1));
            }
        }
    }

    @Fixture
    @CheckLeaks
    static class TimeoutExpiresSoon {
        @Test
        void leavesShortTimeout() {
            Context.background().withTimeout(Duration.ofMillis(200));
        }
    }

    @Fixture
    @CheckLeaks
    @LeakCheck(waitMillis = 100)
    static class WorkerFromBeforeAll {
        @BeforeAll
        static void startWorker() {
            Leftovers.keep(Worker.start(Context.background(), "class-worker", ctx -> ctx.done().await()));
        }

        @Test
        void doesNothing() {
        }
    }
}
