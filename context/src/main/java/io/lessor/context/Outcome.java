package io.lessor.context;

/**
 * How a context ended: the payload of its done signal. Reason and cause travel together in one
 * object so that they are published by one write.
 */
record Outcome(Reason reason, Throwable cause) {

    static final Outcome CANCELED = new Outcome(Reason.CANCELED, ContextDoneException.CANCELED);
    static final Outcome DEADLINE_EXCEEDED = new Outcome(Reason.DEADLINE_EXCEEDED, ContextDoneException.DEADLINE_EXCEEDED);

    static Outcome canceled(Throwable cause) {
        return cause == null ? CANCELED : new Outcome(Reason.CANCELED, cause);
    }

    static Outcome deadlineExceeded(Throwable cause) {
        return cause == null ? DEADLINE_EXCEEDED : new Outcome(Reason.DEADLINE_EXCEEDED, cause);
    }
}
