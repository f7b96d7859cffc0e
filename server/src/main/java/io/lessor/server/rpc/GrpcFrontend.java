package io.lessor.server.rpc;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.lessor.server.ServerConfig;
import io.lessor.server.engine.Engine;
import io.lessor.server.watch.WatchConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server: etcd's KV, Lease, Watch, Maintenance, Cluster and Auth services plus
 * {@code grpc.health.v1.Health}, on Netty, with handlers on virtual threads.
 *
 * <p>HTTP/2 keep-alive: clients may ping every 5 s, also without open calls, as etcd permits;
 * grpc-java's default minimum of 5 minutes would close jetcd's connections with GOAWAY on its 30 s pings.
 */
public final class GrpcFrontend {

    private static final Logger LOG = LoggerFactory.getLogger(GrpcFrontend.class);

    /** How long a stop waits for cancelled calls after the grace period, on top of it. */
    static final Duration FORCED_STOP_WAIT = Duration.ofSeconds(1);

    /** The shortest ping interval clients may use, as etcd's server enforces. */
    static final Duration MIN_CLIENT_PING_INTERVAL = Duration.ofSeconds(5);

    private final Server server;
    private final ExecutorService handlers;
    private final OpenStreams streams;
    private final HealthStatusManager health;
    private final WatchService watches;

    private GrpcFrontend(Server server, ExecutorService handlers, OpenStreams streams, HealthStatusManager health,
            WatchService watches) {
        this.server = server;
        this.handlers = handlers;
        this.streams = streams;
        this.health = health;
        this.watches = watches;
    }

    /**
     * Binds the configured client addresses and starts serving {@code engine}.
     *
     * @throws IOException if an address cannot be bound
     */
    public static GrpcFrontend start(ServerConfig config, Engine engine) throws IOException {
        RequestLimits limits = new RequestLimits(config.maxRequestBytes());
        OpenStreams streams = new OpenStreams();
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", ServingStatus.SERVING);
        ExecutorService handlers = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("grpc-handler-", 0).factory());

        WatchService watches = new WatchService(engine, WatchConfig.defaults(config.maxRequestBytes()), streams);
        List<InetSocketAddress> addresses = config.listenClientAddresses();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(addresses.get(0));
        for (InetSocketAddress extra : addresses.subList(1, addresses.size())) {
            builder.addListenAddress(extra);
        }
        Server server = builder
                .executor(handlers)
                .maxInboundMessageSize(limits.maxInboundMessageBytes())
                .permitKeepAliveTime(MIN_CLIENT_PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true)
                .addService(new KvService(engine, limits))
                .addService(new LeaseService(engine, limits, streams))
                .addService(watches)
                .addService(new MaintenanceService(engine))
                .addService(new ClusterService(engine, config.name(), config.advertiseClientUrls(), config.advertisePeerUrls()))
                .addService(new AuthService(engine))
                .addService(health.getHealthService())
                .build();
        try {
            server.start();
        } catch (IOException e) {
            handlers.shutdownNow();
            throw new IOException("cannot listen on " + addresses + ": " + e.getMessage(), e);
        }
        return new GrpcFrontend(server, handlers, streams, health, watches);
    }

    /** Returns the bound addresses, with the real port where port 0 was configured. */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> bound = new ArrayList<>();
        for (SocketAddress address : server.getListenSockets()) {
            if (address instanceof InetSocketAddress inet) {
                bound.add(inet);
            }
        }
        return bound;
    }

    /**
     * Stops serving: refuses new calls, ends open streams with "server stopped", waits up to
     * {@code grace} for calls in flight, then cancels whatever is left and waits at most
     * {@link #FORCED_STOP_WAIT} more.
     */
    public void stop(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        streams.stopAll();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("rpc: calls still running {} ms after stop began; cancelling them", grace.toMillis());
                server.shutdownNow();
                // Cancelled calls end at once unless their connection is stuck, as with a client
                // that stopped reading. The stop waits for those only up to this bound.
                if (!server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("rpc: connections still open {} ms after cancelling their calls; closing storage anyway",
                            FORCED_STOP_WAIT.toMillis());
                }
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        handlers.shutdownNow();
        // A call whose connection died during the stop may never have closed its watch stream.
        watches.closeAll();
    }
}
