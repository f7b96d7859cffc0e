package io.lessor.bench.load;

import io.grpc.StatusRuntimeException;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import java.util.concurrent.TimeUnit;

/** Single blocking requests that prepare or check a run, outside its measured stream. */
final class Setup {

    /** How long one setup request may take. */
    static final long TIMEOUT_SECONDS = 30;

    private Setup() {
    }

    /**
     * Puts one key and returns the response.
     *
     * @throws LoadFailedException if the put fails
     */
    static PutResponse put(LoadRun run, PutRequest request) throws LoadFailedException {
        try {
            return blockingKv(run).put(request);
        } catch (StatusRuntimeException e) {
            throw new LoadFailedException("the setup put of " + request.getKey().toStringUtf8() + " failed: "
                    + LoadFailedException.describe(e), e);
        }
    }

    /**
     * Returns the number of keys under {@code keys}' prefix, with a count-only range.
     *
     * @throws StatusRuntimeException if the range fails
     */
    static long count(LoadRun run, RunKeys keys) {
        return blockingKv(run).range(RangeRequest.newBuilder()
                .setKey(keys.prefix())
                .setRangeEnd(keys.rangeEnd())
                .setCountOnly(true)
                .build()).getCount();
    }

    private static KVGrpc.KVBlockingStub blockingKv(LoadRun run) {
        return KVGrpc.newBlockingStub(run.connections().channel(0)).withDeadlineAfter(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }
}
