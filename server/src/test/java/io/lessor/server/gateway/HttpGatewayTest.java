package io.lessor.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.context.LeakCheck;
import io.lessor.server.LessorServer;
import io.lessor.server.ServerConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The JSON gateway and gRPC on one port, and the gateway's part in a graceful stop. */
@ExtendWith(LeakCheck.class)
class HttpGatewayTest {

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
    void grpcWriteIsReadOverHttpOnSamePort() throws Exception {
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
        List<String> lines = new java.util.ArrayList<>();
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
