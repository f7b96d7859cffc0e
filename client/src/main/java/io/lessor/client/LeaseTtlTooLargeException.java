package io.lessor.client;

import io.grpc.Status;

/**
 * A grant asked for a TTL above the server's maximum (9,000,000,000 s in etcd):
 * {@code OUT_OF_RANGE "etcdserver: too large lease TTL"}.
 */
public final class LeaseTtlTooLargeException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: too large lease TTL";

    /** Creates the exception for the status that etcd sent. */
    public LeaseTtlTooLargeException(String serverMessage, Throwable cause) {
        super(Status.Code.OUT_OF_RANGE, serverMessage, cause);
    }
}
