package io.lessor.client;

import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.LeaseLeasesResponse;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.context.Context;

/**
 * etcd's Lease API: grant leases, keep them alive, revoke them.
 *
 * <pre>{@code
 * Lease lease = client.lease();
 * long id = lease.grant(ctx, 10).getID();
 * client.kv().put(ctx, key, value, PutOptions.withLease(id));
 * KeepAlive keepAlive = lease.keepAlive(ctx, id);   // renews every ~3 s until ctx ends
 * }</pre>
 *
 * <p>Every call takes the caller's {@link Context} first: its deadline, or the client's request
 * timeout if that is earlier, becomes the request's deadline, and its end cancels the request.
 * Blocking calls throw {@link io.lessor.context.ContextDoneException} when the context ends
 * first, {@link ClientClosedException} when the client closes first, and an
 * {@link EtcdException} (one of its subclasses where etcd has a specific error) when the server
 * rejects the request. Grant, revoke, time-to-live and leases are retried on
 * {@code UNAVAILABLE}, as etcd's Go client retries them.
 *
 * <p>TTLs are in whole seconds. etcd raises a TTL below its minimum (2 s with default flags) to
 * the minimum without an error.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public interface Lease {

    /**
     * Grants a lease of {@code ttlSeconds}, with an id that the server picks.
     *
     * @throws LeaseTtlTooLargeException if {@code ttlSeconds} exceeds the server's maximum
     */
    LeaseGrantResponse grant(Context ctx, long ttlSeconds) throws InterruptedException;

    /**
     * Grants a lease of {@code ttlSeconds} with the given id; id 0 lets the server pick.
     *
     * @throws LeaseExistsException if a lease with {@code leaseId} exists
     * @throws LeaseTtlTooLargeException if {@code ttlSeconds} exceeds the server's maximum
     */
    LeaseGrantResponse grant(Context ctx, long ttlSeconds, long leaseId) throws InterruptedException;

    /**
     * Revokes a lease and deletes every key attached to it, in one revision.
     *
     * @throws LeaseNotFoundException if the lease does not exist
     */
    LeaseRevokeResponse revoke(Context ctx, long leaseId) throws InterruptedException;

    /**
     * Returns the lease's remaining TTL and granted TTL, and its keys if {@code withKeys}. For a
     * lease that does not exist, etcd returns TTL -1 rather than an error.
     */
    LeaseTimeToLiveResponse timeToLive(Context ctx, long leaseId, boolean withKeys) throws InterruptedException;

    /** Returns the ids of all leases the server holds. */
    LeaseLeasesResponse leases(Context ctx) throws InterruptedException;

    /**
     * Renews a lease once, on a stream of its own that is closed on both sides before this
     * returns or throws. Retries on {@code UNAVAILABLE} until the request's deadline.
     *
     * @throws LeaseNotFoundException if the lease has expired, was revoked or never existed (the
     *     server responded with TTL 0)
     */
    LeaseKeepAliveResponse keepAliveOnce(Context ctx, long leaseId) throws InterruptedException;

    /**
     * Keeps a lease alive until {@code ctx} ends, the lease ends, or the client closes, and
     * returns the subscription to its responses; see {@link KeepAlive} for back-pressure and for
     * how it ends. The first renewal is sent at once. This call does not block and never throws
     * for the lease's state: a subscription that cannot run is returned already ended, with the
     * reason.
     */
    KeepAlive keepAlive(Context ctx, long leaseId);
}
