package io.lessor.server.gateway;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.InternalNettyServerCredentials;
import io.lessor.server.gateway.json.ProtoJsonReader;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * etcd's HTTP/JSON gateway, served on the gRPC port: {@code POST /v3/kv/range} and the other
 * paths of etcd 3.4's gateway, plus {@code GET /health} and {@code GET /version}.
 *
 * <p>Requests are JSON as etcd's gateway takes them and responses are JSON as it writes them
 * (int64 values as strings, bytes as base64, defaults left out, errors as
 * {@code {"error","message","code"}} with the HTTP status etcd maps the gRPC code to). Each
 * request becomes a call on an in-process gRPC channel to the same services the gRPC clients
 * use, as etcd's gateway calls its own gRPC server, so both see the same validation and errors.
 *
 * <pre>{@code
 * HttpGateway gateway = HttpGateway.start(services, handlers, settings);
 * NettyServerBuilder.forAddress(address, gateway.serverCredentials())...   // gRPC and HTTP/1.x on one port
 * ...
 * gateway.shutdown();            // with the gRPC server's shutdown
 * gateway.awaitTermination(...);
 * gateway.shutdownNow();         // cancels calls and closes HTTP connections
 * }</pre>
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class HttpGateway {

    /** Set on an HTTP connection that must close now, even with a request in progress. */
    static final AttributeKey<Boolean> FORCE_CLOSE = AttributeKey.valueOf(HttpGateway.class, "force-close");

    private final Settings settings;
    private final Server inProcessServer;
    private final ManagedChannel channel;
    private final ProtoJsonReader jsonReader;
    private final ChannelGroup connections = new DefaultChannelGroup("lessor-gateway", GlobalEventExecutor.INSTANCE);

    /**
     * Limits and facts the gateway works with.
     *
     * @param maxInboundMessageBytes the largest request message, serialized; larger ones fail as
     *     in etcd with RESOURCE_EXHAUSTED "grpc: received message larger than max"
     * @param maxTxnOps etcd's {@code --max-txn-ops}; bounds how deep a Txn request is read
     * @param etcdVersion the version that {@code GET /version} reports
     */
    public record Settings(int maxInboundMessageBytes, int maxTxnOps, String etcdVersion) {
    }

    private HttpGateway(Settings settings, Server inProcessServer, ManagedChannel channel) {
        this.settings = settings;
        this.inProcessServer = inProcessServer;
        this.channel = channel;
        // The top request is depth 1. A Txn takes two levels (TxnRequest, RequestOp) per nesting
        // and one for the leaf request. One nesting more than the budget allows is still read,
        // so that the service rejects it with etcd's error.
        this.jsonReader = new ProtoJsonReader(2 * (settings.maxTxnOps() + 1) + 2);
    }

    /**
     * Starts the in-process server that gateway requests go through, with {@code services} run
     * on {@code executor}.
     *
     * @throws IOException if the in-process server cannot start
     */
    public static HttpGateway start(List<ServerServiceDefinition> services, Executor executor, Settings settings)
            throws IOException {
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name).executor(executor);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        Server server = builder.build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        return new HttpGateway(settings, server, channel);
    }

    /** Returns the credentials to build the gRPC server with, so that it hands HTTP/1.x connections to this gateway. */
    public ServerCredentials serverCredentials() {
        return InternalNettyServerCredentials.create(new DetectingNegotiator(this));
    }

    /** Stops taking gateway calls; calls in progress go on. HTTP connections close as their requests finish. */
    public void shutdown() {
        inProcessServer.shutdown();
    }

    /** Waits until every gateway call has ended. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return inProcessServer.awaitTermination(timeout, unit);
    }

    /** Cancels the calls in progress, closes every HTTP connection and the in-process channel. */
    public void shutdownNow() {
        inProcessServer.shutdownNow();
        for (Channel connection : connections) {
            connection.attr(FORCE_CLOSE).set(true);
            connection.close();
        }
        channel.shutdownNow();
    }

    Settings settings() {
        return settings;
    }

    ManagedChannel channel() {
        return channel;
    }

    ProtoJsonReader jsonReader() {
        return jsonReader;
    }

    /** Records an HTTP connection, so that {@link #shutdownNow()} can close it. */
    void track(Channel connection) {
        connections.add(connection);
    }
}
