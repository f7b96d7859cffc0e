package io.lessor.server.rpc;

import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.lessor.server.ServerConfig;
import io.lessor.server.ServerStartException;
import io.lessor.server.engine.Engine;
import io.lessor.server.gateway.HttpGateway;
import io.lessor.server.watch.WatchConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
 * {@code grpc.health.v1.Health}, on Netty, with handlers on virtual threads. The same port
 * serves etcd's HTTP/JSON gateway ({@link HttpGateway}) to HTTP/1.x clients.
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
    private final HttpGateway gateway;
    private final ExecutorService handlers;
    private final OpenStreams streams;
    private final HealthStatusManager health;
    private final WatchService watches;

    private GrpcFrontend(Server server, HttpGateway gateway, ExecutorService handlers, OpenStreams streams,
            HealthStatusManager health, WatchService watches) {
        this.server = server;
        this.gateway = gateway;
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
        List<ServerServiceDefinition> services = List.of(
                new KvService(engine, limits, config.maxTxnOps(), handlers).definition(),
                new LeaseService(engine, limits, streams).bindService(),
                watches.bindService(),
                new MaintenanceService(engine).bindService(),
                new ClusterService(engine, config.name(), config.advertiseClientUrls(), config.advertisePeerUrls())
                        .bindService(),
                new AuthService(engine).bindService());
        HttpGateway gateway;
        try {
            gateway = HttpGateway.start(services, handlers, new HttpGateway.Settings(
                    limits.maxInboundMessageBytes(), config.maxTxnOps(), MaintenanceService.ETCD_VERSION));
        } catch (IOException | RuntimeException e) {
            handlers.shutdownNow();
            throw e;
        }

        List<InetSocketAddress> addresses = config.listenClientAddresses();
        NettyServerBuilder builder = NettyServerBuilder.forAddress(addresses.get(0), gateway.serverCredentials());
        for (InetSocketAddress extra : addresses.subList(1, addresses.size())) {
            builder.addListenAddress(extra);
        }
        // NOTE: a larger message fails with grpc-java's RESOURCE_EXHAUSTED "gRPC message exceeds maximum size
        // LIMIT: N", not etcd's "grpc: received message larger than max (N vs. LIMIT)". grpc-java's deframer
        // builds that status from the declared length before any hook of this server runs.
        TransportWarningLog.installAll();
        builder.executor(handlers)
                .callExecutor(new CallExecutors())
                .maxInboundMessageSize(limits.maxInboundMessageBytes())
                .permitKeepAliveTime(MIN_CLIENT_PING_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)
                .permitKeepAliveWithoutCalls(true);
        for (ServerServiceDefinition service : services) {
            builder.addService(service);
        }
        Server server = builder.addService(health.getHealthService()).build();
        try {
            server.start();
        } catch (IOException e) {
            // NOTE: grpc-java 1.85 keeps a reference to its shared event loops after a failed bind, so one
            // boss thread outlives this server. After checkBindable, that happens only if another process wins the port.
            server.shutdownNow();
            gateway.shutdownNow();
            handlers.shutdownNow();
            throw bindFailure(addresses, e);
        }
        return new GrpcFrontend(server, gateway, handlers, streams, health, watches);
    }

    /**
     * Checks that each address with a fixed port can be bound now, by binding and closing a
     * socket, so that a port in use fails before storage opens and before grpc-java starts.
     *
     * @throws ServerStartException naming the address and the operating system's reason
     */
    public static void checkBindable(List<InetSocketAddress> addresses) throws ServerStartException {
        for (InetSocketAddress address : addresses) {
            if (address.getPort() == 0) {
                continue;
            }
            try (ServerSocket probe = new ServerSocket()) {
                probe.setReuseAddress(true);
                probe.bind(address);
            } catch (IOException e) {
                throw bindFailure(List.of(address), e);
            }
        }
    }

    /**
     * Returns the exception for a server that could not start listening. grpc-java's
     * {@code Server.start} throws IOException only when it cannot bind, so that is a
     * {@link ServerStartException}, with the operating system's reason, such as "Address already in use".
     */
    private static ServerStartException bindFailure(List<InetSocketAddress> addresses, IOException failure) {
        StringBuilder listed = new StringBuilder();
        for (InetSocketAddress address : addresses) {
            listed.append(listed.isEmpty() ? "" : ", ").append(address.getHostString()).append(':').append(address.getPort());
        }
        Throwable root = failure;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        // Java's BindException has the bare reason. Netty's native transport prefixes it with the
        // call and errno, as in "bind(..) failed with error(-98): Address already in use".
        String reason = String.valueOf(root.getMessage());
        reason = reason.substring(reason.lastIndexOf(": ") + 1).strip();
        return new ServerStartException("cannot listen on " + listed + ": " + reason
                + "; stop the process that uses the port, or listen on another address or port", failure);
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
        gateway.shutdown();
        streams.stopAll();
        try {
            long deadlineNanos = System.nanoTime() + grace.toNanos();
            boolean stopped = server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)
                    && gateway.awaitTermination(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!stopped) {
                LOG.warn("rpc: calls still running {} ms after stop began; cancelling them", grace.toMillis());
                server.shutdownNow();
                gateway.shutdownNow();
                // Cancelled calls end at once unless their connection is stuck, as with a client
                // that stopped reading. The stop waits for those only up to this bound.
                if (!server.awaitTermination(FORCED_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    LOG.warn("rpc: connections still open {} ms after cancelling their calls; closing storage anyway",
                            FORCED_STOP_WAIT.toMillis());
                }
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            gateway.shutdownNow();
            Thread.currentThread().interrupt();
        }
        // Closes the in-process channel, which no call uses any more.
        gateway.shutdownNow();
        handlers.shutdownNow();
        // A call whose connection died during the stop may never have closed its watch stream.
        watches.closeAll();
    }
}
