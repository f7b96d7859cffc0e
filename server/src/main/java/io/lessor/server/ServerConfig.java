package io.lessor.server;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything a server is started with. Defaults follow etcd's flags of the same names where
 * etcd has one; {@link #defaults(Path)} gives them all.
 *
 * @param name the member's name ({@code --name}, default {@code "default"}); with the cluster
 *     token it fixes the member and cluster ids
 * @param dataDir where the RocksDB files live ({@code --data-dir})
 * @param listenClientAddresses the addresses the gRPC server binds ({@code --listen-client-urls};
 *     default 127.0.0.1:2379); port 0 picks a free port
 * @param advertiseClientUrls the client URLs reported by MemberList ({@code --advertise-client-urls})
 * @param advertisePeerUrls the peer URLs reported by MemberList ({@code --initial-advertise-peer-urls},
 *     default {@code http://localhost:2380} as etcd's); a single node opens no peer port, so
 *     they are informational only
 * @param clusterToken the initial cluster token ({@code --initial-cluster-token}, default
 *     {@code "etcd-cluster"})
 * @param minLeaseTtlSeconds grants below this TTL are raised to it silently; etcd derives 2 s
 *     from its default heartbeat (100 ms) and election timeout (1000 ms)
 * @param maxLeaseTtlSeconds grants above this TTL fail with {@link EtcdError#LEASE_TTL_TOO_LARGE};
 *     etcd's limit is 9,000,000,000 s
 * @param maxRequestBytes requests larger than this fail with {@link EtcdError#REQUEST_TOO_LARGE}
 *     ({@code --max-request-bytes}, default 1.5 MiB)
 * @param maxTxnOps transactions with more operations fail with {@link EtcdError#TOO_MANY_TXN_OPS}
 *     ({@code --max-txn-ops}, default 128)
 * @param expiryCheckInterval how often the lessor looks for expired leases (default 10 ms, so
 *     keys go within 100 ms of their lease's end; etcd checks every 500 ms)
 * @param maxExpiredRevokesPerCheck the maximum number of revokes of expired leases that are
 *     proposed and not yet finished. A check proposes only as many as there is room for. The
 *     default, 1,000, keeps a storm of expiries to at most half a group commit ahead of client writes.
 * @param shutdownGrace how long a graceful stop waits for in-flight requests before it forces
 *     the rest closed
 * @param quotaBackendBytes the storage size in bytes at which writes fail with NOSPACE
 *     ({@code --quota-backend-bytes}); 0 means etcd's default of 2 GiB and a negative value
 *     turns the quota off, see {@link io.lessor.server.alarm.BackendQuota}
 */
public record ServerConfig(
        String name,
        Path dataDir,
        List<InetSocketAddress> listenClientAddresses,
        List<String> advertiseClientUrls,
        List<String> advertisePeerUrls,
        String clusterToken,
        long minLeaseTtlSeconds,
        long maxLeaseTtlSeconds,
        int maxRequestBytes,
        int maxTxnOps,
        Duration expiryCheckInterval,
        int maxExpiredRevokesPerCheck,
        Duration shutdownGrace,
        long quotaBackendBytes) {

    /** etcd's default advertised peer URL. */
    public static final String DEFAULT_PEER_URL = "http://localhost:2380";

    /** etcd's default client port. */
    public static final int DEFAULT_CLIENT_PORT = 2379;

    public ServerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dataDir, "dataDir");
        listenClientAddresses = List.copyOf(listenClientAddresses);
        advertiseClientUrls = List.copyOf(advertiseClientUrls);
        advertisePeerUrls = List.copyOf(advertisePeerUrls);
        Objects.requireNonNull(clusterToken, "clusterToken");
        Objects.requireNonNull(expiryCheckInterval, "expiryCheckInterval");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        if (listenClientAddresses.isEmpty()) {
            throw new IllegalArgumentException("at least one client listen address is required");
        }
        if (minLeaseTtlSeconds < 1 || maxLeaseTtlSeconds < minLeaseTtlSeconds) {
            throw new IllegalArgumentException("lease TTL bounds must satisfy 1 <= min <= max, got min "
                    + minLeaseTtlSeconds + " s and max " + maxLeaseTtlSeconds + " s");
        }
        if (maxRequestBytes < 1 || maxTxnOps < 1 || maxExpiredRevokesPerCheck < 1) {
            throw new IllegalArgumentException("request, txn and revoke limits must be positive");
        }
    }

    /** Creates a config with {@code quotaBackendBytes} 0, etcd's default quota. */
    public ServerConfig(String name, Path dataDir, List<InetSocketAddress> listenClientAddresses,
            List<String> advertiseClientUrls, List<String> advertisePeerUrls, String clusterToken,
            long minLeaseTtlSeconds, long maxLeaseTtlSeconds, int maxRequestBytes, int maxTxnOps,
            Duration expiryCheckInterval, int maxExpiredRevokesPerCheck, Duration shutdownGrace) {
        this(name, dataDir, listenClientAddresses, advertiseClientUrls, advertisePeerUrls, clusterToken,
                minLeaseTtlSeconds, maxLeaseTtlSeconds, maxRequestBytes, maxTxnOps, expiryCheckInterval,
                maxExpiredRevokesPerCheck, shutdownGrace, 0);
    }

    /** Returns etcd's defaults, with the data in {@code dataDir}, listening on 127.0.0.1:2379. */
    public static ServerConfig defaults(Path dataDir) {
        InetSocketAddress listen = new InetSocketAddress("127.0.0.1", DEFAULT_CLIENT_PORT);
        return new ServerConfig("default", dataDir, List.of(listen), List.of("http://127.0.0.1:2379"),
                List.of(DEFAULT_PEER_URL),
                "etcd-cluster", 2, 9_000_000_000L, 1536 * 1024, 128, Duration.ofMillis(10), 1_000,
                Duration.ofSeconds(5));
    }

    /** Returns a copy listening on {@code address} and advertising it. */
    public ServerConfig withListenAddress(InetSocketAddress address) {
        String url = "http://" + address.getHostString() + ":" + address.getPort();
        return new ServerConfig(name, dataDir, List.of(address), List.of(url), advertisePeerUrls, clusterToken,
                minLeaseTtlSeconds,
                maxLeaseTtlSeconds, maxRequestBytes, maxTxnOps, expiryCheckInterval, maxExpiredRevokesPerCheck,
                shutdownGrace, quotaBackendBytes);
    }

    /** Returns a copy that reports {@code urls} as this member's peer URLs. */
    public ServerConfig withAdvertisePeerUrls(List<String> urls) {
        return new ServerConfig(name, dataDir, listenClientAddresses, advertiseClientUrls, urls, clusterToken,
                minLeaseTtlSeconds, maxLeaseTtlSeconds, maxRequestBytes, maxTxnOps, expiryCheckInterval,
                maxExpiredRevokesPerCheck, shutdownGrace, quotaBackendBytes);
    }

    /** Returns a copy with {@code --quota-backend-bytes} set to {@code bytes}. */
    public ServerConfig withQuotaBackendBytes(long bytes) {
        return new ServerConfig(name, dataDir, listenClientAddresses, advertiseClientUrls, advertisePeerUrls,
                clusterToken, minLeaseTtlSeconds, maxLeaseTtlSeconds, maxRequestBytes, maxTxnOps, expiryCheckInterval,
                maxExpiredRevokesPerCheck, shutdownGrace, bytes);
    }
}
