package io.lessor.client;

import io.grpc.Status;

/**
 * No endpoint could serve the request for now: none was reachable, or the server responded
 * {@code UNAVAILABLE}, as etcd does with {@code "etcdserver: no leader"},
 * {@code "etcdserver: request timed out"} or {@code "etcdserver: server stopped"}. The client
 * has already retried the reads and lease calls that are safe to repeat; a caller may retry
 * later.
 */
public final class UnavailableException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for the status that the server or the transport reported. */
    public UnavailableException(String serverMessage, Throwable cause) {
        super(Status.Code.UNAVAILABLE, serverMessage, cause);
    }
}
