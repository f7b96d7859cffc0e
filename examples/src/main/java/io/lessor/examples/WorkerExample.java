package io.lessor.examples;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.Worker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A background loop that a timeout stops: it prints {@code working} once per period until its
 * context's deadline passes, then the program prints {@code worker stopped} and how the context
 * ended. This is the goroutine that loops over a {@code select} on {@code ctx.Done()} and a
 * ticker, started under {@code context.WithTimeout}.
 *
 * <pre>
 * $ bin/lessor example worker --period 1s --run-for 3s
 * working
 * working
 * working
 * worker stopped: context deadline exceeded
 * </pre>
 *
 * <p>A stop signal (Ctrl-C) cancels the parent context first, and the last line then names it:
 * {@code worker stopped: context canceled, cause: stopped by a signal (SIGINT, SIGTERM or
 * SIGHUP)}.
 *
 * <p>The first line comes at once and the next ones one period apart, so a run of 3 s with a
 * period of 1 s prints three or four lines, depending on whether the tick at 3 s or the
 * deadline wins the race. On a {@link io.lessor.context.ManualClock} the deadline, whose timer
 * was scheduled first, always wins.
 */
final class WorkerExample {

    static final String NAME = "worker";

    static final String USAGE = """
              worker              prints "working" once per period until a timeout stops it
                  --period D      time between two lines (default 1s)
                  --run-for D     timeout of the worker's context (default 5s)
            """;

    /**
     * The example's settings.
     *
     * @param period the time between two {@code working} lines; greater than zero
     * @param runFor the timeout of the worker's context
     */
    record Options(Duration period, Duration runFor) {
        Options {
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(runFor, "runFor");
        }

        static Options parse(List<String> args) throws UsageException {
            Flags flags = Flags.parse(NAME, args, Set.of("period", "run-for"));
            return new Options(
                    flags.positiveDuration("period", Duration.ofSeconds(1)),
                    flags.duration("run-for", Duration.ofSeconds(5)));
        }
    }

    private WorkerExample() {
    }

    /**
     * Runs the loop under a child of {@code parent} with a timeout of {@code options.runFor()},
     * and returns once the worker's thread has exited.
     *
     * @throws InterruptedException if the calling thread is interrupted while it waits; the
     *     worker is stopped before this is thrown
     */
    static void run(Context parent, Options options, PrintStream out) throws InterruptedException {
        String ending;
        try (CancelableContext ctx = parent.withTimeout(options.runFor());
                Worker worker = Worker.every(ctx, NAME, options.period(), tickContext -> out.println("working"))) {
            worker.stopped().await();
            // Read before close() cancels the contexts: the worker's context has ended by now,
            // and its reason and cause are those of whatever stopped it.
            ending = ContextEnding.describe(worker.context());
        }
        // Both resources are closed here, in reverse order: Worker.close() has joined the loop's
        // thread, so nothing of the example is still running when this line prints.
        out.println("worker stopped: " + ending);
    }
}
