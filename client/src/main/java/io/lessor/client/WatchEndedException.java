package io.lessor.client;

import java.util.Objects;

/**
 * Thrown by {@link Watcher#next()} and {@link Watcher#poll} once the watch has ended and every
 * response that arrived before has been read; {@link #end()} states why.
 */
public final class WatchEndedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient WatchEnd end;

    /** Creates the exception for a watch that ended with {@code end}. */
    public WatchEndedException(WatchEnd end) {
        super(message(end), end.cause());
        this.end = Objects.requireNonNull(end, "end");
    }

    private static String message(WatchEnd end) {
        String detail = switch (end.reason()) {
            case COMPACTED -> "compacted at revision " + end.compactRevision();
            case CANCELED_BY_SERVER -> "reason: " + (end.cancelReason().isEmpty() ? "none given" : end.cancelReason());
            default -> String.valueOf(end.cause().getMessage());
        };
        return "watch ended: " + end.reason() + " (" + detail + ")";
    }

    /** Returns why the watch ended. */
    public WatchEnd end() {
        return end;
    }
}
