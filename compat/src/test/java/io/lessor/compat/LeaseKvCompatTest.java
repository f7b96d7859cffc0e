package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.delete;
import static io.lessor.compat.support.Requests.get;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.revoke;
import static io.lessor.compat.support.Requests.timeToLiveWithKeys;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lessor.api.Compare;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.Target;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Put, DeleteRange and Txn with leases: attaching, moving, detaching, and the input checks. */
@ExtendWith(LeakCheckExtension.class)
class LeaseKvCompatTest {

    private static final String LEASE_NOT_FOUND = "etcdserver: requested lease not found";

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void putWithUnknownLeaseIsNotFound(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("put lease 999", () -> target.kv().put(put("p/x", "v", 999)));
            out.call("put lease -1", () -> target.kv().put(put("p/x", "v", -1)));
            out.call("range", () -> target.kv().range(get("p/x")));
        });

        for (String label : new String[] {"put lease 999", "put lease -1"}) {
            assertThat(t.code(label)).as(label).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(t.description(label)).as(label).isEqualTo(LEASE_NOT_FOUND);
        }
        assertThat(t.response("range", RangeResponse.class).getCount()).isZero();
    }

    @OnBothTargets
    void putWithoutLeaseDetachesKey(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            out.call("put with A", () -> target.kv().put(put("p/k", "v1", a)));
            PutResponse detached = out.call("put without lease",
                    () -> target.kv().put(put("p/k", "v2").toBuilder().setPrevKv(true).build()));
            out.note("prev_kv.lease is A", detached.getPrevKv().getLease() == a);
            out.call("range", () -> target.kv().range(get("p/k")));
            out.call("keys of A", () -> target.lease().leaseTimeToLive(timeToLiveWithKeys(a)));
            out.call("revoke A", () -> target.lease().leaseRevoke(revoke(a)));
            out.call("range after revoke", () -> target.kv().range(get("p/k")));
        });

        assertThat(t.noteText("prev_kv.lease is A")).isEqualTo("true");
        assertThat(t.response("range", RangeResponse.class).getKvs(0).getLease()).isZero();
        assertThat(t.response("keys of A", LeaseTimeToLiveResponse.class).getKeysList()).isEmpty();
        assertThat(t.response("range after revoke", RangeResponse.class).getCount()).isEqualTo(1);
        assertThat(t.response("range after revoke", RangeResponse.class).getHeader().getRevision()).isEqualTo(3);
    }

    @OnBothTargets
    void putWithOtherLeaseMovesKey(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            long b = grantAliased(target, out, 60);
            target.kv().put(put("p/k", "v1", a));
            out.call("put with B", () -> target.kv().put(put("p/k", "v2", b)));
            out.call("keys of A", () -> target.lease().leaseTimeToLive(timeToLiveWithKeys(a)));
            out.call("keys of B", () -> target.lease().leaseTimeToLive(timeToLiveWithKeys(b)));
        });

        assertThat(t.response("keys of A", LeaseTimeToLiveResponse.class).getKeysList()).isEmpty();
        assertThat(t.response("keys of B", LeaseTimeToLiveResponse.class).getKeysList())
                .containsExactly(bytes("p/k"));
    }

    @OnBothTargets
    void putIgnoringLeaseKeepsLease(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long b = grantAliased(target, out, 60);
            target.kv().put(put("p/k", "v1", b));
            out.call("put ignore_lease", () -> target.kv().put(
                    PutRequest.newBuilder().setKey(bytes("p/k")).setValue(bytes("v2")).setIgnoreLease(true).build()));
            RangeResponse range = out.call("range", () -> target.kv().range(get("p/k")));
            out.note("lease is still B", range.getKvs(0).getLease() == b);
        });

        assertThat(t.noteText("lease is still B")).isEqualTo("true");
        assertThat(t.response("range", RangeResponse.class).getKvs(0).getValue()).isEqualTo(bytes("v2"));
    }

    @OnBothTargets
    void putRejectsConflictingIgnoreFlags(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            target.kv().put(put("p/k", "v1"));
            out.call("ignore_lease with lease", () -> target.kv().put(PutRequest.newBuilder()
                    .setKey(bytes("p/k")).setIgnoreLease(true).setLease(a).build()));
            out.call("ignore_value with value", () -> target.kv().put(PutRequest.newBuilder()
                    .setKey(bytes("p/k")).setIgnoreValue(true).setValue(bytes("v6")).build()));
            out.call("ignore_lease on missing key", () -> target.kv().put(PutRequest.newBuilder()
                    .setKey(bytes("p/missing")).setIgnoreLease(true).build()));
            out.call("ignore_value on missing key", () -> target.kv().put(PutRequest.newBuilder()
                    .setKey(bytes("p/missing")).setIgnoreValue(true).build()));
            out.call("empty key", () -> target.kv().put(put("", "v", a)));
        });

        assertInvalid(t, "ignore_lease with lease", "etcdserver: lease is provided");
        assertInvalid(t, "ignore_value with value", "etcdserver: value is provided");
        assertInvalid(t, "ignore_lease on missing key", "etcdserver: key not found");
        assertInvalid(t, "ignore_value on missing key", "etcdserver: key not found");
        assertInvalid(t, "empty key", "etcdserver: key is not provided");
    }

    @OnBothTargets
    void putIgnoringValueChangesLease(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            target.kv().put(put("p/k", "v1"));
            out.call("put ignore_value with A", () -> target.kv().put(PutRequest.newBuilder()
                    .setKey(bytes("p/k")).setIgnoreValue(true).setLease(a).build()));
            RangeResponse range = out.call("range", () -> target.kv().range(get("p/k")));
            out.note("lease is A", range.getKvs(0).getLease() == a);
        });

        RangeResponse range = t.response("range", RangeResponse.class);
        assertThat(range.getKvs(0).getValue()).isEqualTo(bytes("v1"));
        assertThat(t.noteText("lease is A")).isEqualTo("true");
        assertThat(range.getKvs(0).getVersion()).isEqualTo(2);
    }

    @OnBothTargets
    void deleteDetachesKeyFromLease(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            target.kv().put(put("p/k", "v1", a));
            out.call("delete", () -> target.kv().deleteRange(delete("p/k")));
            out.call("keys of A", () -> target.lease().leaseTimeToLive(timeToLiveWithKeys(a)));
            out.call("revoke A", () -> target.lease().leaseRevoke(revoke(a)));
        });

        assertThat(t.response("keys of A", LeaseTimeToLiveResponse.class).getKeysList()).isEmpty();
    }

    @OnBothTargets
    void txnChecksLeaseOnlyInTakenBranch(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.kv().put(put("t/k", "v"));
            Compare valueIsV = Compare.newBuilder().setKey(bytes("t/k")).setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.EQUAL).setValue(bytes("v")).build();
            RequestOp putUnknownLease = RequestOp.newBuilder().setRequestPut(put("t/leased", "v", 31337)).build();
            RequestOp plainPut = RequestOp.newBuilder().setRequestPut(put("t/plain", "v")).build();

            out.call("taken branch with unknown lease", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addCompare(valueIsV).addSuccess(putUnknownLease).addFailure(plainPut).build()));
            out.call("branch not taken with unknown lease", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addCompare(valueIsV).addSuccess(plainPut).addFailure(putUnknownLease).build()));
            out.call("range", () -> target.kv().range(get("t/leased")));
        });

        assertThat(t.code("taken branch with unknown lease")).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(t.description("taken branch with unknown lease")).isEqualTo(LEASE_NOT_FOUND);
        assertThat(t.response("branch not taken with unknown lease", TxnResponse.class).getSucceeded()).isTrue();
        assertThat(t.response("range", RangeResponse.class).getCount()).isZero();
    }

    @OnBothTargets
    void txnComparesLeaseOfKey(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            long a = grantAliased(target, out, 60);
            target.kv().put(put("t/k", "v", a));
            for (long candidate : new long[] {a, 0}) {
                Compare leaseIs = Compare.newBuilder().setKey(bytes("t/k")).setTarget(Compare.CompareTarget.LEASE)
                        .setResult(Compare.CompareResult.EQUAL).setLease(candidate).build();
                out.call("lease equals " + (candidate == a ? "A" : "0"), () -> target.kv().txn(
                        TxnRequest.newBuilder().addCompare(leaseIs).build()));
            }
        });

        assertThat(t.response("lease equals A", TxnResponse.class).getSucceeded()).isTrue();
        assertThat(t.response("lease equals 0", TxnResponse.class).getSucceeded()).isFalse();
    }

    private static long grantAliased(Target target, Transcript out, long ttlSeconds) {
        long id = target.lease().leaseGrant(grant(ttlSeconds)).getID();
        out.alias(id);
        return id;
    }

    private static void assertInvalid(Transcript t, String label, String message) {
        assertThat(t.code(label)).as(label).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(t.description(label)).as(label).isEqualTo(message);
    }
}
