package io.lessor.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A client interceptor that records every keep-alive request the client sends, per lease, with
 * the time on a given clock.
 */
final class SentRenewals implements ClientInterceptor {

    private final LongSupplier nanoTime;
    private final Map<Long, List<Long>> sentNanos = new ConcurrentHashMap<>();

    SentRenewals(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    SentRenewals() {
        this(System::nanoTime);
    }

    /** Returns how many renewals were sent, of all leases. */
    int total() {
        int total = 0;
        for (List<Long> times : sentNanos.values()) {
            total += times.size();
        }
        return total;
    }

    /** Returns how many renewals of {@code leaseId} were sent. */
    int count(long leaseId) {
        return times(leaseId).size();
    }

    /** Returns the send times of {@code leaseId}'s renewals, in nanoseconds of the clock. */
    List<Long> times(long leaseId) {
        return List.copyOf(sentNanos.getOrDefault(leaseId, List.of()));
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (!method.getFullMethodName().equals(LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName())) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void sendMessage(Q message) {
                long leaseId = ((LeaseKeepAliveRequest) message).getID();
                sentNanos.computeIfAbsent(leaseId, id -> new CopyOnWriteArrayList<>()).add(nanoTime.getAsLong());
                super.sendMessage(message);
            }
        };
    }
}
