package io.lessor.server.watch;

import io.lessor.api.Event;
import io.lessor.server.mvcc.MvccStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The events that one catch-up round reads from storage for one unsynced watcher, sent as one
 * response. It contains whole revisions, in order, from the watcher's next revision on, and stops
 * before the revision that would break one of two limits:
 * <ul>
 *   <li>{@code maxRevisions} revisions with events in the watcher's range. etcd 3.4 stops its
 *       batch at 1000 such revisions, and counts them before the {@code NOPUT} and
 *       {@code NODELETE} filters, so this batch does too;
 *   <li>{@code budgetBytes} of events after filtering, which keeps the watcher within
 *       {@link WatchConfig#maxPendingBytesPerWatcher()}. etcd has no such bound. A batch always
 *       takes its first revision with events, whatever its size.
 * </ul>
 *
 * <p>Not thread-safe: the stream's worker fills it without the hub's lock, which is safe because
 * it reads only the watcher's range and options, and they never change.
 */
final class CatchUpBatch {

    private final Watcher watcher;
    private final long fromRevision;
    private final int maxRevisions;
    private final int budgetBytes;
    private final List<Event> events = new ArrayList<>();
    private int revisions;
    private int bytes;
    /** The first revision left for a later batch, or 0 while the batch can take more. */
    private long stoppedAt;

    CatchUpBatch(Watcher watcher, long fromRevision, int maxRevisions, int budgetBytes) {
        this.watcher = watcher;
        this.fromRevision = fromRevision;
        this.maxRevisions = maxRevisions;
        this.budgetBytes = budgetBytes;
    }

    Watcher watcher() {
        return watcher;
    }

    /** Returns the first revision this batch may hold: the watcher's next revision when it was chosen. */
    long fromRevision() {
        return fromRevision;
    }

    /** Returns whether a limit stopped the batch, so that later revisions go to a later batch. */
    boolean isFull() {
        return stoppedAt != 0;
    }

    /** Returns the events to send, after the watcher's filters and without unrequested {@code prev_kv}. */
    List<Event> events() {
        return events;
    }

    /** Returns the serialized size of {@link #events()}. */
    int bytes() {
        return bytes;
    }

    /** Returns how many revisions with events in the watcher's range the batch holds. */
    int revisions() {
        return revisions;
    }

    /** Adds {@code revision} if it is at or after the start, the watcher's range has events in it, and it fits. */
    void offer(MvccStore.RevisionEvents revision, EventCopies copies) {
        if (isFull() || revision.revision() < fromRevision) {
            return;
        }
        List<Event> inRange = new ArrayList<>();
        for (Event event : revision.events()) {
            if (watcher.covers(event.getKv().getKey())) {
                inRange.add(event);
            }
        }
        add(revision.revision(), inRange, copies);
    }

    /**
     * Adds the PUT events of the compacted revision, which storage no longer keeps as events, for
     * a watcher that starts exactly there. Call it before any {@link #offer}.
     */
    void addCompactedRevision(long revision, List<Event> puts, EventCopies copies) {
        add(revision, puts, copies);
    }

    /**
     * Returns the watcher's next revision after this batch is sent, when the storage reads
     * covered every revision through {@code coveredRevision}.
     */
    long nextRevision(long coveredRevision) {
        return isFull() ? stoppedAt : Math.max(fromRevision, coveredRevision + 1);
    }

    private void add(long revision, List<Event> inRange, EventCopies copies) {
        if (inRange.isEmpty()) {
            return;
        }
        if (revisions == maxRevisions) {
            stoppedAt = revision;
            return;
        }
        List<Event> presented = new ArrayList<>(inRange.size());
        int revisionBytes = 0;
        for (Event event : inRange) {
            Event visible = watcher.present(event, copies);
            if (visible != null) {
                presented.add(visible);
                revisionBytes += visible.getSerializedSize();
            }
        }
        if (!events.isEmpty() && bytes + revisionBytes > budgetBytes) {
            stoppedAt = revision;
            return;
        }
        events.addAll(presented);
        bytes += revisionBytes;
        revisions++;
    }
}
