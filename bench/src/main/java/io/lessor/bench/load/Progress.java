package io.lessor.bench.load;

import io.lessor.context.Context;
import io.lessor.context.Worker;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The progress line: once a second, a worker prints the current phase's line to stderr. Each
 * phase of a run {@linkplain #show sets} the supplier of its line, and the supplier is called
 * only from the worker, so it may take interval readings such as
 * {@link LatencyRecorder#takeInterval()}. A phase shorter than a second prints nothing.
 *
 * <p>Thread-safety: {@link #show} and {@link #hide} may be called from any thread.
 * {@link #close()} stops the worker and waits for it.
 */
final class Progress implements AutoCloseable {

    private static final Duration PERIOD = Duration.ofSeconds(1);
    /** A line appears only once its phase has run this long, so that it covers about a second. */
    private static final long FIRST_LINE_AFTER_NANOS = Duration.ofMillis(900).toNanos();

    private final PrintStream out;
    private final Worker worker;
    private volatile Phase phase;

    private record Phase(Supplier<String> line, long startNanos) {
    }

    private Progress(PrintStream out) {
        this.out = out;
        this.worker = Worker.every(Context.background(), "bench-progress", PERIOD, ctx -> printLine());
    }

    /** Starts printing to {@code out}. */
    static Progress start(PrintStream out) {
        return new Progress(out);
    }

    /** Starts a phase whose line {@code line} returns; a null line prints nothing. */
    void show(Supplier<String> line) {
        phase = new Phase(line, System.nanoTime());
    }

    /** Ends the current phase's lines. */
    void hide() {
        phase = null;
    }

    /** Returns the time since the current phase started, for lines that show it. */
    static String seconds(long sinceNanos) {
        return String.format("%.1f s", (System.nanoTime() - sinceNanos) / 1e9);
    }

    private void printLine() {
        Phase current = phase;
        if (current == null || System.nanoTime() - current.startNanos() < FIRST_LINE_AFTER_NANOS) {
            return;
        }
        String line = current.line().get();
        if (line != null) {
            out.println(line);
            out.flush();
        }
    }

    @Override
    public void close() {
        worker.close();
    }
}
