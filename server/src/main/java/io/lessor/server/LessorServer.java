package io.lessor.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A running Lessor server: the etcd v3 gRPC API on the configured client addresses, backed by
 * durable storage in the data directory.
 *
 * <pre>{@code
 * try (LessorServer server = LessorServer.start(ServerConfig.defaults(dataDir)
 *         .withListenAddress(new InetSocketAddress("127.0.0.1", 0)))) {
 *     String endpoint = server.endpoint();   // "http://127.0.0.1:41235"
 *     ...
 * }   // close(): graceful stop, then storage flushed and closed
 * }</pre>
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public interface LessorServer extends AutoCloseable {

    /**
     * Opens storage, starts the background loops and binds the client addresses.
     *
     * @throws ServerStartException if the data directory is in use by another server or is not a
     *     writable directory, or an address cannot be bound. Its message is meant for the user.
     * @throws java.io.IOException if storage cannot be opened for another reason
     */
    static LessorServer start(ServerConfig config) throws java.io.IOException {
        return ServerMain.start(config);
    }

    /** Returns the addresses actually bound, with real ports when port 0 was asked for. */
    List<InetSocketAddress> listenAddresses();

    /** Returns the first client endpoint as a URL, such as {@code http://127.0.0.1:2379}. */
    String endpoint();

    /** Returns this member's id, as reported in response headers. */
    long memberId();

    /** Returns the cluster's id, as reported in response headers. */
    long clusterId();

    /**
     * Stops gracefully: refuses new calls, ends open streams with UNAVAILABLE
     * "etcdserver: server stopped", lets in-flight unary calls finish up to {@code grace}, then
     * closes storage.
     */
    void stop(Duration grace);

    /** Stops with the configured shutdown grace. */
    @Override
    void close();
}
