package io.lessor.client;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.lessor.context.Context;
import java.util.Objects;

/** {@link Watch} over the client's channel. */
final class WatchClient implements Watch {

    private final Channel channel;
    private final Context clientContext;

    WatchClient(Channel channel, Context clientContext) {
        this.channel = channel;
        this.clientContext = clientContext;
    }

    @Override
    public Watcher watch(Context ctx, ByteString key, WatchOptions options) {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(options, "options");
        if (clientContext.isDone()) {
            return WatchSubscription.ended(clientContext, WatchEnd.Reason.CLIENT_CLOSED,
                    new ClientClosedException("the client was closed"));
        }
        return WatchSubscription.start(Calls.channelFor(ctx, channel), ctx, clientContext, key, options);
    }
}
