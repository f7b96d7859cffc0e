package io.lessor.bench.keepalive;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * jetcd's client, each lease kept alive with {@code getLeaseClient().keepAlive(id, observer)}
 * and an observer that counts. jetcd calls the observer on its own threads.
 */
final class JetcdClientUnderTest implements ClientUnderTest {

    private final Client client;
    private final LongAdder renewals = new LongAdder();
    private final Set<Long> respondedLeases = ConcurrentHashMap.newKeySet();
    private final LongAdder ended = new LongAdder();
    private final Map<String, Long> endReasons = new ConcurrentHashMap<>();
    private final StreamObserver<LeaseKeepAliveResponse> observer = new CountingObserver();

    JetcdClientUnderTest(String endpoint) {
        this.client = Client.builder().endpoints(endpoint).build();
    }

    @Override
    public void keepAlive(long leaseId) {
        // The returned handle would stop this one keep-alive; client.close() stops them all.
        client.getLeaseClient().keepAlive(leaseId, observer);
    }

    @Override
    public long renewals() {
        return renewals.sum();
    }

    @Override
    public long respondedLeases() {
        return respondedLeases.size();
    }

    @Override
    public long ended() {
        return ended.sum();
    }

    @Override
    public Map<String, Long> endReasons() {
        return Map.copyOf(endReasons);
    }

    @Override
    public void close() {
        client.close();
    }

    /** Counts responses; jetcd passes every lease's responses to the observer it was given. */
    private final class CountingObserver implements StreamObserver<LeaseKeepAliveResponse> {

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            if (response.getTTL() > 0) {
                renewals.increment();
                respondedLeases.add(response.getID());
            }
        }

        @Override
        public void onError(Throwable failure) {
            String message = String.valueOf(failure.getMessage()).replaceAll("[0-9a-fA-F]{6,}|\\d+", "N");
            endReasons.merge(failure.getClass().getSimpleName() + ": " + message, 1L, Long::sum);
            ended.increment();
        }

        @Override
        public void onCompleted() {
            endReasons.merge("completed", 1L, Long::sum);
            ended.increment();
        }
    }
}
