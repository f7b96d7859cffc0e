package io.lessor.client;

import java.util.Objects;

/**
 * Thrown by {@link KeepAlive#next()} and {@link KeepAlive#poll} once the keep-alive has ended
 * and every buffered response has been read; {@link #end()} states why.
 */
public final class KeepAliveEndedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient KeepAliveEnd end;

    /** Creates the exception for lease {@code leaseId} that ended with {@code end}. */
    public KeepAliveEndedException(long leaseId, KeepAliveEnd end) {
        super(String.format("keep-alive of lease %016x ended: %s (%s)", leaseId, end.reason(), end.cause().getMessage()),
                end.cause());
        this.end = Objects.requireNonNull(end, "end");
    }

    /** Returns why the keep-alive ended. */
    public KeepAliveEnd end() {
        return end;
    }
}
