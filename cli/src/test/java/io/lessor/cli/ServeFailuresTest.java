package io.lessor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import io.lessor.testing.CheckLeaks;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code lessor serve} run in this JVM with its error output captured: each expected start
 * failure is one line that names the value, with exit status 1, and each invalid flag one line
 * with exit status 2, never a stack trace or the whole usage text.
 */
@CheckLeaks
class ServeFailuresTest {

    @TempDir
    Path dir;

    @Test
    void portInUseFailsInOneLine() throws Exception {
        try (ServerSocket holder = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = holder.getLocalPort();

            Run run = serve("--listen-client-urls", "http://127.0.0.1:" + port, "--data-dir", dir.resolve("data").toString());

            assertThat(run.status()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(run.errorLines()).singleElement().asString()
                    .startsWith("lessor serve: cannot listen on 127.0.0.1:" + port + ": Address already in use; ");
        }
    }

    @Test
    void lockedDataDirFailsInOneLine() throws Exception {
        Path data = dir.resolve("data");
        ServerConfig config = ServerConfig.defaults(data).withListenAddress(new InetSocketAddress("127.0.0.1", 0));
        try (LessorServer holder = LessorServer.start(config)) {
            Run run = serve("--listen-client-urls", "http://127.0.0.1:0", "--data-dir", data.toString());

            assertThat(run.status()).isEqualTo(Main.EXIT_FAILURE);
            assertThat(run.errorLines()).singleElement().asString()
                    .startsWith("lessor serve: data directory " + data.toAbsolutePath() + " is in use by another running server")
                    .endsWith("stop that server or choose another data directory");
        }
    }

    @Test
    void fileAsDataDirFailsInOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");

        Run run = serve("--listen-client-urls", "http://127.0.0.1:0", "--data-dir", file.toString());

        assertThat(run.status()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.errorLines()).containsExactly("lessor serve: data directory " + file.toAbsolutePath()
                + " is not a directory; remove that file or choose another data directory");
    }

    @Test
    void dataDirUnderFileFailsInOneLine() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "not a directory");

        Run run = serve("--listen-client-urls", "http://127.0.0.1:0", "--data-dir", file.resolve("data").toString());

        assertThat(run.status()).isEqualTo(Main.EXIT_FAILURE);
        assertThat(run.errorLines()).singleElement().asString()
                .startsWith("lessor serve: cannot create data directory " + file.resolve("data").toAbsolutePath() + ": ")
                .contains("Not a directory");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--max-request-bytes | abc                     | Invalid value for option '--max-request-bytes': 'abc' is not an int",
        "--max-request-bytes | -5                      | --max-request-bytes: invalid value -5; expected a positive number of bytes",
        "--max-txn-ops       | 0                       | --max-txn-ops: invalid value 0; expected a positive number of operations",
        "--shutdown-grace    | 5x                      | --shutdown-grace: invalid duration '5x'",
        "--shutdown-grace    | 99999999999999999999h   | --shutdown-grace: invalid duration '99999999999999999999h'; it is too large, use a shorter one like 5s",
        "--shutdown-grace    | 9999999999999999h       | --shutdown-grace: invalid duration '9999999999999999h'; it is too large, use a shorter one like 5s",
        "--listen-client-urls | http://127.0.0.1:x     | --listen-client-urls: invalid URL 'http://127.0.0.1:x'",
        "--listen-client-urls | http://127.0.0.1:70000 | --listen-client-urls: invalid URL 'http://127.0.0.1:70000'; the port must be at most 65535",
    })
    void invalidFlagFailsInOneLine(String flag, String value, String message) {
        Run run = serve("--data-dir", dir.resolve("data").toString(), flag, value);

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.errorLines()).singleElement().asString()
                .startsWith("lessor serve: " + message)
                .endsWith("(run 'lessor serve --help' for the flags)");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    private static Run serve(String... flags) {
        StringWriter err = new StringWriter();
        String[] args = new String[flags.length + 1];
        args[0] = "serve";
        System.arraycopy(flags, 0, args, 1, flags.length);
        int status = Main.run(new PrintWriter(err, true), args);
        return new Run(status, err.toString().lines().toList());
    }

    /** The exit status of one run and the lines it wrote to its error output. */
    private record Run(int status, List<String> errorLines) {
    }
}
