package io.lessor.server.watch;

import com.google.protobuf.ByteString;
import io.lessor.api.Event;
import io.lessor.api.RangeRequest;
import io.lessor.api.WatchCreateRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One watcher: its key range, options and delivery state. Kept small, since a server may hold
 * many idle watchers: the range, two longs, an int, a state, a queued response, a flag and a
 * byte of options.
 *
 * <p>Thread-safety: the mutable fields are guarded by the {@link WatchHub}'s lock.
 */
final class Watcher {

    private static final Comparator<ByteString> KEY_ORDER = ByteString.unsignedLexicographicalComparator();

    private static final int PREV_KV = 1;
    private static final int NO_PUT = 1 << 1;
    private static final int NO_DELETE = 1 << 2;
    private static final int PROGRESS_NOTIFY = 1 << 3;
    private static final int FRAGMENT = 1 << 4;
    private static final int PREFIX = 1 << 5;

    /** The source of a watcher's events. */
    enum State {
        /** Gets each new revision from the hub as it is written. */
        SYNCED,
        /** Behind the newest revision; its stream reads the missed revisions from storage. */
        UNSYNCED,
        /** Cancelled by the client, by compaction, or by the end of its stream. */
        CANCELED
    }

    /** The shape of a watcher's range, which decides where {@link WatcherIndex} keeps it. */
    enum Kind {
        /** One key. */
        KEY,
        /** Every key that starts with the watcher's key. */
        PREFIX,
        /** Any other range, including one without an end. */
        RANGE
    }

    final long id;
    final WatchStream stream;
    private final ByteString key;
    // null: the single key; empty: every key from `key` on; otherwise the end, excluded.
    private final ByteString rangeEnd;
    private final byte options;

    // @GuardedBy("hub lock"): the first revision this watcher has not been given yet.
    long nextRevision;
    // @GuardedBy("hub lock")
    State state;
    // @GuardedBy("hub lock"): serialized size of this watcher's events queued on its stream.
    int pendingBytes;
    // @GuardedBy("hub lock"): no events were queued since the last progress tick.
    boolean quietSinceTick = true;
    // @GuardedBy("hub lock"): this watcher's newest response with events that is still queued, or null.
    QueuedResponse queued;
    // @GuardedBy("hub lock"): this watcher's position in its WatcherIndex group while synced, else -1.
    int indexSlot = -1;

    /** Returns whether the client asked for {@code prev_kv} in this watcher's events. */
    boolean wantsPrevKv() {
        return (options & PREV_KV) != 0;
    }

    Watcher(long id, WatchStream stream, ByteString key, ByteString rangeEnd, WatchCreateRequest request) {
        this.id = id;
        this.stream = stream;
        this.key = key;
        this.rangeEnd = rangeEnd;
        int flags = 0;
        flags |= request.getPrevKv() ? PREV_KV : 0;
        flags |= request.getProgressNotify() ? PROGRESS_NOTIFY : 0;
        flags |= request.getFragment() ? FRAGMENT : 0;
        flags |= rangeEnd != null && rangeEnd.equals(prefixEnd(key)) ? PREFIX : 0;
        for (WatchCreateRequest.FilterType filter : request.getFiltersList()) {
            flags |= switch (filter) {
                case NOPUT -> NO_PUT;
                case NODELETE -> NO_DELETE;
                case UNRECOGNIZED -> 0;
            };
        }
        this.options = (byte) flags;
    }

    /** Returns the watched key, or the first key of the watched range. */
    ByteString key() {
        return key;
    }

    /** Returns the end of the watched range (excluded), empty for no end, or null for a single key. */
    ByteString rangeEnd() {
        return rangeEnd;
    }

    /** Returns the shape of the watched range. */
    Kind kind() {
        if (rangeEnd == null) {
            return Kind.KEY;
        }
        return (options & PREFIX) != 0 ? Kind.PREFIX : Kind.RANGE;
    }

    boolean wantsProgressNotify() {
        return (options & PROGRESS_NOTIFY) != 0;
    }

    boolean wantsFragments() {
        return (options & FRAGMENT) != 0;
    }

    /** Returns whether {@code candidate} lies in the watched range. */
    boolean covers(ByteString candidate) {
        return inRange(candidate, key, rangeEnd);
    }

    /**
     * Returns whether {@code candidate} lies in the range from {@code key} to {@code rangeEnd}
     * (excluded): the key alone if {@code rangeEnd} is null, every key from {@code key} on if it
     * is empty.
     */
    static boolean inRange(ByteString candidate, ByteString key, ByteString rangeEnd) {
        if (rangeEnd == null) {
            return key.equals(candidate);
        }
        if (KEY_ORDER.compare(candidate, key) < 0) {
            return false;
        }
        return rangeEnd.isEmpty() || KEY_ORDER.compare(candidate, rangeEnd) < 0;
    }

    /**
     * Returns the end of the range of keys that start with {@code prefix}, as etcd computes it:
     * the prefix without its trailing 0xff bytes, with its last byte incremented. Returns null
     * when the prefix is empty or all 0xff bytes, since no key bounds that range.
     */
    static ByteString prefixEnd(ByteString prefix) {
        for (int i = prefix.size() - 1; i >= 0; i--) {
            int b = prefix.byteAt(i) & 0xff;
            if (b != 0xff) {
                byte[] end = prefix.substring(0, i + 1).toByteArray();
                end[i] = (byte) (b + 1);
                return ByteString.copyFrom(end);
            }
        }
        return null;
    }

    /** Returns a range request for the keys of this watcher's range that {@code revision} wrote. */
    RangeRequest writtenAt(long revision) {
        RangeRequest.Builder request = RangeRequest.newBuilder()
                .setKey(key)
                .setRevision(revision)
                .setMinModRevision(revision)
                .setMaxModRevision(revision);
        if (rangeEnd != null) {
            request.setRangeEnd(rangeEnd.isEmpty() ? ByteString.copyFrom(new byte[] {0}) : rangeEnd);
        }
        return request.build();
    }

    /**
     * Returns {@code events} as this watcher's client gets them, through {@link #present}: the
     * same list when no filter or {@code prev_kv} changes any of them, so that watchers share it.
     */
    List<Event> presentAll(List<Event> events, EventCopies copies) {
        boolean unchanged = (options & (NO_PUT | NO_DELETE)) == 0;
        if (unchanged && (options & PREV_KV) == 0) {
            for (Event event : events) {
                if (event.hasPrevKv()) {
                    unchanged = false;
                    break;
                }
            }
        }
        if (unchanged) {
            return events;
        }
        List<Event> presented = new ArrayList<>(events.size());
        for (Event event : events) {
            Event visible = present(event, copies);
            if (visible != null) {
                presented.add(visible);
            }
        }
        return presented;
    }

    /**
     * Returns {@code event} as this watcher's client gets it, or {@code null} if a filter drops
     * it: without {@code prev_kv} unless the watcher asked for it.
     */
    Event present(Event event, EventCopies copies) {
        boolean delete = event.getType() == Event.EventType.DELETE;
        if ((delete && (options & NO_DELETE) != 0) || (!delete && (options & NO_PUT) != 0)) {
            return null;
        }
        if ((options & PREV_KV) != 0 || !event.hasPrevKv()) {
            return event;
        }
        return copies.withoutPrevKv(event);
    }

    @Override
    public String toString() {
        return "watcher " + id + " on " + key.toStringUtf8() + (rangeEnd == null ? "" : ".." + rangeEnd.toStringUtf8());
    }
}
