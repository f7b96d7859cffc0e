package io.lessor.client;

import java.util.Objects;

/**
 * Why a {@link KeepAlive} ended: a {@link Reason} to branch on, and the exception behind it.
 *
 * @param reason what ended it
 * @param cause the exception behind it: the context's cause for {@link Reason#CONTEXT_DONE}, a
 *     {@link LeaseNotFoundException} for {@link Reason#LEASE_NOT_FOUND}, the stream's failure for
 *     {@link Reason#HALTED}; never {@code null}
 */
public record KeepAliveEnd(Reason reason, Throwable cause) {

    /** The cause of a keep-alive's end, as a value to branch on. */
    public enum Reason {
        /** The context given to {@link Lease#keepAlive} ended: it was cancelled or its deadline passed. */
        CONTEXT_DONE,
        /**
         * The server responded to a renewal with TTL 0: the lease expired or was revoked, and its keys
         * are gone.
         */
        LEASE_NOT_FOUND,
        /**
         * No renewal succeeded within the lease's TTL (or, before the first response, within the
         * first-response timeout), so the server has let the lease expire or will do so. This is
         * what happens while the servers are unreachable for longer than the TTL.
         */
        LEASE_EXPIRED,
        /** The client was closed. */
        CLIENT_CLOSED,
        /**
         * The Flow subscriber cancelled its subscription, threw from one of its methods, or
         * requested zero or fewer items, each of which ends a Flow subscription; the cause is the
         * exception it threw, the {@link IllegalArgumentException} of its invalid request, or a
         * {@link java.util.concurrent.CancellationException}.
         */
        SUBSCRIBER_CANCELLED,
        /**
         * The keep-alive stream failed with an error that retrying cannot fix, such as
         * {@code PERMISSION_DENIED} or {@code UNIMPLEMENTED}; the cause is that error.
         */
        HALTED
    }

    /** Validates the components. */
    public KeepAliveEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }
}
