package io.lessor.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.Etcdctl;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real etcdctl (ETCDCTL_API=3) against both servers: exit codes, JSON output ({@code -w json})
 * after normalization, and error lines.
 */
@ExtendWith(LeakCheckExtension.class)
class EtcdctlCompatTest {

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void leaseCommands(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            Etcdctl.Result grant = etcdctl.run("lease", "grant", "10", "-w", "json");
            out.alias(grant.json().getAsJsonObject().get("ID").getAsLong());
            record(out, "lease grant", grant);
            String hexId = Long.toHexString(grant.json().getAsJsonObject().get("ID").getAsLong());

            record(out, "put --lease", etcdctl.run("put", "--lease=" + hexId, "ec/k", "v", "-w", "json"));
            record(out, "lease timetolive --keys", etcdctl.run("lease", "timetolive", hexId, "--keys", "-w", "json"));
            record(out, "lease list", etcdctl.run("lease", "list", "-w", "json"));
            record(out, "lease keep-alive --once", etcdctl.run("lease", "keep-alive", "--once", hexId, "-w", "json"));
            record(out, "lease keep-alive --once unknown", etcdctl.run("lease", "keep-alive", "--once", "4d2", "-w",
                    "json"));
            record(out, "lease revoke", etcdctl.run("lease", "revoke", hexId, "-w", "json"));
            record(out, "get after revoke", etcdctl.run("get", "ec/k", "-w", "json"));
            record(out, "lease revoke again", etcdctl.run("lease", "revoke", hexId, "-w", "json"));
            record(out, "lease timetolive revoked", etcdctl.run("lease", "timetolive", hexId, "-w", "json"));
            record(out, "lease list empty", etcdctl.run("lease", "list", "-w", "json"));
            Etcdctl.Result grantText = etcdctl.run("lease", "grant", "2");
            out.alias(Long.parseUnsignedLong(grantText.stdout().split(" ")[1], 16));
            record(out, "lease grant text", grantText, false);
        });

        assertThat(t.noteText("lease grant: exit")).isEqualTo("0");
        assertThat(t.noteText("lease keep-alive --once unknown: exit")).isEqualTo("2");
        assertThat(t.noteText("lease keep-alive --once unknown: stderr"))
                .contains("etcdserver: requested lease not found");
        assertThat(t.noteText("lease revoke again: exit")).isNotEqualTo("0");
        assertThat(t.noteText("get after revoke: json")).doesNotContain("\"kvs\"");
        assertThat(t.noteText("lease grant text: stdout")).matches("lease [0-9a-f]+ granted with TTL\\(2s\\)\\s*");
    }

    @OnBothTargets
    void keyValueCommands(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            record(out, "put", etcdctl.run("put", "ec/a", "1", "-w", "json"));
            record(out, "put prev-kv", etcdctl.run("put", "ec/a", "2", "--prev-kv", "-w", "json"));
            record(out, "put b", etcdctl.run("put", "ec/b", "3", "-w", "json"));
            record(out, "get", etcdctl.run("get", "ec/a", "-w", "json"));
            record(out, "get prefix", etcdctl.run("get", "ec/", "--prefix", "-w", "json"));
            record(out, "get prefix limit sorted", etcdctl.run("get", "ec/", "--prefix", "--limit=1",
                    "--sort-by=KEY", "--order=DESCEND", "-w", "json"));
            record(out, "get keys-only", etcdctl.run("get", "ec/", "--prefix", "--keys-only", "-w", "json"));
            record(out, "get rev 2", etcdctl.run("get", "ec/a", "--rev=2", "-w", "json"));
            record(out, "get missing", etcdctl.run("get", "ec/missing", "-w", "json"));

            String compares = "value(\"ec/a\") = \"2\"\n\n";
            String success = "put ec/a 4\nget ec/b\n\n";
            String failure = "get ec/a\n\n";
            record(out, "txn -i taken", etcdctl.runWithInput(compares + success + failure, "txn", "-i", "-w", "json"));
            record(out, "txn -i not taken", etcdctl.runWithInput(compares + success + failure, "txn", "-i", "-w",
                    "json"));
            record(out, "txn text", etcdctl.runWithInput("version(\"ec/b\") = \"1\"\n\ndel ec/b\n\n\n", "txn"), false);

            record(out, "del", etcdctl.run("del", "ec/a", "-w", "json"));
            record(out, "del prefix prev-kv", etcdctl.run("del", "ec/", "--prefix", "--prev-kv", "-w", "json"));
            record(out, "del missing", etcdctl.run("del", "ec/missing", "-w", "json"));
            record(out, "compaction", etcdctl.run("compaction", "3"), false);
            record(out, "get compacted", etcdctl.run("get", "ec/a", "--rev=2", "-w", "json"));
        });

        assertThat(t.noteText("txn -i taken: json")).contains("\"succeeded\":true");
        assertThat(t.noteText("txn -i not taken: json")).doesNotContain("\"succeeded\":true");
        assertThat(t.noteText("get compacted: exit")).isNotEqualTo("0");
        assertThat(t.noteText("get compacted: stderr")).contains("required revision has been compacted");
    }

    @OnBothTargets
    void clusterCommands(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            Etcdctl.Result status = etcdctl.run("endpoint", "status", "-w", "json");
            // The version is the server's own; clients only display it.
            JsonElement statusJson = status.json();
            JsonObject statusFields = statusJson.getAsJsonArray().get(0).getAsJsonObject().getAsJsonObject("Status");
            out.note("endpoint status version looks like 3.x.y",
                    statusFields.get("version").getAsString().matches("3\\.\\d+\\.\\d+.*"));
            statusFields.addProperty("version", "*");
            out.note("endpoint status: exit", status.exitCode());
            out.note("endpoint status: json", out.normalizer().normalizeJson(statusJson));

            record(out, "endpoint health", etcdctl.run("endpoint", "health", "-w", "json"));
            record(out, "member list", etcdctl.run("member", "list", "-w", "json"));
            record(out, "endpoint status table", etcdctl.run("endpoint", "status", "-w", "table"), false);
        });

        assertThat(t.noteText("endpoint status: exit")).isEqualTo("0");
        assertThat(t.noteText("endpoint status version looks like 3.x.y")).isEqualTo("true");
        assertThat(t.noteText("endpoint health: json")).contains("\"health\":true");
        assertThat(t.noteText("member list: json")).contains("\"name\":\"default\"");
    }

    @OnBothTargets
    void keepAliveStopsAfterRevoke(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            long id = etcdctl.run("lease", "grant", "2", "-w", "json").json().getAsJsonObject().get("ID").getAsLong();
            out.alias(id);
            String hexId = Long.toHexString(id);

            try (Etcdctl.Started keepAlive = etcdctl.start("lease", "keep-alive", hexId)) {
                // given two renewals
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> keepAlive.stdoutLines().size() >= 2);

                // when another etcdctl revokes the lease
                record(out, "lease revoke", etcdctl.run("lease", "revoke", hexId), false);

                // then keep-alive reports it and exits
                out.note("keep-alive exited", keepAlive.process().waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
                List<String> lines = keepAlive.stdoutLines();
                out.note("renewal line", out.normalizer().normalizeText(lines.getFirst()));
                out.note("last line", out.normalizer().normalizeText(lines.getLast()));
                out.note("exit", keepAlive.process().exitValue());
            }
        });

        assertThat(t.noteText("keep-alive exited")).isEqualTo("true");
        assertThat(t.noteText("renewal line")).endsWith("keepalived with TTL(2)");
        assertThat(t.noteText("last line")).endsWith("expired or revoked.");
    }

    /** Records the exit code, the normalized JSON or text of stdout, and stderr without log lines. */
    private static void record(Transcript out, String label, Etcdctl.Result result) {
        record(out, label, result, true);
    }

    private static void record(Transcript out, String label, Etcdctl.Result result, boolean json) {
        out.note(label + ": exit", result.exitCode());
        if (json && result.exitCode() == 0) {
            JsonElement parsed = result.json();
            out.note(label + ": json", out.normalizer().normalizeJson(parsed));
        } else {
            out.note(label + ": stdout", normalizeTable(out, result.stdout()));
        }
        out.note(label + ": stderr", out.normalizer().normalizeStderr(result.stderr()));
    }

    /**
     * Normalizes text output. Table cells with ids, sizes, indexes and the version differ by
     * server, so only the header row of a table is kept, with each run of spaces made one: a
     * column is as wide as its widest cell, and a member id printed in hex has 15 or 16 digits.
     */
    private static String normalizeTable(Transcript out, String stdout) {
        if (stdout.startsWith("+")) {
            return stdout.lines().skip(1).findFirst().orElse("").replaceAll(" +", " ");
        }
        return out.normalizer().normalizeText(stdout);
    }
}
