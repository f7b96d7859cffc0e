package io.lessor.client;

import io.grpc.Status;

/**
 * The server rejected the request's content with {@code INVALID_ARGUMENT}, for example
 * {@code "etcdserver: key is not provided"}, {@code "etcdserver: lease is provided"} or
 * {@code "etcdserver: too many operations in txn request"}; {@link #serverMessage()} names which.
 * Retrying the same request fails the same way.
 */
public final class InvalidRequestException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for the status that the server sent. */
    public InvalidRequestException(String serverMessage, Throwable cause) {
        super(Status.Code.INVALID_ARGUMENT, serverMessage, cause);
    }
}
