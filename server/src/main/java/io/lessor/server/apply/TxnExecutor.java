package io.lessor.server.apply;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.KeyValue;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.ResponseHeader;
import io.lessor.api.ResponseOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.server.EtcdError;
import io.lessor.server.lease.Lessor;
import io.lessor.server.mvcc.RangeQuery;
import io.lessor.server.mvcc.RangeResult;
import io.lessor.server.mvcc.ReadView;
import io.lessor.server.mvcc.WriteTxn;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Txn as etcd does, in three passes over one write transaction, or over a read view for
 * a txn that only reads:
 *
 * <ol>
 *   <li>evaluate every compare, of this txn and of the txns nested in the branches taken,
 *       against the state before the txn;
 *   <li>check the branches taken: a range's revision must be neither compacted nor in the
 *       future, a put's lease must exist, and a put with {@code ignore_value} or
 *       {@code ignore_lease} needs its key; the branches not taken are not checked;
 *   <li>run the ops in order; later ops see earlier ops' writes, and every write shares the
 *       txn's one main revision.
 * </ol>
 *
 * A failed check fails the whole txn before it writes anything. The top-level response's
 * header carries the txn's revision. As in etcd, the responses inside carry only a revision,
 * and nested txn responses an empty header.
 */
public final class TxnExecutor {

    // Either txn (a txn that may write) or readView and readRevision (a read-only txn) are set.
    private final WriteTxn txn;
    private final Lessor lessor;
    private final ReadView readView;
    private final long readRevision;

    TxnExecutor(WriteTxn txn, Lessor lessor) {
        this.txn = txn;
        this.lessor = lessor;
        this.readView = null;
        this.readRevision = 0;
    }

    private TxnExecutor(ReadView readView, long readRevision) {
        this.txn = null;
        this.lessor = null;
        this.readView = readView;
        this.readRevision = readRevision;
    }

    /**
     * Returns whether a txn only reads: each op of both branches is a Range. A nested txn counts
     * as a write, as in etcd, which sends such txns through consensus.
     */
    public static boolean isReadOnly(TxnRequest request) {
        for (RequestOp op : request.getSuccessList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        for (RequestOp op : request.getFailureList()) {
            if (!op.hasRequestRange()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs a txn that {@link #isReadOnly(TxnRequest) only reads} against a view, without
     * proposing it; the response header holds only {@code revision}.
     */
    public static TxnResponse executeReadOnly(ReadView view, long revision, TxnRequest request) {
        if (!isReadOnly(request)) {
            throw new IllegalArgumentException("txn writes; propose it instead");
        }
        return new TxnExecutor(view, revision).execute(request);
    }

    private ReadView view() {
        return txn != null ? txn.view() : readView;
    }

    private long revision() {
        return txn != null ? txn.revision() : readRevision;
    }

    /** The branch each txn takes: this one's, then those of the nested txns in its taken branch. */
    private record Path(boolean succeeded, List<Path> nested) {
    }

    TxnResponse execute(TxnRequest request) {
        Path path = decide(view(), request);
        check(request, path);
        TxnResponse.Builder response = run(request, path);
        response.setHeader(ResponseHeader.newBuilder().setRevision(revision()));
        return response.build();
    }

    private Path decide(ReadView view, TxnRequest request) {
        boolean succeeded = true;
        for (Compare compare : request.getCompareList()) {
            if (!holds(view, compare)) {
                succeeded = false;
                break;
            }
        }
        List<Path> nested = new ArrayList<>();
        for (RequestOp op : branch(request, succeeded)) {
            if (op.hasRequestTxn()) {
                nested.add(decide(view, op.getRequestTxn()));
            }
        }
        return new Path(succeeded, nested);
    }

    private void check(TxnRequest request, Path path) {
        int nestedIndex = 0;
        for (RequestOp op : branch(request, path.succeeded())) {
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> checkRange(op.getRequestRange());
                case REQUEST_PUT -> WriteOps.checkPut(txn, lessor, op.getRequestPut());
                case REQUEST_TXN -> check(op.getRequestTxn(), path.nested().get(nestedIndex++));
                case REQUEST_DELETE_RANGE, REQUEST_NOT_SET -> {
                }
            }
        }
    }

    private void checkRange(RangeRequest request) {
        if (request.getRevision() <= 0) {
            return;
        }
        // Reading through the view raises etcd's errors for compacted and future revisions.
        view().range(request.getKey(), ByteString.EMPTY, request.getRevision(), 1, true);
    }

    private TxnResponse.Builder run(TxnRequest request, Path path) {
        TxnResponse.Builder response = TxnResponse.newBuilder().setSucceeded(path.succeeded());
        int nestedIndex = 0;
        for (RequestOp op : branch(request, path.succeeded())) {
            ResponseOp.Builder result = ResponseOp.newBuilder();
            switch (op.getRequestCase()) {
                case REQUEST_RANGE -> result.setResponseRange(RangeQuery.execute(view(), op.getRequestRange()));
                case REQUEST_PUT -> result.setResponsePut(WriteOps.put(txn, lessor, op.getRequestPut()));
                case REQUEST_DELETE_RANGE ->
                        result.setResponseDeleteRange(WriteOps.deleteRange(txn, lessor, op.getRequestDeleteRange()));
                case REQUEST_TXN -> {
                    TxnResponse.Builder nested = run(op.getRequestTxn(), path.nested().get(nestedIndex++));
                    result.setResponseTxn(nested.setHeader(ResponseHeader.getDefaultInstance()));
                }
                case REQUEST_NOT_SET -> {
                }
            }
            response.addResponses(result);
        }
        return response;
    }

    private static List<RequestOp> branch(TxnRequest request, boolean succeeded) {
        return succeeded ? request.getSuccessList() : request.getFailureList();
    }

    /** Returns whether every key of the compare's range satisfies it, as etcd's applyCompare decides. */
    private static boolean holds(ReadView view, Compare compare) {
        RangeResult result = view.range(compare.getKey(), compare.getRangeEnd(), 0, 0, false);
        if (result.kvs().isEmpty()) {
            // A missing key has no value to compare, so VALUE compares fail; the others compare 0.
            return compare.getTarget() != Compare.CompareTarget.VALUE
                    && matches(compare, KeyValue.getDefaultInstance());
        }
        for (KeyValue kv : result.kvs()) {
            if (!matches(compare, kv)) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Compare compare, KeyValue kv) {
        Compare.TargetUnionCase given = compare.getTargetUnionCase();
        int order = switch (compare.getTarget()) {
            case VALUE -> ByteString.unsignedLexicographicalComparator().compare(kv.getValue(),
                    given == Compare.TargetUnionCase.VALUE ? compare.getValue() : ByteString.EMPTY);
            case VERSION -> Long.compare(kv.getVersion(),
                    given == Compare.TargetUnionCase.VERSION ? compare.getVersion() : 0);
            case CREATE -> Long.compare(kv.getCreateRevision(),
                    given == Compare.TargetUnionCase.CREATE_REVISION ? compare.getCreateRevision() : 0);
            case MOD -> Long.compare(kv.getModRevision(),
                    given == Compare.TargetUnionCase.MOD_REVISION ? compare.getModRevision() : 0);
            case LEASE -> Long.compare(kv.getLease(), given == Compare.TargetUnionCase.LEASE ? compare.getLease() : 0);
            case UNRECOGNIZED -> 0;
        };
        return switch (compare.getResult()) {
            case EQUAL -> order == 0;
            case NOT_EQUAL -> order != 0;
            case GREATER -> order > 0;
            case LESS -> order < 0;
            case UNRECOGNIZED -> true;
        };
    }
}
