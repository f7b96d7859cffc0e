package io.lessor.client;

/**
 * Options of a {@link KV#put}.
 *
 * @param leaseId the lease to attach the key to; 0 for none, which also detaches the key from
 *     a lease it had
 * @param prevKv whether the response returns the key's previous value
 * @param ignoreValue whether to keep the key's current value and change only its lease; the
 *     value given must be empty, and the key must exist
 * @param ignoreLease whether to keep the key's current lease and change only its value;
 *     {@code leaseId} must be 0, and the key must exist
 */
public record PutOptions(long leaseId, boolean prevKv, boolean ignoreValue, boolean ignoreLease) {

    /** No lease, no previous value. */
    public static final PutOptions DEFAULT = new PutOptions(0, false, false, false);

    /** Returns options that attach the key to lease {@code leaseId}. */
    public static PutOptions withLease(long leaseId) {
        return new PutOptions(leaseId, false, false, false);
    }

    /** Returns a copy that returns the previous value. */
    public PutOptions withPrevKv() {
        return new PutOptions(leaseId, true, ignoreValue, ignoreLease);
    }

    /**
     * Returns a copy that keeps the key's value; etcd rejects a non-empty value with
     * {@code "etcdserver: value is provided"} and a missing key with {@code "etcdserver: key not found"}.
     */
    public PutOptions withIgnoreValue() {
        return new PutOptions(leaseId, prevKv, true, ignoreLease);
    }

    /**
     * Returns a copy that keeps the key's lease; etcd rejects a lease id other than 0 with
     * {@code "etcdserver: lease is provided"} and a missing key with {@code "etcdserver: key not found"}.
     */
    public PutOptions withIgnoreLease() {
        return new PutOptions(leaseId, prevKv, ignoreValue, true);
    }
}
