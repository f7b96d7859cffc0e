package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.grant;
import static io.lessor.server.engine.EngineTestSupport.leaseKeys;
import static io.lessor.server.engine.EngineTestSupport.put;
import static io.lessor.server.engine.EngineTestSupport.range;
import static io.lessor.server.engine.EngineTestSupport.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.ResponseHeader;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class RestartEngineTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private void reopen() {
        if (engine != null) {
            engine.close();
        }
        engine = LocalEngine.open(EngineTestSupport.configWithoutExpiryChecks(dir), clock);
        // The server promotes when it begins serving.
        engine.promote();
    }

    @Test
    void acknowledgedWritesAndLeasesSurviveRestart() {
        reopen();
        long sixty = grant(engine, 60);
        long twenty = grant(engine, 20);
        long revoked = grant(engine, 30);
        put(engine, "plain", "p1");
        put(engine, "plain", "p2");
        put(engine, "rs/k", "v", twenty);
        put(engine, "rs/j", "v", twenty);
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(revoked).build()).join();
        clock.advance(Duration.ofSeconds(9));
        assertThat(timeToLive(engine, sixty).getTTL()).isEqualTo(51);
        ResponseHeader before = engine.header();

        reopen();

        ResponseHeader after = engine.header();
        assertThat(after.getRevision()).isEqualTo(before.getRevision());
        assertThat(after.getRaftTerm()).as("each start is a new term").isEqualTo(before.getRaftTerm() + 1);
        assertThat(after.getClusterId()).isEqualTo(before.getClusterId());
        assertThat(after.getMemberId()).isEqualTo(before.getMemberId());
        assertThat(get(engine, "plain").getValue().toStringUtf8()).isEqualTo("p2");
        assertThat(get(engine, "plain").getVersion()).isEqualTo(2);
        assertThat(range(engine, RangeRequest.newBuilder().setKey(bytes("plain")).setRevision(2)).getKvs(0)
                .getValue().toStringUtf8()).isEqualTo("p1");
        // A restart gives the full TTL plus etcd's 1 s election timeout; once any time has
        // passed, TimeToLive truncates that to the full TTL, as etcd shows it.
        clock.advance(Duration.ofMillis(1));
        assertThat(timeToLive(engine, sixty).getTTL()).as("a restart gives a fresh TTL").isEqualTo(60);
        assertThat(timeToLive(engine, twenty).getTTL()).isEqualTo(20);
        assertThat(leaseKeys(engine, twenty)).containsExactly("rs/j", "rs/k");
        assertThat(timeToLive(engine, revoked).getTTL()).isEqualTo(-1);
        assertThat(engine.leaseLeases().join().getLeasesCount()).isEqualTo(2);
    }

    @Test
    void slowStartDoesNotShortenRestoredLeases() {
        // given a 10 s lease, and a restart whose storage takes 5 s to open
        reopen();
        long lease = grant(engine, 10);
        engine.close();
        engine = LocalEngine.open(EngineTestSupport.configWithoutExpiryChecks(dir), clock);
        clock.advance(Duration.ofSeconds(5));

        // when the server promotes as it begins serving
        engine.promote();
        clock.advance(Duration.ofMillis(1));

        // then the TTL counts from the promotion, not from the opening of storage
        assertThat(timeToLive(engine, lease).getTTL()).isEqualTo(10);
        clock.advance(Duration.ofSeconds(10));
        assertThat(timeToLive(engine, lease).getTTL()).as("the 1 s extension is still there").isZero();
    }

    @Test
    void termRisesOnEveryStart() {
        reopen();
        assertThat(engine.header().getRaftTerm()).isEqualTo(1);
        reopen();
        assertThat(engine.header().getRaftTerm()).isEqualTo(2);
        reopen();
        assertThat(engine.header().getRaftTerm()).isEqualTo(3);
        assertThat(engine.status().raftTerm()).isEqualTo(3);
    }

    @Test
    void restoredLeaseStillRevokesItsKeys() {
        reopen();
        long id = grant(engine, 20);
        put(engine, "a", "v", id);
        put(engine, "b", "v", id);

        reopen();
        long revision = engine.header().getRevision();
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()).join();

        assertThat(get(engine, "a")).isNull();
        assertThat(get(engine, "b")).isNull();
        assertThat(engine.header().getRevision()).isEqualTo(revision + 1);
    }

    @Test
    void idsAreStableForNameAndToken(@TempDir Path otherDir) {
        reopen();
        ResponseHeader first = engine.header();
        engine.close();

        engine = LocalEngine.open(EngineTestSupport.configWithoutExpiryChecks(otherDir), clock);

        assertThat(engine.header().getMemberId()).isEqualTo(first.getMemberId());
        assertThat(engine.header().getClusterId()).isEqualTo(first.getClusterId());
    }

    @Test
    void statusCountsAppliedCommands() {
        reopen();
        put(engine, "a", "1");
        put(engine, "b", "1");

        assertThat(engine.status().raftIndex()).isEqualTo(2);
        reopen();
        put(engine, "c", "1");
        assertThat(engine.status().raftAppliedIndex()).isEqualTo(3);
        assertThat(engine.status().dbSizeBytes()).isPositive();
    }
}
