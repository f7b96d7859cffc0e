package io.lessor.client;

import io.grpc.Status;

/**
 * A read asked for a revision that compaction has removed:
 * {@code OUT_OF_RANGE "etcdserver: mvcc: required revision has been compacted"}. Read at a
 * newer revision, or at revision 0 for the latest.
 */
public final class CompactedRevisionException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: mvcc: required revision has been compacted";

    /** Creates the exception for the status that etcd sent. */
    public CompactedRevisionException(String serverMessage, Throwable cause) {
        super(Status.Code.OUT_OF_RANGE, serverMessage, cause);
    }
}
