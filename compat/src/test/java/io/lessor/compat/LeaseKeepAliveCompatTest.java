package io.lessor.compat;

import static io.lessor.compat.support.Requests.countPrefix;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.keepAlive;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.timeToLive;
import static io.lessor.compat.support.Requests.timeToLiveWithKeys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.compat.support.BulkLeases;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.StreamRecorder;
import io.lessor.compat.support.Target;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LeaseKeepAlive streams and LeaseTimeToLive: renewals, unknown ids, expired leases, stream ends. */
@ExtendWith(LeakCheckExtension.class)
class LeaseKeepAliveCompatTest {

    private static final Duration STREAM_WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void keepAliveAnswersEveryIdOnOneStream(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long known = target.lease().leaseGrant(grant(10)).getID();
            out.alias(known);
            long shortLived = target.lease().leaseGrant(grant(2)).getID();
            out.alias(shortLived);
            awaitExpired(target, shortLived);

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(known));
            out.record("known", responses.next(STREAM_WAIT));
            requests.onNext(keepAlive(555));
            out.record("unknown 555", responses.next(STREAM_WAIT));
            requests.onNext(keepAlive(0));
            out.record("id 0", responses.next(STREAM_WAIT));
            requests.onNext(keepAlive(known));
            out.record("known again", responses.next(STREAM_WAIT));
            requests.onNext(keepAlive(shortLived));
            out.record("expired", responses.next(STREAM_WAIT));
            responses.cancel();
        });

        assertThat(t.response("known", LeaseKeepAliveResponse.class).getTTL()).isEqualTo(10);
        assertThat(t.response("known again", LeaseKeepAliveResponse.class).getTTL()).isEqualTo(10);
        LeaseKeepAliveResponse unknown = t.response("unknown 555", LeaseKeepAliveResponse.class);
        assertThat(unknown.getID()).isEqualTo(555);
        assertThat(unknown.getTTL()).isZero();
        assertThat(t.response("id 0", LeaseKeepAliveResponse.class).getTTL()).isZero();
        assertThat(t.response("expired", LeaseKeepAliveResponse.class).getTTL()).isZero();
    }

    @OnBothTargets
    void keepAliveAnswersPipelinedRequestsInOrder(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long known = target.lease().leaseGrant(grant(10)).getID();
            out.alias(known);

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(known));
            requests.onNext(keepAlive(777));
            out.record("first", responses.next(STREAM_WAIT));
            out.record("second", responses.next(STREAM_WAIT));
            responses.cancel();
        });

        assertThat(t.response("first", LeaseKeepAliveResponse.class).getTTL()).isEqualTo(10);
        assertThat(t.response("second", LeaseKeepAliveResponse.class).getID()).isEqualTo(777);
    }

    @OnBothTargets
    void keepAliveEndsOkOnHalfClose(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long known = target.lease().leaseGrant(grant(10)).getID();
            out.alias(known);

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(known));
            out.record("renewed", responses.next(STREAM_WAIT));
            requests.onCompleted();
            out.recordStatus("end of stream", responses.awaitEnd(STREAM_WAIT));
        });

        assertThat(t.code("end of stream")).isEqualTo(Status.Code.OK);
    }

    @OnBothTargets
    void keepAliveHeaderCarriesCurrentRevision(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long id = target.lease().leaseGrant(grant(10)).getID();
            out.alias(id);
            target.kv().put(put("ka/one", "v", id));
            target.kv().put(put("ka/two", "v"));

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(id));
            out.record("renewed", responses.next(STREAM_WAIT));
            responses.cancel();
        });

        assertThat(t.response("renewed", LeaseKeepAliveResponse.class).getHeader().getRevision()).isEqualTo(3);
    }

    @OnBothTargets
    void timeToLiveTruncatesAndListsKeys(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long id = target.lease().leaseGrant(grant(100)).getID();
            out.alias(id);
            for (String key : new String[] {"rk/c", "rk/a", "rk/b"}) {
                target.kv().put(put(key, "v", id));
            }
            out.call("ttl with keys", () -> target.lease().leaseTimeToLive(timeToLiveWithKeys(id)));
            out.call("ttl without keys", () -> target.lease().leaseTimeToLive(timeToLive(id)));
        });

        LeaseTimeToLiveResponse withKeys = t.response("ttl with keys", LeaseTimeToLiveResponse.class);
        assertThat(withKeys.getTTL()).isEqualTo(99);
        assertThat(withKeys.getGrantedTTL()).isEqualTo(100);
        assertThat(withKeys.getKeysList()).extracting(k -> k.toStringUtf8())
                .containsExactlyInAnyOrder("rk/a", "rk/b", "rk/c");
        assertThat(t.response("ttl without keys", LeaseTimeToLiveResponse.class).getKeysList()).isEmpty();
    }

    @OnBothTargets
    void timeToLiveResetsAfterKeepAlive(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long id = target.lease().leaseGrant(grant(10)).getID();
            out.alias(id);

            // given a lease that has aged by more than a second
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(() -> target.lease().leaseTimeToLive(timeToLive(id)).getTTL() <= 8);

            // when it is renewed
            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(id));
            out.record("renewed", responses.next(STREAM_WAIT));
            responses.cancel();

            // then TimeToLive reads the granted TTL minus the part of a second already gone
            out.call("ttl after renewal", () -> target.lease().leaseTimeToLive(timeToLive(id)));
        });

        assertThat(t.response("ttl after renewal", LeaseTimeToLiveResponse.class).getTTL()).isEqualTo(9);
    }

    @OnBothTargets
    void manyExpiredLeasesAreNeverRenewed(TargetKind kind) throws Exception {
        int count = 3000;
        Transcript t = differential.run(kind, (target, out) -> {
            // given 3000 leases with a key each, with a TTL of 3 s so that every key is in place
            // before the first lease expires
            BulkLeases.Granted granted = BulkLeases.grantWithKeys(target, count, 3, "exp/", Duration.ofSeconds(30));
            long[] ids = granted.ids();
            long lastGrantNanos = granted.lastGrantNanos();

            // when every one of them has passed its TTL (the last was granted before lastGrantNanos)
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                    .until(() -> System.nanoTime() - lastGrantNanos > Duration.ofMillis(3_100).toNanos());

            // then no TimeToLive is positive and no keep-alive renews any of them, whether the
            // server has revoked the lease yet or not
            long maxTtl = Long.MIN_VALUE;
            for (long id : ids) {
                maxTtl = Math.max(maxTtl, target.lease().leaseTimeToLive(timeToLive(id)).getTTL());
            }
            out.note("max TimeToLive TTL is at most 0", maxTtl <= 0);

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            long renewed = 0;
            for (long id : ids) {
                requests.onNext(keepAlive(id));
            }
            for (int i = 0; i < count; i++) {
                if (responses.next(Duration.ofSeconds(15)).getTTL() != 0) {
                    renewed++;
                }
            }
            responses.cancel();
            out.note("keep-alives that renewed an expired lease", renewed);

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                    .until(() -> target.kv().range(countPrefix("exp/")).getCount() == 0);
            out.note("keys left after expiry", 0);
        });

        assertThat(t.noteText("max TimeToLive TTL is at most 0")).isEqualTo("true");
        assertThat(t.noteText("keep-alives that renewed an expired lease")).isEqualTo("0");
    }

    /** Waits until TimeToLive of {@code id} is negative: expired, whether revoked yet or not. */
    static void awaitExpired(Target target, long id) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> target.lease().leaseTimeToLive(timeToLive(id)).getTTL() < 0);
    }
}
