package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.server.EtcdError;
import io.lessor.server.mvcc.KeyHistory.KeyRevision;
import io.lessor.server.storage.KvCodec;
import io.lessor.server.storage.MetaKey;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The multi-version key-value store: every key's revisions, counted the way etcd counts them,
 * with an in-memory index over values stored by revision in {@link Storage}.
 *
 * <p>Revisions: a new store is at revision 1. Every write transaction that changes at least one
 * key takes the next main revision, and each key it changes takes the next sub revision within
 * it. A key's {@code create_revision} is the main revision that created it, {@code version}
 * counts its puts since then, and a delete ends it: the next put starts again at version 1.
 *
 * <p>Visibility: one writer thread ({@link #beginWrite}) changes the store. Its changes become
 * visible to readers only when it calls {@link #publish()}, after the storage batch that contains
 * them is durable, so a reader never sees a revision that a crash could lose.
 *
 * <p>Thread-safety: {@link #readView()} and the views it returns may be used from any thread
 * without locking; {@link #beginWrite}, {@link #publish()}, {@link #compact} and
 * {@link #finishCompaction()} are for the writer thread only.
 */
public final class MvccStore {

    /*
     * Implementation notes. The index maps each key, in unsigned byte order, to its history: a
     * list of revisions, newest first. A reader at revision R takes, for each key, the newest
     * node at or below R; a tombstone there means the key did not exist at R. Nodes are only
     * prepended, except by compaction, which cuts the tails of the lists after the compacted
     * revision is published. A reader that raced with the cut then finds the compacted revision
     * above its own when it re-checks at the end of the read, so it fails with COMPACTED as
     * etcd does.
     */

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    // etcd starts a store's compacted revision at -1, so a new store accepts Compact(0) once.
    private static final long NEVER_COMPACTED = -1;

    private final Storage storage;
    private final ConcurrentSkipListMap<ByteString, KeyHistory> index = new ConcurrentSkipListMap<>(KEY_ORDER);

    private volatile long publishedRevision;
    private volatile long compactedRevision;

    // Writer thread only.
    private long currentRevision;
    // Written by the writer thread; volatile because a reader that misses a value compares it.
    private volatile long pendingCompactedRevision;
    private final List<Long> pendingCompactions = new ArrayList<>();
    // Writer thread only: nodes written since the last publish whose values are too large to
    // keep in memory once durable.
    private final List<KeyRevision> largeUnpublished = new ArrayList<>();

    private MvccStore(Storage storage) {
        this.storage = storage;
    }

    /**
     * Loads the store from {@code storage}: rebuilds the index from every stored revision, and
     * takes the compacted revision from meta.
     */
    public static MvccStore restore(Storage storage) {
        MvccStore store = new MvccStore(storage);
        long compacted = storage.getMeta(MetaKey.COMPACTED_REVISION).orElse(NEVER_COMPACTED);
        long[] last = {1};
        storage.forEachKv((key, value) -> {
            KvCodec.Record record = KvCodec.decode(key, value);
            ByteString userKey = record.kv().getKey();
            KeyRevision node = new KeyRevision(record.mainRevision(), record.subRevision(), record.tombstone(), record.kv());
            if (node.isLarge()) {
                // Everything restored is durable, so a large value stays in storage only.
                node.dropValueBytes();
            }
            KeyHistory history = store.index.get(userKey);
            if (history == null) {
                store.index.put(userKey, new KeyHistory(userKey, node));
            } else {
                history.restoreHead(node);
            }
            last[0] = Math.max(last[0], record.mainRevision());
        });
        // A compaction may have removed the newest tombstones, so the compacted revision also
        // bounds the current one from below, as in etcd.
        store.currentRevision = Math.max(last[0], compacted);
        store.publishedRevision = store.currentRevision;
        store.compactedRevision = compacted;
        store.pendingCompactedRevision = compacted;
        return store;
    }

    /** Returns the newest published revision. */
    public long revision() {
        return publishedRevision;
    }

    /** Returns the published compacted revision; 0 if the store was never compacted. */
    public long compactedRevision() {
        return Math.max(0, compactedRevision);
    }

    /** Returns a view at the newest published revision. */
    public ReadView readView() {
        return readView(publishedRevision);
    }

    /**
     * Returns a view at {@code revision}, which the caller read from {@link #revision()}; reads
     * through it report {@code revision} in their headers.
     */
    public ReadView readView(long revision) {
        if (revision > publishedRevision) {
            throw new IllegalArgumentException("revision " + revision + " is not published yet; the newest is "
                    + publishedRevision);
        }
        return (key, end, atRevision, limit, countOnly, keysOnly) ->
                rangeAt(key, end, atRevision, limit, countOnly, keysOnly, revision, revision, false);
    }

    /**
     * Calls {@code action} with each live key at the newest revision, in key order, and its
     * lease; for re-attaching keys to leases on restart. Writer thread only.
     */
    public void forEachLiveKey(LiveKeyConsumer action) {
        for (KeyHistory history : index.values()) {
            KeyRevision head = history.head();
            if (head != null && !head.tombstone) {
                action.accept(history.key, head.kv.getLease());
            }
        }
    }

    /** Receives a live key and its lease id (0 for none). */
    @FunctionalInterface
    public interface LiveKeyConsumer {
        void accept(ByteString key, long leaseId);
    }

    /**
     * Starts a write transaction at the writer's current revision, writing into {@code batch}.
     * Writer thread only; end it with {@link WriteTxn#end()} before the next one begins.
     */
    public WriteTxn beginWrite(StorageBatch batch) {
        return new WriteTxn(this, batch, currentRevision);
    }

    /** Makes every ended write transaction visible to readers. Call only once they are durable. */
    public void publish() {
        publishedRevision = currentRevision;
        for (KeyRevision node : largeUnpublished) {
            node.dropValueBytes();
        }
        largeUnpublished.clear();
    }

    /** Returns the writer's current revision, including transactions not yet published. */
    public long writerRevision() {
        return currentRevision;
    }

    /**
     * Schedules a compaction at {@code revision}: checks it, adds to {@code batch} the removal
     * of every stored revision it makes unreachable and the new compacted revision. The index
     * changes in {@link #finishCompaction()}, once the batch is durable. Writer thread only.
     *
     * @throws io.lessor.server.EtcdException {@code COMPACTED} if {@code revision} is not above
     *     the compacted revision, {@code FUTURE_REVISION} if it is above the current one
     */
    public void compact(long revision, StorageBatch batch) {
        if (revision <= pendingCompactedRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        if (revision > currentRevision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        // NOTE: this walks every key on the writer thread and deletes in the group's batch, so a
        // store with millions of keys delays the writes queued behind a compaction.
        for (KeyHistory history : index.values()) {
            KeyRevision kept = history.at(revision);
            if (kept == null) {
                continue;
            }
            KeyRevision first = kept.tombstone ? kept : kept.next;
            for (KeyRevision node = first; node != null; node = node.next) {
                batch.deleteKv(KvCodec.revisionKey(node.main, node.sub));
            }
        }
        batch.putMeta(MetaKey.COMPACTED_REVISION, revision);
        pendingCompactedRevision = revision;
        pendingCompactions.add(revision);
    }

    /**
     * Publishes the compactions scheduled since the last call and drops the compacted
     * revisions from the index: for each key it keeps the newest revision at or below the
     * compacted one, unless that is a delete. Call after the batch is durable. Writer thread only.
     */
    public void finishCompaction() {
        if (pendingCompactions.isEmpty()) {
            return;
        }
        long revision = pendingCompactions.get(pendingCompactions.size() - 1);
        pendingCompactions.clear();
        // Publish first, so a reader below this revision that walks a cut list fails its re-check.
        compactedRevision = revision;
        for (KeyHistory history : index.values()) {
            KeyRevision above = null;
            KeyRevision node = history.head();
            while (node != null && node.main > revision) {
                above = node;
                node = node.next;
            }
            if (node == null) {
                continue;
            }
            if (!node.tombstone) {
                node.next = null;
            } else if (above != null) {
                above.next = null;
            } else {
                index.remove(history.key, history);
            }
        }
    }

    /**
     * Reads the events of the published revisions from {@code fromRevision} to
     * {@code toRevision}, both included, as {@link RevisionListener}s got them: for a watch that
     * starts in the past, or to fill the gap before a new listener's first call.
     *
     * @param maxRevisions stop after this many revisions that changed keys
     * @param maxBytes stop after the revision that takes the stored size of the records read,
     *     and of the previous values with {@code prevValues}, to this or more
     * @param prevValues whether the events carry {@code prev_kv}
     * @throws io.lessor.server.EtcdException {@code COMPACTED} if {@code fromRevision} is at or
     *     below the compacted revision, as etcd refuses such a watch
     */
    public List<RevisionEvents> events(long fromRevision, long toRevision, int maxRevisions, long maxBytes,
            boolean prevValues) {
        long last = Math.min(toRevision, publishedRevision);
        long compacted = compactedRevision;
        if (fromRevision <= compacted) {
            throw EtcdError.COMPACTED.exception();
        }
        List<RevisionEvents> revisions = new ArrayList<>();
        List<Event> events = new ArrayList<>();
        long[] current = {0};
        // The stored bytes of the records read, as a cheap measure of the events' size.
        long[] bytesRead = {0};
        storage.scanKv(KvCodec.revisionKey(fromRevision, 0), (key, value) -> {
            long main = KvCodec.mainRevision(key);
            if (main != current[0] && !events.isEmpty()) {
                revisions.add(new RevisionEvents(current[0], List.copyOf(events)));
                events.clear();
            }
            if (main > last || revisions.size() >= maxRevisions) {
                return false;
            }
            if (main != current[0] && bytesRead[0] >= maxBytes) {
                // Only between revisions, so that a revision's events are never split.
                return false;
            }
            current[0] = main;
            bytesRead[0] += key.length + value.length;
            KvCodec.Record record = KvCodec.decode(key, value);
            Event.Builder event = Event.newBuilder()
                    .setType(record.tombstone() ? Event.EventType.DELETE : Event.EventType.PUT)
                    .setKv(record.kv());
            if (prevValues) {
                KeyValue previous = previousValue(record.kv().getKey(), main - 1);
                if (previous != null) {
                    bytesRead[0] += previous.getSerializedSize();
                    event.setPrevKv(previous);
                }
            }
            events.add(event.build());
            return true;
        });
        if (!events.isEmpty() && revisions.size() < maxRevisions) {
            revisions.add(new RevisionEvents(current[0], List.copyOf(events)));
        }
        if (compactedRevision >= fromRevision) {
            throw EtcdError.COMPACTED.exception();
        }
        return revisions;
    }

    /** The events of one revision. */
    public record RevisionEvents(long revision, List<Event> events) {
    }

    private KeyValue previousValue(ByteString key, long revision) {
        KeyHistory history = index.get(key);
        if (history == null) {
            return null;
        }
        KeyRevision node = history.at(revision);
        return node == null || node.tombstone ? null : valueOf(node, revision);
    }

    // ---- reading ------------------------------------------------------------------------------

    /**
     * Reads a range; see {@link ReadView#range}. {@code viewRevision} is the newest revision
     * the caller may ask for, {@code readRevision} the one it reads at by default (above
     * {@code viewRevision} only inside a write transaction, to see its own writes).
     */
    RangeResult rangeAt(ByteString key, ByteString end, long atRevision, long limit, boolean countOnly,
            boolean keysOnly, long viewRevision, long readRevision, boolean writer) {
        if (atRevision > viewRevision) {
            throw EtcdError.FUTURE_REVISION.exception();
        }
        long revision = atRevision <= 0 ? readRevision : atRevision;
        long compacted = writer ? pendingCompactedRevision : compactedRevision;
        if (revision < compacted) {
            throw EtcdError.COMPACTED.exception();
        }

        List<KeyValue> kvs = new ArrayList<>();
        long count = 0;
        for (KeyHistory history : histories(key, end)) {
            KeyRevision node = history.at(revision);
            if (node == null || node.tombstone) {
                continue;
            }
            count++;
            if (!countOnly && (limit <= 0 || kvs.size() < limit)) {
                // With keys only, the metadata in memory is enough, even without the value bytes.
                KeyValue metadata = keysOnly ? node.kv : null;
                kvs.add(metadata != null ? metadata : valueOf(node, revision));
            }
        }

        if (!writer && revision < compactedRevision) {
            // A compaction past this revision finished during the read; parts of it may be gone.
            throw EtcdError.COMPACTED.exception();
        }
        return new RangeResult(kvs, count, viewRevision);
    }

    /** Returns the histories of the keys in a range, in key order. */
    Collection<KeyHistory> histories(ByteString key, ByteString end) {
        if (end.isEmpty()) {
            KeyHistory history = index.get(key);
            return history == null ? List.of() : List.of(history);
        }
        if (end.size() == 1 && end.byteAt(0) == 0) {
            return index.tailMap(key, true).values();
        }
        if (KEY_ORDER.compare(key, end) >= 0) {
            return List.of();
        }
        NavigableMap<ByteString, KeyHistory> sub = index.subMap(key, true, end, false);
        return sub.values();
    }

    KeyHistory history(ByteString key) {
        return index.get(key);
    }

    void insert(KeyHistory history) {
        index.put(history.key, history);
    }

    long durableRevision() {
        return publishedRevision;
    }

    void advanceTo(long revision) {
        currentRevision = revision;
    }

    /** Notes a node whose value leaves memory at the next {@link #publish()}. Writer thread only. */
    void dropValueWhenDurable(KeyRevision node) {
        largeUnpublished.add(node);
    }

    /**
     * Returns the whole value stored at revision {@code main}.{@code sub}, which the caller knows
     * is there, such as the previous value of a change that was just written.
     */
    public KeyValue storedValue(long main, long sub) {
        byte[] value = storage.getKv(KvCodec.revisionKey(main, sub));
        if (value == null) {
            throw new IllegalStateException("revision " + main + "." + sub + " is not in storage");
        }
        return KvCodec.decodeKeyValue(value);
    }

    /** Returns the whole value of a node, from memory or storage. */
    KeyValue valueOf(KeyRevision node, long readRevision) {
        KeyValue kv = node.heldValue();
        if (kv != null) {
            return kv;
        }
        byte[] value = storage.getKv(KvCodec.revisionKey(node.main, node.sub));
        if (value == null) {
            // The compaction's deletes are in storage before finishCompaction publishes it.
            if (readRevision < Math.max(compactedRevision, pendingCompactedRevision)) {
                throw EtcdError.COMPACTED.exception();
            }
            throw new IllegalStateException("revision " + node.main + "." + node.sub
                    + " is in the index but not in storage");
        }
        return KvCodec.decodeKeyValue(value);
    }
}
