package io.lessor.examples;

import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;

/** Formats how a context ended, for the examples' last lines of output. */
final class ContextEnding {

    private ContextEnding() {
    }

    /**
     * Returns Go's error text for the context's reason, followed by the cause's message when a
     * cause was given: {@code "context deadline exceeded"}, or
     * {@code "context canceled, cause: producer failed after sending 3 items"}.
     *
     * @throws IllegalStateException if the context has not ended
     */
    static String describe(Context context) {
        Throwable cause = context.cause();
        if (cause == null) {
            throw new IllegalStateException("context " + context + " has not ended");
        }
        String reason = context.reason().message();
        if (cause == ContextDoneException.CANCELED || cause == ContextDoneException.DEADLINE_EXCEEDED) {
            return reason;
        }
        return reason + ", cause: " + messageOf(cause);
    }

    /** Returns the exception's message, or its class name when it has none. */
    static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getName() : message;
    }
}
