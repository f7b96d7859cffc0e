package io.lessor.compat;

import static io.lessor.compat.support.Requests.get;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.RangeResponse;
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

/** Leases across a server restart: TTLs start over, keys stay attached, clients renew again. */
@ExtendWith(LeakCheckExtension.class)
class RestartCompatTest {

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void restartGivesLeasesFullTtl(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long longLease = target.lease().leaseGrant(grant(60)).getID();
            out.alias(longLease);
            long shortLease = target.lease().leaseGrant(grant(20)).getID();
            out.alias(shortLease);
            target.kv().put(put("rs/k", "v", shortLease));
            long termBefore = target.kv().range(get("rs/k")).getHeader().getRaftTerm();

            // given leases that have aged by at least two seconds
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> target.lease().leaseTimeToLive(timeToLive(longLease)).getTTL() <= 57);
            long agedTtl = target.lease().leaseTimeToLive(timeToLive(shortLease)).getTTL();
            out.note("20 s lease aged below 18 s", agedTtl <= 17);

            // when the server restarts
            target.restart(Duration.ZERO);

            // then each lease has its full TTL again and the key is still attached. Both servers
            // add one second to restored leases when they start serving, so a read within that
            // second returns the full TTL. On a loaded machine the read can come later and return
            // one second less, on etcd as on Lessor. SlowStartLeaseTest checks the exact value on
            // a manual clock.
            LeaseTimeToLiveResponse longTtl = target.lease().leaseTimeToLive(timeToLive(longLease));
            out.note("60 s lease has 59 or 60 s left", longTtl.getTTL() >= 59 && longTtl.getTTL() <= 60);
            out.note("60 s lease granted TTL", longTtl.getGrantedTTL());
            LeaseTimeToLiveResponse shortTtl = target.lease().leaseTimeToLive(timeToLive(shortLease));
            out.note("20 s lease has 19 or 20 s left", shortTtl.getTTL() >= 19 && shortTtl.getTTL() <= 20);
            out.note("20 s lease granted TTL", shortTtl.getGrantedTTL());
            RangeResponse range = out.call("range", () -> target.kv().range(get("rs/k")));
            out.note("raft_term rose", range.getHeader().getRaftTerm() > termBefore);
        });

        assertThat(t.noteText("60 s lease has 59 or 60 s left")).isEqualTo("true");
        assertThat(t.noteText("20 s lease has 19 or 20 s left")).isEqualTo("true");
        assertThat(t.response("range", RangeResponse.class).getKvs(0).getLease()).isNotZero();
        assertThat(t.noteText("raft_term rose")).isEqualTo("true");
    }

    @OnBothTargets
    void etcdctlKeepAliveSurvivesRestart(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            Etcdctl etcdctl = new Etcdctl(target.endpoint(), differential.workDir());
            JsonObject granted = etcdctl.run("lease", "grant", "9", "-w", "json").json().getAsJsonObject();
            long id = granted.get("ID").getAsLong();
            out.alias(id);

            try (Etcdctl.Started keepAlive = etcdctl.start("lease", "keep-alive", Long.toHexString(id))) {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> !keepAlive.stdoutLines().isEmpty());
                out.note("first line", out.normalizer().normalizeText(keepAlive.stdoutLines().getFirst()));

                // given a server that is down for two seconds
                target.stopServer();
                Thread.sleep(2_000);
                target.startAgain();
                int linesAtRestart = keepAlive.stdoutLines().size();

                // then etcdctl renews again on its own, without ending
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                        .until(() -> keepAlive.stdoutLines().size() > linesAtRestart);
                List<String> lines = keepAlive.stdoutLines();
                out.note("line after restart", out.normalizer().normalizeText(lines.getLast()));
                out.note("etcdctl still running", keepAlive.process().isAlive());
            }
            out.note("ttl after restart is positive", target.lease().leaseTimeToLive(timeToLive(id)).getTTL() > 0);
        });

        assertThat(t.noteText("first line")).endsWith("keepalived with TTL(9)");
        assertThat(t.noteText("line after restart")).endsWith("keepalived with TTL(9)");
        assertThat(t.noteText("etcdctl still running")).isEqualTo("true");
        assertThat(t.noteText("ttl after restart is positive")).isEqualTo("true");
    }
}
