package io.lessor.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.testing.CheckLeaks;
import io.lessor.testing.LeakCheck;
import io.lessor.testing.LessorServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

@CheckLeaks
@LeakCheck(virtualThreads = true)
class MainTest {

    @RegisterExtension
    static final LessorServerExtension etcd = LessorServerExtension.create();

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryWorkloadAndFlag() {
        assertThat(run("--help")).isZero();

        for (Workload workload : Workload.values()) {
            assertThat(stdout()).contains("  " + workload.commandName() + " ");
        }
        for (String flag : LoadOptions.allFlags()) {
            assertThat(stdout()).contains("  " + flag + " ");
        }
        assertThat(stderr()).isEmpty();
    }

    @Test
    void helpAfterWorkloadPrintsHelp() {
        assertThat(run("put", "--clients", "x", "--help")).isZero();

        assertThat(stdout()).startsWith("usage: bin/lessor bench WORKLOAD [FLAGS]");
    }

    @Test
    void badFlagExitsTwo() {
        assertThat(run("put", "--clients", "many")).isEqualTo(2);

        assertThat(stderr()).startsWith("lessor bench: --clients must be a whole number, got 'many'\n")
                .contains("bin/lessor bench --help");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void missingWorkloadExitsTwo() {
        assertThat(run()).isEqualTo(2);

        assertThat(stderr()).startsWith("lessor bench: missing workload; expected one of put, range");
    }

    @Test
    void unreachableEndpointExitsOne() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        assertThat(run("put", "--total", "10", "--endpoints", "http://127.0.0.1:" + port)).isEqualTo(1);

        assertThat(stderr()).contains("lessor bench: put failed: cannot reach http://127.0.0.1:" + port + ": ")
                .contains("UNAVAILABLE")
                .contains("Connection refused");
        assertThat(stderr().lines().filter(line -> line.startsWith("lessor bench:")))
                .as("the failure in one line").hasSize(1);
        assertThat(stderr()).as("no stack trace").doesNotContain("\tat ");
        assertThat(stdout()).isEmpty();
    }

    @Test
    void runPrintsTableAndWritesJson(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("reports/put.json");

        int status = run("put", "--total", "120", "--clients", "3", "--endpoints", etcd.endpoint(),
                "--json", json.toString());

        assertThat(status).isZero();
        assertThat(stdout()).contains("workload     put\n")
                .containsPattern("requests +errors +seconds +requests/s +p50 ms +p90 ms +p99 ms +p99\\.9 ms +max ms")
                .containsPattern("\n +120 +0 +[0-9.]+ +[0-9.]+ ");
        assertThat(stderr()).contains("put: " + etcd.endpoint() + " over 1 connection from 3 clients");
        String report = Files.readString(json);
        assertThat(report).contains("\"workload\": \"put\"", "\"requests\": 120", "\"count\": 120",
                "\"failure\": null", "\"p99.9\": ");
    }
}
