package io.lessor.client;

import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.context.Done;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Flow;

/**
 * The responses of one {@link Lease#keepAlive} subscription, from the first renewal until the
 * keep-alive ends, and why it ended.
 *
 * <p>Read it in one of two ways, not both:
 * <ul>
 *   <li>blocking, on a virtual thread: {@link #next()} or {@link #poll(Duration)}, which throw
 *       {@link KeepAliveEndedException} once it has ended and the buffer is empty;
 *   <li>as a {@link Flow.Publisher}, which takes one subscriber: {@code onComplete} when the
 *       end is {@link KeepAliveEnd.Reason#CONTEXT_DONE} or
 *       {@link KeepAliveEnd.Reason#CLIENT_CLOSED}, else {@code onError} with a
 *       {@link KeepAliveEndedException}. The end goes out whether or not the subscriber has
 *       requested more. The signals of every keep-alive of a client come from one delivery
 *       thread that they share, so keep {@code onNext} short: a subscriber that blocks delays
 *       the responses of the other keep-alives, though not their renewals. A subscriber that
 *       cancels, or throws, gets nothing more, and the keep-alive ends with
 *       {@link KeepAliveEnd.Reason#SUBSCRIBER_CANCELLED}. The client's {@code close()} waits up
 *       to a second for the ends to go out; the ends that a blocked subscriber holds up then go
 *       out on threads of their own.
 * </ul>
 *
 * <pre>{@code
 * try (CancelableContext ctx = Context.background().withCancel()) {
 *     KeepAlive keepAlive = client.lease().keepAlive(ctx, leaseId);
 *     keepAlive.done().await();                  // or read responses with next()
 *     log("keep-alive ended: " + keepAlive.end().orElseThrow().reason());
 * }
 * }</pre>
 *
 * <p>Back-pressure: the lease is renewed at its own pace, a third of its TTL after the previous
 * renewal was due, whether or not anyone reads. Responses wait in a buffer of
 * {@link io.lessor.client.lease.KeepAliveConfig#bufferSize()} entries; when it is full, new
 * responses are dropped and counted in {@link #dropped()}, and the renewals go on.
 *
 * <p>Lifecycle: it ends exactly once, for one of the reasons in {@link KeepAliveEnd.Reason}. From
 * then on it causes no renewal, and the lease's renewals stop once its last subscription has
 * ended. The lease itself is not revoked: with no other subscription
 * renewing it, it expires on the server after its TTL.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface KeepAlive extends Flow.Publisher<LeaseKeepAliveResponse> {

    /** Returns the lease this keep-alive renews. */
    long leaseId();

    /**
     * Returns the next response, waiting for one if the buffer is empty.
     *
     * @throws KeepAliveEndedException once the keep-alive has ended and the buffer is empty
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    LeaseKeepAliveResponse next() throws InterruptedException;

    /**
     * Returns the next response, waiting up to {@code timeout} for one.
     *
     * @return the response, or {@code null} if none arrived within {@code timeout}
     * @throws KeepAliveEndedException once the keep-alive has ended and the buffer is empty
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    LeaseKeepAliveResponse poll(Duration timeout) throws InterruptedException;

    /** Returns the signal that fires when the keep-alive ends. */
    Done done();

    /** Returns why the keep-alive ended, or empty while it runs. */
    Optional<KeepAliveEnd> end();

    /** Returns how many responses arrived for this subscription, the dropped ones included. */
    long received();

    /** Returns how many responses were dropped because the buffer was full. */
    long dropped();
}
