package io.lessor.client;

/**
 * Options of a {@link KV#put}.
 *
 * @param leaseId the lease to attach the key to; 0 for none, which also detaches the key from
 *     a lease it had
 * @param prevKv whether the response returns the key's previous value
 */
public record PutOptions(long leaseId, boolean prevKv) {

    /** No lease, no previous value. */
    public static final PutOptions DEFAULT = new PutOptions(0, false);

    /** Returns options that attach the key to lease {@code leaseId}. */
    public static PutOptions withLease(long leaseId) {
        return new PutOptions(leaseId, false);
    }

    /** Returns a copy that returns the previous value. */
    public PutOptions withPrevKv() {
        return new PutOptions(leaseId, true);
    }
}
