package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.getPrefix;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.prefixEnd;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.revoke;
import static io.lessor.compat.support.Requests.timeToLive;
import static io.lessor.compat.support.Requests.timeToLiveWithKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.StreamRecorder;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LeaseRevoke: deleting the attached keys, revisions, unknown ids; TimeToLive after a revoke. */
@ExtendWith(LeakCheckExtension.class)
class LeaseRevokeCompatTest {

    private static final Duration STREAM_WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void revokeDeletesKeysInOneRevision(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long leaseId = target.lease().leaseGrant(grant(60)).getID();
            out.alias(leaseId);
            for (String key : new String[] {"rk/c", "rk/a", "rk/b"}) {
                out.call("put " + key, () -> target.kv().put(put(key, "v", leaseId)));
            }

            // given a watch on the prefix, created before the revoke
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(bytes("rk/")).setRangeEnd(prefixEnd("rk/"))).build());
            out.record("watch created", watch.next(STREAM_WAIT));

            // when the lease is revoked
            out.call("revoke", () -> target.lease().leaseRevoke(revoke(leaseId)));

            // then all three deletes arrive in one response
            out.record("watch events", watch.next(STREAM_WAIT));
            out.call("range after revoke", () -> target.kv().range(getPrefix("rk/")));
            watch.cancel();
        });

        assertThat(t.response("revoke", LeaseRevokeResponse.class).getHeader().getRevision()).isEqualTo(5);
        WatchResponse events = t.response("watch events", WatchResponse.class);
        assertThat(events.getEventsList()).extracting(e -> e.getKv().getKey().toStringUtf8())
                .containsExactly("rk/a", "rk/b", "rk/c");
        for (Event event : events.getEventsList()) {
            assertThat(event.getType()).isEqualTo(Event.EventType.DELETE);
            KeyValue kv = event.getKv();
            assertThat(kv.getModRevision()).isEqualTo(5);
            assertThat(kv.getCreateRevision()).isZero();
            assertThat(kv.getVersion()).isZero();
            assertThat(kv.getValue().isEmpty()).isTrue();
            assertThat(kv.getLease()).isZero();
        }
        assertThat(t.response("range after revoke", RangeResponse.class).getCount()).isZero();
    }

    @OnBothTargets
    void revokeWithoutKeysKeepsRevision(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("put unrelated", () -> target.kv().put(put("other", "v")));
            LeaseGrantResponse granted = out.call("grant", () -> target.lease().leaseGrant(grant(60)));
            out.alias(granted.getID());
            out.call("revoke", () -> target.lease().leaseRevoke(revoke(granted.getID())));
        });

        assertThat(t.response("revoke", LeaseRevokeResponse.class).getHeader().getRevision()).isEqualTo(2);
    }

    @OnBothTargets
    void revokeOfUnknownLeaseIsNotFound(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long id = target.lease().leaseGrant(grant(60)).getID();
            out.alias(id);
            out.call("revoke", () -> target.lease().leaseRevoke(revoke(id)));
            out.call("revoke again", () -> target.lease().leaseRevoke(revoke(id)));
            out.call("revoke 424242", () -> target.lease().leaseRevoke(revoke(424242)));
            out.call("revoke 0", () -> target.lease().leaseRevoke(revoke(0)));
        });

        for (String label : new String[] {"revoke again", "revoke 424242", "revoke 0"}) {
            assertThat(t.code(label)).as(label).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(t.description(label)).as(label).isEqualTo("etcdserver: requested lease not found");
        }
    }

    @OnBothTargets
    void timeToLiveOfUnknownLeaseIsMinusOne(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long id = target.lease().leaseGrant(grant(60)).getID();
            out.alias(id);
            target.lease().leaseRevoke(revoke(id));
            out.call("ttl of revoked", () -> target.lease().leaseTimeToLive(timeToLive(id)));
            out.call("ttl of 424242", () -> target.lease().leaseTimeToLive(timeToLive(424242)));
            out.call("ttl of 0", () -> target.lease().leaseTimeToLive(
                    timeToLiveWithKeys(0)));
        });

        LeaseTimeToLiveResponse unknown = t.response("ttl of 424242", LeaseTimeToLiveResponse.class);
        assertThat(unknown.getID()).isEqualTo(424242);
        for (String label : new String[] {"ttl of revoked", "ttl of 424242", "ttl of 0"}) {
            LeaseTimeToLiveResponse ttl = t.response(label, LeaseTimeToLiveResponse.class);
            assertThat(ttl.getTTL()).as(label).isEqualTo(-1);
            assertThat(ttl.getGrantedTTL()).as(label).isZero();
            assertThat(ttl.getKeysList()).as(label).isEmpty();
            assertThat(ttl.getHeader().getRevision()).as(label).isPositive();
        }
    }
}
