package io.lessor.examples;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.TaskGroup;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A task that keeps a file open while it works, and closes it on every way out: when it
 * finishes, when it fails mid-write, and when its context's timeout cancels it. Try-with-resources
 * plays Go's {@code defer f.Close()}.
 *
 * <pre>
 * $ bin/lessor example cleanup --file lines.txt --timeout 500ms --period 200ms
 * opened lines.txt
 * wrote line 1
 * wrote line 2
 * closed lines.txt
 * task stopped after writing 2 lines: context deadline exceeded
 * </pre>
 *
 * <p>The task writes one line per period, up to {@code --lines}. Its last line of output says
 * why it ended: {@code task finished after writing N lines}, {@code task stopped after writing N
 * lines: REASON} when its context ended first, or {@code task failed after writing N lines:
 * EXCEPTION} when opening or writing the file failed. Without {@code --file} it writes to a new
 * temporary file and deletes that file at the end.
 */
final class CleanupExample {

    static final String NAME = "cleanup";

    static final String USAGE = """
              cleanup             a task writes to a file until a timeout stops it; the file is always closed
                  --file PATH     file to write, created or truncated (default: a new temporary file, deleted at the end)
                  --timeout D     timeout of the task's context (default 1s)
                  --period D      pause before each line (default 200ms)
                  --lines N       lines to write if the timeout does not come first (default 10)
            """;

    /** Opens the file the task writes to; tests pass one that records what happens to the stream. */
    @FunctionalInterface
    interface Opener {
        OutputStream open(Path file) throws IOException;
    }

    /** Opens {@code file} for writing, creating it or truncating it. */
    static final Opener NEW_OUTPUT_STREAM = Files::newOutputStream;

    /**
     * The example's settings.
     *
     * @param file the file to write, or empty for a new temporary file
     * @param timeout the timeout of the task's context
     * @param period the pause before each line; zero for none
     * @param lines the number of lines to write if the timeout does not come first
     */
    record Options(Optional<Path> file, Duration timeout, Duration period, int lines) {
        Options {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(period, "period");
            if (lines < 0) {
                throw new IllegalArgumentException("lines must not be negative, got " + lines);
            }
        }

        static Options parse(List<String> args) throws UsageException {
            Flags flags = Flags.parse(NAME, args, Set.of("file", "timeout", "period", "lines"));
            return new Options(
                    flags.string("file").map(Path::of),
                    flags.duration("timeout", Duration.ofSeconds(1)),
                    flags.duration("period", Duration.ofMillis(200)),
                    flags.integer("lines", 10, 0));
        }
    }

    /** The reason a task ended. */
    enum Ending {
        /** It wrote every line. */
        FINISHED,
        /** Its context ended first: the timeout passed, or the parent was cancelled. */
        STOPPED,
        /** Opening, writing or closing the file threw. */
        FAILED
    }

    /**
     * The outcome of a run.
     *
     * @param ending why it ended
     * @param linesWritten the number of lines written
     * @param failure what the task threw when {@code ending} is {@link Ending#FAILED}, else
     *     {@code null}
     */
    record Result(Ending ending, int linesWritten, Throwable failure) {
    }

    private CleanupExample() {
    }

    /**
     * Runs the task under a child of {@code parent} with a timeout of {@code options.timeout()},
     * waits for it, and prints why it ended.
     *
     * @throws IOException if the temporary file cannot be created or deleted; a failure of the
     *     task itself is returned in the result, not thrown
     * @throws InterruptedException if the calling thread is interrupted while it waits; the task
     *     is stopped, and its file closed, before this is thrown
     */
    static Result run(Context parent, Options options, PrintStream out, Opener opener)
            throws IOException, InterruptedException {
        Optional<Path> requestedFile = options.file();
        Path file = requestedFile.isPresent() ? requestedFile.get() : Files.createTempFile("lessor-cleanup-", ".txt");
        try {
            return runTask(parent, file, options, out, opener);
        } finally {
            if (requestedFile.isEmpty()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static Result runTask(Context parent, Path file, Options options, PrintStream out, Opener opener)
            throws InterruptedException {
        AtomicInteger written = new AtomicInteger();
        try (CancelableContext ctx = parent.withTimeout(options.timeout());
                TaskGroup group = TaskGroup.open(ctx, NAME)) {
            group.go("writer", taskContext -> writeLines(taskContext, file, options, opener, written, out));
            try {
                group.await();
            } catch (ExecutionException e) {
                Throwable failure = e.getCause();
                // The exception's class is part of the message: a NoSuchFileException's message is
                // only the path.
                out.println("task failed after writing " + lines(written.get()) + ": " + failure);
                return new Result(Ending.FAILED, written.get(), failure);
            }

            if (written.get() == options.lines()) {
                out.println("task finished after writing " + lines(written.get()));
                return new Result(Ending.FINISHED, written.get(), null);
            }
            // The writer returns early only when its context ends, and that context ends only
            // with `ctx` or with a failure, so `ctx` has ended here.
            out.println("task stopped after writing " + lines(written.get()) + ": " + ContextEnding.describe(ctx));
            return new Result(Ending.STOPPED, written.get(), null);
        }
    }

    private static void writeLines(Context ctx, Path file, Options options, Opener opener, AtomicInteger written,
            PrintStream out) throws IOException, InterruptedException {
        OutputStream stream = opener.open(file);
        out.println("opened " + file);

        // The stream is closed before the catch and finally blocks run, on every way out of the
        // try block: the last line written, an exception from write(), or the context's end.
        try (stream) {
            for (int line = 1; line <= options.lines(); line++) {
                ctx.sleep(options.period());
                stream.write(("line " + line + "\n").getBytes(StandardCharsets.UTF_8));
                written.incrementAndGet();
                out.println("wrote line " + line);
            }
        } catch (ContextDoneException | InterruptedException e) {
            if (!ctx.isDone()) {
                throw e;
            }
            // The context ended, which is how this task is meant to stop. The group interrupts
            // the thread at the same moment, so the sleep throws either of the two exceptions.
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        } finally {
            out.println("closed " + file);
        }
    }

    /** Returns {@code count} with the noun "line" in the right number: "1 line", "2 lines". */
    static String lines(int count) {
        return count + (count == 1 ? " line" : " lines");
    }
}
