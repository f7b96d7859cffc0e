package io.lessor.client;

import io.grpc.Status;

/**
 * A request did not finish within the client's request timeout
 * ({@link Client.Builder#requestTimeout}), which applies when the caller's context has no
 * earlier deadline. A deadline of the caller's context raises
 * {@link io.lessor.context.ContextDoneException} instead.
 */
public final class RequestTimeoutException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception; {@code detail} names the request and the timeout. */
    public RequestTimeoutException(String detail, Throwable cause) {
        super(Status.Code.DEADLINE_EXCEEDED, detail, cause);
    }
}
