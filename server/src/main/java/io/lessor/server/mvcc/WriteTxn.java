package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;
import io.lessor.server.mvcc.KeyHistory.KeyRevision;
import io.lessor.server.storage.KvCodec;
import io.lessor.server.storage.StorageBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * One write transaction of the {@link MvccStore}: all its changes share one main revision, the
 * one after the store's current revision, with increasing sub revisions, and take that revision
 * only if at least one key changed. Reads through {@link #view()} see the transaction's own
 * earlier writes.
 *
 * <p>Thread-safety: none; used by the writer thread only, and ended with {@link #end()}.
 */
public final class WriteTxn {

    private final MvccStore store;
    private final StorageBatch batch;
    private final long beginRevision;
    private final List<Change> changes = new ArrayList<>();

    WriteTxn(MvccStore store, StorageBatch batch, long beginRevision) {
        this.store = store;
        this.batch = batch;
        this.beginRevision = beginRevision;
    }

    /** Returns the store's revision before this transaction. */
    public long beginRevision() {
        return beginRevision;
    }

    /** Returns the revision this transaction ends at: its own if it changed a key, else the one before. */
    public long revision() {
        return changes.isEmpty() ? beginRevision : beginRevision + 1;
    }

    /**
     * Returns a view that reads at this transaction's revision, including its writes so far.
     * Its revision checks are against {@link #beginRevision()}, as etcd checks a range inside a
     * transaction, and its header revision is {@link #revision()} at the time of the read.
     */
    public ReadView view() {
        return (key, end, atRevision, limit, countOnly, keysOnly) -> {
            RangeResult result = store.rangeAt(key, end, atRevision, limit, countOnly, keysOnly, beginRevision,
                    beginRevision + 1, true);
            return new RangeResult(result.kvs(), result.count(), revision());
        };
    }

    /**
     * Returns the live value of {@code key} including this transaction's writes, or
     * {@code null}. A large value is read from storage; see {@link #metadata}.
     *
     * <p>NOTE: a request that needs many large values whole (prev_kv or ignore_value over them,
     * in one txn or one delete) keeps them all in the heap while it is applied. Running out of
     * heap there fails the group, and, as with any apply failure, the server stops its writes.
     */
    public KeyValue get(ByteString key) {
        KeyRevision head = liveHead(key);
        return head == null ? null : store.valueOf(head, Long.MAX_VALUE);
    }

    /**
     * Returns the live key value of {@code key} as {@link #get} does, but without its value
     * bytes when they are not in memory: its revisions, version and lease are always right.
     */
    public KeyValue metadata(ByteString key) {
        KeyRevision head = liveHead(key);
        return head == null ? null : head.kv;
    }

    private KeyRevision liveHead(ByteString key) {
        KeyHistory history = store.history(key);
        if (history == null) {
            return null;
        }
        KeyRevision head = history.head();
        return head == null || head.tombstone ? null : head;
    }

    /** Returns the change of {@code head}'s key whose previous value is {@code head}. */
    private static Change change(KeyValue kv, KeyRevision head, boolean delete) {
        if (head == null) {
            return new Change(kv, null, delete);
        }
        KeyValue held = head.heldValue();
        return held != null ? new Change(kv, held, delete) : new Change(kv, head.kv, delete, head.sub);
    }

    /**
     * Puts {@code key}, counting its create revision and version from its live value.
     *
     * @return the new value
     */
    public KeyValue put(ByteString key, ByteString value, long leaseId) {
        long main = beginRevision + 1;
        long sub = changes.size();
        KeyHistory history = store.history(key);
        KeyRevision prevHead = liveHead(key);
        // Without the value bytes when they are not in memory: only the metadata is needed here.
        KeyValue prev = prevHead == null ? null : prevHead.kv;

        KeyValue kv = KeyValue.newBuilder()
                .setKey(key)
                .setValue(value)
                .setCreateRevision(prev == null ? main : prev.getCreateRevision())
                .setModRevision(main)
                .setVersion(prev == null ? 1 : prev.getVersion() + 1)
                .setLease(leaseId)
                .build();
        batch.putKv(KvCodec.revisionKey(main, sub), KvCodec.encodeValue(false, kv));
        KeyRevision node = new KeyRevision(main, sub, false, kv);
        append(history, key, node);
        if (node.isLarge()) {
            store.dropValueWhenDurable(node);
        }
        changes.add(change(kv, prevHead, false));
        return kv;
    }

    /**
     * Deletes every live key in a range, in ascending key order, and returns the deleted key
     * values without the value bytes that are not in memory; see {@link #deleteRange(ByteString,
     * ByteString, boolean)}.
     */
    public List<KeyValue> deleteRange(ByteString key, ByteString end) {
        return deleteRange(key, end, false);
    }

    /**
     * Deletes every live key in a range, in ascending key order.
     *
     * @param end as in {@link ReadView#range}
     * @param wholeValues whether to return the deleted values whole, reading from storage those
     *     not in memory. Without, those keep only their metadata (revisions, version, lease), so
     *     a delete of many large values reads none of them
     * @return the deleted key values, in key order
     */
    public List<KeyValue> deleteRange(ByteString key, ByteString end, boolean wholeValues) {
        long main = beginRevision + 1;
        List<KeyValue> deleted = new ArrayList<>();
        for (KeyHistory history : store.histories(key, end)) {
            KeyRevision head = history.head();
            if (head == null || head.tombstone) {
                continue;
            }
            KeyValue prev = wholeValues ? store.valueOf(head, Long.MAX_VALUE) : head.kv;
            KeyValue tombstone = KeyValue.newBuilder().setKey(history.key).setModRevision(main).build();
            long sub = changes.size();
            batch.putKv(KvCodec.revisionKey(main, sub), KvCodec.encodeValue(true, tombstone));
            changes.add(change(tombstone, head, true));
            history.prepend(new KeyRevision(main, sub, true, tombstone), store.durableRevision());
            deleted.add(prev);
        }
        return deleted;
    }

    /** Returns the changes so far, in the order they were made. */
    public List<Change> changes() {
        return changes;
    }

    /** Ends the transaction: the store's writer revision moves to {@link #revision()}. */
    public void end() {
        store.advanceTo(revision());
    }

    private void append(KeyHistory history, ByteString key, KeyRevision node) {
        if (history == null) {
            store.insert(new KeyHistory(key, node));
        } else {
            history.prepend(node, store.durableRevision());
        }
    }
}
