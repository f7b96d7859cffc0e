package io.lessor.compat;

import static io.lessor.compat.support.Requests.delete;
import static io.lessor.compat.support.Requests.get;
import static io.lessor.compat.support.Requests.grant;
import static io.lessor.compat.support.Requests.keepAlive;
import static io.lessor.compat.support.Requests.leases;
import static io.lessor.compat.support.Requests.put;
import static io.lessor.compat.support.Requests.revoke;
import static io.lessor.compat.support.Requests.timeToLive;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.stub.StreamObserver;
import io.lessor.api.CompactionRequest;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.MemberListRequest;
import io.lessor.api.MemberListResponse;
import io.lessor.api.RequestOp;
import io.lessor.api.ResponseHeader;
import io.lessor.api.StatusRequest;
import io.lessor.api.StatusResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.StreamRecorder;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Response headers: which fields each RPC fills, the revision it reports, and ids that stay
 * the same across calls and restarts. The normalizer clears ids and terms, so these checks
 * record what they see about them as notes.
 */
@ExtendWith(LeakCheckExtension.class)
class HeaderCompatTest {

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void everyRpcFillsItsHeader(TargetKind kind) throws Exception {
        Set<String> clusterIds = new HashSet<>();
        Set<String> memberIds = new HashSet<>();
        Transcript t = differential.run(kind, (target, out) -> {
            clusterIds.clear();
            memberIds.clear();
            HeaderNotes notes = (label, header) -> {
                out.note(label, describe(header));
                clusterIds.add(Long.toUnsignedString(header.getClusterId()));
                memberIds.add(Long.toUnsignedString(header.getMemberId()));
            };

            long id = target.lease().leaseGrant(grant(60)).getID();
            out.alias(id);
            notes.add("grant", target.lease().leaseGrant(grant(30)).getHeader());
            notes.add("put", target.kv().put(put("h/k", "v", id)).getHeader());
            notes.add("range", target.kv().range(get("h/k")).getHeader());
            notes.add("time to live", target.lease().leaseTimeToLive(timeToLive(id)).getHeader());
            notes.add("leases", target.lease().leaseLeases(leases()).getHeader());

            StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
            StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
            requests.onNext(keepAlive(id));
            notes.add("keep-alive", responses.next(Duration.ofSeconds(5)).getHeader());
            responses.cancel();

            TxnResponse txn = target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("h/t", "v")))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(get("h/t")))
                    .build());
            notes.add("txn", txn.getHeader());
            out.note("txn inner put header", describe(txn.getResponses(0).getResponsePut().getHeader()));
            out.note("txn inner range header", describe(txn.getResponses(1).getResponseRange().getHeader()));

            notes.add("delete", target.kv().deleteRange(delete("h/t")).getHeader());
            notes.add("revoke", target.lease().leaseRevoke(revoke(id)).getHeader());
            notes.add("compact", target.kv().compact(CompactionRequest.newBuilder().setRevision(2).build())
                    .getHeader());

            StatusResponse status = target.maintenance().status(StatusRequest.getDefaultInstance());
            notes.add("status", status.getHeader());
            out.note("status leader is the header's member", status.getLeader() == status.getHeader().getMemberId());
            out.note("status raft_term matches header", status.getRaftTerm() == status.getHeader().getRaftTerm());

            MemberListResponse members = target.cluster().memberList(MemberListRequest.getDefaultInstance());
            notes.add("member list", members.getHeader());
            out.note("member list has one member", members.getMembersCount() == 1);
            out.note("member id matches header", members.getMembers(0).getID() == members.getHeader().getMemberId());

            out.note("one cluster id across RPCs", clusterIds.size() == 1);
            out.note("one member id across RPCs", memberIds.size() == 1);
        });

        assertThat(t.noteText("grant")).isEqualTo("cluster_id=set member_id=set revision=1 raft_term=set");
        assertThat(t.noteText("put")).isEqualTo("cluster_id=set member_id=set revision=2 raft_term=set");
        assertThat(t.noteText("txn inner put header")).isEqualTo("cluster_id=0 member_id=0 revision=3 raft_term=0");
        assertThat(t.noteText("revoke")).isEqualTo("cluster_id=set member_id=set revision=5 raft_term=set");
        assertThat(t.noteText("one cluster id across RPCs")).isEqualTo("true");
        assertThat(t.noteText("one member id across RPCs")).isEqualTo("true");
    }

    @OnBothTargets
    void idsSurviveRestart(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            ResponseHeader before = target.kv().put(put("h/k", "v")).getHeader();
            target.restart(Duration.ZERO);
            ResponseHeader after = target.kv().range(get("h/k")).getHeader();

            out.note("same cluster id", before.getClusterId() == after.getClusterId());
            out.note("same member id", before.getMemberId() == after.getMemberId());
            out.note("revision kept", after.getRevision());
        });

        assertThat(t.noteText("same cluster id")).isEqualTo("true");
        assertThat(t.noteText("same member id")).isEqualTo("true");
        assertThat(t.noteText("revision kept")).isEqualTo("2");
    }

    /** Records one response's header under a label. */
    @FunctionalInterface
    private interface HeaderNotes {
        void add(String label, ResponseHeader header);
    }

    /** Describes which header fields are set; the revision is shown because it is comparable. */
    private static String describe(ResponseHeader header) {
        return "cluster_id=" + (header.getClusterId() != 0 ? "set" : "0")
                + " member_id=" + (header.getMemberId() != 0 ? "set" : "0")
                + " revision=" + header.getRevision()
                + " raft_term=" + (header.getRaftTerm() != 0 ? "set" : "0");
    }
}
