package io.lessor.compat.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs the {@code etcdctl} binary from PATH against one endpoint, with {@code ETCDCTL_API=3}.
 *
 * <p>Output goes to files in the given directory rather than pipes, so no thread is needed to
 * drain it. A command that runs longer than its timeout is killed and fails the test.
 *
 * <pre>{@code
 * Etcdctl etcdctl = new Etcdctl(target.endpoint(), workDir);
 * Etcdctl.Result grant = etcdctl.run("lease", "grant", "10", "-w", "json");
 * long id = grant.json().getAsJsonObject().get("ID").getAsLong();
 * }</pre>
 *
 * <p>Thread-safety: instances may be shared, because each run uses files of its own.
 */
public final class Etcdctl {

    /** How long one command may run before it is killed. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String endpoint;
    private final Path workDir;
    private final AtomicInteger runs = new AtomicInteger();

    public Etcdctl(String endpoint, Path workDir) {
        this.endpoint = endpoint;
        this.workDir = workDir;
    }

    /**
     * The outcome of one command.
     *
     * @param exitCode the process's exit code
     * @param stdout everything the command printed on standard output
     * @param stderr everything the command printed on standard error
     */
    public record Result(int exitCode, String stdout, String stderr) {

        /**
         * Parses standard output as JSON. Interactive commands (such as {@code txn -i}) print
         * prompts before the JSON, so parsing starts at the first line that opens an object or
         * an array.
         */
        public JsonElement json() {
            List<String> lines = stdout.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("{") || line.startsWith("[")) {
                    return JsonParser.parseString(String.join("\n", lines.subList(i, lines.size())));
                }
            }
            throw new AssertionError("etcdctl printed no JSON; stdout:\n" + stdout + "\nstderr:\n" + stderr);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    /** Runs {@code etcdctl --endpoints=<endpoint> args...} and waits for it to exit. */
    public Result run(String... args) throws IOException, InterruptedException {
        return runWithInput("", args);
    }

    /** Runs etcdctl with {@code input} on its standard input and waits for it to exit. */
    public Result runWithInput(String input, String... args) throws IOException, InterruptedException {
        Started started = start(input, args);
        Process process = started.process();
        if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
            throw new AssertionError("etcdctl " + String.join(" ", args) + " did not exit within "
                    + COMMAND_TIMEOUT + "; output so far:\n" + started.stdout());
        }
        return new Result(process.exitValue(), started.stdout(), started.stderr());
    }

    /**
     * Starts a long-running command, such as {@code lease keep-alive}, and returns at once. The
     * caller must {@link Started#close()} it.
     */
    public Started start(String... args) throws IOException {
        return start("", args);
    }

    private Started start(String input, String... args) throws IOException {
        int run = runs.incrementAndGet();
        Path stdin = workDir.resolve("etcdctl-" + run + ".in");
        Path stdout = workDir.resolve("etcdctl-" + run + ".out");
        Path stderr = workDir.resolve("etcdctl-" + run + ".err");
        Files.writeString(stdin, input, StandardCharsets.UTF_8);

        List<String> command = new ArrayList<>();
        command.add("etcdctl");
        command.add("--endpoints=" + endpoint);
        command.add("--dial-timeout=3s");
        command.add("--command-timeout=10s");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(stdin.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        // ETCDCTL_* variables would override flags, so only the API version is passed on.
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCDCTL"));
        builder.environment().put("ETCDCTL_API", "3");
        return new Started(builder.start(), stdout, stderr);
    }

    /**
     * A running etcdctl command whose output is collected in files.
     *
     * @param process the etcdctl process
     * @param stdoutFile where its standard output goes
     * @param stderrFile where its standard error goes
     */
    public record Started(Process process, Path stdoutFile, Path stderrFile) implements AutoCloseable {

        /** Returns what the command has printed on standard output so far. */
        public String stdout() {
            return read(stdoutFile);
        }

        /** Returns what the command has printed on standard error so far. */
        public String stderr() {
            return read(stderrFile);
        }

        /** Returns the standard output lines printed so far. */
        public List<String> stdoutLines() {
            return stdout().lines().toList();
        }

        /** Kills the command if it is still running (SIGTERM, then SIGKILL after 5 s) and waits for it. */
        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("failed to read etcdctl output " + file, e);
            }
        }
    }
}
