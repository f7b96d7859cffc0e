package io.lessor.server;

import io.lessor.context.Clock;
import io.lessor.server.engine.Engine;
import io.lessor.server.engine.LocalEngine;
import io.lessor.server.rpc.GrpcFrontend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The single-node server: a local engine on RocksDB behind the gRPC front end. */
final class ServerMain implements LessorServer {

    private static final Logger LOG = LoggerFactory.getLogger(ServerMain.class);

    private final ServerConfig config;
    private final Engine engine;
    private final GrpcFrontend frontend;
    private final AtomicBoolean stopped = new AtomicBoolean();

    private ServerMain(ServerConfig config, Engine engine, GrpcFrontend frontend) {
        this.config = config;
        this.engine = engine;
        this.frontend = frontend;
    }

    static LessorServer start(ServerConfig config) throws IOException {
        return start(config, Clock.system(), () -> { });
    }

    /**
     * Starts a server on {@code clock}. {@code beforeServing} runs after storage is open and
     * before the leases are promoted and the port opens; tests use it to stand for a slow start.
     */
    static LessorServer start(ServerConfig config, Clock clock, Runnable beforeServing) throws IOException {
        Engine engine = LocalEngine.open(config, clock);
        GrpcFrontend frontend;
        try {
            beforeServing.run();
            // etcd starts lease expiry when its member becomes leader, which is when it can
            // serve. Here that is now, just before the port opens, however long the start took.
            engine.promote();
            frontend = GrpcFrontend.start(config, engine);
        } catch (IOException | RuntimeException e) {
            engine.close();
            throw e;
        }
        ServerMain server = new ServerMain(config, engine, frontend);
        LOG.info("server: started member {} ({}) serving clients on {} with data in {}",
                config.name(), hex(server.memberId()), frontend.addresses(), config.dataDir().toAbsolutePath());
        return server;
    }

    @Override
    public List<InetSocketAddress> listenAddresses() {
        return frontend.addresses();
    }

    @Override
    public String endpoint() {
        InetSocketAddress first = frontend.addresses().get(0);
        return "http://" + first.getHostString() + ":" + first.getPort();
    }

    @Override
    public long memberId() {
        return engine.header().getMemberId();
    }

    @Override
    public long clusterId() {
        return engine.header().getClusterId();
    }

    @Override
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.info("server: stopping member {}; open streams end with 'server stopped', calls in flight get {} ms",
                config.name(), grace.toMillis());
        long startNanos = System.nanoTime();
        try {
            frontend.stop(grace);
        } finally {
            engine.close();
        }
        LOG.info("server: stopped member {} in {} ms", config.name(), (System.nanoTime() - startNanos) / 1_000_000);
    }

    @Override
    public void close() {
        stop(config.shutdownGrace());
    }

    private static String hex(long id) {
        return String.format("%016x", id);
    }
}
