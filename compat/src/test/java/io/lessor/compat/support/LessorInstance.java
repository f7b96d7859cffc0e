package io.lessor.compat.support;

import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A Lessor server started in this JVM with etcd's defaults, on a free port of 127.0.0.1 and a
 * data directory of its own.
 *
 * <p>{@link #restart(Duration)} closes the server and starts a new one on the same port and
 * data directory, which is what a restarted etcd looks like to its clients. {@link #close()}
 * closes the server and deletes its data.
 *
 * <p>Thread-safety: not thread-safe. One test drives one instance.
 */
final class LessorInstance implements AutoCloseable {

    private final Path dataDir;
    private final long quotaBackendBytes;
    private InetSocketAddress address;
    private LessorServer server;

    private LessorInstance(Path dataDir, long quotaBackendBytes) {
        this.dataDir = dataDir;
        this.quotaBackendBytes = quotaBackendBytes;
    }

    /**
     * Starts a server with its data in {@code baseDir}/lessor-data, on a free loopback port, with
     * {@code --quota-backend-bytes} set to {@code quotaBackendBytes}.
     */
    static LessorInstance start(Path baseDir, long quotaBackendBytes) throws IOException {
        LessorInstance instance = new LessorInstance(baseDir.resolve("lessor-data"), quotaBackendBytes);
        instance.server = LessorServer.start(instance.config(0));
        instance.address = instance.server.listenAddresses().getFirst();
        return instance;
    }

    /**
     * Returns the configuration for a server on {@code clientPort} of 127.0.0.1. The peer URL is
     * only reported by MemberList, like the loopback peer URL the etcd fixture listens on.
     */
    private ServerConfig config(int clientPort) {
        return ServerConfig.defaults(dataDir)
                .withListenAddress(new InetSocketAddress("127.0.0.1", clientPort))
                .withAdvertisePeerUrls(List.of("http://127.0.0.1:2380"))
                .withQuotaBackendBytes(quotaBackendBytes);
    }

    /** Returns the client URL of the running server. */
    String endpoint() {
        return "http://127.0.0.1:" + address.getPort();
    }

    int clientPort() {
        return address.getPort();
    }

    /** Closes the server, waits {@code downtime}, then starts it again on the same port and data. */
    void restart(Duration downtime) throws IOException, InterruptedException {
        stop();
        if (!downtime.isZero()) {
            Thread.sleep(downtime);
        }
        server = LessorServer.start(config(address.getPort()));
    }

    /** Closes the server gracefully, unless it is not running. */
    void stop() {
        if (server != null) {
            LessorServer s = server;
            server = null;
            s.close();
        }
    }

    /** Closes the server and deletes its data directory. */
    @Override
    public void close() {
        try {
            stop();
        } finally {
            Directories.deleteRecursively(dataDir);
        }
    }

    @Override
    public String toString() {
        return "Lessor at " + endpoint() + " (data " + dataDir + ")";
    }
}
