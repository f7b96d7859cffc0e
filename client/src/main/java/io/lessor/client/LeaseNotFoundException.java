package io.lessor.client;

import io.grpc.Status;

/**
 * The lease does not exist: it was never granted, it expired or it was revoked. etcd sends
 * {@code NOT_FOUND "etcdserver: requested lease not found"} for a revoke or a put with such a
 * lease, and this client raises it too when a keep-alive gets a response with TTL 0.
 */
public final class LeaseNotFoundException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: requested lease not found";

    /** Creates the exception for the status that etcd sent. */
    public LeaseNotFoundException(String serverMessage, Throwable cause) {
        super(Status.Code.NOT_FOUND, serverMessage, cause);
    }
}
