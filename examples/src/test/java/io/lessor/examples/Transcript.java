package io.lessor.examples;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * The lines that several examples print, in one list in the order they were completed, each with
 * its source and the time it arrived. Tests use it to check the order of events across
 * processes, such as one leader's last line coming before the next leader's first.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
final class Transcript {

    /**
     * One line of output.
     *
     * @param source the name the test gave the example that printed it
     * @param text the line, without its line terminator
     * @param arrivalNanos {@link System#nanoTime()} when the line was completed
     */
    record Line(String source, String text, long arrivalNanos) {
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    // @GuardedBy("lock")
    private final List<Line> lines = new ArrayList<>();

    /** Returns a stream that adds each line printed to it, as a line of {@code source}. */
    PrintStream stream(String source) {
        return new PrintStream(new LineSplitter(source), true, StandardCharsets.UTF_8);
    }

    /** Adds a line of {@code source}, such as a note of the test's own actions. */
    void add(String source, String text) {
        lock.lock();
        try {
            lines.add(new Line(source, text, System.nanoTime()));
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Returns a copy of every line so far. */
    List<Line> lines() {
        lock.lock();
        try {
            return List.copyOf(lines);
        } finally {
            lock.unlock();
        }
    }

    /** Returns the texts of the lines of {@code source} so far. */
    List<String> texts(String source) {
        return lines().stream().filter(line -> line.source().equals(source)).map(Line::text).toList();
    }

    /**
     * Waits for the first line, from the start of the transcript, that matches {@code match}.
     *
     * @return the line, or empty if none arrived within {@code timeout}
     */
    Optional<Line> await(Predicate<Line> match, Duration timeout) throws InterruptedException {
        long deadlineNanos = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (match.test(lines.get(checked))) {
                        return Optional.of(lines.get(checked));
                    }
                }
                long remainingNanos = deadlineNanos - System.nanoTime();
                if (remainingNanos <= 0) {
                    return Optional.empty();
                }
                added.await(remainingNanos, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the line {@code text} from {@code source}, and fails with every line so far if
     * it does not arrive within {@code timeout}.
     */
    Line require(String source, String text, Duration timeout) throws InterruptedException {
        return await(source, text, timeout).orElseThrow(() -> new AssertionError("no line '" + text + "' from "
                + source + " within " + timeout + "; lines so far: " + lines()));
    }

    /** Waits for the line {@code text} from {@code source}; see {@link #await(Predicate, Duration)}. */
    Optional<Line> await(String source, String text, Duration timeout) throws InterruptedException {
        return await(line -> line.source().equals(source) && line.text().equals(text), timeout);
    }

    /** Collects the bytes of one source and adds each complete line to the transcript. */
    private final class LineSplitter extends OutputStream {
        private final String source;
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

        LineSplitter(String source) {
            this.source = source;
        }

        @Override
        public void write(int b) {
            lock.lock();
            try {
                if (b == '\n') {
                    add(source, pending.toString(StandardCharsets.UTF_8));
                    pending.reset();
                } else {
                    pending.write(b);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
