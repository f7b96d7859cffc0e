package io.lessor.server.watch;

import io.grpc.Status;
import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.ResponseHeader;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Context;
import io.lessor.context.Select;
import io.lessor.context.Signal;
import io.lessor.context.Worker;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchers of one client's Watch stream and the responses queued for it, sent by a worker
 * thread of its own as fast as gRPC's flow control lets them go.
 *
 * <p>The requests ({@link #create}, {@link #cancel}, {@link #requestProgress}) only queue
 * responses and return. The worker sends the queue in order while {@link WatchOutbound#isReady()}
 * holds, reads from storage the revisions its unsynced watchers missed once they have room,
 * and sends progress notifications. The owner calls {@link #wakeUp()} when the transport becomes
 * ready again, and {@link #close()} when the call ends.
 *
 * <p>Responses, as etcd 3.4 sends them:
 * <ul>
 *   <li>create: {@code created} with the new watch id and the current revision in the header;
 *       for an invalid request, {@code created} and {@code canceled} with watch id -1 and the
 *       reason;
 *   <li>events: one response per revision while synced, with that revision in the header.
 *       Once {@link WatchConfig#streamBufferResponses()} responses wait in the stream's queue,
 *       a watcher's next revisions join its response still waiting there, with the newest
 *       revision in the header. A watcher that starts in the past, or fell behind its byte
 *       bound, is caught up from storage with responses that hold the events of many
 *       revisions, up to {@link WatchConfig#maxRevisionsPerCatchUp()} revisions with events in
 *       its range (1000, as in etcd), with the current revision in the header. A watcher that
 *       starts at the compacted revision gets that revision's puts in its first such response;
 *   <li>cancel: {@code canceled}; a cancel of an unknown id gets no response;
 *   <li>compaction: a watcher that falls behind the compacted revision gets {@code canceled}
 *       with {@code compact_revision} and header revision 0, and is removed;
 *   <li>progress: an empty response with the current revision, watch id -1 for a progress
 *       request, or the watcher's id for its periodic notification.
 * </ul>
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class WatchStream {

    /*
     * Deliberate differences from etcd 3.4:
     *  - The response to a progress request is sent once every watcher of the stream is synced,
     *    after the events of every revision up to the one it reports. etcd 3.4 sends it at once,
     *    so it may report a revision whose events are still on their way; later versions fixed that.
     *  - A negative start revision is refused like a compacted one (created, canceled, watch id
     *    -1, reason "etcdserver: mvcc: required revision has been compacted"), as etcd 3.5 and
     *    later do. 3.4 gives such a watcher an odd compact_revision.
     *  - Unsynced watchers are caught up by their own stream, paced by their client, rather than
     *    by one store-wide loop every 100 ms. So a watcher that starts in the past gets its
     *    history at once, where etcd waits for its next round.
     *    The stream reads WatchConfig.maxRevisionsReadPerRound revisions at a time and sends its
     *    queued responses in between, so a long catch-up delays the stream's other responses by
     *    about one such read, not by the whole history.
     *  - A slow stream's watchers get their revisions together in the responses already
     *    queued for them, up to 1000 revisions each. etcd moves them to its unsynced loop
     *    instead, which reads the revisions back from storage and sends batches of the same
     *    size. The grouping depends on timing in both.
     *  - A catch-up response also stops before the revision that would take the watcher past
     *    WatchConfig.maxPendingBytesPerWatcher (256 KiB by default), while etcd only limits the
     *    revision count. Catch-up responses group as in etcd while 1000 revisions of events fit,
     *    which holds for events of up to about 260 bytes.
     */

    private static final Logger LOG = LoggerFactory.getLogger(WatchStream.class);

    /** etcd's id for a response that belongs to no watcher. */
    static final long NO_WATCH_ID = -1;

    static final String RANGE_EMPTY = "mvcc: watcher range is empty";
    static final String DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";

    private static final ByteString SMALLEST_KEY = ByteString.copyFrom(new byte[] {0});

    /** How many responses the worker takes from the queue per turn of the hub's lock. */
    private static final int RESPONSES_PER_TAKE = 64;

    /**
     * The control responses (created, canceled, progress and the like) that may wait in the queue
     * before the stream stops reading its client's requests. etcd 3.4 stops reading a stream
     * whose 16-slot control buffer is full, so a client that sends requests and never reads the
     * responses fills its transport's flow-control window instead of the server's memory.
     */
    public static final int MAX_QUEUED_CONTROL_RESPONSES = 16;

    private final WatchHub hub;
    private final WatchOutbound outbound;
    private final long number;
    private final CancelableContext context;
    private volatile Signal wake = Signal.create();

    // @GuardedBy("hub.lock")
    private final Map<Long, Watcher> watchers = new HashMap<>();
    // @GuardedBy("hub.lock")
    private final ArrayDeque<QueuedResponse> queue = new ArrayDeque<>();
    // @GuardedBy("hub.lock")
    private long nextAutoId;
    // @GuardedBy("hub.lock"): watchers in state UNSYNCED; the hub updates it on every transition.
    int unsyncedCount;
    // @GuardedBy("hub.lock"): a progress request waits for the unsynced watchers.
    private boolean progressRequested;
    // @GuardedBy("hub.lock")
    private boolean closed;
    // @GuardedBy("hub.lock"): the revision whose fan-out last queued for this stream, so the hub wakes it once.
    long touchedAtRevision;
    // @GuardedBy("hub.lock"): queued responses that belong to no watcher's events.
    private int queuedControlResponses;
    // @GuardedBy("hub.lock"): acceptsMoreRequests() returned false, and reading has not resumed.
    private boolean readingPaused;
    // Runs outside the lock when reading may resume after a pause.
    private volatile Runnable resumeReading = () -> { };
    // Worker thread only: takeQueued() ended a pause, so resumeReading must run after the lock.
    private boolean resumePending;

    // Worker thread only: responses taken from the queue and not sent yet, oldest first.
    private final ArrayDeque<QueuedResponse> inHand = new ArrayDeque<>();
    // Worker thread only: responses with events sent since their bytes were last released.
    private final List<QueuedResponse> sent = new ArrayList<>();

    // Worker thread only: the header of the last response sent, reused for the next at the same revision.
    private ResponseHeader lastHeader;
    // Worker thread only: the catch-up read in progress, or null.
    private CatchUpPass pass;

    WatchStream(WatchHub hub, WatchOutbound outbound, long number) {
        this.hub = hub;
        this.outbound = outbound;
        this.number = number;
        this.context = Context.root(hub.clock()).withCancel();
        // The worker ends with `context`, which close() cancels.
        Worker.start(context, "watch-stream-" + number, this::run);
    }

    // ---- requests ------------------------------------------------------------------------------

    /** Creates a watcher, or queues the reason it cannot be created. */
    public void create(WatchCreateRequest request) {
        ByteString key = request.getKey().isEmpty() ? SMALLEST_KEY : request.getKey();
        ByteString rangeEnd = request.getRangeEnd();
        if (rangeEnd.isEmpty()) {
            rangeEnd = null;
        } else if (rangeEnd.equals(SMALLEST_KEY)) {
            // "\0" means every key from `key` on.
            rangeEnd = ByteString.EMPTY;
        }

        hub.lock.lock();
        try {
            register(request, key, rangeEnd);
        } finally {
            hub.lock.unlock();
        }
        wakeUp();
    }

    /** Queues the created response, or the rejection, and registers the watcher. */
    private void register(WatchCreateRequest request, ByteString key, ByteString rangeEnd) {
        assert hub.lock.isHeldByCurrentThread();
        if (closed) {
            return;
        }
        long current = hub.currentRevision();
        if (request.getStartRevision() < 0) {
            enqueue(rejectedCreate(current, EtcdError.COMPACTED.message()));
            return;
        }
        if (rangeEnd != null && !rangeEnd.isEmpty()
                && ByteString.unsignedLexicographicalComparator().compare(key, rangeEnd) >= 0) {
            enqueue(rejectedCreate(current, RANGE_EMPTY));
            return;
        }
        long id = request.getWatchId();
        if (id != 0 && watchers.containsKey(id)) {
            enqueue(rejectedCreate(current, DUPLICATE_ID));
            return;
        }
        if (id == 0) {
            // etcd's automatic ids count up from 0, skipping ids the client chose.
            while (watchers.containsKey(nextAutoId)) {
                nextAutoId++;
            }
            id = nextAutoId++;
        }

        // The created response goes first, so the watcher's events always follow it.
        enqueue(QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(current)).setWatchId(id)
                .setCreated(true).build()));
        Watcher watcher = new Watcher(id, this, key, rangeEnd, request);
        watchers.put(id, watcher);
        long start = request.getStartRevision();
        if (start == 0 || start > current) {
            watcher.nextRevision = Math.max(current + 1, start);
            hub.sync(watcher);
        } else {
            watcher.nextRevision = start;
            hub.unsync(watcher);
        }
    }

    /** Cancels watcher {@code watchId}; an unknown id is ignored, as etcd does. */
    public void cancel(long watchId) {
        hub.lock.lock();
        try {
            Watcher watcher = closed ? null : watchers.remove(watchId);
            if (watcher == null) {
                return;
            }
            hub.cancel(watcher);
            enqueue(QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(hub.currentRevision()))
                    .setWatchId(watchId).setCanceled(true).build()));
            answerProgressRequestIfSynced();
        } finally {
            hub.lock.unlock();
        }
        wakeUp();
    }

    /**
     * Queues a progress response with watch id -1 and the current revision, once every watcher
     * of this stream is synced.
     */
    public void requestProgress() {
        hub.lock.lock();
        try {
            if (closed) {
                return;
            }
            progressRequested = true;
            answerProgressRequestIfSynced();
        } finally {
            hub.lock.unlock();
        }
        wakeUp();
    }

    /** Sets what runs when this stream reads requests again after a pause. */
    public void onReadingResumed(Runnable resume) {
        resumeReading = resume;
    }

    /**
     * Returns whether the caller may read the client's next request. While too many control
     * responses wait to be sent, it returns {@code false}, and the stream runs the action given
     * to {@link #onReadingResumed} once enough of them have left. A closed stream reads no more.
     */
    public boolean acceptsMoreRequests() {
        hub.lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (queuedControlResponses < MAX_QUEUED_CONTROL_RESPONSES) {
                return true;
            }
            readingPaused = true;
            return false;
        } finally {
            hub.lock.unlock();
        }
    }

    /** Wakes the worker: the transport became ready, or responses were queued. */
    public void wakeUp() {
        wake.fire();
    }

    /**
     * Removes every watcher and stops the worker; queued responses are dropped. Idempotent, and
     * safe to call from the worker itself.
     */
    public void close() {
        hub.lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (Watcher watcher : watchers.values()) {
                hub.cancel(watcher);
            }
            watchers.clear();
            queue.clear();
            queuedControlResponses = 0;
        } finally {
            hub.lock.unlock();
        }
        context.cancel();
        hub.streamClosed(this);
        LOG.debug("watch: stream {} closed", number);
    }

    /** Returns how many watchers this stream has. */
    public int watcherCount() {
        hub.lock.lock();
        try {
            return watchers.size();
        } finally {
            hub.lock.unlock();
        }
    }

    /** Returns how many responses wait in the queue, not yet taken by the worker. */
    int queuedResponses() {
        assert hub.lock.isHeldByCurrentThread();
        return queue.size();
    }

    /** Returns the serialized size of the events queued and not yet sent, as the watchers' bounds count it. */
    int queuedEventBytes() {
        hub.lock.lock();
        try {
            int bytes = 0;
            for (Watcher watcher : watchers.values()) {
                bytes += watcher.pendingBytes;
            }
            return bytes;
        } finally {
            hub.lock.unlock();
        }
    }

    // ---- called by the hub with its lock held -------------------------------------------------

    /** Outcome of {@link #offerLive} for one revision. */
    enum LiveOffer {
        /** Nothing to queue: the filters dropped every event. */
        SKIPPED,
        /** Queued the events. */
        QUEUED,
        /** Queued nothing, because the client is too far behind: the hub must move the watcher to unsynced. */
        BEHIND
    }

    /**
     * Queues the events of {@code revision} for a synced watcher, or reports that its client is
     * too far behind, with its next revision set for the catch-up from storage. It leaves the
     * hub's index alone, so that the hub may call it while it walks the index.
     *
     * @param previous the revision the hub had fanned out before this one
     * @param knownBytes the serialized size of {@code events}, or -1 if not known yet
     */
    LiveOffer offerLive(Watcher watcher, long revision, long previous, List<Event> events, int knownBytes,
            EventCopies copies) {
        assert hub.lock.isHeldByCurrentThread();
        List<Event> presented = watcher.presentAll(events, copies);
        if (presented.isEmpty()) {
            watcher.nextRevision = revision + 1;
            return LiveOffer.SKIPPED;
        }
        int bytes = presented == events && knownBytes >= 0 ? knownBytes : serializedSize(presented);
        if (watcher.pendingBytes > 0 && watcher.pendingBytes + bytes > hub.config().maxPendingBytesPerWatcher()) {
            // It has everything before this revision; the rest comes from storage once it has room.
            watcher.nextRevision = Math.max(watcher.nextRevision, previous + 1);
            return LiveOffer.BEHIND;
        }
        enqueueEvents(watcher, revision, presented, bytes, 1);
        watcher.nextRevision = revision + 1;
        return LiveOffer.QUEUED;
    }

    /** Returns the serialized size of {@code events}. */
    static int serializedSize(List<Event> events) {
        int bytes = 0;
        for (Event event : events) {
            bytes += event.getSerializedSize();
        }
        return bytes;
    }

    // ---- the worker ----------------------------------------------------------------------------

    /** The description of the status that ends a stream whose worker ran out of heap. */
    static final String OUT_OF_MEMORY = "lessor: the watch stream ran out of memory; watch a newer revision or "
            + "without prev_kv, or give the server more heap";

    private void run(Context ctx) throws InterruptedException {
        try {
            loop(ctx);
        } catch (RuntimeException e) {
            // Storage failed under a catch-up read, or the engine closed: end the call with its status.
            if (!ctx.isDone()) {
                LOG.warn("watch: stream {} failed; ending it", number, e);
                outbound.fail(e);
            }
            close();
        } catch (OutOfMemoryError e) {
            // A catch-up revision too large for the heap, such as many deletes of large values
            // with prev_kv. The stream ends with an error that its client receives, instead of its
            // worker dying silently, and what it had queued becomes garbage.
            LOG.error("watch: stream {} ran out of heap; ending it", number, e);
            outbound.fail(Status.RESOURCE_EXHAUSTED.withDescription(OUT_OF_MEMORY).asRuntimeException());
            close();
        }
    }

    private void loop(Context ctx) throws InterruptedException {
        long intervalNanos = hub.config().progressNotifyInterval().toNanos();
        long nextTickNanos = ctx.clock().nanoTime() + jittered(intervalNanos);
        while (!ctx.isDone()) {
            // A fresh signal before looking for work, so a wake-up during the look is not lost.
            Signal signal = Signal.create();
            wake = signal;

            if (!sendQueued()) {
                return;
            }
            if (outbound.isReady() && catchUp()) {
                continue;
            }
            long now = ctx.clock().nanoTime();
            if (now - nextTickNanos >= 0) {
                notifyProgress();
                nextTickNanos = now + jittered(intervalNanos);
                continue;
            }
            if (outbound.isReady() && hasQueued()) {
                continue;
            }
            Select.<Boolean>on(ctx.clock())
                    .onDone(ctx.done(), () -> false)
                    .onDone(signal, () -> true)
                    .onTimeout(Duration.ofNanos(nextTickNanos - now), () -> true)
                    .await();
        }
    }

    /**
     * Sends queued responses while the transport is ready; returns {@code false} if the stream
     * ended. It takes up to {@link #RESPONSES_PER_TAKE} responses from the queue per turn of the
     * lock, so that the worker does not contend with the hub's writer for every response.
     */
    private boolean sendQueued() {
        boolean open = true;
        while (open && outbound.isReady()) {
            if (inHand.isEmpty()) {
                hub.lock.lock();
                try {
                    settleSent();
                    open = takeQueued();
                } finally {
                    hub.lock.unlock();
                }
                if (resumePending) {
                    resumePending = false;
                    resumeReading.run();
                }
                if (inHand.isEmpty()) {
                    break;
                }
            }
            QueuedResponse next = inHand.poll();
            if (context.isDone() || !send(next)) {
                close();
                return false;
            }
            if (next.watcher != null) {
                sent.add(next);
            }
        }
        if (!sent.isEmpty()) {
            hub.lock.lock();
            try {
                settleSent();
            } finally {
                hub.lock.unlock();
            }
        }
        return open;
    }

    /**
     * Moves up to {@link #RESPONSES_PER_TAKE} responses from the queue to {@link #inHand};
     * returns {@code false} if the stream is closed. A response taken can no longer be joined,
     * but its bytes count against its watcher's bound until it is sent.
     */
    private boolean takeQueued() {
        assert hub.lock.isHeldByCurrentThread();
        if (closed) {
            inHand.clear();
            return false;
        }
        for (int i = 0; i < RESPONSES_PER_TAKE; i++) {
            QueuedResponse next = queue.poll();
            if (next == null) {
                break;
            }
            Watcher watcher = next.watcher;
            if (watcher == null) {
                queuedControlResponses--;
            } else if (watcher.queued == next) {
                watcher.queued = null;
            }
            inHand.add(next);
        }
        if (readingPaused && queuedControlResponses < MAX_QUEUED_CONTROL_RESPONSES) {
            readingPaused = false;
            resumePending = true;
        }
        return true;
    }

    /** Releases the bytes of the responses sent since the last call from their watchers' bounds. */
    private void settleSent() {
        assert hub.lock.isHeldByCurrentThread();
        for (QueuedResponse done : sent) {
            done.watcher.pendingBytes -= done.bytes();
        }
        sent.clear();
    }

    private boolean send(QueuedResponse queued) {
        Watcher watcher = queued.watcher;
        WatchResponse response = queued.toResponse(watcher == null ? null : headerAt(queued.headerRevision()));
        int limit = hub.config().fragmentBytes();
        if (watcher == null || !watcher.wantsFragments() || response.getEventsCount() < 2
                || response.getSerializedSize() < limit) {
            return outbound.send(response);
        }
        for (WatchResponse part : Fragments.split(response, limit)) {
            if (!outbound.send(part)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads from storage the revisions that this stream's unsynced watchers with room have
     * missed, queues one response per watcher, and hands the watchers that caught up back to the
     * hub. Watchers behind the compacted revision are cancelled. One call reads at most
     * {@link WatchConfig#maxRevisionsReadPerRound()} revisions and continues a pass that an
     * earlier call began. Returns whether anything changed or is left to read, so that the worker
     * sends what is queued and looks again at once.
     */
    private boolean catchUp() {
        try {
            if (pass == null) {
                boolean changed = cancelBehindCompaction();
                pass = beginPass();
                if (pass == null) {
                    return changed;
                }
            }
            if (!pass.readRound(hub.engine(), hub.config().maxRevisionsReadPerRound())) {
                return true;
            }
        } catch (EtcdException e) {
            if (e.error() == EtcdError.COMPACTED) {
                // A compaction passed the read, so the next round cancels the watchers behind it.
                pass = null;
                return true;
            }
            throw e;
        }
        CatchUpPass finished = pass;
        pass = null;

        hub.lock.lock();
        try {
            if (closed) {
                return false;
            }
            long upTo = finished.upTo();
            for (CatchUpBatch batch : finished.batches()) {
                Watcher watcher = batch.watcher();
                if (watcher.state != Watcher.State.UNSYNCED) {
                    // Cancelled during the read.
                    continue;
                }
                if (!batch.events().isEmpty()) {
                    enqueueEvents(watcher, upTo, batch.events(), batch.bytes(), batch.revisions());
                }
                watcher.nextRevision = batch.nextRevision(upTo);
                if (watcher.nextRevision > hub.lastSeenRevision()) {
                    hub.sync(watcher);
                }
            }
            answerProgressRequestIfSynced();
        } finally {
            hub.lock.unlock();
        }
        return true;
    }

    /** Cancels the unsynced watchers that are behind the compacted revision; returns whether there were any. */
    private boolean cancelBehindCompaction() {
        long compacted = hub.engine().compactedRevision();
        hub.lock.lock();
        try {
            if (closed || unsyncedCount == 0) {
                return false;
            }
            List<Watcher> behindCompaction = new ArrayList<>();
            for (Watcher watcher : watchers.values()) {
                if (watcher.state == Watcher.State.UNSYNCED && watcher.nextRevision < compacted) {
                    behindCompaction.add(watcher);
                }
            }
            for (Watcher watcher : behindCompaction) {
                watchers.remove(watcher.id);
                hub.cancel(watcher);
                // etcd sends this response with revision 0 in the header and no reason.
                enqueue(QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(0)).setWatchId(watcher.id)
                        .setCanceled(true).setCompactRevision(compacted).build()));
            }
            answerProgressRequestIfSynced();
            return !behindCompaction.isEmpty();
        } finally {
            hub.lock.unlock();
        }
    }

    /**
     * Chooses the unsynced watchers with room for a batch and begins a pass over the history
     * they missed, or returns {@code null} if none has room.
     *
     * @throws EtcdException {@code COMPACTED} if a newer compaction passed the compacted revision
     */
    private CatchUpPass beginPass() {
        long compacted = hub.engine().compactedRevision();
        int maxPendingBytes = hub.config().maxPendingBytesPerWatcher();
        int maxRevisions = hub.config().maxRevisionsPerCatchUp();
        List<CatchUpBatch> batches = new ArrayList<>();
        hub.lock.lock();
        try {
            if (closed || unsyncedCount == 0) {
                return null;
            }
            for (Watcher watcher : watchers.values()) {
                // A watcher behind the compacted revision waits for the next round to cancel it.
                // A watcher takes a batch once at least half of its bound is free again.
                if (watcher.state != Watcher.State.UNSYNCED || watcher.nextRevision < compacted
                        || watcher.pendingBytes > maxPendingBytes / 2) {
                    continue;
                }
                batches.add(new CatchUpBatch(watcher, watcher.nextRevision, maxRevisions,
                        maxPendingBytes - watcher.pendingBytes));
            }
        } finally {
            hub.lock.unlock();
        }
        if (batches.isEmpty()) {
            return null;
        }

        // Like etcd, read up to the current revision and put it in the headers, whatever the
        // batches hold.
        long upTo = hub.engine().revision();
        EventCopies copies = new EventCopies();
        for (CatchUpBatch batch : batches) {
            if (compacted > 0 && batch.fromRevision() == compacted) {
                batch.addCompactedRevision(compacted, putsAt(batch.watcher(), compacted), copies);
            }
        }
        return new CatchUpPass(batches, Math.max(compacted + 1, 1), upTo, maxRevisions,
                hub.config().maxPendingBytesPerWatcher(), copies);
    }

    /**
     * Returns PUT events for the keys of {@code watcher}'s range that the compacted revision
     * {@code revision} wrote. Storage keeps no events at the compacted revision, but it keeps
     * each key's value there, so the keys it wrote are found by a range read, as etcd finds them
     * in its backend. As in etcd, these events carry no {@code prev_kv} (the revision before is
     * compacted) and the revision's deletes are gone.
     *
     * @throws EtcdException {@code COMPACTED} if a newer compaction passed the revision
     */
    private List<Event> putsAt(Watcher watcher, long revision) {
        List<KeyValue> kvs;
        try {
            kvs = hub.engine().range(watcher.writtenAt(revision)).join().getKvsList();
        } catch (CompletionException e) {
            if (e.getCause() instanceof EtcdException etcd) {
                throw etcd;
            }
            throw e;
        }
        // NOTE: these events come in key order, because a range returns keys that way. etcd
        // sends them in write order, which differs for a transaction that wrote keys out of order.
        List<Event> events = new ArrayList<>(kvs.size());
        for (KeyValue kv : kvs) {
            events.add(Event.newBuilder().setType(Event.EventType.PUT).setKv(kv).build());
        }
        return events;
    }

    /** Queues a periodic progress notification for each quiet, synced watcher that asked for one. */
    private void notifyProgress() {
        hub.lock.lock();
        try {
            if (closed) {
                return;
            }
            boolean backlog = !queue.isEmpty() || !inHand.isEmpty();
            long current = hub.lastSeenRevision();
            for (Watcher watcher : watchers.values()) {
                if (!watcher.wantsProgressNotify()) {
                    continue;
                }
                // Like etcd, skip a watcher that got events since the last tick. Skip all of them
                // while the client has not read what is queued, as etcd drops the send then.
                if (watcher.quietSinceTick && watcher.state == Watcher.State.SYNCED && !backlog) {
                    enqueue(QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(current))
                            .setWatchId(watcher.id).build()));
                }
                watcher.quietSinceTick = true;
            }
        } finally {
            hub.lock.unlock();
        }
    }

    // ---- helpers --------------------------------------------------------------------------------

    private void answerProgressRequestIfSynced() {
        assert hub.lock.isHeldByCurrentThread();
        if (progressRequested && unsyncedCount == 0 && !closed) {
            progressRequested = false;
            enqueue(QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(hub.lastSeenRevision()))
                    .setWatchId(NO_WATCH_ID).build()));
        }
    }

    /**
     * Queues events of {@code revisions} revisions for {@code watcher}. The caller must not
     * change the {@code events} list after. Once the queue holds {@link WatchConfig#streamBufferResponses()}
     * responses, the events join the watcher's response that is still waiting in the queue, if
     * that one has room for their revisions. etcd 3.4 does the same in effect: once the buffer of
     * 1024 responses of a stream is full, it sends a slow watcher's revisions together.
     */
    private void enqueueEvents(Watcher watcher, long headerRevision, List<Event> events, int bytes, int revisions) {
        assert hub.lock.isHeldByCurrentThread();
        if (closed) {
            return;
        }
        QueuedResponse waiting = watcher.queued;
        if (waiting != null && queue.size() >= hub.config().streamBufferResponses()
                && waiting.revisions() + revisions <= hub.config().maxRevisionsPerCatchUp()) {
            waiting.join(headerRevision, events, bytes, revisions);
        } else {
            waiting = QueuedResponse.events(watcher, headerRevision, events, bytes, revisions);
            queue.add(waiting);
            watcher.queued = waiting;
        }
        watcher.pendingBytes += bytes;
        watcher.quietSinceTick = false;
    }

    /** Returns a header at {@code revision}; called by the worker only. */
    private ResponseHeader headerAt(long revision) {
        ResponseHeader header = lastHeader;
        if (header == null || header.getRevision() != revision) {
            header = hub.header(revision);
            lastHeader = header;
        }
        return header;
    }

    private QueuedResponse rejectedCreate(long revision, String reason) {
        return QueuedResponse.of(WatchResponse.newBuilder().setHeader(hub.header(revision)).setWatchId(NO_WATCH_ID)
                .setCreated(true).setCanceled(true).setCancelReason(reason).build());
    }

    private void enqueue(QueuedResponse pending) {
        assert hub.lock.isHeldByCurrentThread();
        if (!closed) {
            queue.add(pending);
            if (pending.watcher == null) {
                queuedControlResponses++;
            }
        }
    }

    private boolean hasQueued() {
        if (!inHand.isEmpty()) {
            return true;
        }
        hub.lock.lock();
        try {
            return !queue.isEmpty();
        } finally {
            hub.lock.unlock();
        }
    }

    /** Returns {@code intervalNanos} plus up to a tenth of it at random, as etcd spreads its ticks. */
    private static long jittered(long intervalNanos) {
        return intervalNanos + ThreadLocalRandom.current().nextLong(Math.max(1, intervalNanos / 10));
    }

    @Override
    public String toString() {
        return "watch stream " + number;
    }
}
