package io.lessor.server;

import java.io.IOException;

/**
 * A server start that failed for a known reason outside the server: the data directory is
 * locked by another server, is not a writable directory, or a client address cannot be bound.
 * The message names the value that failed and what to do next, and is meant to be shown to the
 * user as it is, without a stack trace.
 */
public final class ServerStartException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message for the user and the error underneath, if any. */
    public ServerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
