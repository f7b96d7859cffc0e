package io.lessor.examples;

import io.lessor.testing.CheckLeaks;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.ManualClock;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@CheckLeaks
class CleanupExampleTest {

    private static final Duration TEST_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration LONG_TIMEOUT = Duration.ofMinutes(1);

    @TempDir
    Path directory;

    private final CapturedOutput output = new CapturedOutput();

    @Test
    void timeoutClosesFileMidWork() throws Exception {
        // given a task that writes a line every 100 ms under a timeout of 250 ms, on virtual time
        ManualClock clock = new ManualClock();
        Path file = directory.resolve("lines.txt");
        RecordingOpener opener = new RecordingOpener(0);
        CleanupExample.Options options =
                new CleanupExample.Options(Optional.of(file), Duration.ofMillis(250), Duration.ofMillis(100), 10);
        BackgroundRun<CleanupExample.Result> run =
                BackgroundRun.start(() -> CleanupExample.run(Context.root(clock), options, output.stream(), opener));
        assertThat(clock.awaitPendingTimers(2, TEST_TIMEOUT)).isTrue();
        assertThat(openHandles(file)).as("handles open while the task sleeps").isEqualTo(1);

        // when the clock passes the lines at 100 and 200 ms, then the deadline at 250 ms
        VirtualTime.advanceWhenPending(clock, 2, Duration.ofMillis(100));
        VirtualTime.advanceWhenPending(clock, 2, Duration.ofMillis(100));
        VirtualTime.advanceWhenPending(clock, 2, Duration.ofMillis(100));
        CleanupExample.Result result = run.await(TEST_TIMEOUT);

        // then the task stopped after two lines and closed its file on the way out
        assertThat(output.lines()).containsExactly(
                "opened " + file,
                "wrote line 1",
                "wrote line 2",
                "closed " + file,
                "task stopped after writing 2 lines: context deadline exceeded");
        assertThat(result).isEqualTo(new CleanupExample.Result(CleanupExample.Ending.STOPPED, 2, null));
        assertThat(opener.closeCount()).isEqualTo(1);
        assertThat(openHandles(file)).isZero();
        assertThat(Files.readString(file)).isEqualTo("line 1\nline 2\n");
    }

    @Test
    void parentCancelClosesFile() throws Exception {
        // given a task that has opened its file and waits 1 s, on virtual time, before its first line
        ManualClock clock = new ManualClock();
        CancelableContext parent = Context.root(clock).withCancel();
        Path file = directory.resolve("lines.txt");
        RecordingOpener opener = new RecordingOpener(0);
        CleanupExample.Options options =
                new CleanupExample.Options(Optional.of(file), LONG_TIMEOUT, Duration.ofSeconds(1), 10);
        BackgroundRun<CleanupExample.Result> run =
                BackgroundRun.start(() -> CleanupExample.run(parent, options, output.stream(), opener));
        assertThat(clock.awaitPendingTimers(2, TEST_TIMEOUT)).isTrue();

        // when the parent is cancelled, as Main does on Ctrl-C
        parent.cancel(new IllegalStateException("stopped by the test"));
        CleanupExample.Result result = run.await(TEST_TIMEOUT);

        // then the task stops at once, with the parent's cause, and its file is closed
        assertThat(output.lines()).containsExactly(
                "opened " + file,
                "closed " + file,
                "task stopped after writing 0 lines: context canceled, cause: stopped by the test");
        assertThat(result.ending()).isEqualTo(CleanupExample.Ending.STOPPED);
        assertThat(opener.closeCount()).isEqualTo(1);
        assertThat(openHandles(file)).isZero();
    }

    @Test
    void failedWriteClosesFile() throws Exception {
        Path file = directory.resolve("lines.txt");
        RecordingOpener opener = new RecordingOpener(3);
        CleanupExample.Options options = new CleanupExample.Options(Optional.of(file), LONG_TIMEOUT, Duration.ZERO, 10);

        CleanupExample.Result result = CleanupExample.run(Context.background(), options, output.stream(), opener);

        assertThat(output.lines()).containsExactly(
                "opened " + file,
                "wrote line 1",
                "wrote line 2",
                "closed " + file,
                "task failed after writing 2 lines: java.io.IOException: disk full (simulated)");
        assertThat(result.ending()).isEqualTo(CleanupExample.Ending.FAILED);
        assertThat(result.linesWritten()).isEqualTo(2);
        assertThat(result.failure()).isInstanceOf(IOException.class).hasMessage("disk full (simulated)");
        assertThat(opener.closeCount()).isEqualTo(1);
        assertThat(openHandles(file)).isZero();
        assertThat(Files.readString(file)).isEqualTo("line 1\nline 2\n");
    }

    @Test
    void finishedTaskClosesFile() throws Exception {
        Path file = directory.resolve("lines.txt");
        RecordingOpener opener = new RecordingOpener(0);
        CleanupExample.Options options = new CleanupExample.Options(Optional.of(file), LONG_TIMEOUT, Duration.ZERO, 3);

        CleanupExample.Result result = CleanupExample.run(Context.background(), options, output.stream(), opener);

        assertThat(output.lines()).containsExactly(
                "opened " + file,
                "wrote line 1",
                "wrote line 2",
                "wrote line 3",
                "closed " + file,
                "task finished after writing 3 lines");
        assertThat(result).isEqualTo(new CleanupExample.Result(CleanupExample.Ending.FINISHED, 3, null));
        assertThat(opener.closeCount()).isEqualTo(1);
        assertThat(openHandles(file)).isZero();
        assertThat(Files.readString(file)).isEqualTo("line 1\nline 2\nline 3\n");
    }

    @Test
    void oneLineWrittenIsSingular() throws Exception {
        Path file = directory.resolve("lines.txt");
        RecordingOpener opener = new RecordingOpener(0);
        CleanupExample.Options options = new CleanupExample.Options(Optional.of(file), LONG_TIMEOUT, Duration.ZERO, 1);

        CleanupExample.run(Context.background(), options, output.stream(), opener);

        assertThat(output.lines()).containsExactly(
                "opened " + file,
                "wrote line 1",
                "closed " + file,
                "task finished after writing 1 line");
    }

    @Test
    void missingDirectoryFailsBeforeOpening() throws Exception {
        Path file = directory.resolve("missing").resolve("lines.txt");
        CleanupExample.Options options = new CleanupExample.Options(Optional.of(file), LONG_TIMEOUT, Duration.ZERO, 3);

        CleanupExample.Result result =
                CleanupExample.run(Context.background(), options, output.stream(), CleanupExample.NEW_OUTPUT_STREAM);

        assertThat(output.lines()).containsExactly(
                "task failed after writing 0 lines: java.nio.file.NoSuchFileException: " + file);
        assertThat(result.failure()).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void temporaryFileIsDeletedAtEnd() throws Exception {
        CleanupExample.Options options = new CleanupExample.Options(Optional.empty(), LONG_TIMEOUT, Duration.ZERO, 2);

        CleanupExample.Result result =
                CleanupExample.run(Context.background(), options, output.stream(), CleanupExample.NEW_OUTPUT_STREAM);

        List<String> lines = output.lines();
        assertThat(lines.get(0)).startsWith("opened ");
        Path file = Path.of(lines.get(0).substring("opened ".length()));
        assertThat(lines).containsExactly(
                "opened " + file,
                "wrote line 1",
                "wrote line 2",
                "closed " + file,
                "task finished after writing 2 lines");
        assertThat(result.ending()).isEqualTo(CleanupExample.Ending.FINISHED);
        assertThat(file.getFileName().toString()).startsWith("lessor-cleanup-");
        assertThat(file).doesNotExist();
    }

    @Test
    void mainStopsTaskOnRealTimeout() throws Exception {
        Path file = directory.resolve("lines.txt");
        CapturedOutput errors = new CapturedOutput();

        int status = Main.run(Context.background(),
                List.of("cleanup", "--file", file.toString(), "--timeout", "100ms", "--period", "30ms", "--lines", "1000"),
                output.stream(), errors.stream());

        // Lines are due at 30, 60 and 90 ms; a slow machine may write fewer before the timeout.
        List<String> lines = output.lines();
        Matcher last = Pattern.compile("task stopped after writing (\\d) lines: context deadline exceeded")
                .matcher(lines.get(lines.size() - 1));
        assertThat(status).isEqualTo(Main.EXIT_OK);
        assertThat(errors.text()).isEmpty();
        assertThat(last.matches()).as("last line %s", lines.get(lines.size() - 1)).isTrue();
        int written = Integer.parseInt(last.group(1));
        assertThat(written).isBetween(0, 3);

        List<String> expected = new ArrayList<>();
        StringBuilder content = new StringBuilder();
        expected.add("opened " + file);
        for (int line = 1; line <= written; line++) {
            expected.add("wrote line " + line);
            content.append("line ").append(line).append('\n');
        }
        expected.add("closed " + file);
        expected.add(last.group());
        assertThat(lines).containsExactlyElementsOf(expected);
        assertThat(Files.readString(file)).isEqualTo(content.toString());
        assertThat(openHandles(file)).isZero();
    }

    /**
     * Counts this process's open file descriptors that refer to {@code file}, read from
     * {@code /proc/self/fd}, so that the test checks the operating system's handle rather than a flag.
     */
    private static long openHandles(Path file) throws IOException {
        Path target = file.toRealPath();
        try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
            return descriptors.filter(descriptor -> refersTo(descriptor, target)).count();
        }
    }

    private static boolean refersTo(Path descriptor, Path target) {
        try {
            return Files.readSymbolicLink(descriptor).equals(target);
        } catch (IOException e) {
            // The descriptor was closed while the list was read, such as the list's own.
            return false;
        }
    }

    /**
     * Opens the file as the example does, and wraps the stream to count close() calls and,
     * optionally, to fail one write.
     */
    private static final class RecordingOpener implements CleanupExample.Opener {
        private final int failingWrite;
        private final AtomicInteger closeCount = new AtomicInteger();

        /** Creates an opener whose streams fail their write number {@code failingWrite}; 0 for none. */
        RecordingOpener(int failingWrite) {
            this.failingWrite = failingWrite;
        }

        int closeCount() {
            return closeCount.get();
        }

        @Override
        public OutputStream open(Path file) throws IOException {
            OutputStream stream = CleanupExample.NEW_OUTPUT_STREAM.open(file);
            return new FilterOutputStream(stream) {
                private int writes;

                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    writes++;
                    if (writes == failingWrite) {
                        throw new IOException("disk full (simulated)");
                    }
                    out.write(bytes, offset, length);
                }

                @Override
                public void close() throws IOException {
                    closeCount.incrementAndGet();
                    super.close();
                }
            };
        }
    }
}
