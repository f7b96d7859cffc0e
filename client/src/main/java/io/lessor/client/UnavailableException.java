package io.lessor.client;

import io.grpc.Status;

/**
 * No endpoint could serve the request for now: the connection broke while the request ran, or
 * the server responded {@code UNAVAILABLE}, as etcd does with {@code "etcdserver: no leader"},
 * {@code "etcdserver: request timed out"} or {@code "etcdserver: server stopped"}. A request
 * that finds no connection waits for one until its deadline instead. The client has already
 * retried the reads and lease calls that are safe to repeat. A write that fails this way may or
 * may not have been applied; {@link Client} describes how to tell.
 */
public final class UnavailableException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for the status that the server or the transport reported. */
    public UnavailableException(String serverMessage, Throwable cause) {
        super(Status.Code.UNAVAILABLE, serverMessage, cause);
    }
}
