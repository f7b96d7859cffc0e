package io.lessor.bench.load;

import com.google.protobuf.ByteString;
import io.lessor.api.Compare;
import io.lessor.api.PutRequest;
import io.lessor.api.RangeRequest;
import io.lessor.api.RequestOp;
import io.lessor.api.ResponseOp;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code txn} workload: compare-and-swap on one key, the way a client takes a lock or
 * updates a shared value. Each client remembers the key's last mod_revision it saw and sends
 *
 * <pre>
 * if mod_revision(key) == last seen: put(key, value)   else: range(key)
 * </pre>
 *
 * learning the new mod_revision from the response either way. With several clients most
 * transactions lose the race, as they would for a contended lock. The extras count both
 * outcomes, and both count as successful requests.
 */
final class TxnLoad {

    private TxnLoad() {
    }

    static Report run(LoadRun run) throws InterruptedException, LoadFailedException {
        LoadOptions options = run.options();
        ByteString key = run.keys().key(0);
        long firstRevision = Setup.put(run, PutRequest.newBuilder().setKey(key).setValue(run.value()).build())
                .getHeader().getRevision();
        LongAdder swapped = new LongAdder();
        LongAdder lost = new LongAdder();

        LoadRun.Measured measured = run.measure(options.clients(),
                client -> new Swapper(run, client, key, firstRevision, swapped, lost));

        Map<String, Object> extras = new LinkedHashMap<>();
        extras.put("txn succeeded", swapped.sum());
        extras.put("txn compare failed", lost.sum());
        return Report.of(run, measured, extras);
    }

    /** One client's compare-and-swap loop state. */
    private static final class Swapper implements ClosedLoop.Requester {

        private final LoadRun run;
        private final int client;
        private final ByteString key;
        private final LongAdder swapped;
        private final LongAdder lost;
        /** Written by the outcome of one request and read by the send of the next, maybe on another thread. */
        private volatile long lastRevision;

        Swapper(LoadRun run, int client, ByteString key, long firstRevision, LongAdder swapped, LongAdder lost) {
            this.run = run;
            this.client = client;
            this.key = key;
            this.lastRevision = firstRevision;
            this.swapped = swapped;
            this.lost = lost;
        }

        @Override
        public void send(long sequence, ClosedLoop.Outcome outcome) {
            TxnRequest txn = TxnRequest.newBuilder()
                    .addCompare(Compare.newBuilder()
                            .setKey(key)
                            .setTarget(Compare.CompareTarget.MOD)
                            .setResult(Compare.CompareResult.EQUAL)
                            .setModRevision(lastRevision))
                    .addSuccess(RequestOp.newBuilder().setRequestPut(
                            PutRequest.newBuilder().setKey(key).setValue(run.value())))
                    .addFailure(RequestOp.newBuilder().setRequestRange(RangeRequest.newBuilder().setKey(key)))
                    .build();
            run.connections().kv(client).txn(txn, Unary.<TxnResponse>checking(outcome, this::learn));
        }

        private void learn(TxnResponse response) {
            if (response.getSucceeded()) {
                lastRevision = response.getHeader().getRevision();
                swapped.increment();
                return;
            }
            ResponseOp read = response.getResponsesCount() == 1 ? response.getResponses(0) : null;
            if (read == null || !read.hasResponseRange() || read.getResponseRange().getKvsCount() != 1) {
                throw new UnexpectedResponseException("failed txn did not return the key's range: " + response);
            }
            lastRevision = read.getResponseRange().getKvs(0).getModRevision();
            lost.increment();
        }
    }
}
