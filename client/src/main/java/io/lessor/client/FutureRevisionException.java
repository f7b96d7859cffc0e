package io.lessor.client;

import io.grpc.Status;

/**
 * A read or a compaction named a revision newer than the store's:
 * {@code OUT_OF_RANGE "etcdserver: mvcc: required revision is a future revision"}. Read at
 * revision 0 for the latest, or use the revision of a response header.
 */
public final class FutureRevisionException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: mvcc: required revision is a future revision";

    /** Creates the exception for the status that etcd sent. */
    public FutureRevisionException(String serverMessage, Throwable cause) {
        super(Status.Code.OUT_OF_RANGE, serverMessage, cause);
    }
}
