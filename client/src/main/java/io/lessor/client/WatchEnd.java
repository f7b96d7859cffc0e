package io.lessor.client;

import java.util.Objects;

/**
 * The cause of a {@link Watcher}'s end: a {@link Reason} to branch on, and the exception behind it.
 *
 * @param reason what ended it
 * @param cause the exception behind it; never {@code null}
 */
public record WatchEnd(Reason reason, Throwable cause) {

    /** The cause of a watch's end, as a value to branch on. */
    public enum Reason {
        /** The context given to {@link Watch#watch} ended. */
        CONTEXT_DONE,
        /**
         * The server cancelled the watch. When the start revision has been compacted, the cause
         * is a {@link CompactedRevisionException}; watch again from a newer revision.
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
}
