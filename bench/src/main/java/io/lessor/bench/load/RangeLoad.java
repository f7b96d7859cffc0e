package io.lessor.bench.load;

import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import java.util.Map;

/**
 * The {@code range} workload: reads of one key, written once before the measured stream,
 * linearizable by default and serializable with {@code --consistency s}. A response without the
 * key counts as a failed request.
 */
final class RangeLoad {

    private RangeLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        Setup.put(run, PutRequest.newBuilder().setKey(run.keys().key(0)).setValue(run.value()).build());
        RangeRequest read = RangeRequest.newBuilder()
                .setKey(run.keys().key(0))
                .setSerializable(options.serializable())
                .build();

        LoadRun.Measured measured = run.measure(options.clients(), client -> (sequence, outcome) ->
                run.connections().kv(client).range(read, Unary.<RangeResponse>checking(outcome, response -> {
                    if (response.getKvsCount() != 1) {
                        throw new UnexpectedResponseException("range of the run's key returned "
                                + response.getKvsCount() + " keys instead of 1");
                    }
                })));
        return Report.of(run, measured, Map.of());
    }
}
