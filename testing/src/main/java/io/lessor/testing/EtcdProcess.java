package io.lessor.testing;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.RangeRequest;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd server for tests: the {@code etcd} binary on {@code PATH} (on Debian, the
 * {@code etcd-server} package) started as a single member that listens on free ports of
 * 127.0.0.1 only, with its data in a directory of its own.
 *
 * <pre>{@code
 * try (EtcdProcess etcd = EtcdProcess.start()) {
 *     try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) { ... }
 * }   // close(): SIGTERM, then SIGKILL after 10 s; the temporary directory is deleted
 * }</pre>
 *
 * <p>Lifecycle: {@link #start()} creates a temporary directory, {@link #start(Path)} uses the
 * given one; either starts etcd and returns once a Range succeeds. {@link #restart(Duration)}
 * stops etcd and starts it again on the same ports and data. {@link #close()} stops it and
 * deletes its data, and also the directory that {@link #start()} created. The output of every
 * run is appended to {@link #logFile()}, which {@link #start(Path)} leaves in place.
 *
 * <p>Stopping sends SIGTERM through this object's own {@link Process} handle, then SIGKILL if
 * etcd has not exited within {@link #STOP_GRACE}; no other process is ever signalled. A JVM
 * shutdown hook kills, through the same handles, any etcd that a test left running, so an
 * aborted test run does not leave daemons behind.
 *
 * <p>Thread-safety: not thread-safe. One test class drives one instance.
 */
public final class EtcdProcess implements AutoCloseable {

    /** The member name, the same as Lessor's default. */
    public static final String MEMBER_NAME = "default";

    /** How long etcd may take to exit after SIGTERM before it is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** How long etcd may take from launch until a Range succeeds. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private static final int BIND_ATTEMPTS = 3;
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly),
                "etcd-process-reaper"));
    }

    private final Path baseDir;
    private final boolean ownsBaseDir;
    private final Path dataDir;
    private final Path logFile;
    private final List<String> extraFlags;
    private int clientPort;
    private int peerPort;
    private Process process;

    private EtcdProcess(Path baseDir, boolean ownsBaseDir, List<String> extraFlags) {
        this.baseDir = baseDir;
        this.ownsBaseDir = ownsBaseDir;
        this.extraFlags = List.copyOf(extraFlags);
        this.dataDir = baseDir.resolve("etcd-data");
        this.logFile = baseDir.resolve("etcd.log");
    }

    /**
     * Starts etcd with its data and log in a new temporary directory, and waits until it serves
     * a Range. {@link #close()} deletes the directory.
     *
     * @throws IOException if etcd cannot be launched, exits, or does not serve within
     *     {@link #START_TIMEOUT}; the message contains the end of its log
     */
    public static EtcdProcess start() throws IOException, InterruptedException {
        Path baseDir = Files.createTempDirectory("lessor-etcd-");
        try {
            return start(new EtcdProcess(baseDir, true, List.of()));
        } catch (IOException | InterruptedException | RuntimeException e) {
            deleteRecursively(baseDir);
            throw e;
        }
    }

    /**
     * Starts etcd with its data and log under {@code baseDir}, and waits until it serves a Range.
     *
     * @throws IOException if etcd cannot be launched, exits, or does not serve within
     *     {@link #START_TIMEOUT}; the message contains the end of its log
     */
    public static EtcdProcess start(Path baseDir) throws IOException, InterruptedException {
        return start(baseDir, List.of());
    }

    /**
     * Starts etcd as {@link #start(Path)} does, with {@code extraFlags} added to its command
     * line, such as {@code List.of("--quota-backend-bytes", "65536")}.
     */
    public static EtcdProcess start(Path baseDir, List<String> extraFlags) throws IOException, InterruptedException {
        return start(new EtcdProcess(baseDir, false, extraFlags));
    }

    private static EtcdProcess start(EtcdProcess etcd) throws IOException, InterruptedException {
        IOException last = null;

        // A free port found here can be taken by another process before etcd binds it, so a
        // failed start is retried on new ports.
        for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
            etcd.clientPort = freeLoopbackPort();
            etcd.peerPort = freeLoopbackPort();
            try {
                etcd.launch();
                return etcd;
            } catch (IOException e) {
                last = e;
                etcd.stop();
                deleteRecursively(etcd.dataDir);
            }
        }
        throw last;
    }

    /** Returns the client URL, such as {@code http://127.0.0.1:43121}. */
    public String endpoint() {
        return "http://127.0.0.1:" + clientPort;
    }

    /** Returns the client port on 127.0.0.1. */
    public int clientPort() {
        return clientPort;
    }

    /** Returns the endpoint as {@code host:port}, the form etcdctl's {@code --endpoints} takes. */
    public String hostAndPort() {
        return "127.0.0.1:" + clientPort;
    }

    /** Returns the file that collects etcd's output across restarts. */
    public Path logFile() {
        return logFile;
    }

    /** Returns whether the etcd process is running. */
    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /**
     * Stops etcd gracefully, waits {@code downtime}, then starts it again on the same ports and
     * data directory and waits until it serves a Range.
     *
     * @throws IOException if etcd does not serve again within {@link #START_TIMEOUT}
     */
    public void restart(Duration downtime) throws IOException, InterruptedException {
        stop();
        if (!downtime.isZero()) {
            Thread.sleep(downtime);
        }
        launch();
    }

    /**
     * Sends SIGTERM and waits up to {@link #STOP_GRACE} for etcd to exit, then sends SIGKILL.
     * Does nothing if etcd is not running.
     */
    public void stop() throws InterruptedException {
        Process p = process;
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            p.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        }
        RUNNING.remove(p);
        process = null;
    }

    /**
     * Stops etcd and deletes its data directory. The log file stays, unless {@link #start()}
     * created the directory, which is then deleted as a whole.
     */
    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            deleteRecursively(ownsBaseDir ? baseDir : dataDir);
        }
    }

    private void launch() throws IOException, InterruptedException {
        String clientUrl = endpoint();
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(
                "etcd",
                "--name", MEMBER_NAME,
                "--data-dir", dataDir.toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", MEMBER_NAME + "=" + peerUrl,
                "--initial-cluster-state", "new"));
        command.addAll(extraFlags);

        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        // etcd reads ETCD_* variables as flags, so none from the test's environment get through.
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD"));
        process = builder.start();
        RUNNING.add(process);

        awaitRange();
    }

    /** Polls a Range of key "health" until it succeeds, etcd exits, or the start timeout ends. */
    private void awaitRange() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        ManagedChannel channel = NettyChannelBuilder.forAddress(new InetSocketAddress("127.0.0.1", clientPort))
                .usePlaintext()
                .build();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IOException("etcd exited with code " + process.exitValue()
                            + " during start; end of its log:\n" + logTail());
                }
                try {
                    KVGrpc.newBlockingStub(channel)
                            .withDeadlineAfter(500, TimeUnit.MILLISECONDS)
                            .withWaitForReady()
                            .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("health")).build());
                    return;
                } catch (StatusRuntimeException e) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException("etcd did not serve a Range within " + START_TIMEOUT
                                + " (last status " + e.getStatus() + "); end of its log:\n" + logTail(), e);
                    }
                    Thread.sleep(50);
                }
            }
        } finally {
            channel.shutdownNow();
            channel.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Returns the last 40 lines of the log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /**
     * Returns a port that was free on 127.0.0.1 a moment ago. Another process may take it
     * before the caller binds it, which {@link #start(Path)} handles by retrying.
     */
    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.comparingInt(Path::getNameCount).reversed()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("failed to delete " + dir, e);
        }
    }

    @Override
    public String toString() {
        return "etcd at " + endpoint() + " (data " + baseDir + ")";
    }
}
