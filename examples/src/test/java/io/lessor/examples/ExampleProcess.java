package io.lessor.examples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An example running in a child JVM, {@code java -cp <this JVM's class path>
 * io.lessor.examples.Main ARGS}, whose standard output goes line by line into a
 * {@link Transcript}. Its standard error goes to this JVM's, for the build log.
 */
final class ExampleProcess implements AutoCloseable {

    /** How long {@link #close()} waits for the process and its output to end. */
    private static final Duration EXIT_WAIT = Duration.ofSeconds(10);

    private final Process process;
    private final Thread reader;
    /** Set before the process is destroyed, which closes its output stream under the reader. */
    private final AtomicBoolean destroyed;

    private ExampleProcess(Process process, Thread reader, AtomicBoolean destroyed) {
        this.process = process;
        this.reader = reader;
        this.destroyed = destroyed;
    }

    /**
     * Starts {@code Main} with {@code args} in a new JVM of the same Java installation and class
     * path; its output lines go to {@code transcript} as lines of {@code source}.
     */
    static ExampleProcess start(Transcript transcript, String source, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();

        AtomicBoolean destroyed = new AtomicBoolean();
        Thread reader = Thread.ofPlatform().name("example-process-output-" + source).daemon().start(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    transcript.add(source, line);
                }
            } catch (IOException e) {
                // destroyForcibly() closes the process's output stream, so a read in progress
                // fails with "Stream closed" after kill() or close(), when the output has ended.
                if (!destroyed.get()) {
                    throw new UncheckedIOException("reading the output of example process " + source + " failed", e);
                }
            }
        });
        return new ExampleProcess(process, reader, destroyed);
    }

    /** Sends SIGKILL, as {@code kill -9} does: the example gets no chance to revoke anything. */
    void kill() {
        destroyed.set(true);
        process.destroyForcibly();
    }

    /** Returns the process id. */
    long pid() {
        return process.pid();
    }

    /**
     * Kills the process if it still runs, and waits for it to exit and for its output to be
     * read to the end.
     *
     * @throws IllegalStateException if the process still runs after the wait, or the wait is
     *     interrupted; the interrupt is kept
     */
    @Override
    public void close() {
        destroyed.set(true);
        process.destroyForcibly();
        try {
            if (!process.waitFor(EXIT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("example process " + process.pid() + " still runs " + EXIT_WAIT
                        + " after SIGKILL");
            }
            reader.join(EXIT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for example process " + process.pid()
                    + " to exit", e);
        }
    }
}
