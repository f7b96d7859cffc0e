package io.lessor.client;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import io.lessor.client.lease.KeepAliveConfig;
import io.lessor.client.lease.KeepAlives;
import io.lessor.context.CancelableContext;
import io.lessor.context.Clock;
import io.lessor.context.Context;
import io.lessor.context.Key;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for etcd's v3 API (a real etcd or a Lessor server): {@link #kv()}, {@link #lease()}
 * and {@link #watch()} over one gRPC channel to one or more endpoints.
 *
 * <pre>{@code
 * try (Client client = Client.builder().endpoints("http://127.0.0.1:2379").build();
 *         CancelableContext ctx = Context.background().withCancel()) {
 *     long leaseId = client.lease().grant(ctx, 10).getID();
 *     client.kv().put(ctx, key, value, PutOptions.withLease(leaseId));
 *     KeepAlive keepAlive = client.lease().keepAlive(ctx, leaseId);
 *     ...
 * }   // ctx ends the keep-alive; close() stops every loop and closes the channel
 * }</pre>
 *
 * <p>Endpoints: requests go to the endpoints as the {@link LoadBalancing} policy chooses, and a
 * failed endpoint is skipped. Connections open on the first request; building a client sends
 * nothing.
 *
 * <p>Deadlines, retries and failures follow the rules of etcd's Go client (v3.4), which retries
 * more often at shorter intervals:
 * <ul>
 *   <li>A request's deadline is its context's deadline or the request timeout
 *       ({@link Builder#requestTimeout}), whichever comes first. A request made while no
 *       connection is up waits for one until that deadline, and is sent only once a connection
 *       is ready. A request still waiting when the deadline passes fails with
 *       {@link io.lessor.context.ContextDoneException} or {@link RequestTimeoutException}.
 *   <li>Reads and lease requests ({@link KV#get}, {@link Lease#grant}, {@link Lease#revoke},
 *       {@link Lease#timeToLive}, {@link Lease#leases}) are safe to repeat, so one that fails with
 *       {@code UNAVAILABLE} is sent again, up to {@link Builder#maxAttempts} times in all, after
 *       a backoff of 0.2 s that doubles up to 2 s, within the same deadline. {@code UNAVAILABLE}
 *       covers etcd's {@code "etcdserver: no leader"}, {@code "etcdserver: server stopped"} and
 *       {@code "etcdserver: request timed out"}, and a connection lost while the request ran.
 *       A revoke repeated after its first attempt was applied fails with
 *       {@link LeaseNotFoundException}, as it does with etcd's Go client.
 *   <li>Writes ({@link KV#put}, {@link KV#delete}, {@link KV#txn}, {@link KV#compact}) are
 *       applied at most once. Once a write may have reached the server, a failure is thrown as
 *       it is, because the write may or may not have been applied. A read tells which, and a
 *       {@link Txn} with a compare makes a write safe to repeat. The client has no retry policy
 *       for writes, but gRPC's transparent retry, on for every call, sends one again when its
 *       first attempt never left the client, or when the server refused its stream with
 *       HTTP/2's {@code REFUSED_STREAM} or a {@code GOAWAY} that excludes it. HTTP/2 defines
 *       such a stream as not processed, so the guarantee holds for a server that keeps that rule.
 *   <li>No other status code is retried, because {@code "etcdserver: mvcc: required revision
 *       has been compacted"} or {@code "etcdserver: requested lease not found"} would fail again.
 *   <li>{@link Lease#keepAliveOnce} is retried on {@code UNAVAILABLE} and {@code INTERNAL} until
 *       its deadline. {@link Lease#keepAlive} and {@link Watch#watch} streams are opened again
 *       after a retryable failure until their context ends, and a watch resumes from the
 *       revision after the last one it reported.
 * </ul>
 * A caller sees {@link UnavailableException} when the retries ran out or a write failed with
 * {@code UNAVAILABLE}. {@link #withRequireLeader} makes a member without a leader fail requests
 * at once instead of keeping them waiting.
 *
 * <p>Lifecycle: the client owns a context, the parent of every loop it starts. {@link #close()}
 * ends every keep-alive with {@link KeepAliveEnd.Reason#CLIENT_CLOSED}, cancels that context
 * (which ends every watch with {@link WatchEnd.Reason#CLIENT_CLOSED}),
 * waits for the loops, and closes the channel; calls still running fail with
 * {@link ClientClosedException}. Close every client you build.
 *
 * <p>Thread-safety: every method may be called from any thread.
 */
public final class Client implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Client.class);

    private static final Key<Boolean> REQUIRE_LEADER = Key.named("lessor-client-require-leader");

    /** How long close() waits for the channel and its callback threads to end. */
    private static final Duration CLOSE_WAIT = Duration.ofMillis(500);

    private final ClientConfig config;
    private final CancelableContext context;
    private final ExecutorService callbacks;
    private final ManagedChannel channel;
    private final OpenCalls openCalls = new OpenCalls();
    private final KeepAlives keepAlives;
    private final KV kv;
    private final Lease lease;
    private final Watch watch;

    private Client(ClientConfig config) {
        this.config = config;
        this.context = Context.root(config.clock()).withCancel();
        // gRPC's callbacks only complete futures and queue responses, so a virtual thread per
        // callback is cheap, and close() can wait for them all.
        this.callbacks = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("lessor-client-grpc-", 0).factory());
        this.channel = buildChannel(config, callbacks, openCalls);
        Calls calls = new Calls(channel, config.requestTimeout(), context);
        this.keepAlives = new KeepAlives(channel, context, config.keepAlive());
        this.kv = new KvClient(calls);
        this.lease = new LeaseClient(calls, keepAlives);
        this.watch = new WatchClient(channel, context);
    }

    /**
     * Returns a child of {@code ctx} whose requests and watches ask the server to fail at once
     * when it has no leader, as etcd's Go client does with {@code WithRequireLeader}. etcd then
     * responds with {@code UNAVAILABLE "etcdserver: no leader"}, which the rules above retry for reads
     * and throw for writes; a watch stream it ends is opened again after the backoff. Without
     * it, a member that lost its leader keeps a linearizable read or a write waiting until the
     * request's deadline (etcd 3.4 gives up on a write after about 7 s with
     * {@code UNKNOWN "context deadline exceeded"}). A server that always has a leader, such as
     * a single-node one, ignores it.
     */
    public static Context withRequireLeader(Context ctx) {
        return ctx.with(REQUIRE_LEADER, Boolean.TRUE);
    }

    /** Returns whether {@code ctx} carries {@link #withRequireLeader}. */
    static boolean requiresLeader(Context ctx) {
        return Boolean.TRUE.equals(ctx.value(REQUIRE_LEADER));
    }

    /** Returns a builder; {@link Builder#endpoints} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the KV API. */
    public KV kv() {
        return kv;
    }

    /** Returns the Lease API. */
    public Lease lease() {
        return lease;
    }

    /** Returns the Watch API. */
    public Watch watch() {
        return watch;
    }

    /** Returns the settings this client was built with. */
    public ClientConfig config() {
        return config;
    }

    /**
     * Returns how many gRPC calls of this client are open: started and not yet closed, the
     * shared keep-alive stream included.
     */
    public int openCalls() {
        return openCalls.count();
    }

    /** Returns how many leases the keep-alive loops renew. */
    public int keepAliveLeaseCount() {
        return keepAlives.leaseCount();
    }

    /**
     * Ends every keep-alive, stops the loops, cancels calls still running and closes the
     * channel. Idempotent; returns within about a second, or logs what did not stop in time.
     * When it returns without such a warning, every call has ended ({@link #openCalls()} is 0)
     * and every connection is closed.
     */
    @Override
    public void close() {
        keepAlives.close();
        context.close();
        channel.shutdownNow();
        try {
            // The callback executor stays open until the channel has terminated. gRPC ends a call
            // by submitting its onClose to this executor from the transport's event loop, in the
            // middle of cancelling the stream or closing the connection. A rejected task throws
            // there and aborts that work halfway, so no RST_STREAM goes out, the connection stays
            // open, and the server keeps the stream running.
            if (!channel.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("client channel did not terminate, so its callback executor stays open for gRPC to finish:"
                        + " waited-ms={}", CLOSE_WAIT.toMillis());
                return;
            }
            callbacks.shutdown();
            if (!callbacks.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("client callback threads did not end: waited-ms={}", CLOSE_WAIT.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Client" + config.endpoints();
    }

    @SuppressWarnings("deprecation") // nameResolverFactory: the one way to give a channel its own resolver
    private static ManagedChannel buildChannel(ClientConfig config, ExecutorService callbacks, OpenCalls openCalls) {
        List<ClientInterceptor> interceptors = new ArrayList<>(config.interceptors());
        // intercept() makes the last interceptor outermost; OpenCalls must see every call.
        java.util.Collections.reverse(interceptors);
        interceptors.add(openCalls);
        return NettyChannelBuilder.forTarget(EndpointsNameResolver.SCHEME + ":///etcd")
                .nameResolverFactory(EndpointsNameResolver.factory(config.endpoints()))
                .defaultServiceConfig(serviceConfig(config))
                .enableRetry()
                // etcd's Go client accepts responses of any size up to 2 GiB, but gRPC's default
                // limit of 4 MiB would fail a large Range or watch response with RESOURCE_EXHAUSTED.
                .maxInboundMessageSize(Integer.MAX_VALUE)
                .usePlaintext()
                .executor(callbacks)
                .withOption(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .intercept(interceptors)
                .build();
    }

    /**
     * Returns the gRPC service config: the load-balancing policy, and retries on UNAVAILABLE for
     * the calls that etcd's Go client also repeats (reads and lease calls). gRPC's JSON form
     * wants numbers as doubles.
     */
    private static Map<String, Object> serviceConfig(ClientConfig config) {
        List<Map<String, Object>> retried = List.of(
                method(KVGrpc.SERVICE_NAME, "Range"),
                method(LeaseGrpc.SERVICE_NAME, "LeaseGrant"),
                method(LeaseGrpc.SERVICE_NAME, "LeaseRevoke"),
                method(LeaseGrpc.SERVICE_NAME, "LeaseTimeToLive"),
                method(LeaseGrpc.SERVICE_NAME, "LeaseLeases"));
        Map<String, Object> retryPolicy = Map.of(
                "maxAttempts", (double) config.maxAttempts(),
                "initialBackoff", "0.2s",
                "maxBackoff", "2s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        Map<String, Object> methodConfig = config.maxAttempts() > 1
                ? Map.of("name", retried, "retryPolicy", retryPolicy)
                : Map.of("name", retried);
        return Map.of(
                "loadBalancingConfig", List.of(Map.of(config.loadBalancing().policyName(), Map.of())),
                "methodConfig", List.of(methodConfig));
    }

    private static Map<String, Object> method(String service, String name) {
        return Map.of("service", service, "method", name);
    }

    /** Settings of a {@link Client}. Not thread-safe. */
    public static final class Builder {

        private final List<InetSocketAddress> endpoints = new ArrayList<>();
        private LoadBalancing loadBalancing = LoadBalancing.PICK_FIRST;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 3;
        private Clock clock = Clock.system();
        private KeepAliveConfig keepAlive = KeepAliveConfig.defaults();
        private final List<ClientInterceptor> interceptors = new ArrayList<>();

        private Builder() {
        }

        /**
         * Adds endpoints, as {@code http://host:port} or {@code host:port}.
         *
         * @throws IllegalArgumentException if one is not such a URL, or is {@code https}, which
         *     this client does not support yet
         */
        public Builder endpoints(String... urls) {
            for (String url : urls) {
                endpoints.add(parseEndpoint(Objects.requireNonNull(url, "endpoint")));
            }
            return this;
        }

        /** Adds endpoints given as socket addresses. */
        public Builder endpoints(List<InetSocketAddress> addresses) {
            endpoints.addAll(addresses);
            return this;
        }

        /** Sets how requests spread over several endpoints (default {@link LoadBalancing#PICK_FIRST}). */
        public Builder loadBalancing(LoadBalancing loadBalancing) {
            this.loadBalancing = Objects.requireNonNull(loadBalancing, "loadBalancing");
            return this;
        }

        /** Sets how long opening one connection may take (default 5 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        /**
         * Sets how long a request may take when the caller's context has no earlier deadline
         * (default 10 s).
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Sets the attempts of a read or lease request that fails with {@code UNAVAILABLE},
         * counting the first (default 3); 1 turns retries off.
         */
        public Builder maxAttempts(int attempts) {
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * Sets the clock of the keep-alive loops (default {@link Clock#system()}); a test passes
         * a {@code ManualClock} to drive renewals on virtual time.
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the keep-alive loops' timing and buffers (default {@link KeepAliveConfig#defaults()}). */
        public Builder keepAlive(KeepAliveConfig keepAlive) {
            this.keepAlive = Objects.requireNonNull(keepAlive, "keepAlive");
            return this;
        }

        /** Adds gRPC interceptors to every call, the first one outermost. */
        public Builder interceptors(ClientInterceptor... added) {
            interceptors.addAll(List.of(added));
            return this;
        }

        /**
         * Builds the client; it connects on the first request.
         *
         * @throws IllegalArgumentException if no endpoint was given or a setting is invalid
         */
        public Client build() {
            return new Client(new ClientConfig(endpoints, loadBalancing, connectTimeout, requestTimeout, maxAttempts,
                    clock, keepAlive, interceptors));
        }

        private static InetSocketAddress parseEndpoint(String url) {
            String withScheme = url.contains("://") ? url : "http://" + url;
            URI uri;
            try {
                uri = URI.create(withScheme);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid endpoint " + url + ": expected http://host:port", e);
            }
            if (!"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException("invalid endpoint " + url + ": only http is supported, TLS is not yet");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw new IllegalArgumentException("invalid endpoint " + url + ": expected http://host:port");
            }
            return InetSocketAddress.createUnresolved(uri.getHost(), uri.getPort());
        }
    }
}
