package io.lessor.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.context.Diagnostics;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The JSON gateway and gRPC on one port, and the gateway's part in a graceful stop. */
@ExtendWith(LeakCheck.class)
class HttpGatewayTest {

    private static final String WATCH_BODY = "{\"create_request\":{\"key\":\"Y3VybA==\"}}";
    private static final int CLOSED_WATCHES = 20;
    private static final Duration STREAM_END_BOUND = Duration.ofSeconds(5);
    /** A grace far longer than the socket timeouts below, so that a stop that waits for it fails the test. */
    private static final Duration LONG_GRACE = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;

    private LessorServer server;
    private ManagedChannel channel;
    private HttpClient http;

    @BeforeEach
    void start() throws Exception {
        server = LessorServer.start(ServerConfig.defaults(dataDir).withListenAddress(new InetSocketAddress("127.0.0.1", 0)));
        InetSocketAddress bound = server.listenAddresses().getFirst();
        channel = NettyChannelBuilder.forAddress(bound.getHostString(), bound.getPort()).usePlaintext().build();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        http.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    void httpRangeReadsGrpcPut() throws Exception {
        KVGrpc.newBlockingStub(channel).put(PutRequest.newBuilder()
                .setKey(ByteString.copyFromUtf8("foo")).setValue(ByteString.copyFromUtf8("bar")).build());

        HttpResponse<String> range = post("/v3/kv/range", "{\"key\":\"Zm9v\"}");
        HttpResponse<String> pipelinedOnSameConnection = post("/v3/kv/range", "{\"key\":\"Zm9v\",\"count_only\":true}");

        assertThat(range.statusCode()).isEqualTo(200);
        assertThat(range.body()).contains("\"kvs\":[{\"key\":\"Zm9v\",\"create_revision\":\"2\"")
                .contains("\"value\":\"YmFy\"}],\"count\":\"1\"}");
        assertThat(pipelinedOnSameConnection.body()).endsWith("\"count\":\"1\"}");
    }

    @Test
    void serviceErrorHasEtcdStatusAndBody() throws Exception {
        HttpResponse<String> revoke = post("/v3/lease/revoke", "{\"ID\":123}");

        assertThat(revoke.statusCode()).isEqualTo(404);
        assertThat(revoke.body()).isEqualTo("{\"error\":\"etcdserver: requested lease not found\","
                + "\"message\":\"etcdserver: requested lease not found\",\"code\":5}");
    }

    @Test
    void stopEndsOpenHttpWatchWithServerStopped() throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri("/v3/watch"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"create_request\":{\"key\":\"Zm9v\"}}"))
                .build();
        // send() returns once the headers are in; the lines arrive as the stream goes on.
        HttpResponse<Stream<String>> watch = http.send(request, HttpResponse.BodyHandlers.ofLines());
        List<String> lines = new ArrayList<>();
        try (Stream<String> body = watch.body()) {
            Iterator<String> it = body.iterator();
            lines.add(it.next());

            server.stop(Duration.ofSeconds(2));

            while (it.hasNext()) {
                lines.add(it.next());
            }
        }

        assertThat(lines.getFirst()).contains("\"created\":true");
        assertThat(lines.getLast()).isEqualTo("{\"error\":{\"grpc_code\":14,\"http_code\":503,"
                + "\"message\":\"etcdserver: server stopped\",\"http_status\":\"Service Unavailable\"}}");
    }

    @Test
    void closedHttpWatchesEndTheirStreams() throws Exception {
        long mark = Diagnostics.mark();
        InetSocketAddress bound = server.listenAddresses().getFirst();
        byte[] request = ("POST /v3/watch HTTP/1.1\r\nHost: x\r\nContent-Length: " + WATCH_BODY.length()
                + "\r\n\r\n" + WATCH_BODY).getBytes(StandardCharsets.US_ASCII);
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < CLOSED_WATCHES; i++) {
                Socket client = new Socket(bound.getAddress(), bound.getPort());
                clients.add(client);
                client.setSoTimeout(10_000);
                client.getOutputStream().write(request);
                readUntil(client.getInputStream(), "\"created\":true");
            }
            assertThat(liveWatchStreams(mark)).hasSize(CLOSED_WATCHES);
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }

        long deadline = System.nanoTime() + STREAM_END_BOUND.toNanos();
        while (!liveWatchStreams(mark).isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
        }

        assertThat(liveWatchStreams(mark)).isEmpty();
    }

    @Test
    void rejectedHeadersGet400ThenClose() throws Exception {
        String response = exchange("POST /v3/kv/range HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("\r\nConnection: close\r\n");
        assertThat(response).contains("\r\nContent-Type: text/plain; charset=utf-8\r\n").endsWith("\r\n\r\n400 Bad Request");
    }

    @Test
    void malformedRequestLineGets400() throws Exception {
        String response = exchange("GARBAGE\r\n\r\n");

        // Go's server writes an HTTP/1.1 status line and the status text as the body.
        assertThat(response).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("\r\nConnection: close\r\n");
        assertThat(response).endsWith("\r\n\r\n400 Bad Request");
    }

    @Test
    void oversizedHeadersGet431ThenClose() throws Exception {
        String header = "X-Big: " + "a".repeat((1 << 20) + 1024) + "\r\n";

        String response = exchange("GET /health HTTP/1.1\r\nHost: x\r\n" + header + "\r\n");

        assertThat(response).startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(response).contains("\r\nConnection: close\r\n");
        assertThat(response).endsWith("\r\n\r\n431 Request Header Fields Too Large");
    }

    @Test
    void stopEndsWatchWithOpenBody() throws Exception {
        assertStopEndsStreamWithOpenBody("/v3/watch", WATCH_BODY, "\"created\":true");
    }

    @Test
    void stopEndsKeepAliveWithOpenBody() throws Exception {
        HttpResponse<String> grant = post("/v3/lease/grant", "{\"TTL\":60}");
        Matcher id = Pattern.compile("\"ID\":\"(\\d+)\"").matcher(grant.body());
        assertThat(id.find()).as("lease id in %s", grant.body()).isTrue();

        assertStopEndsStreamWithOpenBody("/v3/lease/keepalive", "{\"ID\":\"" + id.group(1) + "\"}", "\"TTL\":\"60\"");
    }

    /**
     * Opens a stream on {@code path} whose chunked request body the client never ends, waits for
     * {@code firstResponse}, stops the server with a grace longer than the socket timeout, and
     * checks that the response ends with etcd's error and the connection closes.
     */
    private void assertStopEndsStreamWithOpenBody(String path, String firstValue, String firstResponse) throws Exception {
        InetSocketAddress bound = server.listenAddresses().getFirst();
        try (Socket client = new Socket(bound.getAddress(), bound.getPort())) {
            // given a stream whose chunked request body the client has not ended
            client.setSoTimeout(20_000);
            String chunk = Integer.toHexString(firstValue.length()) + "\r\n" + firstValue + "\r\n";
            client.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + chunk).getBytes(StandardCharsets.US_ASCII));
            String head = readUntil(client.getInputStream(), firstResponse);

            // when the server stops with a grace longer than the socket timeout
            Thread stopper = Thread.ofPlatform().name("gateway-test-stop").start(() -> server.stop(LONG_GRACE));

            // then the response ends with etcd's error and the server closes the connection
            String rest = head + readToEnd(client.getInputStream());
            stopper.join(Duration.ofSeconds(20));
            assertThat(stopper.isAlive()).as("stop still running").isFalse();
            assertThat(rest).contains("{\"error\":{\"grpc_code\":14,\"http_code\":503,"
                    + "\"message\":\"etcdserver: server stopped\",\"http_status\":\"Service Unavailable\"}}");
            assertThat(rest).endsWith("\r\n0\r\n\r\n");
        }
    }

    @Test
    void absoluteFormTargetIsRoutedByPath() throws Exception {
        String response = exchange("POST http://x/v3/kv/range HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Content-Length: 14\r\n\r\n{\"key\":\"Zm9v\"}");

        assertThat(response).startsWith("HTTP/1.1 200 OK\r\n").contains("{\"header\":{\"cluster_id\":");
    }

    @Test
    void connectRequestGets404() throws Exception {
        String response = exchange("CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 404 Not Found\r\n").endsWith("\r\n\r\n404 page not found\n");
    }

    /**
     * Sends {@code request} on a new connection and returns all it reads until the server
     * closes the connection, failing if that takes longer than ten seconds.
     */
    private String exchange(String request) throws IOException {
        InetSocketAddress bound = server.listenAddresses().getFirst();
        try (Socket client = new Socket(bound.getAddress(), bound.getPort())) {
            client.setSoTimeout(10_000);
            try {
                client.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            } catch (SocketException e) {
                // The server may close before it reads all of a request it rejects, but its response is still there.
            }
            return readToEnd(client.getInputStream());
        }
    }

    /**
     * Reads until the server closes the connection. A reset after the response counts as the
     * end, because a server that closes with unread request bytes resets the connection.
     */
    private static String readToEnd(InputStream in) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
            }
        } catch (SocketException e) {
            if (seen.isEmpty()) {
                throw e;
            }
        }
        return seen.toString();
    }

    private static List<Diagnostics.LiveResource> liveWatchStreams(long mark) {
        return Diagnostics.liveSince(mark).stream().filter(r -> r.name().startsWith("watch-stream-")).toList();
    }

    /** Reads from {@code in} until {@code text} has arrived and returns what it read, failing if the stream ends first. */
    private static String readUntil(InputStream in, String text) throws IOException {
        StringBuilder seen = new StringBuilder();
        byte[] buffer = new byte[4096];
        while (seen.indexOf(text) < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new EOFException("stream ended before " + text + " in: " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
        }
        return seen.toString();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(server.endpoint() + path);
    }
}
