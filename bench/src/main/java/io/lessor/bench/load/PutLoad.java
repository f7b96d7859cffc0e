package io.lessor.bench.load;

import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code put} workload: request number {@code i} puts key {@code i mod --key-space} with the
 * run's value, and with {@code --lease} attaches lease {@code i mod --leases} of a pool granted
 * before the measured stream and revoked after it.
 */
final class PutLoad {

    private PutLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        long[] leases = options.lease() ? LeasePool.grant(run, options.leases(), options.ttlSeconds()) : new long[0];

        LoadRun.Measured measured = run.measure(options.clients(), client -> (sequence, outcome) -> {
            PutRequest.Builder put = PutRequest.newBuilder()
                    .setKey(run.keys().key(sequence % options.keySpace()))
                    .setValue(run.value());
            if (leases.length > 0) {
                put.setLease(leases[(int) (sequence % leases.length)]);
            }
            run.connections().kv(client).put(put.build(), Unary.<PutResponse>of(outcome));
        });

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("distinct keys written", Math.min(measured.result().sent(), options.keySpace()));
        if (leases.length > 0) {
            long failedRevokes = LeasePool.revoke(run, leases, 0);
            extras.put("lease pool revokes failed", failedRevokes);
        }
        return Report.of(run, measured, extras);
    }
}
