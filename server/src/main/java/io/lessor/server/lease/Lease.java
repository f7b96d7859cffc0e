package io.lessor.server.lease;

import com.google.protobuf.ByteString;
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

    private final long id;
    private final long ttlSeconds;
    private final Set<ByteString> keys = ConcurrentHashMap.newKeySet();
    private final CompletableFuture<Void> revoked = new CompletableFuture<>();

    // @GuardedBy("Lessor.lock") for writes; volatile so that TimeToLive and Leases read it unlocked.
    volatile long expiryNanos;
    // @GuardedBy("Lessor.lock"): a revoke of this lease is proposed and not finished.
    boolean revoking;
    // @GuardedBy("Lessor.lock"): the lease left the table; its revoke is applied or being applied.
    boolean removed;

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
        return new ArrayList<>(keys);
    }

    /** Returns whether any key is attached. */
    public boolean hasKeys() {
        return !keys.isEmpty();
    }

    /**
     * Returns a future that completes once the revoke of this lease is applied and visible, or
     * fails with the engine's stop.
     */
    public CompletableFuture<Void> revoked() {
        return revoked;
    }

    void attach(ByteString key) {
        keys.add(key);
    }

    void detach(ByteString key) {
        keys.remove(key);
    }

    @Override
    public String toString() {
        return String.format("Lease[%016x, ttl %d s]", id, ttlSeconds);
    }
}
