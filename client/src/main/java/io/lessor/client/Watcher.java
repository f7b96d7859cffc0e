package io.lessor.client;

import io.lessor.api.WatchResponse;
import io.lessor.context.Done;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * The responses of one {@link Watch#watch}: each carries the events of one or more revisions,
 * in revision order, or is a progress notification ({@link #isProgressNotify}). The server's
 * confirmation that the watch was created is not passed on.
 *
 * <p>Read it in one of two ways, not both:
 * <ul>
 *   <li>blocking, preferably on a virtual thread: {@link #next()} or {@link #poll(Duration)},
 *       which throw {@link WatchEndedException} once the watch has ended and every response
 *       before the end has been read;
 *   <li>as a {@link Flow.Publisher}, which takes one subscriber and delivers on a virtual thread
 *       of its own: {@code onComplete} when the end is {@link WatchEnd.Reason#CONTEXT_DONE} or
 *       {@link WatchEnd.Reason#CLIENT_CLOSED}, else {@code onError} with a
 *       {@link WatchEndedException}.
 * </ul>
 *
 * <pre>{@code
 * Watcher watcher = client.watch().watch(ctx, prefix, WatchOptions.withPrefix().fromRevision(revision));
 * while (true) {
 *     WatchResponse response = watcher.next();   // WatchEndedException once it has ended
 *     for (Event event : response.getEventsList()) { ... }
 * }
 * }</pre>
 *
 * <p>Back-pressure: the client asks the server for the next response only after the reader, or
 * the subscriber's demand, has taken the previous one, so a slow reader slows the stream down
 * and nothing is dropped.
 *
 * <p>Reconnects: a stream that breaks with a retryable error (such as {@code UNAVAILABLE} while
 * a server restarts) is opened again after a backoff of 0.5 s that doubles up to 4 s, from the
 * revision after the last one reported, so no event is lost or repeated. If that revision has
 * been compacted meanwhile, the watch ends with {@link WatchEnd.Reason#COMPACTED}.
 *
 * <p>Lifecycle: it ends exactly once, for one of the reasons in {@link WatchEnd.Reason}, and
 * its stream is cancelled before the end becomes visible. Once the client is closed, a
 * subscriber gets the end at once and responses it had not requested yet are dropped. Until
 * then, queued responses are delivered before the end, as the subscriber requests them.
 *
 * <p>Thread-safety: one thread reads at a time; the other methods may be called from any thread.
 */
public interface Watcher extends Flow.Publisher<WatchResponse> {

    /**
     * Returns the next response, waiting for one.
     *
     * @throws WatchEndedException once the watch has ended and every response before the end
     *     has been read
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    WatchResponse next() throws InterruptedException;

    /**
     * Returns the next response, waiting up to {@code timeout} for one.
     *
     * @return the response, or {@code null} if none arrived within {@code timeout}
     * @throws WatchEndedException once the watch has ended and every response before the end
     *     has been read
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    WatchResponse poll(Duration timeout) throws InterruptedException;

    /**
     * Requests a progress notification from the server: a response without events whose header
     * revision is the revision up to which every event has been sent. It returns at once and
     * throws no error, and the response arrives among the others.
     *
     * @return {@code true} if the request was sent, {@code false} if the watch has ended or its
     *     stream is being opened again (ask again later)
     */
    boolean requestProgress();

    /** Returns the signal that fires when the watch ends. */
    Done done();

    /** Returns why the watch ended, or empty while it runs. */
    Optional<WatchEnd> end();

    /**
     * Returns whether {@code response} is a progress notification: no events, and neither a
     * creation, a cancellation nor a compaction.
     */
    static boolean isProgressNotify(WatchResponse response) {
        return response.getEventsCount() == 0 && !response.getCreated() && !response.getCanceled()
                && response.getCompactRevision() == 0 && response.getHeader().getRevision() != 0;
    }
}
