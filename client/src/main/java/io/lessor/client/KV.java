package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;

/**
 * etcd's KV API: read, write and delete keys, and run transactions. Responses are etcd's own
 * messages, headers included.
 *
 * <p>Every call takes the caller's {@link Context} first, with the same deadline, cancellation
 * and errors as {@link Lease} describes. Gets are retried on {@code UNAVAILABLE}. Puts,
 * deletes and transactions are sent once, because repeating them is not always safe. gRPC's
 * transparent retry repeats them only when they never reached the server's handler.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface KV {

    /** Reads one key at the latest revision. */
    default RangeResponse get(Context ctx, ByteString key) throws InterruptedException {
        return get(ctx, key, GetOptions.DEFAULT);
    }

    /**
     * Reads a key or a range of keys, as {@code options} select.
     *
     * @throws CompactedRevisionException if {@link GetOptions#revision()} has been compacted
     */
    RangeResponse get(Context ctx, ByteString key, GetOptions options) throws InterruptedException;

    /** Writes a key with no lease. */
    default PutResponse put(Context ctx, ByteString key, ByteString value) throws InterruptedException {
        return put(ctx, key, value, PutOptions.DEFAULT);
    }

    /**
     * Writes a key, attached to a lease if {@code options} name one.
     *
     * @throws LeaseNotFoundException if the lease does not exist
     * @throws InvalidRequestException if the key is empty
     */
    PutResponse put(Context ctx, ByteString key, ByteString value, PutOptions options) throws InterruptedException;

    /** Deletes one key. */
    default DeleteRangeResponse delete(Context ctx, ByteString key) throws InterruptedException {
        return delete(ctx, key, DeleteOptions.DEFAULT);
    }

    /** Deletes a key or a range of keys, as {@code options} select. */
    DeleteRangeResponse delete(Context ctx, ByteString key, DeleteOptions options) throws InterruptedException;

    /**
     * Runs a transaction: if every compare holds, the success operations, else the failure ones,
     * in one revision.
     *
     * @throws LeaseNotFoundException if the branch taken puts a key with an unknown lease
     * @throws InvalidRequestException if the transaction has too many operations or writes a key twice
     */
    TxnResponse txn(Context ctx, TxnRequest request) throws InterruptedException;
}
