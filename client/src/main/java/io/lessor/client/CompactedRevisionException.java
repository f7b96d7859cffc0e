package io.lessor.client;

import io.grpc.Status;

/**
 * A read, a compaction or a watch needed a revision that compaction has removed: etcd's
 * {@code OUT_OF_RANGE "etcdserver: mvcc: required revision has been compacted"}, or a watch
 * that the server cancelled with a {@code compact_revision}. Read or watch from a newer
 * revision, or read at revision 0 for the latest.
 */
public final class CompactedRevisionException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** etcd's message for this error. */
    public static final String MESSAGE = "etcdserver: mvcc: required revision has been compacted";

    private final long compactRevision;

    /** Creates the exception for the status that etcd sent, which does not name the compacted revision. */
    public CompactedRevisionException(String serverMessage, Throwable cause) {
        this(serverMessage, 0, cause);
    }

    /** Creates the exception for a watch that the server cancelled, compacted at {@code compactRevision}. */
    public CompactedRevisionException(String serverMessage, long compactRevision, Throwable cause) {
        super(Status.Code.OUT_OF_RANGE, serverMessage, cause);
        this.compactRevision = compactRevision;
    }

    /**
     * Returns the revision the store was compacted at, as a cancelled watch reports it; a new
     * watch may start from this revision on. 0 when the server did not report it, as for a read.
     */
    public long compactRevision() {
        return compactRevision;
    }
}
