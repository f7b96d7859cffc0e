package io.lessor.examples;

import io.lessor.testing.CheckLeaks;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.Diagnostics;
import io.lessor.context.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

@CheckLeaks
class WorkerExampleTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock();
    private final CapturedOutput output = new CapturedOutput();

    @Test
    void printsOneLinePerTickUntilTimeout() throws Exception {
        // given a worker that ticks every 50 ms under a timeout of 250 ms, on virtual time
        long mark = Diagnostics.mark();
        WorkerExample.Options options = new WorkerExample.Options(Duration.ofMillis(50), Duration.ofMillis(250));
        BackgroundRun<Void> run = BackgroundRun.start(() -> {
            WorkerExample.run(Context.root(clock), options, output.stream());
            return null;
        });
        Thread workerThread = awaitWorkerThread(mark);

        // when the clock passes the ticks at 50, 100, 150 and 200 ms, and then the deadline
        for (int step = 0; step < 5; step++) {
            VirtualTime.advanceWhenPending(clock, 2, Duration.ofMillis(50));
        }
        run.await(TEST_TIMEOUT);

        // then the ticks at 0 to 200 ms printed, the deadline won over the tick at 250 ms, and
        // the worker's thread has exited before "worker stopped"
        List<String> expected = new ArrayList<>(Collections.nCopies(5, "working"));
        expected.add("worker stopped: context deadline exceeded");
        assertThat(output.lines()).containsExactlyElementsOf(expected);
        assertThat(workerThread.isAlive()).isFalse();
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void stopsWhenParentIsCancelled() throws Exception {
        // given a worker with a long timeout that has printed its first line
        CancelableContext parent = Context.root(clock).withCancel();
        WorkerExample.Options options = new WorkerExample.Options(Duration.ofSeconds(1), Duration.ofSeconds(5));
        BackgroundRun<Void> run = BackgroundRun.start(() -> {
            WorkerExample.run(parent, options, output.stream());
            return null;
        });
        assertThat(clock.awaitPendingTimers(2, TEST_TIMEOUT)).isTrue();

        // when the parent is cancelled, as Main does on Ctrl-C
        parent.cancel(new IllegalStateException("stopped by the test"));
        run.await(TEST_TIMEOUT);

        // then the worker stops at once and prints the parent's cause
        assertThat(output.lines()).containsExactly("working",
                "worker stopped: context canceled, cause: stopped by the test");
        assertThat(clock.pendingTimers()).isZero();
    }

    @Test
    void mainRunsWorkerOnRealClock() throws Exception {
        long startNanos = System.nanoTime();
        CapturedOutput errors = new CapturedOutput();

        int status = Main.run(Context.background(), List.of("worker", "--period", "20ms", "--run-for=110ms"),
                output.stream(), errors.stream());

        // Ticks are due at 0, 20, ..., 100 ms; a slow machine may skip some, never add one.
        List<String> lines = output.lines();
        assertThat(status).isEqualTo(Main.EXIT_OK);
        assertThat(errors.text()).isEmpty();
        assertThat(lines).last().isEqualTo("worker stopped: context deadline exceeded");
        assertThat(lines.subList(0, lines.size() - 1)).hasSizeBetween(1, 6).containsOnly("working");
        assertThat(Duration.ofNanos(System.nanoTime() - startNanos)).isGreaterThanOrEqualTo(Duration.ofMillis(110));
    }

    @Test
    void optionsDefaultToArticlesTimes() throws UsageException {
        WorkerExample.Options options = WorkerExample.Options.parse(List.of());

        assertThat(options.period()).isEqualTo(Duration.ofSeconds(1));
        assertThat(options.runFor()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void optionsRejectZeroPeriod() {
        assertThatThrownBy(() -> WorkerExample.Options.parse(List.of("--period", "0s")))
                .isInstanceOf(UsageException.class)
                .hasMessage("worker: invalid --period: must be greater than zero, got 0s");
    }

    /** Returns the worker's thread, which the leak check's tracking records when it starts. */
    private static Thread awaitWorkerThread(long mark) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + TEST_TIMEOUT.toNanos();
        while (System.nanoTime() - deadlineNanos < 0) {
            for (Diagnostics.LiveResource resource : Diagnostics.liveSince(mark)) {
                if (resource.kind() == Diagnostics.Kind.TASK && resource.name().equals(WorkerExample.NAME)) {
                    return resource.thread();
                }
            }
            Thread.sleep(1);
        }
        throw new AssertionError("no worker thread started within " + TEST_TIMEOUT);
    }
}
