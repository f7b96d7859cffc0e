package io.lessor.server;

import java.util.Objects;

/**
 * A request failed with one of etcd's errors. The gRPC layer turns it into a status with
 * {@link EtcdError#code()} and {@link EtcdError#message()}; nothing else about it reaches the
 * client.
 */
public final class EtcdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient EtcdError error;

    /** Creates the exception for {@code error}; its message is etcd's. */
    public EtcdException(EtcdError error) {
        super(Objects.requireNonNull(error, "error").message(), null, false, false);
        this.error = error;
    }

    /** Returns which of etcd's errors this is. */
    public EtcdError error() {
        return error;
    }
}
