package io.lessor.server.lease;

import com.google.protobuf.ByteString;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A granted lease: its id, its granted TTL, when it expires on the lessor's monotonic clock,
 * and the keys attached to it.
 *
 * <p>Thread-safety: the keys are changed by the writer thread and may be read from any thread;
 * expiry and state are changed under the {@link Lessor}'s lock.
 */
public final class Lease {

    /*
     * Memory: a server may hold millions of leases, most of them without keys and without anyone
     * waiting for their revoke, so the key set and the revoke future are made only when first
     * needed. That saves about 110 bytes a lease: an empty concurrent set costs about 90, a future
     * about 25.
     */

    private static final VarHandle REVOKED;

    static {
        try {
            REVOKED = MethodHandles.lookup().findVarHandle(Lease.class, "revoked", CompletableFuture.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final long ttlSeconds;
    // Written by the writer thread only; null while no key is attached.
    private volatile Set<ByteString> keys;
    // Made by the first caller of revoked(), through REVOKED; null until then.
    private volatile CompletableFuture<Void> revoked;

    // @GuardedBy("Lessor.lock") for writes; volatile so that TimeToLive and Leases read it unlocked.
    volatile long expiryNanos;
    // @GuardedBy("Lessor.lock"): a revoke of this lease is proposed and not finished.
    boolean revoking;
    // @GuardedBy("Lessor.lock"): the lease's index in the lessor's ExpiryHeap, or -1 while it
    // is not there (restored and not promoted yet, revoke proposed, or revoked).
    int expiryIndex = -1;
    // @GuardedBy("Lessor.lock"): the expiry the lease had when it entered the heap, which orders
    // it there. A renew moves expiryNanos later without moving the lease in the heap.
    long scheduledExpiryNanos;
    // @GuardedBy("Lessor.lock") for writes: its revoke is applied or being applied. Volatile, since
    // Lessor.lookup reads it unlocked.
    volatile boolean removed;

    Lease(long id, long ttlSeconds, long expiryNanos) {
        this.id = id;
        this.ttlSeconds = ttlSeconds;
        this.expiryNanos = expiryNanos;
    }

    /** Returns the lease id. */
    public long id() {
        return id;
    }

    /** Returns the granted TTL in seconds, after the minimum was applied. */
    public long ttlSeconds() {
        return ttlSeconds;
    }

    /** Returns a copy of the attached keys, in no particular order. */
    public List<ByteString> keys() {
        Set<ByteString> attached = keys;
        return attached == null ? new ArrayList<>() : new ArrayList<>(attached);
    }

    /** Returns whether any key is attached. */
    public boolean hasKeys() {
        Set<ByteString> attached = keys;
        return attached != null && !attached.isEmpty();
    }

    /**
     * Returns a future that completes once the revoke of this lease is applied and visible, or
     * fails with the engine's stop.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<Void> revoked() {
        CompletableFuture<Void> existing = revoked;
        if (existing != null) {
            return existing;
        }
        CompletableFuture<Void> created = new CompletableFuture<>();
        var witness = (CompletableFuture<Void>) REVOKED.compareAndExchange(this, null, created);
        return witness == null ? created : witness;
    }

    /** Writer thread only. */
    void attach(ByteString key) {
        Set<ByteString> attached = keys;
        if (attached == null) {
            attached = ConcurrentHashMap.newKeySet(2);
            keys = attached;
        }
        attached.add(key);
    }

    /** Writer thread only. */
    void detach(ByteString key) {
        Set<ByteString> attached = keys;
        if (attached == null) {
            return;
        }
        attached.remove(key);
        if (attached.isEmpty()) {
            // A reader with a reference to the old set finds it empty, which is also true now.
            keys = null;
        }
    }

    @Override
    public String toString() {
        return String.format("Lease[%016x, ttl %d s]", id, ttlSeconds);
    }
}
