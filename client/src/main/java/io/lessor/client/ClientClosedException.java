package io.lessor.client;

/**
 * A call on a {@link Client} that was closed before or while the call ran. Closing is final:
 * build a new client.
 */
public final class ClientClosedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code detail} names the call. */
    public ClientClosedException(String detail) {
        super(detail);
    }
}
