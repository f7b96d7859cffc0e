package io.lessor.server.engine;

import static io.lessor.server.engine.EngineTestSupport.assertFails;
import static io.lessor.server.engine.EngineTestSupport.bytes;
import static io.lessor.server.engine.EngineTestSupport.get;
import static io.lessor.server.engine.EngineTestSupport.grant;
import static io.lessor.server.engine.EngineTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.api.Compare;
import io.lessor.api.Compare.CompareResult;
import io.lessor.api.Compare.CompareTarget;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.KeyValue;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.LeakCheck;
import io.lessor.context.ManualClock;
import io.lessor.server.EtcdError;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LeakCheck.class)
class TxnEngineTest {

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();
    private LocalEngine engine;

    @BeforeEach
    void open() {
        engine = LocalEngine.open(EngineTestSupport.config(dir), clock);
    }

    @AfterEach
    void close() {
        engine.close();
    }

    private static RequestOp putOp(String key, String value) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)))
                .build();
    }

    private static RequestOp putOp(String key, String value, long leaseId) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value))
                .setLease(leaseId)).build();
    }

    private static RequestOp deleteOp(String key, String end) {
        return RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bytes(key))
                .setRangeEnd(bytes(end))).build();
    }

    private static RequestOp rangeOp(String key) {
        return RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes(key))).build();
    }

    private static RequestOp txnOp(TxnRequest.Builder txn) {
        return RequestOp.newBuilder().setRequestTxn(txn).build();
    }

    private static Compare compare(String key, CompareTarget target, CompareResult result,
            UnaryOperator<Compare.Builder> value) {
        return value.apply(Compare.newBuilder().setKey(bytes(key)).setTarget(target).setResult(result)).build();
    }

    private boolean succeeds(Compare compare) {
        return engine.txn(TxnRequest.newBuilder().addCompare(compare).build()).join().getSucceeded();
    }

    @Test
    void comparesEveryTargetAndResult() {
        long lease = grant(engine, 60);
        put(engine, "k", "m");            // rev 2
        put(engine, "k", "m", lease);     // rev 3, version 2

        assertThat(succeeds(compare("k", CompareTarget.VALUE, CompareResult.EQUAL, c -> c.setValue(bytes("m"))))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.VALUE, CompareResult.GREATER, c -> c.setValue(bytes("a"))))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.VALUE, CompareResult.LESS, c -> c.setValue(bytes("a"))))).isFalse();
        assertThat(succeeds(compare("k", CompareTarget.VALUE, CompareResult.NOT_EQUAL, c -> c.setValue(bytes("m"))))).isFalse();
        assertThat(succeeds(compare("k", CompareTarget.VERSION, CompareResult.EQUAL, c -> c.setVersion(2)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.VERSION, CompareResult.GREATER, c -> c.setVersion(1)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.CREATE, CompareResult.EQUAL, c -> c.setCreateRevision(2)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.CREATE, CompareResult.LESS, c -> c.setCreateRevision(3)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.MOD, CompareResult.EQUAL, c -> c.setModRevision(3)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.MOD, CompareResult.NOT_EQUAL, c -> c.setModRevision(3)))).isFalse();
        assertThat(succeeds(compare("k", CompareTarget.LEASE, CompareResult.EQUAL, c -> c.setLease(lease)))).isTrue();
        assertThat(succeeds(compare("k", CompareTarget.LEASE, CompareResult.NOT_EQUAL, c -> c.setLease(0)))).isTrue();
    }

    @Test
    void missingKeyComparesAsZero() {
        assertThat(succeeds(compare("missing", CompareTarget.VERSION, CompareResult.EQUAL, c -> c.setVersion(0)))).isTrue();
        assertThat(succeeds(compare("missing", CompareTarget.CREATE, CompareResult.EQUAL, c -> c.setCreateRevision(0))))
                .isTrue();
        assertThat(succeeds(compare("missing", CompareTarget.VALUE, CompareResult.EQUAL, c -> c.setValue(bytes("")))))
                .isFalse();
        assertThat(succeeds(compare("missing", CompareTarget.VALUE, CompareResult.NOT_EQUAL, c -> c.setValue(bytes("x")))))
                .isFalse();
    }

    @Test
    void compareOverRangeNeedsEveryKey() {
        put(engine, "r/a", "1");
        put(engine, "r/b", "2");

        Compare allAboveZero = compare("r/", CompareTarget.VALUE, CompareResult.GREATER, c -> c.setValue(bytes("0")))
                .toBuilder().setRangeEnd(bytes("r0")).build();
        Compare allAboveOne = compare("r/", CompareTarget.VALUE, CompareResult.GREATER, c -> c.setValue(bytes("1")))
                .toBuilder().setRangeEnd(bytes("r0")).build();

        assertThat(succeeds(allAboveZero)).isTrue();
        assertThat(succeeds(allAboveOne)).isFalse();
    }

    @Test
    void writesShareOneRevisionAndSeeEarlierOps() {
        put(engine, "x", "0"); // rev 2

        TxnResponse response = engine.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("a", "1"))
                .addSuccess(rangeOp("a"))
                .addSuccess(putOp("b", "2"))
                .addSuccess(deleteOp("x", ""))
                .build()).join();

        assertThat(response.getSucceeded()).isTrue();
        assertThat(response.getHeader().getRevision()).isEqualTo(3);
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
        var innerPut = response.getResponses(0).getResponsePut();
        assertThat(innerPut.getHeader().getRevision()).isEqualTo(3);
        assertThat(innerPut.getHeader().getMemberId()).as("inner headers carry only the revision").isZero();
        assertThat(innerPut.getHeader().getRaftTerm()).isZero();
        var innerRange = response.getResponses(1).getResponseRange();
        assertThat(innerRange.getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
        assertThat(innerRange.getHeader().getRevision()).isEqualTo(3);
        assertThat(response.getResponses(3).getResponseDeleteRange().getDeleted()).isEqualTo(1);
        assertThat(get(engine, "a").getModRevision()).isEqualTo(3);
        assertThat(get(engine, "b").getModRevision()).isEqualTo(3);
        assertThat(get(engine, "x")).isNull();
        assertThat(engine.header().getRevision()).isEqualTo(3);
    }

    @Test
    void readOnlyTxnIsServedWithoutAProposal() {
        put(engine, "a", "1");
        long applied = engine.status().raftIndex();

        TxnResponse response = engine.txn(TxnRequest.newBuilder()
                .addCompare(compare("a", CompareTarget.VALUE, CompareResult.EQUAL, c -> c.setValue(bytes("1"))))
                .addSuccess(rangeOp("a"))
                .addFailure(rangeOp("missing"))
                .build()).join();

        assertThat(response.getSucceeded()).isTrue();
        assertThat(response.getResponses(0).getResponseRange().getKvs(0).getValue().toStringUtf8()).isEqualTo("1");
        assertThat(response.getHeader().getRevision()).isEqualTo(2);
        assertThat(response.getHeader().getMemberId()).isEqualTo(engine.header().getMemberId());
        assertThat(engine.status().raftIndex()).isEqualTo(applied);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestRange(
                RangeRequest.newBuilder().setKey(bytes("a")).setRevision(3))).build()), EtcdError.FUTURE_REVISION);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestRange(
                RangeRequest.newBuilder())).build()), EtcdError.KEY_NOT_PROVIDED);
    }

    @Test
    void readOnlyOrNoOpTxnKeepsRevision() {
        put(engine, "a", "1");

        TxnResponse readOnly = engine.txn(TxnRequest.newBuilder().addSuccess(rangeOp("a")).build()).join();
        TxnResponse emptyDelete = engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("missing", "")).build()).join();

        assertThat(readOnly.getHeader().getRevision()).isEqualTo(2);
        assertThat(emptyDelete.getHeader().getRevision()).isEqualTo(2);
        assertThat(engine.header().getRevision()).isEqualTo(2);
    }

    @Test
    void failureBranchRunsWhenCompareFails() {
        TxnResponse response = engine.txn(TxnRequest.newBuilder()
                .addCompare(compare("k", CompareTarget.VERSION, CompareResult.GREATER, c -> c.setVersion(0)))
                .addSuccess(putOp("k", "then"))
                .addFailure(putOp("k", "else"))
                .build()).join();

        assertThat(response.getSucceeded()).isFalse();
        assertThat(get(engine, "k").getValue().toStringUtf8()).isEqualTo("else");
    }

    @Test
    void nestedTxnTakesItsOwnBranch() {
        put(engine, "flag", "on");

        TxnResponse response = engine.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("outer", "1"))
                .addSuccess(txnOp(TxnRequest.newBuilder()
                        .addCompare(compare("flag", CompareTarget.VALUE, CompareResult.EQUAL, c -> c.setValue(bytes("off"))))
                        .addSuccess(putOp("inner", "then"))
                        .addFailure(putOp("inner", "else"))))
                .build()).join();

        TxnResponse nested = response.getResponses(1).getResponseTxn();
        assertThat(nested.getSucceeded()).isFalse();
        assertThat(nested.getHeader().getRevision()).as("nested txn headers stay empty, as in etcd").isZero();
        assertThat(get(engine, "inner").getValue().toStringUtf8()).isEqualTo("else");
        assertThat(get(engine, "inner").getModRevision()).isEqualTo(get(engine, "outer").getModRevision());
    }

    @Test
    void nestedComparesSeeStateBeforeTheTxn() {
        TxnResponse response = engine.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("k", "v"))
                .addSuccess(txnOp(TxnRequest.newBuilder()
                        .addCompare(compare("k", CompareTarget.VERSION, CompareResult.EQUAL, c -> c.setVersion(0)))))
                .build()).join();

        assertThat(response.getResponses(1).getResponseTxn().getSucceeded()).isTrue();
    }

    @Test
    void leaseIsCheckedOnlyInTakenBranch() {
        TxnResponse notTaken = engine.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("k", "v"))
                .addFailure(putOp("k", "v", 31337))
                .build()).join();
        assertThat(notTaken.getSucceeded()).isTrue();

        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("a", "v")).addSuccess(putOp("b", "v", 31337))
                .build()), EtcdError.LEASE_NOT_FOUND);
        assertThat(get(engine, "a")).as("a failed txn writes nothing").isNull();
    }

    @Test
    void ignoreFlagsInTxnNeedTheKey() {
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
                PutRequest.newBuilder().setKey(bytes("missing")).setIgnoreLease(true))).build()), EtcdError.KEY_NOT_FOUND);
    }

    @Test
    void rangeRevisionIsCheckedBeforeWriting() {
        assertFails(engine.txn(TxnRequest.newBuilder()
                .addSuccess(putOp("a", "v"))
                .addSuccess(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(bytes("a"))
                        .setRevision(2)))
                .build()), EtcdError.FUTURE_REVISION);
        assertThat(get(engine, "a")).isNull();
    }

    @Test
    void tooManyOpsIsRejected() {
        TxnRequest.Builder atLimit = TxnRequest.newBuilder();
        TxnRequest.Builder overLimit = TxnRequest.newBuilder();
        for (int i = 0; i < 128; i++) {
            atLimit.addSuccess(putOp("k" + i, "v"));
            overLimit.addSuccess(putOp("k" + i, "v"));
        }
        overLimit.addSuccess(putOp("k128", "v"));

        assertThat(engine.txn(atLimit.build()).join().getSucceeded()).isTrue();
        assertFails(engine.txn(overLimit.build()), EtcdError.TOO_MANY_TXN_OPS);
    }

    @Test
    void duplicateKeysAreRejected() {
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k", "1")).addSuccess(putOp("k", "2")).build()),
                EtcdError.DUPLICATE_KEY);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k/1", "1")).addSuccess(deleteOp("k/", "k0"))
                .build()), EtcdError.DUPLICATE_KEY);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k", "1"))
                .addSuccess(txnOp(TxnRequest.newBuilder().addSuccess(putOp("k", "2")))).build()), EtcdError.DUPLICATE_KEY);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("k", ""))
                .addSuccess(txnOp(TxnRequest.newBuilder().addFailure(putOp("k", "2")))).build()), EtcdError.DUPLICATE_KEY);
    }

    @Test
    void overlapsThatEtcdAllowsAreAccepted() {
        // Deletes may overlap, and the two branches of one nested txn may put the same key. The
        // top-level branches are checked apart. etcd reads a from-key range end "\0" literally here.
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("a", "c")).addSuccess(deleteOp("b", "d"))
                .build()).join().getSucceeded()).isTrue();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(txnOp(TxnRequest.newBuilder()
                .addSuccess(putOp("k", "1")).addFailure(putOp("k", "2")))).build()).join().getSucceeded()).isTrue();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k", "1")).addFailure(putOp("k", "2"))
                .build()).join().getSucceeded()).isTrue();
        assertThat(engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k/1", "1")).addSuccess(deleteOp("k/", "\0"))
                .build()).join().getSucceeded()).isTrue();
    }

    @Test
    void invalidOpsAreRejected() {
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.getDefaultInstance()).build()),
                EtcdError.KEY_NOT_FOUND);
        assertFails(engine.txn(TxnRequest.newBuilder().addCompare(Compare.newBuilder().setTarget(CompareTarget.VERSION))
                .build()), EtcdError.KEY_NOT_PROVIDED);
        assertFails(engine.txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder().setRequestPut(
                PutRequest.newBuilder().setValue(bytes("v")))).build()), EtcdError.KEY_NOT_PROVIDED);
    }

    @Test
    void txnPutsAttachAndMoveLeases() {
        long lease = grant(engine, 60);

        engine.txn(TxnRequest.newBuilder().addSuccess(putOp("k", "v", lease)).build()).join();
        KeyValue kv = get(engine, "k");

        assertThat(kv.getLease()).isEqualTo(lease);
        assertThat(EngineTestSupport.leaseKeys(engine, lease)).containsExactly("k");
        engine.txn(TxnRequest.newBuilder().addSuccess(deleteOp("k", "")).build()).join();
        assertThat(EngineTestSupport.leaseKeys(engine, lease)).isEmpty();
    }
}
