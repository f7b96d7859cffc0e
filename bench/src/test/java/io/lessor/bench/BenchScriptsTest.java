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
