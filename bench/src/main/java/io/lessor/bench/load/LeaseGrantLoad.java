package io.lessor.bench.load;

import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import java.util.Map;

/** The {@code lease-grant} workload: grants of leases with {@code --ttl}, left to expire. */
final class LeaseGrantLoad {

    private LeaseGrantLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LeaseGrantRequest grant = LeasePool.grantRequest(run.options().ttlSeconds());
        LoadRun.Measured measured = run.measure(run.options().clients(), client -> (sequence, outcome) ->
                run.connections().lease(client).leaseGrant(grant,
                        Unary.<LeaseGrantResponse>checking(outcome, LeasePool::checkGranted)));
        return Report.of(run, measured, Map.of());
    }
}
