package io.lessor.compat.support;

import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Grants many leases with one key each, pipelined over the async stubs, so that thousands of
 * leases are granted close together and expire close together.
 */
public final class BulkLeases {

    /** Maximum requests in flight: enough to fill a group commit, few enough for the server's queues. */
    private static final int MAX_IN_FLIGHT = 1024;

    /** Puts per Txn: etcd's default limit on operations in one Txn (--max-txn-ops). */
    private static final int PUTS_PER_TXN = 128;

    private BulkLeases() {
    }

    /**
     * The result of {@link #grantWithKeys}.
     *
     * @param ids the lease ids, in key order: lease {@code ids[i]} has key {@code prefix + i}
     * @param firstGrantNanos {@link System#nanoTime()} when the first grant response arrived
     * @param lastGrantNanos {@link System#nanoTime()} when the last grant response arrived
     * @param keysDoneNanos {@link System#nanoTime()} when the last put response arrived
     */
    public record Granted(long[] ids, long firstGrantNanos, long lastGrantNanos, long keysDoneNanos) {

        /** Returns how long after the first grant response the last key was in place. */
        public Duration setupTime() {
            return Duration.ofNanos(keysDoneNanos - firstGrantNanos);
        }

        /** Returns the time between the first and the last grant response. */
        public Duration grantSpread() {
            return Duration.ofNanos(lastGrantNanos - firstGrantNanos);
        }
    }

    /**
     * Grants {@code count} leases of {@code ttlSeconds}, then puts key {@code prefix + i} with
     * lease {@code i}, 128 puts to a Txn.
     *
     * @throws AssertionError if any request fails, or the grants or the puts take longer than
     *     {@code timeout}
     */
    public static Granted grantWithKeys(Target target, int count, long ttlSeconds, String prefix, Duration timeout)
            throws InterruptedException {
        AtomicLongArray ids = new AtomicLongArray(count);
        AtomicLongArray grantedAt = new AtomicLongArray(count);

        // All grants go first, so the server grants them as close together as it can. The keys
        // follow once every lease exists.
        runPipelined(count, timeout, "granting " + count + " leases", index -> {
            CompletableFuture<LeaseGrantResponse> grant = new CompletableFuture<>();
            target.leaseAsync().leaseGrant(Requests.grant(ttlSeconds), observer(grant));
            return grant.thenAccept(response -> {
                ids.set(index, response.getID());
                grantedAt.set(index, System.nanoTime());
            });
        });
        int batches = (count + PUTS_PER_TXN - 1) / PUTS_PER_TXN;
        runPipelined(batches, timeout, "putting " + count + " keys with leases", batch -> {
            TxnRequest.Builder txn = TxnRequest.newBuilder();
            for (int index = batch * PUTS_PER_TXN; index < Math.min(count, (batch + 1) * PUTS_PER_TXN); index++) {
                txn.addSuccess(RequestOp.newBuilder().setRequestPut(Requests.put(prefix + index, "v", ids.get(index))));
            }
            CompletableFuture<TxnResponse> put = new CompletableFuture<>();
            target.kvAsync().txn(txn.build(), observer(put));
            return put;
        });
        long keysDone = System.nanoTime();

        long[] result = new long[count];
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            result[i] = ids.get(i);
            first = Math.min(first, grantedAt.get(i));
            last = Math.max(last, grantedAt.get(i));
        }
        return new Granted(result, first, last, keysDone);
    }

    /**
     * Grants {@code count} leases of a minute and revokes them again, through the same pipeline
     * as {@link #grantWithKeys}. The test runs client and server in one JVM, whose first
     * thousands of calls run interpreted; a timed phase after this measures the server rather
     * than the JIT compiler.
     */
    public static void warmUp(Target target, int count) throws InterruptedException {
        AtomicLongArray ids = new AtomicLongArray(count);
        Duration timeout = Duration.ofSeconds(60);
        runPipelined(count, timeout, "granting " + count + " warm-up leases", index -> {
            CompletableFuture<LeaseGrantResponse> grant = new CompletableFuture<>();
            target.leaseAsync().leaseGrant(Requests.grant(60), observer(grant));
            return grant.thenAccept(response -> ids.set(index, response.getID()));
        });
        runPipelined(count, timeout, "revoking " + count + " warm-up leases", index -> {
            CompletableFuture<LeaseRevokeResponse> revoke = new CompletableFuture<>();
            target.leaseAsync().leaseRevoke(Requests.revoke(ids.get(index)), observer(revoke));
            return revoke;
        });
    }

    /** Starts {@code count} calls with at most {@link #MAX_IN_FLIGHT} outstanding, and waits for all. */
    private static void runPipelined(int count, Duration timeout, String description,
            IntFunction<CompletableFuture<?>> call) throws InterruptedException {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        CompletableFuture<?>[] done = new CompletableFuture<?>[count];
        for (int i = 0; i < count; i++) {
            inFlight.acquire();
            done[i] = call.apply(i).whenComplete((response, error) -> inFlight.release());
        }
        try {
            CompletableFuture.allOf(done).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(description + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(description + " timed out after " + timeout, e);
        }
    }

    /** Returns an observer that completes {@code future} with the single response of a unary call. */
    static <T> StreamObserver<T> observer(CompletableFuture<T> future) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                future.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                future.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                future.completeExceptionally(new IllegalStateException("the call completed without a response"));
            }
        };
    }
}
