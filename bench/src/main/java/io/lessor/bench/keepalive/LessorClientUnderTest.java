package io.lessor.bench.keepalive;

import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.client.Client;
import io.lessor.client.KeepAlive;
import io.lessor.client.KeepAliveEndedException;
import io.lessor.context.Context;
import java.util.concurrent.Flow;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lessor's client, each lease read through the {@link Flow.Publisher} of its {@link KeepAlive}:
 * the subscriber requests without limit and counts. The keep-alives run under the background
 * context, so they end when the client closes.
 */
final class LessorClientUnderTest implements ClientUnderTest {

    private final Client client;
    private final LongAdder renewals = new LongAdder();
    private final LongAdder respondedLeases = new LongAdder();
    private final LongAdder ended = new LongAdder();
    private final Map<String, Long> endReasons = new ConcurrentHashMap<>();

    LessorClientUnderTest(String endpoint) {
        this.client = Client.builder().endpoints(endpoint).build();
    }

    @Override
    public void keepAlive(long leaseId) {
        KeepAlive keepAlive = client.lease().keepAlive(Context.background(), leaseId);
        keepAlive.subscribe(new CountingSubscriber());
    }

    @Override
    public long renewals() {
        return renewals.sum();
    }

    @Override
    public long respondedLeases() {
        return respondedLeases.sum();
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

    /** Counts responses; an end counts as ended whether it is a completion or an error. */
    private final class CountingSubscriber implements Flow.Subscriber<LeaseKeepAliveResponse> {

        /** Written by the one thread that delivers to this subscriber. */
        private boolean responded;

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            if (response.getTTL() > 0) {
                renewals.increment();
                if (!responded) {
                    responded = true;
                    respondedLeases.increment();
                }
            }
        }

        @Override
        public void onError(Throwable failure) {
            String reason = failure instanceof KeepAliveEndedException endedException
                    ? endedException.end().reason().name()
                    : failure.getClass().getSimpleName();
            endReasons.merge(reason, 1L, Long::sum);
            ended.increment();
        }

        @Override
        public void onComplete() {
            endReasons.merge("completed", 1L, Long::sum);
            ended.increment();
        }
    }
}
