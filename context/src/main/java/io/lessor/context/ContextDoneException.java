package io.lessor.context;

import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * Thrown by a blocking call of this library, and by {@link Context#throwIfDone()}, when the
 * context it runs under has ended. {@link #reason()} says whether it was cancelled or timed
 * out; {@link #getCause()} is the context's cause when one was given.
 *
 * <p>It extends {@link CancellationException}, so code that already treats cancelled futures
 * as "stop quietly" treats an ended context the same way.
 */
public class ContextDoneException extends CancellationException {

    private static final long serialVersionUID = 1L;

    /**
     * The cause {@link Context#cause()} returns for a context cancelled without a cause; the
     * counterpart of Go's {@code context.Canceled}. It has no stack trace.
     */
    public static final ContextDoneException CANCELED = new ContextDoneException(Reason.CANCELED);

    /**
     * The cause {@link Context#cause()} returns for a context whose deadline passed with no
     * cause given; the counterpart of Go's {@code context.DeadlineExceeded}. It has no stack
     * trace.
     */
    public static final ContextDoneException DEADLINE_EXCEEDED = new ContextDoneException(Reason.DEADLINE_EXCEEDED);

    private final Reason reason;

    /** Creates the shared, stack-less instances. */
    private ContextDoneException(Reason reason) {
        super(reason.message());
        this.reason = reason;
        setStackTrace(new StackTraceElement[0]);
    }

    /**
     * Creates an exception for a context that ended with {@code reason}; {@code cause} is the
     * context's cause, or {@code null} when none was given.
     */
    public ContextDoneException(Reason reason, Throwable cause) {
        super(messageOf(reason, cause));
        this.reason = Objects.requireNonNull(reason, "reason");
        if (cause != null && !isSentinel(cause)) {
            initCause(cause);
        }
    }

    /** Returns whether the context was cancelled or its deadline passed. */
    public Reason reason() {
        return reason;
    }

    static boolean isSentinel(Throwable t) {
        return t == CANCELED || t == DEADLINE_EXCEEDED;
    }

    private static String messageOf(Reason reason, Throwable cause) {
        if (cause == null || isSentinel(cause)) {
            return reason.message();
        }
        return reason.message() + ": " + cause;
    }
}
