package io.lessor.bench.load;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code lease-keepalive} workload: {@code --leases} leases, granted first, each renewed in
 * a closed loop over {@code --streams} shared KeepAlive streams, so each lease has one
 * keep-alive in flight at a time and sends the next as soon as its response arrives. A request
 * is one keep-alive; its latency runs from sending it on the stream to the response for that
 * lease. The pool is revoked afterwards.
 */
final class LeaseKeepAliveLoad {

    private LeaseKeepAliveLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        long[] leases = LeasePool.grant(run, options.leases(), options.ttlSeconds());

        LoadRun.Measured measured;
        try (KeepAliveStreams streams = KeepAliveStreams.open(run.connections(), options.streams())) {
            run.say(String.format("renewing %,d leases over %d streams", leases.length, options.streams()));
            measured = run.measure(leases.length, lease -> (sequence, outcome) -> streams.renew(leases[lease], outcome));
        }

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("renewals per lease", (double) measured.result().succeeded() / leases.length);
        extras.put("lease pool revokes failed", LeasePool.revoke(run, leases, 0));
        return Report.of(run, measured, extras);
    }
}
