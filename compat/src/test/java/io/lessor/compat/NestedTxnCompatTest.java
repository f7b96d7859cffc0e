package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.get;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Txn requests nested deeper than protobuf-java's default recursion limit of 100. etcd 3.4
 * serves a Txn nested as deep as its operation budget (128 by default) allows and rejects a
 * deeper one with INVALID_ARGUMENT "too many operations in txn request". From depth 50 on, the
 * Java client cannot parse etcd's equally deep response and ends the call with CANCELLED
 * "Failed to read message.", so the transcript also checks whether the Put at the bottom took
 * effect.
 */
@ExtendWith(LeakCheckExtension.class)
class NestedTxnCompatTest {

    private static final int[] DEPTHS = {49, 50, 100, 101, 102, 128, 129, 200, 1000};

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void nestedTxnUpToTheBudgetIsServed(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            for (int depth : DEPTHS) {
                String key = "depth/" + depth;
                out.call("txn of depth " + depth, () -> target.kv().txn(nested(depth, key)));
                long written = target.kv().range(get(key)).getCount();
                out.note("put at depth " + depth + " took effect", written == 1);
            }
            out.call("range after all", () -> target.kv().range(RangeRequest.newBuilder()
                    .setKey(bytes("depth/")).setRangeEnd(bytes("depth0")).setCountOnly(true).build()));
        });

        assertThat(t.code("txn of depth 49")).isEqualTo(Status.Code.OK);
        assertThat(t.code("txn of depth 100")).isEqualTo(Status.Code.CANCELLED);
        assertThat(t.noteText("put at depth 128 took effect")).isEqualTo("true");
        assertThat(t.code("txn of depth 129")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(t.description("txn of depth 1000")).isEqualTo("etcdserver: too many operations in txn request");
        assertThat(t.noteText("put at depth 1000 took effect")).isEqualTo("false");
    }

    /** Returns a Txn whose success branch nests {@code depth} Txns, with a Put of {@code key} in the innermost. */
    private static TxnRequest nested(int depth, String key) {
        TxnRequest txn = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))))
                .build();
        for (int level = 1; level < depth; level++) {
            txn = TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestTxn(txn)).build();
        }
        return txn;
    }
}
