package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;

/**
 * etcd's KV API: read, write and delete keys, run transactions, compact the history. Responses
 * are etcd's own messages, headers included.
 *
 * <pre>{@code
 * KV kv = client.kv();
 * kv.put(ctx, key, value);
 * RangeResponse jobs = kv.get(ctx, prefix, GetOptions.withPrefix().limitedTo(100));
 * TxnResponse swapped = kv.txn(ctx, Txn.when(Compares.value(key).equal(old)).then(Ops.put(key, updated)));
 * }</pre>
 *
 * <p>Every call takes the caller's {@link Context} first, with the same deadline, cancellation
 * and errors as {@link Lease} describes. Gets are retried on {@code UNAVAILABLE}. Puts, deletes,
 * transactions and compactions are not sent again once they may have reached the server, so
 * each is applied at most once. {@link Client} states the rules in full.
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
     * @throws FutureRevisionException if {@link GetOptions#revision()} is newer than the store's
     */
    RangeResponse get(Context ctx, ByteString key, GetOptions options) throws InterruptedException;

    /** Writes a key with no lease. */
    default PutResponse put(Context ctx, ByteString key, ByteString value) throws InterruptedException {
        return put(ctx, key, value, PutOptions.DEFAULT);
    }

    /**
     * Writes a key, as {@code options} select.
     *
     * @throws LeaseNotFoundException if the lease does not exist
     * @throws InvalidRequestException if the key is empty, or an ignore option does not fit the
     *     request or the key ({@link PutOptions} names the messages)
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

    /**
     * Runs a transaction built with {@link Txn}, as {@link #txn(Context, TxnRequest)} does.
     */
    default TxnResponse txn(Context ctx, Txn txn) throws InterruptedException {
        return txn(ctx, txn.toRequest());
    }

    /**
     * Compacts the history: drops every version of every key older than {@code revision},
     * except each key's newest version at or before it. Reads and watches at an older revision
     * then fail with {@link CompactedRevisionException}.
     *
     * @param physical whether to wait until the space is reclaimed in the backend before
     *     returning, so that a crash cannot bring the old versions back
     * @throws CompactedRevisionException if {@code revision} is at or below the revision of an
     *     earlier compaction
     * @throws FutureRevisionException if {@code revision} is newer than the store's
     */
    CompactionResponse compact(Context ctx, long revision, boolean physical) throws InterruptedException;
}
