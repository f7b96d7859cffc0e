package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real etcdctl's watch command against the server; skipped where etcdctl is not on the PATH. */
@ExtendWith(LeakCheck.class)
class EtcdctlWatchTest {

    /** The etcdctl found on the PATH, or {@code null}. */
    private static final Path ETCDCTL = findOnPath("etcdctl");

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;
    private KVGrpc.KVBlockingStub kv;
    private final List<Process> processes = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(ETCDCTL != null, "etcdctl is not on the PATH");
        server = LessorServer.start(ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        InetSocketAddress bound = server.listenAddresses().get(0);
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        kv = KVGrpc.newBlockingStub(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process process : processes) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (Thread reader : readers) {
            reader.join(5_000);
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    private static Path findOnPath(String program) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private long put(String key, String value) {
        return kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).setValue(ByteString.copyFromUtf8(value)).build())
                .getHeader().getRevision();
    }

    /** Starts {@code etcdctl watch} with {@code args} and returns a queue of its output lines. */
    private LinkedBlockingQueue<String> watch(String... args) throws IOException {
        InetSocketAddress bound = server.listenAddresses().get(0);
        List<String> command = new ArrayList<>(List.of(ETCDCTL.toString(),
                "--endpoints=" + bound.getHostString() + ":" + bound.getPort(), "watch"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("ETCDCTL_API", "3");
        Process process = builder.start();
        processes.add(process);
        LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        readers.add(Thread.ofVirtual().name("etcdctl-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("read failed: " + e);
            }
        }));
        return lines;
    }

    private static List<String> take(LinkedBlockingQueue<String> lines, int count) throws InterruptedException {
        List<String> output = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = lines.poll(10, TimeUnit.SECONDS);
            assertThat(line).as("etcdctl output line %d after %s", i, output).isNotNull();
            output.add(line);
        }
        return output;
    }

    @Test
    void prefixWatchWithPrevKvPrintsEvents() throws Exception {
        put("e2e/a", "old");
        long current = put("unrelated", "x");
        LinkedBlockingQueue<String> lines = watch("--prefix", "e2e/", "--prev-kv", "--rev=" + (current + 1));

        // --rev makes the output independent of when etcdctl's watch reaches the server.
        put("e2e/a", "new");
        put("e2e/b", "first");
        kv.deleteRange(DeleteRangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("e2e/a")).build());

        assertThat(take(lines, 5 + 3 + 5)).containsExactly(
                "PUT", "e2e/a", "old", "e2e/a", "new",
                "PUT", "e2e/b", "first",
                "DELETE", "e2e/a", "new", "e2e/a", "");
    }

    @Test
    void watchFromPastRevisionReplays() throws Exception {
        long first = put("hist/k", "1");
        put("hist/k", "2");
        put("other", "3");

        LinkedBlockingQueue<String> lines = watch("--prefix", "hist/", "--rev=" + first);

        assertThat(take(lines, 6)).containsExactly("PUT", "hist/k", "1", "PUT", "hist/k", "2");
    }
}
