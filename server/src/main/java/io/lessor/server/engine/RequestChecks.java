package io.lessor.server.engine;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.server.EtcdError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The checks etcd makes on KV requests before it proposes them ({@code api/v3rpc/key.go} in
 * etcd 3.4 to 3.6): checks that need only the request, not the state.
 *
 * <p>Thread-safety: stateless.
 */
final class RequestChecks {

    private static final java.util.Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    private RequestChecks() {
    }

    static void checkRange(RangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        if (request.getSortOrder() == RangeRequest.SortOrder.UNRECOGNIZED
                || request.getSortTarget() == RangeRequest.SortTarget.UNRECOGNIZED) {
            throw EtcdError.INVALID_SORT_OPTION.exception();
        }
    }

    static void checkPut(PutRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
        if (request.getIgnoreValue() && !request.getValue().isEmpty()) {
            throw EtcdError.VALUE_PROVIDED.exception();
        }
        if (request.getIgnoreLease() && request.getLease() != 0) {
            throw EtcdError.LEASE_PROVIDED.exception();
        }
    }

    static void checkDeleteRange(DeleteRangeRequest request) {
        if (request.getKey().isEmpty()) {
            throw EtcdError.KEY_NOT_PROVIDED.exception();
        }
    }

    /**
     * Checks a txn: op counts, compare keys and each op, then that no branch writes a key twice.
     * Each of compare, success and failure may hold up to {@code maxTxnOps} entries; a nested
     * txn gets what its parent left of that budget, as in etcd.
     */
    static void checkTxn(TxnRequest request, int maxTxnOps) {
        checkTxnOps(request, maxTxnOps);
        // The overlap check runs after the size check so that it cannot be made quadratic in a huge request.
        checkIntervals(request.getSuccessList());
        checkIntervals(request.getFailureList());
    }

    private static void checkTxnOps(TxnRequest request, int maxTxnOps) {
        int ops = Math.max(request.getCompareCount(), Math.max(request.getSuccessCount(), request.getFailureCount()));
        if (ops > maxTxnOps) {
            throw EtcdError.TOO_MANY_TXN_OPS.exception();
        }
        for (Compare compare : request.getCompareList()) {
            if (compare.getKey().isEmpty()) {
                throw EtcdError.KEY_NOT_PROVIDED.exception();
            }
        }
        for (RequestOp op : request.getSuccessList()) {
            checkOp(op, maxTxnOps - ops);
        }
        for (RequestOp op : request.getFailureList()) {
            checkOp(op, maxTxnOps - ops);
        }
    }

    private static void checkOp(RequestOp op, int maxTxnOps) {
        switch (op.getRequestCase()) {
            case REQUEST_RANGE -> checkRange(op.getRequestRange());
            case REQUEST_PUT -> checkPut(op.getRequestPut());
            case REQUEST_DELETE_RANGE -> checkDeleteRange(op.getRequestDeleteRange());
            case REQUEST_TXN -> checkTxnOps(op.getRequestTxn(), maxTxnOps);
            // etcd rejects an empty op with this error.
            case REQUEST_NOT_SET -> throw EtcdError.KEY_NOT_FOUND.exception();
        }
    }

    /** The keys a list of ops puts and the ranges it deletes, nested txns included. */
    private record Writes(Set<ByteString> puts, List<Deleted> deletes) {
    }

    /**
     * A deleted range: {@code [begin, end)}, or the single key {@code begin} when {@code end} is
     * empty. etcd takes a range end of "\0" literally here, so a from-key delete contains no key
     * in this check and never conflicts. This check does the same.
     */
    private record Deleted(ByteString begin, ByteString end) {
        boolean contains(ByteString key) {
            if (end.isEmpty()) {
                return begin.equals(key);
            }
            return KEY_ORDER.compare(begin, key) <= 0 && KEY_ORDER.compare(key, end) < 0;
        }
    }

    /**
     * Rejects ops that put a key twice, or put a key that they also delete. The two branches of
     * one nested txn may put the same key, since only one of them runs. The order of the steps
     * follows etcd's checkIntervals, whose result this reproduces.
     */
    private static Writes checkIntervals(List<RequestOp> ops) {
        List<Deleted> deletes = new ArrayList<>();
        for (RequestOp op : ops) {
            if (op.hasRequestDeleteRange()) {
                DeleteRangeRequest delete = op.getRequestDeleteRange();
                deletes.add(new Deleted(delete.getKey(), delete.getRangeEnd()));
            }
        }

        Set<ByteString> puts = new HashSet<>();
        for (RequestOp op : ops) {
            if (!op.hasRequestTxn()) {
                continue;
            }
            Writes success = checkIntervals(op.getRequestTxn().getSuccessList());
            Writes failure = checkIntervals(op.getRequestTxn().getFailureList());
            for (ByteString key : success.puts()) {
                if (puts.contains(key) || deletesKey(deletes, key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                puts.add(key);
            }
            for (ByteString key : failure.puts()) {
                boolean putTwice = puts.contains(key) && !success.puts().contains(key);
                if (putTwice || deletesKey(deletes, key)) {
                    throw EtcdError.DUPLICATE_KEY.exception();
                }
                puts.add(key);
            }
            deletes.addAll(success.deletes());
            deletes.addAll(failure.deletes());
        }

        for (RequestOp op : ops) {
            if (!op.hasRequestPut()) {
                continue;
            }
            ByteString key = op.getRequestPut().getKey();
            if (puts.contains(key) || deletesKey(deletes, key)) {
                throw EtcdError.DUPLICATE_KEY.exception();
            }
            puts.add(key);
        }
        return new Writes(puts, deletes);
    }

    private static boolean deletesKey(List<Deleted> deletes, ByteString key) {
        for (Deleted deleted : deletes) {
            if (deleted.contains(key)) {
                return true;
            }
        }
        return false;
    }
}
