package io.lessor.client;

import io.lessor.api.WatchResponse;
import io.lessor.context.Done;
import java.time.Duration;
import java.util.Optional;

/**
 * The responses of one {@link Watch#watch}, read blocking, preferably on a virtual thread.
 * {@link #next()} returns the responses that carry events, and the progress notifications if
 * they were requested. The server's confirmation that the watch was created is not returned.
 *
 * <p>Back-pressure: the client asks the server for the next response only after the reader has
 * taken the previous one, so a slow reader slows the stream down and nothing is dropped.
 * A broken stream is opened again by a timer of the client's clock, after a backoff of 0.5 s
 * that doubles up to 4 s, from the revision after the last one received.
 *
 * <p>Thread-safety: one thread reads at a time; {@link #done()}, {@link #end()} may be called
 * from any thread.
 */
public interface Watcher {

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

    /** Returns the signal that fires when the watch ends. */
    Done done();

    /** Returns why the watch ended, or empty while it runs. */
    Optional<WatchEnd> end();
}
