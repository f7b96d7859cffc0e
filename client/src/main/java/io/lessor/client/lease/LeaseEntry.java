package io.lessor.client.lease;

import io.lessor.api.LeaseKeepAliveRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * The keep-alive state of one lease: its subscriptions, its times and its places in the two
 * wheels of {@link KeepAlives}. Guarded by the lock of the {@link KeepAlives} that holds it.
 */
final class LeaseEntry {

    final long leaseId;
    /** The renewal request, the same for every renewal of the lease, so a send allocates none. */
    final LeaseKeepAliveRequest request;
    final List<KeepAliveSubscription> subscriptions = new ArrayList<>(1);
    /** When the send loop should renew the lease next. */
    long nextSendNanos;
    /**
     * When the renewal in flight, or the last one that got a response, counts as sent: its due
     * time, or the time it went out if that was a send period or more later.
     */
    long sentNanos;
    /** The stream that carries this lease's unanswered renewal, or null when none is unanswered. */
    KeepAliveStream awaitingOn;
    /** When the lease ends unless a response renews it. */
    long deadlineNanos;
    /**
     * The time that orders the entry in the deadline queue: the deadline when it was queued,
     * which a response moves later without moving the entry, so it is at most deadlineNanos.
     */
    long deadlineKeyNanos;
    /** The TTL of the last response, or 0 before the first. */
    long ttlSeconds;
    /** The entry's bucket in the renewal wheel, or -1 while it is not filed there. */
    int renewalBucket = -1;
    /** The entry's neighbours in its bucket of the renewal wheel. */
    LeaseEntry renewalPrevious;
    LeaseEntry renewalNext;
    /** The entry's bucket in the deadline wheel, or -1 while it is not filed there. */
    int deadlineBucket = -1;
    /** The entry's neighbours in its bucket of the deadline wheel. */
    LeaseEntry deadlinePrevious;
    LeaseEntry deadlineNext;

    LeaseEntry(long leaseId, long nowNanos, long firstResponseTimeoutNanos) {
        this.leaseId = leaseId;
        this.request = LeaseKeepAliveRequest.newBuilder().setID(leaseId).build();
        this.nextSendNanos = nowNanos;
        this.sentNanos = nowNanos;
        this.deadlineNanos = nowNanos + firstResponseTimeoutNanos;
        this.deadlineKeyNanos = deadlineNanos;
    }
}
