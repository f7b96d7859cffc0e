package io.lessor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.testing.CheckLeaks;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code lessor serve} as its own process, as a user would, and stops it with SIGTERM:
 * the data must be there after a restart and the process must exit 0.
 */
@CheckLeaks
class ServeProcessTest {

    @TempDir
    Path dir;

    @Test
    void sigtermStopsGracefullyWithExitZero() throws Exception {
        int port = freePort();
        Process first = startServe(port);
        try {
            // given a write acknowledged by the server
            assertThat(etcdctl(port, "put", "greeting", "hello")).containsExactly("OK");

            // when it gets SIGTERM
            first.destroy();

            // then it stops on its own, with exit status 0 and a log line saying so
            assertThat(first.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(first.exitValue()).isZero();
            assertThat(Files.readString(dir.resolve("serve-" + port + ".log"))).contains("stopped member default");
        } finally {
            first.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }

        Process second = startServe(port);
        try {
            assertThat(etcdctl(port, "get", "greeting", "--print-value-only")).containsExactly("hello");
        } finally {
            second.destroy();
            assertThat(second.waitFor(15, TimeUnit.SECONDS)).isTrue();
            second.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void invalidFlagExitsTwoWithMessage() throws Exception {
        Process process = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"),
                Main.class.getName(), "serve", "--listen-client-urls", "https://127.0.0.1:1")
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(output).contains("asks for TLS");
    }

    @Test
    void lockedDataDirExitsOneWithOneLine() throws Exception {
        Process holder = startServe(freePort());
        try {
            // given a running server that holds the data directory's lock, when a second one starts on it
            Process second = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED",
                    "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                    "--listen-client-urls", "http://127.0.0.1:0", "--data-dir", dir.resolve("data").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String errors = new String(second.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

            // then it exits 1 with one line that names the directory, and no stack trace
            assertThat(second.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isEqualTo(1);
            assertThat(errors.lines().toList()).singleElement().asString()
                    .startsWith("lessor serve: data directory " + dir.resolve("data").toAbsolutePath()
                            + " is in use by another running server");
        } finally {
            holder.destroy();
            assertThat(holder.waitFor(15, TimeUnit.SECONDS)).isTrue();
            holder.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Starts the server and waits for its "serving" line on standard output. */
    private Process startServe(int port) throws IOException {
        Process process = new ProcessBuilder(java(), "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "serve",
                "--listen-client-urls", "http://127.0.0.1:" + port,
                "--data-dir", dir.resolve("data").toString())
                .redirectError(dir.resolve("serve-" + port + ".log").toFile())
                .start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line = out.readLine();
        if (line == null || !line.startsWith("lessor: serving")) {
            process.destroyForcibly();
            throw new IllegalStateException("lessor serve did not start; first line: " + line + "; log: "
                    + Files.readString(dir.resolve("serve-" + port + ".log")));
        }
        return process;
    }

    private static List<String> etcdctl(int port, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("etcdctl", "--endpoints=127.0.0.1:" + port));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(15, TimeUnit.SECONDS)).isTrue();
        return output.lines().toList();
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
