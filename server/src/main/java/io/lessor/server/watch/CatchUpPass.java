package io.lessor.server.watch;

import io.lessor.server.engine.Engine;
import io.lessor.server.mvcc.MvccStore;
import java.util.List;

/**
 * One read of history from storage that fills the catch-up batches of a stream's unsynced
 * watchers, through the revision that was current when it began. The stream's worker runs it in
 * rounds of a bounded number of revisions and sends its queued responses between rounds, so a
 * watcher that starts far in the past does not hold up the stream's other responses.
 *
 * <p>Not thread-safe: only the stream's worker uses it, without the hub's lock.
 */
final class CatchUpPass {

    private final List<CatchUpBatch> batches;
    // Whether a watcher of the pass asked for prev_kv; otherwise no previous value is read.
    private final boolean prevValues;
    private final long upTo;
    private final EventCopies copies;
    private final int revisionsPerRead;
    private final long bytesPerRead;
    /** The next revision to read. */
    private long position;

    /**
     * Creates a pass that reads from the earliest batch start, but not below
     * {@code firstReadable}, through {@code upTo}. Each storage read stops after
     * {@code revisionsPerRead} revisions or after the revision that reaches {@code bytesPerRead}
     * stored bytes, so that a history of large revisions is not read far past what the batches
     * can take.
     */
    CatchUpPass(List<CatchUpBatch> batches, long firstReadable, long upTo, int revisionsPerRead, long bytesPerRead,
            EventCopies copies) {
        this.batches = batches;
        this.upTo = upTo;
        this.copies = copies;
        this.revisionsPerRead = revisionsPerRead;
        this.bytesPerRead = bytesPerRead;
        long start = Long.MAX_VALUE;
        boolean anyPrevKv = false;
        for (CatchUpBatch batch : batches) {
            start = Math.min(start, Math.max(batch.fromRevision(), firstReadable));
            anyPrevKv |= batch.watcher().wantsPrevKv();
        }
        this.position = start;
        this.prevValues = anyPrevKv;
    }

    List<CatchUpBatch> batches() {
        return batches;
    }

    /** Returns the revision the pass reads through, which goes in the headers of its responses. */
    long upTo() {
        return upTo;
    }

    /**
     * Offers the next revisions to the batches, one storage read at a time, until
     * {@code maxRevisions} revisions are read, every batch is full or the history is read.
     * Returns whether the pass is finished.
     *
     * @throws io.lessor.server.EtcdException {@code COMPACTED} if a compaction passes the read
     */
    boolean readRound(Engine engine, int maxRevisions) {
        int read = 0;
        while (!isFinished() && read < maxRevisions) {
            List<MvccStore.RevisionEvents> revisions = engine.events(position, upTo, revisionsPerRead, bytesPerRead,
                    prevValues);
            for (CatchUpBatch batch : batches) {
                for (MvccStore.RevisionEvents revision : revisions) {
                    batch.offer(revision, copies);
                }
            }
            // A read may stop early on its byte bound, so only an empty read ends the history.
            position = revisions.isEmpty() ? upTo + 1 : revisions.getLast().revision() + 1;
            read += Math.max(1, revisions.size());
        }
        return isFinished();
    }

    private boolean isFinished() {
        if (position > upTo) {
            return true;
        }
        for (CatchUpBatch batch : batches) {
            if (!batch.isFull()) {
                return false;
            }
        }
        return true;
    }
}
