package io.lessor.bench.load;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC channels of one run, each its own HTTP/2 connection, with their async stubs. Client
 * {@code i} uses channel {@code i % size()}, and channel {@code i} goes to endpoint
 * {@code i % endpoints}.
 *
 * <p>Responses are handled on the channels' network threads ({@code directExecutor}), which
 * is safe because every callback of this package only records a number and sends the next
 * request, neither of which blocks. It saves a thread hop per request, which matters when
 * the load generator shares a small machine with the server under test.
 *
 * <p>Thread-safety: the stubs may be used from any thread. {@link #close()} shuts every channel
 * down, cancelling calls still in flight after a short grace period.
 */
final class Connections implements AutoCloseable {

    private static final long CLOSE_GRACE_MILLIS = 5_000;

    private final List<ManagedChannel> channels;
    private final List<KVGrpc.KVStub> kv;
    private final List<LeaseGrpc.LeaseStub> lease;

    private Connections(List<ManagedChannel> channels) {
        this.channels = List.copyOf(channels);
        this.kv = this.channels.stream().map(KVGrpc::newStub).toList();
        this.lease = this.channels.stream().map(LeaseGrpc::newStub).toList();
    }

    /** Opens {@code count} channels over {@code endpoints}; they connect on their first call. */
    static Connections open(List<Endpoint> endpoints, int count) {
        List<ManagedChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Endpoint endpoint = endpoints.get(i % endpoints.size());
            channels.add(NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
                    .usePlaintext()
                    .directExecutor()
                    .maxInboundMessageSize(64 << 20)
                    .build());
        }
        return new Connections(channels);
    }

    int size() {
        return channels.size();
    }

    /** Returns the channel that client {@code client} uses. */
    ManagedChannel channel(int client) {
        return channels.get(Math.floorMod(client, channels.size()));
    }

    /** Returns the KV stub of the channel that client {@code client} uses. */
    KVGrpc.KVStub kv(int client) {
        return kv.get(Math.floorMod(client, kv.size()));
    }

    /** Returns the Lease stub of the channel that client {@code client} uses. */
    LeaseGrpc.LeaseStub lease(int client) {
        return lease.get(Math.floorMod(client, lease.size()));
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdown);
        long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_GRACE_MILLIS);
        boolean interrupted = false;
        for (ManagedChannel channel : channels) {
            try {
                long leftNanos = deadlineNanos - System.nanoTime();
                if (leftNanos <= 0 || !channel.awaitTermination(leftNanos, TimeUnit.NANOSECONDS)) {
                    channel.shutdownNow();
                    channel.awaitTermination(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                channel.shutdownNow();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
