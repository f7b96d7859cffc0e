package io.lessor.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.gson.JsonParser;
import io.lessor.compat.support.Differential;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.Target;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd's JSON gateway, which etcd serves on the client port next to gRPC: int64 values as
 * strings, zero values left out, and errors as {@code {"error","message","code"}}.
 */
@ExtendWith(LeakCheckExtension.class)
class GatewayCompatTest {

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void grantTwiceWithSameId(TargetKind kind) throws Exception {
        assumeTrue(kind == TargetKind.ETCD, "Lessor serves no HTTP/JSON gateway; only etcd runs this case");
        Transcript t = differential.run(kind, (target, out) -> {
            post(target, out, "first grant", "/v3/lease/grant", "{\"TTL\":30,\"ID\":4242}");
            post(target, out, "second grant", "/v3/lease/grant", "{\"TTL\":30,\"ID\":4242}");
        });

        assertThat(t.noteText("first grant: body")).contains("\"ID\":\"4242\"").contains("\"TTL\":\"30\"");
        assertThat(t.noteText("second grant: body"))
                .isEqualTo("{\"error\":\"etcdserver: lease already exists\","
                        + "\"message\":\"etcdserver: lease already exists\",\"code\":9}");
    }

    @OnBothTargets
    void timeToLiveOfUnknownLease(TargetKind kind) throws Exception {
        assumeTrue(kind == TargetKind.ETCD, "Lessor serves no HTTP/JSON gateway; only etcd runs this case");
        Transcript t = differential.run(kind, (target, out) ->
                post(target, out, "time to live", "/v3/lease/timetolive", "{\"ID\":777}"));

        assertThat(t.noteText("time to live: status")).isEqualTo("200");
        assertThat(t.noteText("time to live: body")).contains("\"ID\":\"777\"").contains("\"TTL\":\"-1\"")
                .doesNotContain("grantedTTL");
    }

    private static void post(Target target, Transcript out, String label, String path, String json)
            throws Exception {
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(target.endpoint() + path))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            out.note(label + ": status", response.statusCode());
            out.note(label + ": body", out.normalizer().normalizeJson(JsonParser.parseString(response.body())));
        }
    }
}
