package io.lessor.server.watch;

import io.lessor.api.Event;
import io.lessor.api.ResponseHeader;
import io.lessor.context.Clock;
import io.lessor.server.engine.Engine;
import io.lessor.server.mvcc.RevisionListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Fans out the events of each durable revision to the watchers of every open Watch stream,
 * as etcd's watchable store does.
 *
 * <p>A watcher is <em>synced</em> while it has been given every revision up to the newest one the
 * hub has seen; the hub then queues each new revision's matching events on its stream at once,
 * on the engine's writer thread, as one response. A watcher whose client reads too slowly to
 * keep its queued events under {@link WatchConfig#maxPendingBytesPerWatcher()}, or that starts
 * at a past revision, is <em>unsynced</em>: the hub stops queueing for it, and its stream reads
 * the revisions it missed from storage as its client makes room, then hands it back to the hub
 * once it has caught up. So a slow client never blocks writes or other watchers, and the events
 * queued for it stay within the bound.
 *
 * <pre>{@code
 * WatchHub hub = new WatchHub(engine, WatchConfig.defaults(maxRequestBytes), Clock.system());
 * WatchStream stream = hub.openStream(outbound);   // one per gRPC Watch call
 * stream.create(createRequest);
 * ...
 * stream.close();                                  // the client went away
 * }</pre>
 *
 * <p>The hub listens to the engine from its creation until {@link #closeAll()}, so the engine
 * builds the events of every revision even while no watcher is open.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class WatchHub implements RevisionListener {

    /*
     * Implementation notes.
     *
     * One lock guards the synced watchers, `lastSeenRevision`, and every stream's watchers and
     * queue, so that moving a watcher between synced and unsynced is atomic with respect to the
     * fan-out of a revision. No I/O runs under it: storage reads and gRPC sends happen on the
     * streams' workers with the lock released.
     *
     * No gap, no duplicate: a synced watcher takes revision R only if R >= nextRevision. An
     * unsynced watcher is handed back only when its nextRevision is above lastSeenRevision, so
     * every revision it still needs is one the hub has not fanned out yet. Revisions it read
     * from storage beyond lastSeenRevision (durable, but not yet fanned out) are skipped by the
     * R >= nextRevision check when they arrive.
     *
     * The engine's listener may miss a revision that is being written while the listener is
     * added. So the hub listens from its creation, before the server takes requests, rather than
     * from its first stream. A listener added when a stream opens would miss the write in flight
     * at that moment, and a watcher waiting for that revision would get nothing until the next
     * write. Two more checks cover a revision missed at creation. A new watcher takes its
     * current revision from the engine, not from lastSeenRevision, so it never waits for a
     * revision that the engine has published already. And the hub notices the gap when the next
     * revision arrives (revisions are consecutive), then moves the synced watchers that needed
     * the missed revisions to unsynced, so they read them from storage.
     *
     * Matching: WatcherIndex finds single-key and prefix watchers by hash lookups on the event's
     * key, and compares the key once with each distinct other range. NOTE: those other ranges
     * are scanned, O(distinct ranges) per event, where etcd keeps an interval tree.
     *
     * Cost per revision on the writer thread: a lookup per watched prefix length, then for each
     * matching watcher a queued entry on its stream. Building and serializing the responses
     * happens on the streams' workers.
     */

    private final Engine engine;
    private final WatchConfig config;
    private final Clock clock;
    private final ResponseHeader headerTemplate;
    final ReentrantLock lock = new ReentrantLock();

    // @GuardedBy("lock")
    private final WatcherIndex synced = new WatcherIndex();
    // @GuardedBy("lock"): the newest revision fanned out, or the revision when listening began.
    private long lastSeenRevision;
    // @GuardedBy("lock")
    private int openStreams;
    // Every open stream, so that a stopping server can close those whose call never ended.
    // Changed under the lock, so that closeAll() finds every stream opened before it.
    private final Set<WatchStream> live = ConcurrentHashMap.newKeySet();
    // @GuardedBy("lock")
    private long nextStreamNumber;
    // @GuardedBy("lock"): closeAll() was called; later streams are closed as they open.
    private boolean stopped;
    // @GuardedBy("lock"): the watchers with prev_kv, synced or not. The applier reads previous
    // values from storage only while this is not 0.
    private int prevKvWatchers;

    /** Creates a hub for {@code engine} and starts listening to its revisions. */
    public WatchHub(Engine engine, WatchConfig config, Clock clock) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.headerTemplate = engine.header().toBuilder().setRevision(0).build();

        // Listen first, then read the revision, so that no revision after it is missed. The lock
        // keeps a revision that arrives meanwhile waiting until lastSeenRevision is set.
        lock.lock();
        try {
            engine.addRevisionListener(this);
            lastSeenRevision = engine.revision();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Opens a stream that sends its responses to {@code outbound}, with its own worker thread;
     * {@link WatchStream#close()} ends it. After {@link #closeAll()} the stream is returned
     * closed: it ignores requests and sends nothing.
     */
    public WatchStream openStream(WatchOutbound outbound) {
        long number;
        lock.lock();
        try {
            openStreams++;
            number = nextStreamNumber++;
        } finally {
            lock.unlock();
        }
        WatchStream stream = new WatchStream(this, outbound, number);
        boolean closeAtOnce;
        lock.lock();
        try {
            live.add(stream);
            closeAtOnce = stopped;
        } finally {
            lock.unlock();
        }
        if (closeAtOnce) {
            // A gRPC handler can still be opening a call while the server stops, after
            // closeAll() has run.
            stream.close();
        }
        return stream;
    }

    /**
     * Closes every open stream, and every stream opened later, and stops listening to the
     * engine. A stopping server calls it after it has ended the gRPC calls, because a call whose
     * connection is already gone may never deliver its close to the stream.
     */
    public void closeAll() {
        lock.lock();
        try {
            if (!stopped) {
                stopped = true;
                engine.removeRevisionListener(this);
            }
        } finally {
            lock.unlock();
        }
        for (WatchStream stream : live) {
            stream.close();
        }
    }

    /** Returns how many streams are open. */
    public int openStreams() {
        lock.lock();
        try {
            return openStreams;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onRevision(long revision, List<Event> events) {
        List<WatchStream> touched = new ArrayList<>();
        lock.lock();
        try {
            if (revision <= lastSeenRevision) {
                // Already counted when listening began.
                return;
            }
            if (revision > lastSeenRevision + 1) {
                unsyncAfterGap(revision, touched);
            }
            Fanout fanout = new Fanout(revision, lastSeenRevision, touched);
            lastSeenRevision = revision;

            if (events.size() == 1) {
                // Most revisions write one key: every watcher that matches takes the whole list.
                fanout.shareable(events);
                synced.forEachMatching(events.getFirst().getKv().getKey(), watcher -> fanout.offer(watcher, events));
            } else {
                Map<Watcher, List<Event>> matched = new LinkedHashMap<>();
                for (Event event : events) {
                    synced.forEachMatching(event.getKv().getKey(),
                            watcher -> matched.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event));
                }
                if (matched.size() > 1) {
                    // Watchers that match every event share the revision's list.
                    fanout.shareable(events);
                }
                for (Map.Entry<Watcher, List<Event>> entry : matched.entrySet()) {
                    List<Event> own = entry.getValue();
                    fanout.offer(entry.getKey(), own.size() == events.size() ? events : own);
                }
            }
            // Moved only now, because the index must not change while it is being walked.
            for (Watcher watcher : fanout.behind) {
                unsync(watcher);
            }
        } finally {
            lock.unlock();
        }
        for (WatchStream stream : touched) {
            stream.wakeUp();
        }
    }

    /** The state of one revision's fan-out, with the lock held. */
    private static final class Fanout {
        final long revision;
        // The revision the hub had fanned out before this one.
        final long previous;
        final List<WatchStream> touched;
        final EventCopies copies = new EventCopies();
        // Synced watchers whose clients are too far behind, to move to unsynced after the walk.
        final List<Watcher> behind = new ArrayList<>(0);
        // The revision's whole event list and its serialized size, computed once for all watchers.
        List<Event> shared;
        int sharedBytes;

        Fanout(long revision, long previous, List<WatchStream> touched) {
            this.revision = revision;
            this.previous = previous;
            this.touched = touched;
        }

        void shareable(List<Event> events) {
            shared = events;
            sharedBytes = WatchStream.serializedSize(events);
        }

        void offer(Watcher watcher, List<Event> events) {
            if (revision < watcher.nextRevision) {
                // A future start revision, or a revision it already read from storage.
                return;
            }
            WatchStream stream = watcher.stream;
            int knownBytes = events == shared ? sharedBytes : -1;
            switch (stream.offerLive(watcher, revision, previous, events, knownBytes, copies)) {
                case SKIPPED -> {
                }
                case QUEUED -> touch(stream, revision, touched);
                case BEHIND -> {
                    behind.add(watcher);
                    touch(stream, revision, touched);
                }
            }
        }
    }

    /** Adds {@code stream} to the streams to wake after {@code revision}'s fan-out, once. */
    private static void touch(WatchStream stream, long revision, List<WatchStream> touched) {
        if (stream.touchedAtRevision != revision) {
            stream.touchedAtRevision = revision;
            touched.add(stream);
        }
    }

    /** Moves to unsynced every synced watcher that needed a revision the listener missed. */
    private void unsyncAfterGap(long revision, List<WatchStream> touched) {
        List<Watcher> behind = new ArrayList<>();
        synced.forEach(watcher -> {
            if (Math.max(watcher.nextRevision, lastSeenRevision + 1) < revision) {
                behind.add(watcher);
            }
        });
        for (Watcher watcher : behind) {
            watcher.nextRevision = Math.max(watcher.nextRevision, lastSeenRevision + 1);
            unsync(watcher);
            touch(watcher.stream, revision, touched);
        }
    }

    // ---- for WatchStream, with the lock held ---------------------------------------------------

    /** Returns the newest revision fanned out. */
    long lastSeenRevision() {
        assert lock.isHeldByCurrentThread();
        return lastSeenRevision;
    }

    /**
     * Returns the current revision for a new watcher: the engine's newest durable revision, which
     * may be ahead of {@link #lastSeenRevision()} while its events are on their way to the hub,
     * or if the listener missed it.
     */
    long currentRevision() {
        assert lock.isHeldByCurrentThread();
        return Math.max(lastSeenRevision, engine.revision());
    }

    /** Adds {@code watcher} to the synced watchers. */
    void sync(Watcher watcher) {
        assert lock.isHeldByCurrentThread();
        countIfNew(watcher);
        if (watcher.state == Watcher.State.UNSYNCED) {
            watcher.stream.unsyncedCount--;
        }
        watcher.state = Watcher.State.SYNCED;
        synced.add(watcher);
    }

    /** Moves a synced or new watcher to unsynced; its nextRevision must be set. */
    void unsync(Watcher watcher) {
        assert lock.isHeldByCurrentThread();
        countIfNew(watcher);
        if (watcher.state == Watcher.State.SYNCED) {
            synced.remove(watcher);
        }
        if (watcher.state != Watcher.State.UNSYNCED) {
            watcher.stream.unsyncedCount++;
        }
        watcher.state = Watcher.State.UNSYNCED;
    }

    /** Removes {@code watcher} for good. */
    void cancel(Watcher watcher) {
        assert lock.isHeldByCurrentThread();
        if (watcher.wantsPrevKv() && (watcher.state == Watcher.State.SYNCED || watcher.state == Watcher.State.UNSYNCED)) {
            prevKvWatchers--;
        }
        if (watcher.state == Watcher.State.SYNCED) {
            synced.remove(watcher);
        } else if (watcher.state == Watcher.State.UNSYNCED) {
            watcher.stream.unsyncedCount--;
        }
        watcher.state = Watcher.State.CANCELED;
    }

    /**
     * Counts a new watcher with {@code prev_kv} in the same locked step that reads its start
     * revision, so that the applier, which reads the count under the lock after it publishes a
     * revision, never leaves out a previous value that this watcher gets: a watcher counted
     * after that read starts after the revision.
     */
    private void countIfNew(Watcher watcher) {
        if (watcher.state == null && watcher.wantsPrevKv()) {
            prevKvWatchers++;
        }
    }

    @Override
    public boolean wantsPrevValues() {
        lock.lock();
        try {
            return prevKvWatchers > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many responses wait in the queues of the open streams, for monitoring and tests. */
    public int queuedResponses() {
        lock.lock();
        try {
            int total = 0;
            for (WatchStream stream : live) {
                total += stream.queuedResponses();
            }
            return total;
        } finally {
            lock.unlock();
        }
    }

    /** Returns a header with this member's ids and term, at {@code revision}. */
    ResponseHeader header(long revision) {
        return headerTemplate.toBuilder().setRevision(revision).build();
    }

    void streamClosed(WatchStream stream) {
        lock.lock();
        try {
            live.remove(stream);
            openStreams--;
        } finally {
            lock.unlock();
        }
    }

    Engine engine() {
        return engine;
    }

    WatchConfig config() {
        return config;
    }

    Clock clock() {
        return clock;
    }

    @Override
    public String toString() {
        return "watch hub";
    }
}
