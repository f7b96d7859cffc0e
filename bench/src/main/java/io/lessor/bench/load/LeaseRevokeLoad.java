package io.lessor.bench.load;

import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.LeaseRevokeResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code lease-revoke} workload: grants a pool of {@code --leases} leases, then times
 * revokes of them, each lease once. The stream ends when the pool is used up, even before
 * {@code --total} or {@code --duration}; leases left over are revoked untimed.
 */
final class LeaseRevokeLoad {

    private LeaseRevokeLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        long[] leases = LeasePool.grant(run, options.leases(), options.ttlSeconds());

        LoadRun.Measured measured = run.measure(options.clients(), leases.length, client -> (sequence, outcome) ->
                run.connections().lease(client).leaseRevoke(
                        LeaseRevokeRequest.newBuilder().setID(leases[(int) sequence]).build(),
                        Unary.<LeaseRevokeResponse>of(outcome)));

        long used = measured.result().sent();
        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("lease pool", leases.length);
        extras.put("pool used up", used >= leases.length);
        extras.put("leftover revokes failed", LeasePool.revoke(run, leases, (int) Math.min(used, leases.length)));
        return Report.of(run, measured, extras);
    }
}
