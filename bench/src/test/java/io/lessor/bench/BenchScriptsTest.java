package io.lessor.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.testing.CheckLeaks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the helpers that the benchmark scripts share (bench/lib.sh and bench/report_common.py)
 * with bash and python3, from the bench module's directory.
 */
@CheckLeaks
class BenchScriptsTest {

    private static final Path MODULE = Path.of("").toAbsolutePath();

    @Test
    void replaceSectionKeepsFollowingBlankLine(@TempDir Path directory) throws Exception {
        Path doc = directory.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\n<!-- demo:start -->\nold\n<!-- demo:end -->\n\n## Next\n");

        run("python3", "-c", "import sys, report_common; "
                + "report_common.replace_section(sys.argv[1], 'demo', '<!-- demo:start -->\\nnew\\n<!-- demo:end -->\\n')",
                doc.toString());

        assertThat(Files.readString(doc))
                .isEqualTo("# Benchmarks\n\n<!-- demo:start -->\nnew\n<!-- demo:end -->\n\n## Next\n");
    }

    @Test
    void quoteKeepsApostropheInNote() throws Exception {
        String note = "a done signal's lock, \"quoted\" and $HOME";

        String quoted = run("bash", "-c", ". ./lib.sh && bench_quote \"$1\"", "bash", note);
        String parsed = run("bash", "-c", "printf %s " + quoted);

        assertThat(parsed).isEqualTo(note);
    }

    @Test
    void helpEndsWithCommentBlock() throws Exception {
        for (String script : List.of("client-vs-jetcd.sh", "context-vs-go.sh", "vs-etcd.sh", "watch-fanout.sh")) {
            String help = run("bash", script, "--help");

            assertThat(help).as(script).contains("Usage: bench/" + script + " [--quick]");
            assertThat(help).as(script).doesNotContain("set -euo pipefail");
        }
    }

    @Test
    void vsEtcdReportWritesNamedSection(@TempDir Path directory) throws Exception {
        Path results = Files.createDirectories(directory.resolve("run"));
        Files.writeString(results.resolve("workloads.txt"), "put|put --conns 1 --clients 1\n");
        Files.writeString(results.resolve("runs.tsv"),
                "id\tround\tserver\texit\tload average before\tload average after\n"
                        + "put\t1\tetcd\tserver did not start\t0.1\t\n"
                        + "put\t1\tlessor\tserver did not start\t0.1\t\n");
        Path doc = directory.resolve("benchmarks.md");
        Files.writeString(doc, "# Benchmarks\n\n<!-- vs-etcd:start -->\nmain\n<!-- vs-etcd:end -->\n");

        run("python3", "vs_etcd_report.py", "--results", results.toString(), "--doc", doc.toString(),
                "--date", "2026-01-01 00:00 UTC", "--rounds", "1", "--jdk", "25", "--etcd-version", "3.4.23",
                "--data-fs", "ext4", "--command", "bench/vs-etcd.sh --section other", "--load-start", "0.1",
                "--load-end", "0.2", "--section", "other");

        String text = Files.readString(doc);
        assertThat(text).as("the main section stays").contains("<!-- vs-etcd:start -->\nmain\n<!-- vs-etcd:end -->");
        assertThat(text).contains("<!-- vs-etcd-other:start -->\n## Lessor vs etcd: other\n");
        assertThat(text).contains("<!-- vs-etcd-other:end -->");
        assertThat(text).contains("`" + results + "/runs.tsv`");
    }

    @Test
    void vsEtcdRejectsInvalidSection() throws Exception {
        Process process = new ProcessBuilder("bash", "vs-etcd.sh", "--section", "Other Workloads")
                .directory(MODULE.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.getOutputStream().close();
        String error = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(process.exitValue()).isEqualTo(2);
        assertThat(error).contains("invalid --section 'Other Workloads'");
    }

    /** Runs a command in the module directory and returns its standard output, failing on a nonzero exit. */
    private static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .directory(MODULE.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", List.of(command)).isTrue();
        assertThat(process.exitValue()).as("exit status of %s", List.of(command)).isZero();
        return output;
    }
}
