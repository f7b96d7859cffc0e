package io.lessor.testing;

import io.lessor.context.Diagnostics;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Runs a Lessor server in the test's JVM, so that code written against etcd can be tested
 * without Docker or an etcd binary: the server listens on a free port of 127.0.0.1 with a fresh
 * data directory, starts before the first test of the class and stops after the last one, and
 * its data directory is deleted then.
 *
 * <pre>{@code
 * class RegistrationTest {
 *     @RegisterExtension
 *     static final LessorServerExtension etcd = LessorServerExtension.create();
 *
 *     @Test
 *     void registers() {
 *         try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p>Register it in a static field: one server serves every test of the class, as a real etcd
 * would, so tests must not depend on an empty store. A test method may also take a
 * {@link LessorServer} parameter. {@link #restart()} stops the server and starts it again on the
 * same data directory and port, for tests of what survives a restart.
 */
public final class LessorServerExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private final UnaryOperator<ServerConfig> customizer;
    private Path dataDir;
    private LessorServer server;
    private InetSocketAddress address;
    /** The leak check's mark before the first start; a restart's resources are attributed to it. */
    private long origin;

    private LessorServerExtension(UnaryOperator<ServerConfig> customizer) {
        this.customizer = customizer;
    }

    /** Creates the extension with etcd's defaults, on a free loopback port. */
    public static LessorServerExtension create() {
        return new LessorServerExtension(UnaryOperator.identity());
    }

    /**
     * Creates the extension with a configuration changed by {@code customizer}; it receives the
     * defaults with the temporary data directory and a free loopback port already set.
     */
    public static LessorServerExtension create(UnaryOperator<ServerConfig> customizer) {
        return new LessorServerExtension(customizer);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        origin = Diagnostics.mark();
        dataDir = Files.createTempDirectory("lessor-test-");
        ServerConfig config = customizer.apply(ServerConfig.defaults(dataDir)
                .withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        server = LessorServer.start(config);
        address = server.listenAddresses().get(0);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            server = null;
            deleteRecursively(dataDir);
        }
    }

    /** Returns the running server. */
    public LessorServer server() {
        if (server == null) {
            throw new IllegalStateException("the server runs only between beforeAll and afterAll; register the extension in a static field");
        }
        return server;
    }

    /** Returns the client endpoint, such as {@code http://127.0.0.1:41235}. */
    public String endpoint() {
        return server().endpoint();
    }

    /** Returns the endpoint as {@code host:port}, the form etcdctl's {@code --endpoints} takes. */
    public String hostAndPort() {
        return address.getHostString() + ":" + address.getPort();
    }

    /** Returns the data directory, which is deleted after the class's tests. */
    public Path dataDir() {
        return dataDir;
    }

    /**
     * Stops the server gracefully and starts it again on the same data directory and port.
     *
     * @throws UncheckedIOException if the port cannot be bound again or storage does not open
     */
    public void restart() {
        restart(Duration.ZERO);
    }

    /**
     * Stops the server gracefully, waits {@code downtime} with no server on the port, then
     * starts it again on the same data directory and port, for tests of clients that must ride
     * out an outage.
     *
     * @throws UncheckedIOException if the port cannot be bound again or storage does not open
     * @throws IllegalStateException if the wait is interrupted; the interrupt is kept
     */
    public void restart(Duration downtime) {
        ServerConfig config = customizer.apply(ServerConfig.defaults(dataDir).withListenAddress(address));
        server().stop(Duration.ofSeconds(5));
        if (!downtime.isZero()) {
            try {
                Thread.sleep(downtime);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                server = null;
                throw new IllegalStateException("restart of the in-process server interrupted during its downtime", e);
            }
        }
        try {
            // The restarted server belongs to the class like the first one, not to the test
            // that restarted it, so the leak check does not report its loops.
            server = Diagnostics.attributeTo(origin, () -> LessorServer.start(config));
        } catch (IOException e) {
            server = null;
            throw new UncheckedIOException("restart of the in-process server failed", e);
        } catch (Exception e) {
            server = null;
            throw new IllegalStateException("restart of the in-process server failed", e);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LessorServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return server();
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
