package io.lessor.server.alarm;

import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.PutRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import java.util.function.LongSupplier;

/**
 * The storage space quota of {@code --quota-backend-bytes}, with etcd 3.4's estimate of what each
 * request adds to the storage (its "cost"). A write whose cost would take the storage to the
 * quota or past it is rejected with NOSPACE, and the NOSPACE alarm is raised.
 *
 * <p>The storage size is {@link io.lessor.server.storage.Storage#sizeBytes()}, the value that
 * Maintenance.Status reports as {@code dbSize}: RocksDB's table files plus its memtables. It
 * plays the part of the size of etcd's bbolt file.
 *
 * <p>Thread-safety: immutable.
 */
public final class BackendQuota {

    /** The quota when none is configured (a configured 0), 2 GiB as in etcd. */
    public static final long DEFAULT_BYTES = 2L * 1024 * 1024 * 1024;
    /** The largest quota etcd recommends, 8 GiB. A larger one is used as it is, with a warning. */
    public static final long MAX_RECOMMENDED_BYTES = 8L * 1024 * 1024 * 1024;

    /** etcd's estimate of the space a key's metadata takes, added to its key and value. */
    static final int KV_OVERHEAD = 256;
    /** etcd's estimate of the space a lease takes. */
    static final int LEASE_OVERHEAD = 64;

    private final long limitBytes;

    private BackendQuota(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /**
     * Returns the quota for a {@code --quota-backend-bytes} value: 0 means {@link #DEFAULT_BYTES},
     * and a negative value turns the quota off, as in etcd.
     */
    public static BackendQuota of(long configuredBytes) {
        return new BackendQuota(configuredBytes == 0 ? DEFAULT_BYTES : configuredBytes);
    }

    /** Returns the quota in bytes, or a negative value if the quota is off. */
    public long limitBytes() {
        return limitBytes;
    }

    /**
     * Returns whether a request of {@code cost} fits the quota, reading the storage size only
     * when it matters. A request that costs nothing (a read, a delete) always fits, as in etcd
     * 3.4.23.
     */
    public boolean fits(LongSupplier sizeBytes, long cost) {
        if (cost == 0 || limitBytes < 0) {
            return true;
        }
        return sizeBytes.getAsLong() + cost < limitBytes;
    }

    /** Returns the cost of a Put: its key, its value and {@link #KV_OVERHEAD}. */
    public static long cost(PutRequest request) {
        return KV_OVERHEAD + request.getKey().size() + request.getValue().size();
    }

    /**
     * Returns the cost of a Txn: that of the puts of its success branch or of its failure
     * branch, whichever is larger.
     */
    public static long cost(TxnRequest request) {
        // As in etcd 3.4, only the branches' own puts count, so a txn whose puts are all inside
        // nested txns costs nothing: it passes the quota and NOSPACE's capped mode.
        return Math.max(branchCost(request.getSuccessList()), branchCost(request.getFailureList()));
    }

    /** Returns the cost of a LeaseGrant, {@link #LEASE_OVERHEAD}. */
    public static long cost(LeaseGrantRequest request) {
        return LEASE_OVERHEAD;
    }

    private static long branchCost(Iterable<RequestOp> ops) {
        long cost = 0;
        for (RequestOp op : ops) {
            if (op.hasRequestPut()) {
                cost += cost(op.getRequestPut());
            }
        }
        return cost;
    }

    @Override
    public String toString() {
        return limitBytes < 0 ? "BackendQuota[off]" : "BackendQuota[" + limitBytes + " bytes]";
    }
}
