package io.lessor.bench.load;

import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code scale} workload: grants {@code --leases} leases with {@code --ttl} as fast as
 * {@code --clients} clients can, and leaves them in place, so that the server's memory per
 * lease can be measured after the run; bench/vs-etcd.sh does that. The throughput is the grant
 * rate.
 */
final class ScaleLoad {

    private ScaleLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        LeaseGrantRequest grant = LeasePool.grantRequest(options.ttlSeconds());
        run.say(String.format("granting %,d leases with a TTL of %d s", options.leases(), options.ttlSeconds()));

        LoadRun.Measured measured = run.measure(Math.min(options.clients(), options.leases()), options.leases(),
                client -> (sequence, outcome) -> run.connections().lease(client).leaseGrant(grant,
                        Unary.<LeaseGrantResponse>checking(outcome, LeasePool::checkGranted)));

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("leases granted", measured.result().succeeded());
        return Report.of(run, measured, extras);
    }
}
