package io.lessor.context;

/**
 * Why a context ended: Go's two sentinel errors, {@code context.Canceled} and
 * {@code context.DeadlineExceeded}, as an enum. {@link Context#reason()} returns it; the more
 * specific {@link Context#cause()} says who ended the context and why.
 */
public enum Reason {
    /** The context or one of its ancestors was cancelled or closed. */
    CANCELED("context canceled"),
    /** The context's deadline, or an ancestor's, passed. */
    DEADLINE_EXCEEDED("context deadline exceeded");

    private final String message;

    Reason(String message) {
        this.message = message;
    }

    /** Returns Go's error text for this reason, such as {@code "context canceled"}. */
    public String message() {
        return message;
    }
}
