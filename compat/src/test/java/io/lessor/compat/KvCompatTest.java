package io.lessor.compat;

import static io.lessor.compat.support.Requests.bytes;
import static io.lessor.compat.support.Requests.get;
import static io.lessor.compat.support.Requests.getPrefix;
import static io.lessor.compat.support.Requests.prefixEnd;
import static io.lessor.compat.support.Requests.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.CompactionRequest;
import io.lessor.api.Compare;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
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

/** KV without leases: Range options, Txn compares and limits, DeleteRange, Compact. */
@ExtendWith(LeakCheckExtension.class)
class KvCompatTest {

    private static final String COMPACTED = "etcdserver: mvcc: required revision has been compacted";
    private static final String FUTURE = "etcdserver: mvcc: required revision is a future revision";

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void rangeOptions(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            // revisions 2..6: r/a=5, r/b=4, r/c=3, r/d=2, r/e=1; then r/b rewritten at revision 7
            String[] keys = {"r/a", "r/b", "r/c", "r/d", "r/e"};
            for (int i = 0; i < keys.length; i++) {
                target.kv().put(put(keys[i], String.valueOf(5 - i)));
            }
            target.kv().put(put("r/b", "9"));
            target.kv().put(put("s/other", "x"));

            RangeRequest prefix = getPrefix("r/");
            out.call("single key", () -> target.kv().range(get("r/a")));
            out.call("missing key", () -> target.kv().range(get("r/zz")));
            out.call("prefix", () -> target.kv().range(prefix));
            out.call("half-open range b..d", () -> target.kv().range(RangeRequest.newBuilder()
                    .setKey(bytes("r/b")).setRangeEnd(bytes("r/d")).build()));
            out.call("from key r/c", () -> target.kv().range(RangeRequest.newBuilder()
                    .setKey(bytes("r/c")).setRangeEnd(bytes("\0")).build()));
            out.call("all keys", () -> target.kv().range(RangeRequest.newBuilder()
                    .setKey(bytes("\0")).setRangeEnd(bytes("\0")).build()));
            out.call("limit 2", () -> target.kv().range(prefix.toBuilder().setLimit(2).build()));
            out.call("limit 5 exact", () -> target.kv().range(prefix.toBuilder().setLimit(5).build()));
            out.call("sort key descend", () -> target.kv().range(prefix.toBuilder()
                    .setSortOrder(RangeRequest.SortOrder.DESCEND).setSortTarget(RangeRequest.SortTarget.KEY).build()));
            out.call("sort value ascend", () -> target.kv().range(prefix.toBuilder()
                    .setSortOrder(RangeRequest.SortOrder.ASCEND).setSortTarget(RangeRequest.SortTarget.VALUE).build()));
            out.call("sort mod descend limit 2", () -> target.kv().range(prefix.toBuilder()
                    .setSortOrder(RangeRequest.SortOrder.DESCEND).setSortTarget(RangeRequest.SortTarget.MOD)
                    .setLimit(2).build()));
            out.call("sort create ascend", () -> target.kv().range(prefix.toBuilder()
                    .setSortOrder(RangeRequest.SortOrder.ASCEND).setSortTarget(RangeRequest.SortTarget.CREATE)
                    .build()));
            out.call("sort version descend", () -> target.kv().range(prefix.toBuilder()
                    .setSortOrder(RangeRequest.SortOrder.DESCEND).setSortTarget(RangeRequest.SortTarget.VERSION)
                    .build()));
            out.call("keys only", () -> target.kv().range(prefix.toBuilder().setKeysOnly(true).build()));
            out.call("count only", () -> target.kv().range(prefix.toBuilder().setCountOnly(true).build()));
            out.call("serializable", () -> target.kv().range(prefix.toBuilder().setSerializable(true).build()));
            out.call("at revision 3", () -> target.kv().range(prefix.toBuilder().setRevision(3).build()));
            out.call("min mod revision 4", () -> target.kv().range(prefix.toBuilder().setMinModRevision(4).build()));
            out.call("max mod revision 3", () -> target.kv().range(prefix.toBuilder().setMaxModRevision(3).build()));
            out.call("min create revision 5", () -> target.kv().range(prefix.toBuilder().setMinCreateRevision(5)
                    .build()));
            out.call("max create revision 3", () -> target.kv().range(prefix.toBuilder().setMaxCreateRevision(3)
                    .build()));
            out.call("future revision", () -> target.kv().range(prefix.toBuilder().setRevision(100).build()));
        });

        RangeResponse limited = t.response("limit 2", RangeResponse.class);
        assertThat(limited.getKvsCount()).isEqualTo(2);
        assertThat(limited.getMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(5);
        assertThat(t.response("limit 5 exact", RangeResponse.class).getMore()).isFalse();
        assertThat(t.response("sort key descend", RangeResponse.class).getKvs(0).getKey()).isEqualTo(bytes("r/e"));
        assertThat(t.response("count only", RangeResponse.class).getKvsCount()).isZero();
        assertThat(t.response("at revision 3", RangeResponse.class).getCount()).isEqualTo(2);
        assertThat(t.code("future revision")).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(t.description("future revision")).isEqualTo(FUTURE);
    }

    @OnBothTargets
    void txnCompares(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            target.kv().put(put("c/a", "10"));
            target.kv().put(put("c/a", "20"));
            target.kv().put(put("c/b", "x"));

            Compare.Builder onA = Compare.newBuilder().setKey(bytes("c/a"));
            txn(target, out, "version equal 2", onA.clone().setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.EQUAL).setVersion(2).build());
            txn(target, out, "version greater 2", onA.clone().setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.GREATER).setVersion(2).build());
            txn(target, out, "version less 3", onA.clone().setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.LESS).setVersion(3).build());
            txn(target, out, "version not equal 2", onA.clone().setTarget(Compare.CompareTarget.VERSION)
                    .setResult(Compare.CompareResult.NOT_EQUAL).setVersion(2).build());
            txn(target, out, "create equal 2", onA.clone().setTarget(Compare.CompareTarget.CREATE)
                    .setResult(Compare.CompareResult.EQUAL).setCreateRevision(2).build());
            txn(target, out, "mod greater 2", onA.clone().setTarget(Compare.CompareTarget.MOD)
                    .setResult(Compare.CompareResult.GREATER).setModRevision(2).build());
            txn(target, out, "value less 3 (bytewise)", onA.clone().setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.LESS).setValue(bytes("3")).build());
            txn(target, out, "value equal 20", onA.clone().setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.EQUAL).setValue(bytes("20")).build());
            txn(target, out, "missing key version 0", Compare.newBuilder().setKey(bytes("c/missing"))
                    .setTarget(Compare.CompareTarget.VERSION).setResult(Compare.CompareResult.EQUAL).setVersion(0)
                    .build());
            txn(target, out, "missing key value equal empty", Compare.newBuilder().setKey(bytes("c/missing"))
                    .setTarget(Compare.CompareTarget.VALUE).setResult(Compare.CompareResult.EQUAL)
                    .setValue(bytes("")).build());
            txn(target, out, "range compare mod greater 1", Compare.newBuilder().setKey(bytes("c/"))
                    .setRangeEnd(prefixEnd("c/")).setTarget(Compare.CompareTarget.MOD)
                    .setResult(Compare.CompareResult.GREATER).setModRevision(1).build());
            txn(target, out, "range compare mod greater 3", Compare.newBuilder().setKey(bytes("c/"))
                    .setRangeEnd(prefixEnd("c/")).setTarget(Compare.CompareTarget.MOD)
                    .setResult(Compare.CompareResult.GREATER).setModRevision(3).build());

            // Every compare must hold for the success branch.
            out.call("two compares, one false", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addCompare(onA.clone().setTarget(Compare.CompareTarget.VERSION)
                            .setResult(Compare.CompareResult.EQUAL).setVersion(2))
                    .addCompare(onA.clone().setTarget(Compare.CompareTarget.VALUE)
                            .setResult(Compare.CompareResult.EQUAL).setValue(bytes("10")))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("c/won", "yes")))
                    .addFailure(RequestOp.newBuilder().setRequestRange(get("c/a")))
                    .build()));

            // One txn with every kind of operation, including a nested txn.
            out.call("mixed operations", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("c/new", "1").toBuilder().setPrevKv(true)))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(getPrefix("c/")))
                    .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                            .setKey(bytes("c/b")).setPrevKv(true)))
                    .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.newBuilder()
                            .addCompare(Compare.newBuilder().setKey(bytes("c/new"))
                                    .setTarget(Compare.CompareTarget.VALUE)
                                    .setResult(Compare.CompareResult.EQUAL).setValue(bytes("1")))
                            .addSuccess(RequestOp.newBuilder().setRequestPut(put("c/nested", "y")))))
                    .build()));
            out.call("range after mixed", () -> target.kv().range(getPrefix("c/")));
        });

        assertThat(t.response("version equal 2", TxnResponse.class).getSucceeded()).isTrue();
        assertThat(t.response("version greater 2", TxnResponse.class).getSucceeded()).isFalse();
        assertThat(t.response("missing key version 0", TxnResponse.class).getSucceeded()).isTrue();
        assertThat(t.response("two compares, one false", TxnResponse.class).getSucceeded()).isFalse();
        TxnResponse mixed = t.response("mixed operations", TxnResponse.class);
        assertThat(mixed.getResponsesCount()).isEqualTo(4);
        assertThat(mixed.getHeader().getRevision()).isEqualTo(5);
    }

    @OnBothTargets
    void txnRejectsDuplicateKeysAndTooManyOps(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            out.call("put same key twice", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d/k", "1")))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d/k", "2")))
                    .build()));
            out.call("put and delete same key", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d/k", "1")))
                    .addSuccess(RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder()
                            .setKey(bytes("d/k"))))
                    .build()));
            out.call("read same key twice", () -> target.kv().txn(TxnRequest.newBuilder()
                    .addSuccess(RequestOp.newBuilder().setRequestRange(get("d/k")))
                    .addSuccess(RequestOp.newBuilder().setRequestRange(get("d/k")))
                    .build()));
            TxnRequest.Builder maxOps = TxnRequest.newBuilder();
            for (int i = 0; i < 128; i++) {
                maxOps.addSuccess(RequestOp.newBuilder().setRequestPut(put("d/" + i, "v")));
            }
            out.call("128 operations", () -> target.kv().txn(maxOps.build()));
            out.call("129 operations", () -> target.kv().txn(maxOps.clone()
                    .addSuccess(RequestOp.newBuilder().setRequestPut(put("d/128", "v"))).build()));
        });

        assertThat(t.code("put same key twice")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(t.description("put same key twice")).isEqualTo("etcdserver: duplicate key given in txn request");
        assertThat(t.code("128 operations")).isEqualTo(Status.Code.OK);
        assertThat(t.code("129 operations")).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(t.description("129 operations")).isEqualTo("etcdserver: too many operations in txn request");
    }

    @OnBothTargets
    void deleteRangeReturnsPrevKvs(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            for (String key : new String[] {"x/c", "x/a", "x/b", "y/a"}) {
                target.kv().put(put(key, "v-" + key));
            }
            out.call("delete missing", () -> target.kv().deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(bytes("x/zz")).setPrevKv(true).build()));
            out.call("delete one with prev_kv", () -> target.kv().deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(bytes("x/b")).setPrevKv(true).build()));
            out.call("delete prefix with prev_kv", () -> target.kv().deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(bytes("x/")).setRangeEnd(prefixEnd("x/")).setPrevKv(true).build()));
            out.call("delete from key without prev_kv", () -> target.kv().deleteRange(DeleteRangeRequest.newBuilder()
                    .setKey(bytes("y/")).setRangeEnd(bytes("\0")).build()));
            out.call("range all", () -> target.kv().range(RangeRequest.newBuilder()
                    .setKey(bytes("\0")).setRangeEnd(bytes("\0")).build()));
        });

        DeleteRangeResponse missing = t.response("delete missing", DeleteRangeResponse.class);
        assertThat(missing.getDeleted()).isZero();
        assertThat(missing.getHeader().getRevision()).isEqualTo(5);
        DeleteRangeResponse prefix = t.response("delete prefix with prev_kv", DeleteRangeResponse.class);
        assertThat(prefix.getDeleted()).isEqualTo(2);
        assertThat(prefix.getPrevKvsList()).extracting(kv -> kv.getKey().toStringUtf8()).containsExactly("x/a", "x/c");
        assertThat(prefix.getHeader().getRevision()).isEqualTo(7);
        assertThat(t.response("delete from key without prev_kv", DeleteRangeResponse.class).getPrevKvsCount()).isZero();
    }

    @OnBothTargets
    void compactRemovesOldRevisions(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            for (int i = 1; i <= 4; i++) {
                target.kv().put(put("k/a", "v" + i));
            }
            out.call("compact 3", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(3).build()));
            out.call("range at 2", () -> target.kv().range(get("k/a").toBuilder().setRevision(2).build()));
            out.call("range at 3", () -> target.kv().range(get("k/a").toBuilder().setRevision(3).build()));
            out.call("range now", () -> target.kv().range(get("k/a")));
            out.call("compact 3 again", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(3)
                    .build()));
            out.call("compact 2", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(2).build()));
            out.call("compact future", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(100)
                    .build()));
            out.call("compact physical 4", () -> target.kv().compact(CompactionRequest.newBuilder().setRevision(4)
                    .setPhysical(true).build()));

            // A watch that starts before the compacted revision is cancelled with compact_revision set.
            StreamRecorder<WatchResponse> watch = new StreamRecorder<>();
            StreamObserver<WatchRequest> requests = target.watchAsync().watch(watch);
            requests.onNext(WatchRequest.newBuilder().setCreateRequest(WatchCreateRequest.newBuilder()
                    .setKey(bytes("k/a")).setStartRevision(2)).build());
            WatchResponse first = watch.next(Duration.ofSeconds(5));
            out.record("watch from 2, first response", first);
            if (!first.getCanceled()) {
                out.record("watch from 2, second response", watch.next(Duration.ofSeconds(5)));
            }
            watch.cancel();
        });

        assertThat(t.code("range at 2")).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(t.description("range at 2")).isEqualTo(COMPACTED);
        assertThat(t.response("range at 3", RangeResponse.class).getKvs(0).getValue()).isEqualTo(bytes("v2"));
        assertThat(t.description("compact 3 again")).isEqualTo(COMPACTED);
        assertThat(t.description("compact 2")).isEqualTo(COMPACTED);
        assertThat(t.code("compact future")).isEqualTo(Status.Code.OUT_OF_RANGE);
        assertThat(t.description("compact future")).isEqualTo(FUTURE);
    }

    private static void txn(Target target, Transcript out, String label, Compare compare) throws Exception {
        out.call(label, () -> target.kv().txn(TxnRequest.newBuilder().addCompare(compare).build()));
    }
}
