package io.lessor.server;

import io.grpc.Status;

/**
 * The errors the server returns, each with the gRPC status code and the exact message etcd 3.4
 * sends for it. Clients match these messages by text (the Go client maps them back to typed
 * errors, jetcd checks some of them), so the strings must stay byte-for-byte as they are.
 */
public enum EtcdError {
    LEASE_NOT_FOUND(Status.Code.NOT_FOUND, "etcdserver: requested lease not found"),
    LEASE_EXISTS(Status.Code.FAILED_PRECONDITION, "etcdserver: lease already exists"),
    LEASE_TTL_TOO_LARGE(Status.Code.OUT_OF_RANGE, "etcdserver: too large lease TTL"),
    KEY_NOT_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided"),
    KEY_NOT_FOUND(Status.Code.INVALID_ARGUMENT, "etcdserver: key not found"),
    LEASE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: lease is provided"),
    VALUE_PROVIDED(Status.Code.INVALID_ARGUMENT, "etcdserver: value is provided"),
    TOO_MANY_TXN_OPS(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request"),
    DUPLICATE_KEY(Status.Code.INVALID_ARGUMENT, "etcdserver: duplicate key given in txn request"),
    REQUEST_TOO_LARGE(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large"),
    NO_SPACE(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded"),
    CORRUPT(Status.Code.DATA_LOSS, "etcdserver: corrupt cluster"),
    TOO_MANY_REQUESTS(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: too many requests"),
    COMPACTED(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted"),
    FUTURE_REVISION(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision"),
    WATCH_CANCELED(Status.Code.CANCELLED, "etcdserver: watch canceled"),
    NO_LEADER(Status.Code.UNAVAILABLE, "etcdserver: no leader"),
    LEADER_CHANGED(Status.Code.UNAVAILABLE, "etcdserver: leader changed"),
    TIMEOUT(Status.Code.UNAVAILABLE, "etcdserver: request timed out"),
    SERVER_STOPPED(Status.Code.UNAVAILABLE, "etcdserver: server stopped"),
    AUTH_NOT_ENABLED(Status.Code.FAILED_PRECONDITION, "etcdserver: authentication is not enabled"),
    INVALID_SORT_OPTION(Status.Code.INVALID_ARGUMENT, "etcdserver: invalid sort option");

    private final Status.Code code;
    private final String message;

    EtcdError(Status.Code code, String message) {
        this.code = code;
        this.message = message;
    }

    /** Returns the gRPC status code etcd sends for this error. */
    public Status.Code code() {
        return code;
    }

    /** Returns etcd's exact message for this error. */
    public String message() {
        return message;
    }

    /** Returns a new exception for this error, to throw or to complete a future with. */
    public EtcdException exception() {
        return new EtcdException(this);
    }

    /** Returns the gRPC status for this error. */
    public Status status() {
        return Status.fromCode(code).withDescription(message);
    }
}
