package io.lessor.server.lease;

import com.google.protobuf.ByteString;
import io.lessor.context.Clock;
import io.lessor.server.EtcdError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lease table: granted leases, their expiry on a monotonic clock, and their keys.
 *
 * <p>Who calls what: the applier, on the writer thread, is the only caller of {@link #grant},
 * {@link #remove}, {@link #attach} and {@link #detach}; clients renew and read from any thread;
 * the expiry loop calls {@link #takeExpired} and, when a revoke fails, {@link #revokeFailed};
 * the engine calls {@link #restore} for each stored lease at start and {@link #promote} once,
 * when the server begins serving.
 *
 * <p>Thread-safety: all methods may be called from any thread. Expiry changes take one lock,
 * held for O(log n) in the number of leases; reads of the table take none.
 */
public final class Lessor {

    /*
     * Implementation notes. Expiry is a min-heap of leases (ExpiryHeap), each ordered by the
     * expiry it had when it entered. A renew only moves the lease's expiry later. When the lease
     * reaches the top, a check finds the later expiry and moves it down to there. So a renew costs
     * O(1), a check costs O(log n) per lease it takes or moves, never a scan of all leases, and
     * the heap holds each lease at most once. A revoke removes its lease from the heap at once,
     * so a revoked lease leaves no memory behind.
     *
     * Expiry times are compared as differences of nanoTime values, which stays correct across
     * the wrap-around of the clock as long as expiries lie within 2^63 ns (292 years) of now.
     */

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Clock clock;
    private final long minTtlSeconds;
    private final long maxTtlSeconds;
    private final ConcurrentHashMap<Long, Lease> leases = new ConcurrentHashMap<>();

    private final ReentrantLock lock = new ReentrantLock();
    // @GuardedBy("lock")
    private final ExpiryHeap expiries = new ExpiryHeap();

    /**
     * Creates an empty table.
     *
     * @param minTtlSeconds grants below this TTL are raised to it
     * @param maxTtlSeconds grants above this TTL fail
     */
    public Lessor(Clock clock, long minTtlSeconds, long maxTtlSeconds) {
        this.clock = clock;
        this.minTtlSeconds = minTtlSeconds;
        this.maxTtlSeconds = maxTtlSeconds;
    }

    /** The outcome of a renew. */
    public sealed interface RenewResult {
        /** The lease was renewed for its granted TTL. */
        record Renewed(long ttlSeconds) implements RenewResult {
        }

        /** No lease has this id. */
        record NotFound() implements RenewResult {
        }

        /** The lease has expired and its revoke is pending; {@link Lease#revoked()} completes when it is done. */
        record Expired(Lease lease) implements RenewResult {
        }
    }

    /** The remaining and granted TTL of a lease, and its keys, as TimeToLive reports them. */
    public record TimeToLive(long remainingSeconds, long grantedTtlSeconds, List<ByteString> keys) {
    }

    // ---- applier ------------------------------------------------------------------------------

    /**
     * Grants a lease that expires one TTL from now. Writer thread only.
     *
     * @param ttlSeconds the requested TTL; below the minimum it is raised to the minimum
     * @throws io.lessor.server.EtcdException {@code LEASE_TTL_TOO_LARGE} above the maximum,
     *     {@code LEASE_EXISTS} if the id is in use
     */
    public Lease grant(long id, long ttlSeconds) {
        if (ttlSeconds > maxTtlSeconds) {
            throw EtcdError.LEASE_TTL_TOO_LARGE.exception();
        }
        Lease existing = leases.get(id);
        if (existing != null && !existing.removed) {
            throw EtcdError.LEASE_EXISTS.exception();
        }
        return insert(id, Math.max(ttlSeconds, minTtlSeconds));
    }

    /**
     * Extra time every lease gets on top of its TTL when the lessor is promoted. etcd's lessor
     * gives leases its election timeout (1 s by default) when its member becomes leader, restart
     * included, so TimeToLive right after a restart reads the full TTL rather than one second less.
     */
    public static final Duration PROMOTE_EXTENSION = Duration.ofSeconds(1);

    /**
     * How far ahead a restored lease's expiry lies until {@link #promote}: about 146 years, so it
     * never expires before, and differences with any nanoTime value still fit in a long.
     */
    private static final long UNPROMOTED_EXPIRY_NANOS = Long.MAX_VALUE / 2;

    /**
     * Puts back a lease loaded from storage. It does not expire until {@link #promote} gives it
     * its TTL, as a restored lease in etcd waits for its member to become leader. The minimum TTL
     * applies again.
     */
    public Lease restore(long id, long ttlSeconds) {
        lock.lock();
        try {
            // Not in the expiry heap: promote() adds it with its real expiry.
            Lease lease = new Lease(id, Math.max(ttlSeconds, minTtlSeconds), clock.nanoTime() + UNPROMOTED_EXPIRY_NANOS);
            leases.put(id, lease);
            return lease;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts expiry: every lease in the table expires its TTL plus {@code extension} from now, as
     * etcd's lessor does on Promote. The server calls this once, when it begins serving, so the
     * time spent opening storage does not count against restored leases.
     */
    public void promote(Duration extension) {
        long extensionNanos = extension.toNanos();
        lock.lock();
        try {
            long now = clock.nanoTime();
            // Every lease is scheduled anew at its real expiry.
            expiries.clear();
            for (Lease lease : leases.values()) {
                if (lease.removed || lease.revoking) {
                    continue;
                }
                lease.expiryNanos = now + lease.ttlSeconds() * NANOS_PER_SECOND + extensionNanos;
                schedule(lease);
            }
        } finally {
            lock.unlock();
        }
    }

    private Lease insert(long id, long ttlSeconds) {
        lock.lock();
        try {
            Lease lease = new Lease(id, ttlSeconds, clock.nanoTime() + ttlSeconds * NANOS_PER_SECOND);
            leases.put(id, lease);
            schedule(lease);
            return lease;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the lease with {@code id}, or {@code null} if there is none or its revoke is being applied. */
    public Lease lookup(long id) {
        Lease lease = leases.get(id);
        return lease == null || lease.removed ? null : lease;
    }

    /**
     * Marks a lease as revoked for the commands applied after this one: {@link #lookup} no longer
     * finds it, and renews of it wait for {@link Lease#revoked()}. Leases and TimeToLive still
     * list it until {@link #forget}, so that it does not leave them before its keys leave reads.
     * Writer thread only.
     *
     * @return the lease, or {@code null} if there is none with {@code id}
     */
    public Lease remove(long id) {
        lock.lock();
        try {
            Lease lease = lookup(id);
            if (lease != null) {
                lease.removed = true;
                expiries.remove(lease);
            }
            return lease;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes a lease that {@link #remove} marked out of the table. The applier calls it once the
     * revoke's deletes are visible to reads, as etcd drops a lease and its keys in one apply.
     * Writer thread only.
     */
    public void forget(Lease lease) {
        lock.lock();
        try {
            // A grant in the same group may have reused the id, and that lease stays.
            leases.remove(lease.id(), lease);
        } finally {
            lock.unlock();
        }
    }

    /** Attaches {@code key} to a lease, if it exists. Writer thread only. */
    public void attach(long leaseId, ByteString key) {
        Lease lease = lookup(leaseId);
        if (lease != null) {
            lease.attach(key);
        }
    }

    /** Detaches {@code key} from a lease, if it exists. Writer thread only. */
    public void detach(long leaseId, ByteString key) {
        Lease lease = leases.get(leaseId);
        if (lease != null) {
            lease.detach(key);
        }
    }

    // ---- clients ------------------------------------------------------------------------------

    /** Renews a lease: it expires one granted TTL from now, unless it has expired already. */
    public RenewResult renew(long id) {
        lock.lock();
        try {
            Lease lease = leases.get(id);
            if (lease == null) {
                return new RenewResult.NotFound();
            }
            long now = clock.nanoTime();
            if (lease.removed || lease.revoking || lease.expiryNanos - now <= 0) {
                return new RenewResult.Expired(lease);
            }
            // The lease keeps its place in the expiry heap. When it comes up, takeExpired finds
            // the later expiry and moves it there, so a renew costs no heap operation.
            lease.expiryNanos = now + lease.ttlSeconds() * NANOS_PER_SECOND;
            return new RenewResult.Renewed(lease.ttlSeconds());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns what TimeToLive reports, or {@code null} if no lease has {@code id}. The remaining
     * time is truncated toward zero, so it reads TTL-1 right after a grant and goes negative
     * while an expired lease waits for its revoke.
     */
    public TimeToLive timeToLive(long id, boolean withKeys) {
        Lease lease = leases.get(id);
        if (lease == null) {
            return null;
        }
        long remainingSeconds = (lease.expiryNanos - clock.nanoTime()) / NANOS_PER_SECOND;
        return new TimeToLive(remainingSeconds, lease.ttlSeconds(), withKeys ? lease.keys() : List.of());
    }

    /** Returns the ids of all leases, including expired ones not yet revoked, soonest expiry first. */
    public List<Long> idsByExpiry() {
        List<Lease> all = new ArrayList<>(leases.values());
        long now = clock.nanoTime();
        all.sort((a, b) -> Long.compare(a.expiryNanos - now, b.expiryNanos - now));
        List<Long> ids = new ArrayList<>(all.size());
        for (Lease lease : all) {
            ids.add(lease.id());
        }
        return ids;
    }

    /** Returns every lease in the table, in no particular order. */
    public Collection<Lease> all() {
        return leases.values();
    }

    /** Returns how many leases the table holds. */
    public int size() {
        return leases.size();
    }

    // ---- expiry loop --------------------------------------------------------------------------

    /**
     * Takes up to {@code max} leases that have expired and marks them as being revoked, so
     * neither a later check nor a renew takes them again; the caller proposes their revokes.
     *
     * @return the ids, soonest expiry first
     */
    public List<Long> takeExpired(int max) {
        List<Long> expired = new ArrayList<>();
        lock.lock();
        try {
            long now = clock.nanoTime();
            Lease lease;
            while (expired.size() < max && (lease = expiries.peek()) != null
                    && lease.scheduledExpiryNanos - now <= 0) {
                if (lease.expiryNanos - now > 0) {
                    // Renewed since it entered the heap.
                    schedule(lease);
                    continue;
                }
                expiries.remove(lease);
                lease.revoking = true;
                expired.add(lease.id());
            }
        } finally {
            lock.unlock();
        }
        return expired;
    }

    /** Puts a lease whose revoke failed back in line, so the next check proposes it again. */
    public void revokeFailed(long id) {
        lock.lock();
        try {
            Lease lease = leases.get(id);
            if (lease != null && lease.revoking && !lease.removed) {
                lease.revoking = false;
                schedule(lease);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Returns how many leases the expiry heap contains. */
    int expiryEntries() {
        lock.lock();
        try {
            return expiries.size();
        } finally {
            lock.unlock();
        }
    }

    /** Puts the lease in the expiry heap at its current expiry, or moves it there. */
    private void schedule(Lease lease) {
        assert lock.isHeldByCurrentThread();
        expiries.schedule(lease, lease.expiryNanos);
    }
}
