package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;

/**
 * The revisions of one key, newest first, as a singly linked list that only the writer changes.
 *
 * <p>Readers walk the list without a lock and skip nodes newer than the revision they read at,
 * so the writer may prepend nodes for revisions that are not published yet. Each node's
 * {@link KeyRevision#kv} is kept in memory while it is the head or the node right below the
 * head, so reads at the current revision of small values never touch disk. Older nodes drop it
 * once their revision is durable, and a read then fetches it from storage. A value larger than
 * {@link KeyRevision#MAX_IN_MEMORY_VALUE_BYTES} leaves memory as soon as it is durable, even at
 * the head, so the heap grows with the number of keys and not with the size of their values.
 */
final class KeyHistory {

    final ByteString key;
    // Written by the writer thread only; read by any thread.
    private volatile KeyRevision head;

    KeyHistory(ByteString key, KeyRevision head) {
        this.key = key;
        this.head = head;
    }

    KeyRevision head() {
        return head;
    }

    /** Returns the newest node at or below {@code revision}, or {@code null} if none is. */
    KeyRevision at(long revision) {
        KeyRevision node = head;
        while (node != null && node.main > revision) {
            node = node.next;
        }
        return node;
    }

    /**
     * Prepends {@code node}, then drops from memory the values of older nodes, except the old
     * head's, whose revisions are at or below {@code durableRevision}. Writer thread only.
     */
    void prepend(KeyRevision node, long durableRevision) {
        KeyRevision oldHead = head;
        node.next = oldHead;
        head = node;
        if (oldHead == null) {
            return;
        }
        // Values of revisions that are not durable yet stay in memory: nothing on disk backs them.
        for (KeyRevision old = oldHead.next; old != null && old.kv != null && old.main <= durableRevision; old = old.next) {
            old.kv = null;
        }
    }

    /** Sets the head during a restore, keeping only the head's value in memory. */
    void restoreHead(KeyRevision node) {
        KeyRevision oldHead = head;
        node.next = oldHead;
        head = node;
        if (oldHead != null) {
            oldHead.kv = null;
        }
    }

    /** One revision of a key. */
    static final class KeyRevision {

        /**
         * The largest value, in bytes, that the index keeps in memory at the head of a key once
         * it is durable. etcd's put benchmark writes 256-byte values, which stay in memory.
         */
        static final int MAX_IN_MEMORY_VALUE_BYTES = 256;

        final long main;
        final long sub;
        final boolean tombstone;
        // The stored value; null once it has been dropped from memory, or a copy without the
        // value bytes once valueInStorage is set. Either way a read then fetches it from storage.
        volatile KeyValue kv;
        // Set before kv is replaced by its copy without the value, so a reader that reads kv
        // first and then this flag never takes the copy for the value.
        volatile boolean valueInStorage;
        volatile KeyRevision next;

        KeyRevision(long main, long sub, boolean tombstone, KeyValue kv) {
            this.main = main;
            this.sub = sub;
            this.tombstone = tombstone;
            this.kv = kv;
        }

        /** Returns whether the value is too large to keep in memory once it is durable. */
        boolean isLarge() {
            KeyValue held = kv;
            return held != null && held.getValue().size() > MAX_IN_MEMORY_VALUE_BYTES;
        }

        /**
         * Returns the value if memory contains it whole, or null if it must be read from storage.
         */
        KeyValue heldValue() {
            KeyValue held = kv;
            return held != null && !valueInStorage ? held : null;
        }

        /**
         * Keeps only the value's metadata (revisions, version, lease) in memory, so reads fetch
         * the value from storage. Call only once the revision is durable. Writer thread only.
         */
        void dropValueBytes() {
            KeyValue held = kv;
            if (held == null || valueInStorage) {
                return;
            }
            valueInStorage = true;
            kv = held.toBuilder().clearValue().build();
        }
    }
}
