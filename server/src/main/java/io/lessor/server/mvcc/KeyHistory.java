package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;
import io.lessor.api.KeyValue;

/**
 * The revisions of one key, newest first, as a singly linked list that only the writer changes.
 *
 * <p>Readers walk the list without a lock and skip nodes newer than the revision they read at,
 * so the writer may prepend nodes for revisions that are not published yet. Each node's
 * {@link KeyRevision#kv} is kept in memory while it is the head or the node right below the
 * head, so reads at the current revision never touch disk; older nodes drop it once their
 * revision is durable, and a read then fetches it from storage.
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
        final long main;
        final long sub;
        final boolean tombstone;
        // The stored value, or null once it has been dropped from memory (then read from storage).
        volatile KeyValue kv;
        volatile KeyRevision next;

        KeyRevision(long main, long sub, boolean tombstone, KeyValue kv) {
            this.main = main;
            this.sub = sub;
            this.tombstone = tombstone;
            this.kv = kv;
        }
    }
}
