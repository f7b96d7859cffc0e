package io.lessor.cli;

import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lessor serve}: runs a single-node server until SIGTERM or Ctrl-C, then stops it
 * gracefully and exits 0. Flags carry etcd's names and defaults.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        description = "Runs a server that speaks etcd's v3 gRPC API, with durable storage in --data-dir.")
final class ServeCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--name", defaultValue = "default",
            description = "Member name; with --initial-cluster-token it fixes the member and cluster ids (default: ${DEFAULT-VALUE}).")
    private String name;

    @Option(names = "--data-dir",
            description = "Directory for the database files (default: NAME.etcd in the current directory).")
    private Path dataDir;

    @Option(names = "--listen-client-urls", defaultValue = "http://127.0.0.1:2379",
            description = "Comma-separated http:// URLs to serve clients on; port 0 picks a free port (default: ${DEFAULT-VALUE}).")
    private String listenClientUrls;

    @Option(names = "--advertise-client-urls",
            description = "Comma-separated client URLs that MemberList reports (default: the listen URLs).")
    private String advertiseClientUrls;

    @Option(names = "--initial-advertise-peer-urls", defaultValue = ServerConfig.DEFAULT_PEER_URL,
            description = "Comma-separated peer URLs that MemberList reports; a single node opens no peer port (default: ${DEFAULT-VALUE}).")
    private String advertisePeerUrls;

    @Option(names = "--initial-cluster-token", defaultValue = "etcd-cluster",
            description = "Cluster token; with --name it fixes the member and cluster ids (default: ${DEFAULT-VALUE}).")
    private String clusterToken;

    @Option(names = "--max-request-bytes", defaultValue = "1572864",
            description = "Largest request accepted, in bytes (default: ${DEFAULT-VALUE}, 1.5 MiB).")
    private int maxRequestBytes;

    @Option(names = "--max-txn-ops", defaultValue = "128",
            description = "Most operations one transaction may hold (default: ${DEFAULT-VALUE}).")
    private int maxTxnOps;

    @Option(names = "--quota-backend-bytes", defaultValue = "0",
            description = "Storage size in bytes at which writes fail and the NOSPACE alarm is raised. 0 means 2 GiB "
                    + "and a negative value turns the quota off (default: ${DEFAULT-VALUE}).")
    private long quotaBackendBytes;

    @Option(names = "--shutdown-grace", defaultValue = "5s",
            description = "How long a graceful stop waits for calls in flight, as a duration like 5s or 500ms (default: ${DEFAULT-VALUE}).")
    private String shutdownGrace;

    @Override
    public Integer call() throws IOException, InterruptedException {
        // A start failure with a known cause (a locked data directory, a port in use) leaves as
        // a ServerStartException, which Main prints as one line.
        ServerConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }

        LessorServer server = LessorServer.start(config);
        // SIGTERM and SIGINT are handled, not left to the JVM's default, so that the process
        // stops the server on the main thread and exits 0; a JVM killed by a signal exits 143.
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.install(signal -> {
            LOG.info("serve: received SIG{}; stopping gracefully", signal);
            stopRequested.countDown();
        });
        // Any other way out of the JVM (SIGHUP, System.exit elsewhere) still stops the server.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "lessor-shutdown"));
        System.out.println("lessor: serving etcd v3 clients on " + server.endpoint() + " (data in " + config.dataDir() + ")");
        System.out.flush();

        stopRequested.await();
        server.close();
        return 0;
    }

    private ServerConfig config() {
        requirePositive("--max-request-bytes", maxRequestBytes, "bytes");
        requirePositive("--max-txn-ops", maxTxnOps, "operations");
        List<InetSocketAddress> listen = ClientUrls.parse("--listen-client-urls", listenClientUrls);
        List<String> advertise = advertiseClientUrls == null
                ? Arrays.stream(listenClientUrls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()
                : Arrays.stream(advertiseClientUrls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        Path dir = dataDir != null ? dataDir : Path.of(name + ".etcd");
        Duration grace = Durations.parse("--shutdown-grace", shutdownGrace);
        ServerConfig defaults = ServerConfig.defaults(dir);
        List<String> peers = Arrays.stream(advertisePeerUrls.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return new ServerConfig(name, dir, listen, advertise, peers, clusterToken, defaults.minLeaseTtlSeconds(),
                defaults.maxLeaseTtlSeconds(), maxRequestBytes, maxTxnOps, defaults.expiryCheckInterval(),
                defaults.maxExpiredRevokesPerCheck(), grace, quotaBackendBytes);
    }

    private static void requirePositive(String flag, int value, String unit) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + ": invalid value " + value + "; expected a positive number of " + unit);
        }
    }
}
