package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import java.util.Objects;

/**
 * The operations of a transaction's branches, as etcd's {@link RequestOp} messages built from
 * the same options as the {@link KV} calls. The response to each is in the same position of
 * {@code TxnResponse.getResponsesList()}: {@code getResponseRange()} for a get,
 * {@code getResponsePut()} for a put, {@code getResponseDeleteRange()} for a delete and
 * {@code getResponseTxn()} for a nested transaction.
 *
 * <p>etcd rejects a branch that writes the same key twice with
 * {@code "etcdserver: duplicate key given in txn request"}, and a transaction with more
 * operations than its {@code --max-txn-ops} (128 by default) with
 * {@code "etcdserver: too many operations in txn request"}.
 */
public final class Ops {

    private Ops() {
    }

    /** Returns an operation that reads {@code key}. */
    public static RequestOp get(ByteString key) {
        return get(key, GetOptions.DEFAULT);
    }

    /**
     * Returns an operation that reads {@code key} or a range, as {@code options} select.
     * Inside a transaction etcd ignores {@link GetOptions#serializable()}.
     */
    public static RequestOp get(ByteString key, GetOptions options) {
        return RequestOp.newBuilder().setRequestRange(rangeRequest(key, options)).build();
    }

    /** Returns an operation that writes {@code key} with no lease. */
    public static RequestOp put(ByteString key, ByteString value) {
        return put(key, value, PutOptions.DEFAULT);
    }

    /** Returns an operation that writes {@code key} as {@code options} select. */
    public static RequestOp put(ByteString key, ByteString value, PutOptions options) {
        return RequestOp.newBuilder().setRequestPut(putRequest(key, value, options)).build();
    }

    /** Returns an operation that deletes {@code key}. */
    public static RequestOp delete(ByteString key) {
        return delete(key, DeleteOptions.DEFAULT);
    }

    /** Returns an operation that deletes {@code key} or a range, as {@code options} select. */
    public static RequestOp delete(ByteString key, DeleteOptions options) {
        return RequestOp.newBuilder().setRequestDeleteRange(deleteRequest(key, options)).build();
    }

    /**
     * Returns an operation that runs {@code txn} as a nested transaction, in the same revision as
     * the outer one; etcd 3.3 and later accept it.
     */
    public static RequestOp txn(Txn txn) {
        return RequestOp.newBuilder().setRequestTxn(Objects.requireNonNull(txn, "txn").toRequest()).build();
    }

    static RangeRequest rangeRequest(ByteString key, GetOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        return RangeRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(options.rangeEndFor(key))
                .setLimit(options.limit())
                .setRevision(options.revision())
                .setSortOrder(options.sortOrder())
                .setSortTarget(options.sortTarget())
                .setSerializable(options.serializable())
                .setKeysOnly(options.keysOnly())
                .setCountOnly(options.countOnly())
                .setMinModRevision(options.minModRevision())
                .setMaxModRevision(options.maxModRevision())
                .setMinCreateRevision(options.minCreateRevision())
                .setMaxCreateRevision(options.maxCreateRevision())
                .build();
    }

    static PutRequest putRequest(ByteString key, ByteString value, PutOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(options, "options");
        return PutRequest.newBuilder()
                .setKey(key)
                .setValue(value)
                .setLease(options.leaseId())
                .setPrevKv(options.prevKv())
                .setIgnoreValue(options.ignoreValue())
                .setIgnoreLease(options.ignoreLease())
                .build();
    }

    static DeleteRangeRequest deleteRequest(ByteString key, DeleteOptions options) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        return DeleteRangeRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(options.rangeEndFor(key))
                .setPrevKv(options.prevKv())
                .build();
    }
}
