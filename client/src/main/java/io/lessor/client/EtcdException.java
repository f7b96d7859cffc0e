package io.lessor.client;

import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.util.Objects;

/**
 * A request that the server, or the gRPC transport on the way to it, rejected: the base of the
 * client's exception hierarchy. It carries the gRPC status {@link #code()} and the server's
 * message, which for etcd's own errors is a fixed text such as
 * {@code "etcdserver: requested lease not found"}.
 *
 * <p>{@link #from(Throwable)} maps a gRPC failure to the most specific subclass: one per etcd
 * error that a caller can act on (for example {@link LeaseNotFoundException}), and this class
 * itself for the rest, so that a caller can always read the code and message.
 */
public class EtcdException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final Status.Code code;
    private final String serverMessage;

    /** Creates an exception for a status with {@code code} and the server's {@code serverMessage}. */
    public EtcdException(Status.Code code, String serverMessage, Throwable cause) {
        super(code + ": " + serverMessage, cause);
        this.code = Objects.requireNonNull(code, "code");
        this.serverMessage = serverMessage == null ? "" : serverMessage;
    }

    /** Returns the gRPC status code, such as {@code NOT_FOUND}. */
    public Status.Code code() {
        return code;
    }

    /** Returns the server's message without the code, such as {@code "etcdserver: lease already exists"}. */
    public String serverMessage() {
        return serverMessage;
    }

    /**
     * Returns the exception for a gRPC failure: a {@link StatusRuntimeException} or
     * {@link StatusException} becomes the subclass for its etcd error, an {@code EtcdException}
     * is returned as is, and anything else becomes an {@code EtcdException} with code
     * {@code UNKNOWN}.
     */
    public static EtcdException from(Throwable failure) {
        if (failure instanceof EtcdException etcd) {
            return etcd;
        }
        Status status = Status.fromThrowable(failure);
        String message = status.getDescription() == null ? "" : status.getDescription();
        return EtcdErrors.map(status.getCode(), message, failure);
    }
}
