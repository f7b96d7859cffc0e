package io.lessor.server.watch;

import io.lessor.api.Event;
import io.lessor.api.ResponseHeader;
import io.lessor.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * A response waiting in a stream's queue. A response without events is built when it is queued.
 * A response with events keeps them in a list and is built when it is sent, so that later
 * revisions of the same watcher can {@link #join} it while it waits.
 *
 * <p>Thread-safety: guarded by the hub's lock while it is queued; once the stream's worker has
 * taken it from the queue, only the worker uses it.
 */
final class QueuedResponse {

    private final WatchResponse built;
    /** The watcher whose events this response holds, or {@code null} for a response without events. */
    final Watcher watcher;
    private List<Event> events;
    // The events list is shared with other watchers until the first join copies it.
    private boolean ownsEvents;
    private long headerRevision;
    private int bytes;
    private int revisions;

    private QueuedResponse(WatchResponse built, Watcher watcher, List<Event> events, long headerRevision, int bytes,
            int revisions) {
        this.built = built;
        this.watcher = watcher;
        this.events = events;
        this.headerRevision = headerRevision;
        this.bytes = bytes;
        this.revisions = revisions;
    }

    /** Returns a queued response without events, such as a created or a progress response. */
    static QueuedResponse of(WatchResponse response) {
        return new QueuedResponse(response, null, null, 0, 0, 0);
    }

    /**
     * Returns a queued response with the events of {@code revisions} revisions for
     * {@code watcher}. The list is not changed, and the caller must not change it after.
     *
     * @param bytes the serialized size of the events
     */
    static QueuedResponse events(Watcher watcher, long headerRevision, List<Event> events, int bytes, int revisions) {
        return new QueuedResponse(null, watcher, events, headerRevision, bytes, revisions);
    }

    /** Adds the events of later revisions, and moves the header to the newest one. */
    void join(long newHeaderRevision, List<Event> moreEvents, int moreBytes, int moreRevisions) {
        if (!ownsEvents) {
            events = new ArrayList<>(events);
            ownsEvents = true;
        }
        events.addAll(moreEvents);
        headerRevision = newHeaderRevision;
        bytes += moreBytes;
        revisions += moreRevisions;
    }

    /** Returns the serialized size of the events; 0 for a response without events. */
    int bytes() {
        return bytes;
    }

    /** Returns how many revisions the events come from. */
    int revisions() {
        return revisions;
    }

    long headerRevision() {
        return headerRevision;
    }

    /** Returns the response; {@code header} must carry {@link #headerRevision()} and is unused without events. */
    WatchResponse toResponse(ResponseHeader header) {
        if (built != null) {
            return built;
        }
        return WatchResponse.newBuilder()
                .setHeader(header)
                .setWatchId(watcher.id)
                .addAllEvents(events)
                .build();
    }
}
