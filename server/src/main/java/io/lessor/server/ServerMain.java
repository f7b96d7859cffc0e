package io.lessor.server;

import io.lessor.context.Clock;
import io.lessor.server.engine.Engine;
import io.lessor.server.engine.LocalEngine;
import io.lessor.server.rpc.GrpcFrontend;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.rocksdb.RocksDBException;
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
        GrpcFrontend.checkBindable(config.listenClientAddresses());
        prepareDataDir(config.dataDir());
        Engine engine;
        try {
            engine = LocalEngine.open(config, clock);
        } catch (UncheckedIOException e) {
            if (lockedByAnotherServer(config.dataDir(), e)) {
                throw new ServerStartException("data directory " + config.dataDir().toAbsolutePath()
                        + " is in use by another running server (it holds the lock on "
                        + config.dataDir().resolve("LOCK") + "); stop that server or choose another data directory", e);
            }
            throw e;
        }
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

    /**
     * Creates the data directory if missing and checks that it is a writable directory.
     *
     * @throws ServerStartException naming the directory and what is wrong with it
     */
    private static void prepareDataDir(Path dataDir) throws ServerStartException {
        if (Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
            throw new ServerStartException("data directory " + dataDir.toAbsolutePath()
                    + " is not a directory; remove that file or choose another data directory", null);
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new ServerStartException("cannot create data directory " + dataDir.toAbsolutePath() + ": "
                    + reason(e) + "; check the path and its permissions, or choose another data directory", e);
        }
        if (!Files.isWritable(dataDir)) {
            throw new ServerStartException("data directory " + dataDir.toAbsolutePath()
                    + " is not writable; fix its permissions or choose another data directory", null);
        }
    }

    /**
     * Returns whether RocksDB failed to open because another server holds the lock on its
     * {@code LOCK} file. RocksDB words a lock held by another process and one held by this
     * process differently, but both messages name the file.
     */
    private static boolean lockedByAnotherServer(Path dataDir, UncheckedIOException failure) {
        String lockFile = dataDir.resolve("LOCK").toString();
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RocksDBException && String.valueOf(cause.getMessage()).contains(lockFile)) {
                return true;
            }
        }
        return false;
    }

    /** Returns the reason a file operation failed, such as "Not a directory". */
    private static String reason(IOException e) {
        return switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException missing -> "no such file or directory: " + missing.getFile();
            case FileSystemException other when other.getReason() != null -> other.getReason();
            default -> e.toString();
        };
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
