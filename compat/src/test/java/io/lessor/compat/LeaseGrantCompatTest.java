package io.lessor.compat;

import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LeaseGrant: TTL bounds, server-chosen and explicit ids, duplicates. */
@ExtendWith(LeakCheckExtension.class)
class LeaseGrantCompatTest {

    private static final long MAX_TTL_SECONDS = 9_000_000_000L;

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void grantPicksPositiveIdWithoutNewRevision(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            LeaseGrantResponse granted = out.call("grant ttl 60", () -> target.lease().leaseGrant(grant(60)));
            out.alias(granted.getID());
        });

        LeaseGrantResponse granted = t.response("grant ttl 60", LeaseGrantResponse.class);
        assertThat(granted.getID()).isPositive();
        assertThat(granted.getTTL()).isEqualTo(60);
        assertThat(granted.getError()).isEmpty();
        assertThat(granted.getHeader().getRevision()).isEqualTo(1);
    }

    @OnBothTargets
    void grantRaisesSmallTtlToMinimum(TargetKind kind) throws Exception {
        long[] ttls = {1, 0, -5, Long.MIN_VALUE};
        Transcript t = differential.run(kind, (target, out) -> {
            for (long ttl : ttls) {
                LeaseGrantResponse granted = out.call("grant ttl " + ttl, () -> target.lease().leaseGrant(grant(ttl)));
                out.alias(granted.getID());
            }
        });

        for (long ttl : ttls) {
            assertThat(t.response("grant ttl " + ttl, LeaseGrantResponse.class).getTTL()).as("TTL for %d", ttl)
                    .isEqualTo(2);
        }
    }

    @OnBothTargets
    void grantKeepsMinimumAndMaximumTtl(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            for (long ttl : new long[] {2, 3, MAX_TTL_SECONDS}) {
                LeaseGrantResponse granted = out.call("grant ttl " + ttl, () -> target.lease().leaseGrant(grant(ttl)));
                out.alias(granted.getID());
            }
        });

        assertThat(t.response("grant ttl 2", LeaseGrantResponse.class).getTTL()).isEqualTo(2);
        assertThat(t.response("grant ttl 3", LeaseGrantResponse.class).getTTL()).isEqualTo(3);
        assertThat(t.response("grant ttl " + MAX_TTL_SECONDS, LeaseGrantResponse.class).getTTL())
                .isEqualTo(MAX_TTL_SECONDS);
    }

    @OnBothTargets
    void grantRejectsTtlAboveMaximum(TargetKind kind) throws Exception {
        long[] ttls = {MAX_TTL_SECONDS + 1, Long.MAX_VALUE};
        Transcript t = differential.run(kind, (target, out) -> {
            for (long ttl : ttls) {
                out.call("grant ttl " + ttl, () -> target.lease().leaseGrant(grant(ttl)));
            }
        });

        for (long ttl : ttls) {
            assertThat(t.code("grant ttl " + ttl)).isEqualTo(Status.Code.OUT_OF_RANGE);
            assertThat(t.description("grant ttl " + ttl)).isEqualTo("etcdserver: too large lease TTL");
        }
    }

    @OnBothTargets
    void grantRejectsIdInUse(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("grant id 12345", () -> target.lease().leaseGrant(grant(12345, 30)));
            out.call("grant id 12345 again", () -> target.lease().leaseGrant(grant(12345, 30)));
            out.call("grant id 12345 ttl 99", () -> target.lease().leaseGrant(grant(12345, 99)));
        });

        assertThat(t.response("grant id 12345", LeaseGrantResponse.class).getID()).isEqualTo(12345);
        for (String label : new String[] {"grant id 12345 again", "grant id 12345 ttl 99"}) {
            assertThat(t.code(label)).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(t.description(label)).isEqualTo("etcdserver: lease already exists");
        }
    }

    @OnBothTargets
    void grantKeepsNegativeAndMaximumIds(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("grant id -7", () -> target.lease().leaseGrant(grant(-7, 30)));
            out.call("grant id max", () -> target.lease().leaseGrant(grant(Long.MAX_VALUE, 30)));
            out.call("ttl of -7", () -> target.lease().leaseTimeToLive(timeToLive(-7)));
        });

        assertThat(t.response("grant id -7", LeaseGrantResponse.class).getID()).isEqualTo(-7);
        assertThat(t.response("grant id max", LeaseGrantResponse.class).getID()).isEqualTo(Long.MAX_VALUE);
        LeaseTimeToLiveResponse ttl = t.response("ttl of -7", LeaseTimeToLiveResponse.class);
        assertThat(ttl.getTTL()).isEqualTo(29);
        assertThat(ttl.getGrantedTTL()).isEqualTo(30);
    }
}
