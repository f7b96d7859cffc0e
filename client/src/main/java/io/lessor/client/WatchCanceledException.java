package io.lessor.client;

import io.grpc.Status;

/**
 * The server cancelled a watch for a reason other than compaction, such as
 * {@code "mvcc: watcher range is empty"} for a range whose end is not after its key;
 * {@link #cancelReason()} returns the server's text, which may be empty.
 */
public final class WatchCanceledException extends EtcdException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a cancellation with the server's {@code cancelReason}. */
    public WatchCanceledException(String cancelReason) {
        super(Status.Code.CANCELLED, cancelReason, null);
    }

    /** Returns the server's reason for cancelling the watch; empty if it gave none. */
    public String cancelReason() {
        return serverMessage();
    }
}
