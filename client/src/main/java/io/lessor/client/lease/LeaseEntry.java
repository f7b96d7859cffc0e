package io.lessor.client.lease;

import java.util.ArrayList;
import java.util.List;

/**
 * The keep-alive state of one lease: its subscriptions and its two times. Guarded by the lock of
 * the {@link KeepAlives} that holds it.
 */
final class LeaseEntry {

    final long leaseId;
    final List<KeepAliveSubscription> subscriptions = new ArrayList<>(1);
    /** When the send loop should renew the lease next. */
    long nextSendNanos;
    /** The stream that carries this lease's unanswered renewal, or null when none is unanswered. */
    KeepAliveStream awaitingOn;
    /** When the lease ends unless a response renews it. */
    long deadlineNanos;
    /** The TTL of the last response, or 0 before the first. */
    long ttlSeconds;
    /** Whether the entry has left the map, which makes its items in the queues stale. */
    boolean removed;

    LeaseEntry(long leaseId, long nowNanos, long firstResponseTimeoutNanos) {
        this.leaseId = leaseId;
        this.nextSendNanos = nowNanos;
        this.deadlineNanos = nowNanos + firstResponseTimeoutNanos;
    }
}
