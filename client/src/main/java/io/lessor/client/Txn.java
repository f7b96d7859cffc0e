package io.lessor.client;

import io.lessor.api.Compare;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A transaction for {@link KV#txn(io.lessor.context.Context, Txn)}: if every compare holds, the
 * {@link #then} operations run, else the {@link #orElse} ones, all in one revision. Immutable;
 * each method returns a new transaction, so one can be kept and reused, or nested with
 * {@link Ops#txn}.
 *
 * <pre>{@code
 * Txn createIfAbsent = Txn.when(Compares.createRevision(key).equal(0))
 *         .then(Ops.put(key, value, PutOptions.withLease(leaseId)))
 *         .orElse(Ops.get(key));
 * TxnResponse response = client.kv().txn(ctx, createIfAbsent);
 * if (!response.getSucceeded()) {
 *     KeyValue holder = response.getResponses(0).getResponseRange().getKvs(0);
 * }
 * }</pre>
 *
 * @see Compares
 * @see Ops
 */
public final class Txn {

    private final List<Compare> compares;
    private final List<RequestOp> success;
    private final List<RequestOp> failure;

    private Txn(List<Compare> compares, List<RequestOp> success, List<RequestOp> failure) {
        this.compares = List.copyOf(compares);
        this.success = List.copyOf(success);
        this.failure = List.copyOf(failure);
    }

    /**
     * Returns a transaction with these compares and no operations yet; with no compares, the
     * {@link #then} branch always runs.
     */
    public static Txn when(Compare... compares) {
        return new Txn(List.of(compares), List.of(), List.of());
    }

    /** Returns a copy with {@code more} added to the compares, all of which must hold. */
    public Txn and(Compare... more) {
        return new Txn(concat(compares, List.of(more)), success, failure);
    }

    /** Returns a copy with {@code ops} added to the branch that runs when every compare holds. */
    public Txn then(RequestOp... ops) {
        return new Txn(compares, concat(success, List.of(ops)), failure);
    }

    /** Returns a copy with {@code ops} added to the branch that runs when a compare fails. */
    public Txn orElse(RequestOp... ops) {
        return new Txn(compares, success, concat(failure, List.of(ops)));
    }

    /** Returns the compares, in order. */
    public List<Compare> compares() {
        return compares;
    }

    /** Returns the operations that run when every compare holds. */
    public List<RequestOp> success() {
        return success;
    }

    /** Returns the operations that run when a compare fails. */
    public List<RequestOp> failure() {
        return failure;
    }

    /** Returns etcd's request message for this transaction. */
    public TxnRequest toRequest() {
        return TxnRequest.newBuilder()
                .addAllCompare(compares)
                .addAllSuccess(success)
                .addAllFailure(failure)
                .build();
    }

    private static <T> List<T> concat(List<T> first, List<T> second) {
        List<T> all = new ArrayList<>(first.size() + second.size());
        all.addAll(first);
        for (T item : second) {
            all.add(Objects.requireNonNull(item, "a compare or operation is null"));
        }
        return all;
    }

    @Override
    public String toString() {
        return "Txn[" + compares.size() + " compares, " + success.size() + " then, " + failure.size() + " else]";
    }
}
