package io.lessor.client;

import io.grpc.ClientInterceptor;
import io.lessor.client.lease.KeepAliveConfig;
import io.lessor.context.Clock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a {@link Client} is built with; {@link Client.Builder} fills in the defaults.
 *
 * @param endpoints the servers, as host and port; at least one
 * @param loadBalancing how requests spread over several endpoints (default
 *     {@link LoadBalancing#PICK_FIRST}, one connection as etcd's Go client keeps)
 * @param connectTimeout how long opening one connection may take (default 5 s)
 * @param requestTimeout how long a request may take when the caller's context has no earlier
 *     deadline (default 10 s)
 * @param maxAttempts attempts of a read or lease request that fails with {@code UNAVAILABLE},
 *     counting the first (default 3); puts, deletes and transactions are sent once
 * @param clock the clock of the keep-alive loops and of the client's context (default
 *     {@link Clock#system()}); tests pass a {@code ManualClock}
 * @param keepAlive the keep-alive loops' timing and buffers
 * @param interceptors gRPC interceptors on every call, first one outermost
 */
public record ClientConfig(
        List<InetSocketAddress> endpoints,
        LoadBalancing loadBalancing,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxAttempts,
        Clock clock,
        KeepAliveConfig keepAlive,
        List<ClientInterceptor> interceptors) {

    /** Validates the settings. */
    public ClientConfig {
        endpoints = List.copyOf(endpoints);
        interceptors = List.copyOf(interceptors);
        Objects.requireNonNull(loadBalancing, "loadBalancing");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(keepAlive, "keepAlive");
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("a client needs at least one endpoint");
        }
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    private static void requirePositive(Duration value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + value);
        }
    }
}
