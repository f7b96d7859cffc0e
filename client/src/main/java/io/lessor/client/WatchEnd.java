package io.lessor.client;

import java.util.Objects;

/**
 * The cause of a {@link Watcher}'s end: a {@link Reason} to branch on, and the exception behind it.
 *
 * @param reason what ended it
 * @param cause the exception behind it: the context's cause for {@link Reason#CONTEXT_DONE}, a
 *     {@link CompactedRevisionException} for {@link Reason#COMPACTED}, a
 *     {@link WatchCanceledException} for {@link Reason#CANCELED_BY_SERVER}, a
 *     {@link ClientClosedException} for {@link Reason#CLIENT_CLOSED}, the stream's failure for
 *     {@link Reason#HALTED}; never {@code null}
 */
public record WatchEnd(Reason reason, Throwable cause) {

    /** The cause of a watch's end, as a value to branch on. */
    public enum Reason {
        /** The context given to {@link Watch#watch} ended: it was cancelled or its deadline passed. */
        CONTEXT_DONE,
        /**
         * The revision the watch had to report next has been compacted away, and
         * {@link WatchEnd#compactRevision()} is the compacted revision. Read the current state and
         * watch again from a newer revision.
         */
        COMPACTED,
        /**
         * The server cancelled the watch for another reason, such as an invalid range;
         * {@link WatchEnd#cancelReason()} returns the server's text.
         */
        CANCELED_BY_SERVER,
        /** The client was closed. */
        CLIENT_CLOSED,
        /**
         * The watch stream failed with an error that retrying cannot fix, such as
         * {@code PERMISSION_DENIED}; the cause is that error.
         */
        HALTED
    }

    /** Validates the components. */
    public WatchEnd {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
    }

    /** Returns the revision the store was compacted at for {@link Reason#COMPACTED}, else 0. */
    public long compactRevision() {
        return cause instanceof CompactedRevisionException compacted ? compacted.compactRevision() : 0;
    }

    /** Returns the server's reason for {@link Reason#CANCELED_BY_SERVER}, else an empty string. */
    public String cancelReason() {
        return cause instanceof WatchCanceledException canceled ? canceled.cancelReason() : "";
    }
}
