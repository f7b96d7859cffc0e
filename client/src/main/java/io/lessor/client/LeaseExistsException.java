package io.lessor.client;

import io.grpc.Status;

/**
 * A grant asked for a lease id that is in use: {@code FAILED_PRECONDITION
 * "etcdserver: lease already exists"}. Grant with another id, or with id 0 to let the server
 * pick one.
 */
public final class LeaseExistsException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: lease already exists";

    /** Creates the exception for the status that etcd sent. */
    public LeaseExistsException(String serverMessage, Throwable cause) {
        super(Status.Code.FAILED_PRECONDITION, serverMessage, cause);
    }
}
