package io.lessor.bench.watch;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Plaintext gRPC channels to one endpoint, each with a connection of its own. */
final class Channels {

    private Channels() {
    }

    /** Opens {@code count} channels to {@code endpoint}, such as {@code http://127.0.0.1:2379}. */
    static List<ManagedChannel> open(String endpoint, int count) {
        URI uri = URI.create(endpoint);
        List<ManagedChannel> channels = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            channels.add(NettyChannelBuilder.forAddress(uri.getHost(), uri.getPort())
                    .usePlaintext()
                    // A catch-up response may hold 1000 revisions of events, more than the default 4 MiB.
                    .maxInboundMessageSize(Integer.MAX_VALUE)
                    .build());
        }
        return channels;
    }

    /** Shuts the channels down and waits up to 10 s for each. */
    static void close(List<ManagedChannel> channels) throws InterruptedException {
        for (ManagedChannel channel : channels) {
            channel.shutdownNow();
        }
        for (ManagedChannel channel : channels) {
            channel.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
