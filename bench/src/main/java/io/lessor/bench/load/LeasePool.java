package io.lessor.bench.load;

import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseRevokeRequest;
import java.util.concurrent.atomic.AtomicLongArray;

/** Grants and revokes the lease pools that some workloads set up before they measure. */
final class LeasePool {

    private LeasePool() {
    }

    /**
     * Grants {@code count} leases with {@code ttlSeconds} from {@code --clients} clients and
     * returns their ids, in the order of the grant requests.
     *
     * @throws LoadFailedException if any grant fails
     */
    static long[] grant(LoadRun run, int count, long ttlSeconds) throws InterruptedException, LoadFailedException {
        AtomicLongArray ids = new AtomicLongArray(count);
        grantInto(run, ids, ttlSeconds);
        long[] granted = new long[count];
        for (int i = 0; i < count; i++) {
            granted[i] = ids.get(i);
        }
        return granted;
    }

    /**
     * Grants one lease for each slot of {@code ids}, writing each id as its grant returns, so
     * that another thread may read the leases granted so far.
     *
     * @throws LoadFailedException if any grant fails
     */
    static void grantInto(LoadRun run, AtomicLongArray ids, long ttlSeconds)
            throws InterruptedException, LoadFailedException {
        int count = ids.length();
        int clients = Math.min(run.options().clients(), count);
        run.say(String.format("granting %,d leases with a TTL of %d s", count, ttlSeconds));
        LatencyRecorder recorder = new LatencyRecorder();
        ClosedLoop.Result result = run.stream("granting leases", clients, client -> (sequence, outcome) ->
                        run.connections().lease(client).leaseGrant(grantRequest(ttlSeconds),
                                Unary.<LeaseGrantResponse>checking(outcome, response -> {
                                    checkGranted(response);
                                    ids.set((int) sequence, response.getID());
                                })),
                new RunLimit.Total(count), recorder).await();
        run.progress().hide();
        if (result.failed() > 0 || result.abandoned() > 0) {
            throw new LoadFailedException(String.format("%,d of %,d lease grants failed (%s)%s", result.failed(),
                    count, recorder.firstErrors(),
                    result.abandoned() > 0 ? " and " + result.abandoned() + " got no response" : ""));
        }
    }

    /**
     * Revokes {@code ids[from..]} from {@code --clients} clients, untimed, and returns how many
     * revokes failed; a lease that has already expired counts as failed.
     */
    static long revoke(LoadRun run, long[] ids, int from) throws InterruptedException {
        int count = ids.length - from;
        if (count <= 0) {
            return 0;
        }
        run.say(String.format("revoking %,d leases", count));
        ClosedLoop.Result result = run.stream("revoking leases", Math.min(run.options().clients(), count),
                client -> (sequence, outcome) -> run.connections().lease(client).leaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(ids[from + (int) sequence]).build(), Unary.of(outcome)),
                new RunLimit.Total(count), new LatencyRecorder()).await();
        run.progress().hide();
        return result.failed() + result.abandoned();
    }

    static LeaseGrantRequest grantRequest(long ttlSeconds) {
        return LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).build();
    }

    /** Rejects a grant response that carries an error text or no lease id. */
    static void checkGranted(LeaseGrantResponse response) {
        if (!response.getError().isEmpty() || response.getID() == 0) {
            throw new UnexpectedResponseException("lease grant returned id " + response.getID() + " and error '"
                    + response.getError() + "'");
        }
    }
}
