package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.assertFails;
import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.delete;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.grant;
import static io.lessor.server.engine.EngineTestSupport.leaseKeys;
import static io.lessor.server.engine.EngineTestSupport.put;
import static io.lessor.server.engine.EngineTestSupport.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lessor.api.Event;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.LeaseStatus;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import io.lessor.server.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class LeaseEngineTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;

    private LocalEngine open(boolean expiryChecks) {
        engine = LocalEngine.open(expiryChecks ? EngineTestSupport.config(dir)
                : EngineTestSupport.configWithoutExpiryChecks(dir), clock);
        return engine;
    }

    @AfterEach
    void close() {
        if (engine != null) {
            engine.close();
        }
    }

    private LeaseGrantResponse grantResponse(long id, long ttlSeconds) {
        return engine.leaseGrant(LeaseGrantRequest.newBuilder().setID(id).setTTL(ttlSeconds).build()).join();
    }

    private LeaseKeepAliveResponse renew(long id) {
        return engine.leaseRenew(id).join();
    }

    /** Advances the clock in steps of one expiry check until {@code done} holds. */
    private void tickUntil(java.util.function.BooleanSupplier done) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> {
            clock.advance(Duration.ofMillis(10));
            return done.getAsBoolean();
        });
    }

    @Test
    void grantRaisesSmallTtlsToTheMinimum() {
        open(false);

        for (long ttl : new long[] {1, 0, -5, Long.MIN_VALUE}) {
            assertThat(grantResponse(0, ttl).getTTL()).as("TTL %d", ttl).isEqualTo(2);
        }
        assertThat(grantResponse(0, 3).getTTL()).isEqualTo(3);
        assertThat(grantResponse(0, 9_000_000_000L).getTTL()).isEqualTo(9_000_000_000L);
    }

    @Test
    void grantRejectsTooLargeTtl() {
        open(false);

        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(9_000_000_001L).build()),
                EtcdError.LEASE_TTL_TOO_LARGE);
        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setTTL(Long.MAX_VALUE).build()),
                EtcdError.LEASE_TTL_TOO_LARGE);
    }

    @Test
    void grantKeepsExplicitIdsAndRejectsDuplicates() {
        open(false);

        assertThat(grantResponse(12345, 30).getID()).isEqualTo(12345);
        assertFails(engine.leaseGrant(LeaseGrantRequest.newBuilder().setID(12345).setTTL(99).build()),
                EtcdError.LEASE_EXISTS);
        assertThat(grantResponse(-7, 30).getID()).isEqualTo(-7);
        assertThat(grantResponse(Long.MAX_VALUE, 30).getID()).isEqualTo(Long.MAX_VALUE);
        clock.advance(Duration.ofMillis(1));
        assertThat(timeToLive(engine, -7).getTTL()).isEqualTo(29);
        assertThat(timeToLive(engine, -7).getGrantedTTL()).isEqualTo(30);
    }

    @Test
    void grantMakesPositiveIdsWithTheMemberPrefix() {
        open(false);
        long memberBits = engine.header().getMemberId() & 0x7fff;

        Set<Long> ids = new HashSet<>();
        for (int i = 0; i < 300; i++) {
            long id = grant(engine, 60);
            assertThat(id).isPositive();
            assertThat(id >>> 48).isEqualTo(memberBits);
            ids.add(id);
        }

        assertThat(ids).hasSize(300);
    }

    @Test
    void grantKeepsTheRevisionAndFillsTheHeader() {
        open(false);
        put(engine, "a", "1");

        LeaseGrantResponse response = grantResponse(0, 60);

        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
        assertThat(response.getError()).isEmpty();
        assertThat(engine.header().getRevision()).isEqualTo(2);
    }

    @Test
    void timeToLiveTruncatesTowardZero() {
        open(false);
        long id = grant(engine, 100);

        assertThat(timeToLive(engine, id).getTTL()).as("no time has passed on the manual clock").isEqualTo(100);
        clock.advance(Duration.ofMillis(1));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(99);
        clock.advance(Duration.ofMillis(499));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(99);
        clock.advance(Duration.ofMillis(99_000));
        assertThat(timeToLive(engine, id).getTTL()).as("last half second").isZero();
        clock.advance(Duration.ofMillis(1_500));
        assertThat(timeToLive(engine, id).getTTL()).as("expired, revoke pending").isEqualTo(-1);
        assertThat(timeToLive(engine, id).getGrantedTTL()).isEqualTo(100);
    }

    @Test
    void timeToLiveOfUnknownLease() {
        open(false);

        for (long id : new long[] {424242, 0}) {
            LeaseTimeToLiveResponse response = timeToLive(engine, id);
            assertThat(response.getID()).isEqualTo(id);
            assertThat(response.getTTL()).isEqualTo(-1);
            assertThat(response.getGrantedTTL()).isZero();
            assertThat(response.getKeysList()).isEmpty();
            assertThat(response.getHeader().getRevision()).isEqualTo(1);
        }
    }

    @Test
    void timeToLiveListsKeysOnlyWhenAsked() {
        open(false);
        long id = grant(engine, 100);
        put(engine, "rk/c", "v", id);
        put(engine, "rk/a", "v", id);

        LeaseTimeToLiveResponse without = engine.leaseTimeToLive(LeaseTimeToLiveRequest.newBuilder().setID(id).build())
                .join();

        assertThat(without.getKeysList()).isEmpty();
        assertThat(leaseKeys(engine, id)).containsExactly("rk/a", "rk/c");
    }

    @Test
    void renewAnswersGrantedTtlAndRestartsTheClock() {
        open(false);
        long id = grant(engine, 10);
        clock.advance(Duration.ofMillis(3_001));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(6);

        LeaseKeepAliveResponse response = renew(id);

        assertThat(response.getID()).isEqualTo(id);
        assertThat(response.getTTL()).isEqualTo(10);
        assertThat(response.getHeader().getRevision()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(9);
    }

    @Test
    void renewOfUnknownLeaseAnswersZero() {
        open(false);

        assertThat(renew(555).getTTL()).isZero();
        assertThat(renew(555).getID()).isEqualTo(555);
        assertThat(renew(0).getTTL()).isZero();
    }

    @Test
    void renewOfExpiredLeaseWaitsForItsRevoke() {
        open(false);
        long id = grant(engine, 5);
        put(engine, "k", "v", id);
        clock.advance(Duration.ofMillis(6_500));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(-1);

        CompletableFuture<LeaseKeepAliveResponse> renewal = engine.leaseRenew(id);
        assertThat(renewal).isNotDone();
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()).join();

        assertThat(renewal.join().getTTL()).isZero();
        assertThat(renewal.join().getHeader().getRevision()).as("the header is taken before the renew").isEqualTo(2);
    }

    @Test
    void revokeDeletesKeysInOneRevision() {
        open(false);
        List<Event> events = new CopyOnWriteArrayList<>();
        List<Long> revisions = new CopyOnWriteArrayList<>();
        engine.addRevisionListener((revision, batch) -> {
            revisions.add(revision);
            events.addAll(batch);
        });
        long id = grant(engine, 60);
        put(engine, "rk/c", "c", id);
        put(engine, "rk/a", "a", id);
        put(engine, "rk/b", "b", id);
        put(engine, "other", "o");

        LeaseRevokeResponse response = engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()).join();

        assertThat(response.getHeader().getRevision()).isEqualTo(6);
        assertThat(revisions).containsExactly(2L, 3L, 4L, 5L, 6L);
        List<Event> deletes = events.subList(4, events.size());
        assertThat(deletes).extracting(e -> e.getKv().getKey().toStringUtf8()).containsExactly("rk/a", "rk/b", "rk/c");
        assertThat(deletes).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo(Event.EventType.DELETE);
            assertThat(e.getKv().getModRevision()).isEqualTo(6);
            assertThat(e.getKv().getVersion()).isZero();
            assertThat(e.getPrevKv().getLease()).isEqualTo(id);
        });
        assertThat(get(engine, "other")).isNotNull();
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(-1);
    }

    @Test
    void revokeWithoutKeysKeepsTheRevision() {
        open(false);
        long id = grant(engine, 60);

        LeaseRevokeResponse response = engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()).join();

        assertThat(response.getHeader().getRevision()).isEqualTo(1);
        assertFails(engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(id).build()), EtcdError.LEASE_NOT_FOUND);
        assertFails(engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(424242).build()),
                EtcdError.LEASE_NOT_FOUND);
        assertFails(engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(0).build()), EtcdError.LEASE_NOT_FOUND);
    }

    @Test
    void putMovesKeysBetweenLeases() {
        open(false);
        long a = grant(engine, 60);
        long b = grant(engine, 60);
        put(engine, "p/k", "v", a);

        PutResponse detached = engine.put(PutRequest.newBuilder().setKey(bytes("p/k")).setValue(bytes("v"))
                .setPrevKv(true).build()).join();
        assertThat(detached.getPrevKv().getLease()).isEqualTo(a);
        assertThat(get(engine, "p/k").getLease()).isZero();
        assertThat(leaseKeys(engine, a)).isEmpty();

        put(engine, "p/k", "v", a);
        put(engine, "p/k", "v", b);
        assertThat(leaseKeys(engine, a)).isEmpty();
        assertThat(leaseKeys(engine, b)).containsExactly("p/k");

        engine.put(PutRequest.newBuilder().setKey(bytes("p/k")).setValue(bytes("v6")).setIgnoreLease(true).build()).join();
        assertThat(get(engine, "p/k").getLease()).isEqualTo(b);

        engine.put(PutRequest.newBuilder().setKey(bytes("p/k")).setIgnoreValue(true).setLease(a).build()).join();
        assertThat(get(engine, "p/k").getValue().toStringUtf8()).isEqualTo("v6");
        assertThat(get(engine, "p/k").getLease()).isEqualTo(a);
        assertThat(leaseKeys(engine, a)).containsExactly("p/k");
        assertThat(leaseKeys(engine, b)).isEmpty();

        long revision = engine.header().getRevision();
        engine.leaseRevoke(LeaseRevokeRequest.newBuilder().setID(b).build()).join();
        assertThat(engine.header().getRevision()).as("revoking a lease the key left deletes nothing").isEqualTo(revision);
    }

    @Test
    void deleteDetachesKeyFromLease() {
        open(false);
        long id = grant(engine, 60);
        put(engine, "k", "v", id);

        delete(engine, "k");

        assertThat(leaseKeys(engine, id)).isEmpty();
    }

    @Test
    void leasesAreOrderedBySoonestExpiry() {
        open(false);
        long thirty = grant(engine, 30);
        long twelve = grant(engine, 12);
        long twenty = grant(engine, 20);

        List<Long> ids = new ArrayList<>();
        for (LeaseStatus status : engine.leaseLeases().join().getLeasesList()) {
            ids.add(status.getID());
        }

        assertThat(ids).containsExactly(twelve, twenty, thirty);
        clock.advance(Duration.ofSeconds(9));
        renew(twelve);
        assertThat(engine.leaseLeases().join().getLeasesList()).extracting(LeaseStatus::getID)
                .containsExactly(twenty, twelve, thirty);
    }

    @Test
    void expiryRevokesEachLeaseInItsOwnRevision() throws InterruptedException {
        open(true);
        List<Long> revisions = new CopyOnWriteArrayList<>();
        List<String> deleted = new CopyOnWriteArrayList<>();
        engine.addRevisionListener((revision, events) -> {
            revisions.add(revision);
            events.forEach(e -> deleted.add(revision + ":" + e.getKv().getKey().toStringUtf8()));
        });
        long first = grant(engine, 5);
        long second = grant(engine, 5);
        long kept = grant(engine, 60);
        put(engine, "first/b", "v", first);
        put(engine, "first/a", "v", first);
        put(engine, "second/a", "v", second);
        put(engine, "kept", "v", kept);
        deleted.clear();
        revisions.clear();

        clock.advance(Duration.ofSeconds(5));
        tickUntil(() -> engine.leaseLeases().join().getLeasesCount() == 1);

        assertThat(revisions).hasSize(2);
        assertThat(deleted).containsExactlyInAnyOrder(revisions.get(0) + ":first/a", revisions.get(0) + ":first/b",
                revisions.get(1) + ":second/a")
                .as("first expired first").doesNotContain(revisions.get(1) + ":first/a");
        assertThat(get(engine, "kept")).isNotNull();
        assertThat(timeToLive(engine, first).getTTL()).isEqualTo(-1);
    }

    @Test
    void expiryWithOneRevokeInFlightRevokesAll() {
        ServerConfig d = EngineTestSupport.config(dir);
        engine = LocalEngine.open(new ServerConfig(d.name(), dir, d.listenClientAddresses(), d.advertiseClientUrls(),
                d.advertisePeerUrls(), d.clusterToken(), d.minLeaseTtlSeconds(), d.maxLeaseTtlSeconds(),
                d.maxRequestBytes(), d.maxTxnOps(), d.expiryCheckInterval(), 1, d.shutdownGrace()), clock);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long id = grant(engine, 5);
            put(engine, "expiring/" + i, "v", id);
            ids.add(id);
        }

        clock.advance(Duration.ofSeconds(5));
        // The lease list empties when the last revoke is proposed; its keys go when it applies.
        RangeRequest expiringKeys = RangeRequest.newBuilder().setKey(bytes("expiring/"))
                .setRangeEnd(bytes("expiring0")).setCountOnly(true).build();
        tickUntil(() -> engine.leaseLeases().join().getLeasesCount() == 0
                && engine.range(expiringKeys).join().getCount() == 0);

        for (long id : ids) {
            assertThat(timeToLive(engine, id).getTTL()).as("lease %x", id).isEqualTo(-1);
        }
    }

    @Test
    void expiryAnswersWaitingRenewals() {
        open(true);
        long id = grant(engine, 2);
        clock.advance(Duration.ofMillis(2_000));

        CompletableFuture<LeaseKeepAliveResponse> renewal = engine.leaseRenew(id);
        tickUntil(renewal::isDone);

        assertThat(renewal.join().getTTL()).isZero();
    }

    @Test
    void renewedLeaseDoesNotExpire() {
        open(true);
        long id = grant(engine, 3);

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(2));
            assertThat(renew(id).getTTL()).isEqualTo(3);
        }

        clock.advance(Duration.ofMillis(1));
        assertThat(timeToLive(engine, id).getTTL()).isEqualTo(2);
    }

    @Test
    void closeFailsWaitingRenewals() {
        open(false);
        long id = grant(engine, 2);
        clock.advance(Duration.ofSeconds(3));
        CompletableFuture<LeaseKeepAliveResponse> renewal = engine.leaseRenew(id);

        engine.close();

        assertFails(renewal, EtcdError.SERVER_STOPPED);
        assertFails(engine.leaseRenew(id), EtcdError.SERVER_STOPPED);
        assertFails(engine.put(PutRequest.newBuilder().setKey(bytes("k")).build()), EtcdError.SERVER_STOPPED);
    }
}
