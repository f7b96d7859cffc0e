package io.lessor.client;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A two-member etcd cluster on loopback ports, for tests of a member without a leader: with
 * member {@code b} stopped, member {@code a} has no quorum and loses its leader. Each member
 * runs as a child process of this object, which alone stops it, and writes its data and log
 * under a temporary directory that {@link #close()} deletes.
 */
final class EtcdPair implements AutoCloseable {

    private final Path baseDir;
    private final int[] clientPorts = new int[2];
    private final int[] peerPorts = new int[2];
    private final Process[] processes = new Process[2];

    private EtcdPair(Path baseDir) throws IOException {
        this.baseDir = baseDir;
        for (int i = 0; i < 2; i++) {
            clientPorts[i] = freePort();
            peerPorts[i] = freePort();
        }
    }

    /** Starts both members; a caller waits for the cluster to serve before using it. */
    static EtcdPair start() throws IOException {
        EtcdPair pair = new EtcdPair(Files.createTempDirectory("lessor-etcd-pair-"));
        try {
            pair.launch(0);
            pair.launch(1);
            return pair;
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
    }

    /** Returns the client endpoint of member {@code a}. */
    String endpointA() {
        return "http://127.0.0.1:" + clientPorts[0];
    }

    /** Stops member {@code b} with SIGKILL and waits for it to exit. */
    void killB() throws InterruptedException {
        stop(1);
    }

    /** Starts member {@code b} again on its ports and data. */
    void startB() throws IOException {
        launch(1);
    }

    private void launch(int member) throws IOException {
        String initialCluster = "a=http://127.0.0.1:" + peerPorts[0] + ",b=http://127.0.0.1:" + peerPorts[1];
        String name = member == 0 ? "a" : "b";
        String clientUrl = "http://127.0.0.1:" + clientPorts[member];
        String peerUrl = "http://127.0.0.1:" + peerPorts[member];
        ProcessBuilder builder = new ProcessBuilder(List.of("etcd",
                "--name", name,
                "--data-dir", baseDir.resolve(name).toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", initialCluster,
                "--initial-cluster-state", "new"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(baseDir.resolve(name + ".log").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().keySet().removeIf(variable -> variable.startsWith("ETCD"));
        processes[member] = builder.start();
    }

    private void stop(int member) throws InterruptedException {
        Process process = processes[member];
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
        processes[member] = null;
    }

    @Override
    public void close() {
        try {
            stop(0);
            stop(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var paths = Files.walk(baseDir)) {
            List<Path> all = new ArrayList<>(paths.sorted(Comparator.reverseOrder()).toList());
            for (Path path : all) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("failed to delete " + baseDir, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
