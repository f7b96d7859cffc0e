package io.lessor.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.lessor.compat.support.Differential;
import io.lessor.compat.support.GatewayClient;
import io.lessor.compat.support.OnBothTargets;
import io.lessor.compat.support.TargetKind;
import io.lessor.compat.support.Transcript;
import io.lessor.testing.LeakCheckExtension;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd's JSON gateway, which etcd serves on the client port next to gRPC: int64 values as
 * strings, zero values left out, and errors as {@code {"error","message","code"}}. Every case
 * sends the same requests to etcd and to Lessor and compares status, headers and bodies.
 */
@ExtendWith(LeakCheckExtension.class)
class GatewayCompatTest {

    @RegisterExtension
    final Differential differential = new Differential();

    @OnBothTargets
    void grantTwiceWithSameId(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("first grant", "/v3/lease/grant", "{\"TTL\":30,\"ID\":4242}");
                http.post("second grant", "/v3/lease/grant", "{\"TTL\":30,\"ID\":4242}");
            }
        });

        assertThat(t.noteText("first grant: body")).contains("\"ID\":\"4242\"").contains("\"TTL\":\"30\"");
        assertThat(t.noteText("second grant: status")).isEqualTo("412");
        assertThat(t.noteText("second grant: body"))
                .isEqualTo("{\"error\":\"etcdserver: lease already exists\","
                        + "\"message\":\"etcdserver: lease already exists\",\"code\":9}");
    }

    @OnBothTargets
    void timeToLiveOfUnknownLease(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("time to live", "/v3/lease/timetolive", "{\"ID\":777}");
            }
        });

        assertThat(t.noteText("time to live: status")).isEqualTo("200");
        assertThat(t.noteText("time to live: body")).contains("\"ID\":\"777\"").contains("\"TTL\":\"-1\"")
                .doesNotContain("grantedTTL");
    }

    @OnBothTargets
    void kvCallsRoundTrip(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("put", "/v3/kv/put", "{\"key\":\"" + b64("a") + "\",\"value\":\"" + b64("1") + "\"}");
                http.post("put with prev_kv", "/v3/kv/put",
                        "{\"key\":\"" + b64("a") + "\",\"value\":\"" + b64("<&>") + "\",\"prev_kv\":true}");
                http.post("put b", "/v3/kv/put", "{\"key\":\"" + b64("b") + "\",\"value\":\"" + b64("2") + "\"}");
                http.post("range", "/v3/kv/range", "{\"key\":\"" + b64("a") + "\"}");
                http.post("range all keys only", "/v3/kv/range",
                        "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"keysOnly\":true,\"sort_order\":\"DESCEND\"}");
                http.post("count", "/v3/kv/range", "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"count_only\":true}");
                http.post("range limit as string", "/v3/kv/range",
                        "{\"key\":\"AA==\",\"range_end\":\"AA==\",\"limit\":\"1\"}");
                http.post("range future revision", "/v3/kv/range", "{\"key\":\"" + b64("a") + "\",\"revision\":99}");
                http.post("txn", "/v3/kv/txn", "{\"compare\":[{\"key\":\"" + b64("a") + "\",\"result\":\"EQUAL\","
                        + "\"target\":\"VERSION\",\"version\":\"2\"}],\"success\":[{\"request_put\":{\"key\":\""
                        + b64("c") + "\"}},{\"requestRange\":{\"key\":\"" + b64("a") + "\"}},{\"request_txn\":{}}],"
                        + "\"failure\":[{\"request_delete_range\":{\"key\":\"" + b64("a") + "\"}}]}");
                http.post("txn duplicate put", "/v3/kv/txn", "{\"success\":[{\"request_put\":{\"key\":\"" + b64("d")
                        + "\"}},{\"request_put\":{\"key\":\"" + b64("d") + "\"}}]}");
                http.post("delete with prev_kv", "/v3/kv/deleterange", "{\"key\":\"" + b64("b") + "\",\"prev_kv\":true}");
                http.post("delete missing", "/v3/kv/deleterange", "{\"key\":\"" + b64("b") + "\"}");
                http.post("compact", "/v3/kv/compaction", "{\"revision\":\"3\"}");
                http.post("compact again", "/v3/kv/compaction", "{\"revision\":\"3\"}");
                http.post("range compacted", "/v3/kv/range", "{\"key\":\"" + b64("a") + "\",\"revision\":2}");
                http.post("put without key", "/v3/kv/put", "{\"value\":\"" + b64("x") + "\"}");
            }
        });

        assertThat(t.noteText("put with prev_kv: body")).contains("\"prev_kv\":{\"key\":\"YQ==\"");
        assertThat(t.noteText("txn duplicate put: status")).isEqualTo("400");
        assertThat(t.noteText("range compacted: body")).contains("\"code\":11");
    }

    @OnBothTargets
    void leaseCallsAndAliases(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                // A TTL read right after a grant may be on either side of a second's edge.
                http.mask("TTL");
                http.post("grant", "/v3/lease/grant", "{\"TTL\":\"60\",\"ID\":77}");
                http.post("put on lease", "/v3/kv/put",
                        "{\"key\":\"" + b64("l") + "\",\"value\":\"" + b64("v") + "\",\"lease\":\"77\"}");
                http.post("put on missing lease", "/v3/kv/put",
                        "{\"key\":\"" + b64("m") + "\",\"value\":\"" + b64("v") + "\",\"lease\":\"999\"}");
                http.post("time to live with keys", "/v3/lease/timetolive", "{\"ID\":\"77\",\"keys\":true}");
                http.post("time to live, old path", "/v3/kv/lease/timetolive", "{\"ID\":77}");
                http.post("leases", "/v3/lease/leases", "{}");
                http.post("leases, old path", "/v3/kv/lease/leases", "");
                http.post("grant too large", "/v3/lease/grant", "{\"TTL\":\"9000000001\"}");
                http.post("revoke", "/v3/kv/lease/revoke", "{\"ID\":77}");
                http.post("revoke again", "/v3/lease/revoke", "{\"ID\":77}");
                http.post("range after revoke", "/v3/kv/range", "{\"key\":\"" + b64("l") + "\"}");
            }
        });

        assertThat(t.noteText("revoke again: status")).isEqualTo("404");
        assertThat(t.noteText("time to live with keys: body")).contains("\"keys\":[\"bA==\"]");
    }

    @OnBothTargets
    void maintenanceStatusAndMemberList(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                // etcd reports its own release, Lessor the API version it follows.
                http.mask("version");
                http.post("status", "/v3/maintenance/status", "{}");
                http.post("member list", "/v3/cluster/member/list", "{}");
            }
        });

        assertThat(t.noteText("member list: body")).contains("\"name\":\"default\"");
    }

    @OnBothTargets
    void badJsonGetsGoErrors(TargetKind kind) throws Exception {
        Map<String, String> bodies = new java.util.LinkedHashMap<>();
        bodies.put("empty body", "");
        bodies.put("whitespace only", "   ");
        bodies.put("null", "null");
        bodies.put("array", "[]");
        bodies.put("string", "\"text\"");
        bodies.put("number", "123");
        bodies.put("truncated", "{\"key\":");
        bodies.put("trailing comma", "{\"key\":\"YQ==\",}");
        bodies.put("missing colon", "{\"key\" \"YQ==\"}");
        bodies.put("missing comma", "{\"key\":\"YQ==\" \"limit\":1}");
        bodies.put("number key", "{1:2}");
        bodies.put("single quotes", "'a'");
        bodies.put("bad escape", "{\"key\":\"\\x\"}");
        bodies.put("bad unicode escape", "{\"key\":\"\\u00zz\"}");
        bodies.put("tab in string", "{\"key\":\"a\tb\"}");
        bodies.put("bad literal", "{\"key\":\"YQ==\",\"x\":tru}");
        bodies.put("lone minus", "{\"key\":\"YQ==\",\"x\":-}");
        bodies.put("dot without digits", "{\"key\":\"YQ==\",\"x\":1.}");
        bodies.put("exponent without digits", "{\"key\":\"YQ==\",\"x\":1e}");
        bodies.put("leading zero", "{\"key\":\"YQ==\",\"x\":01}");
        bodies.put("byte order mark", "\uFEFF{}");
        bodies.put("trailing garbage ignored", "{\"key\":\"YQ==\"} trailing");
        bodies.put("second value ignored", "{\"key\":\"YQ==\"}{\"key\":\"Yg==\"}");
        bodies.put("unknown field ignored", "{\"key\":\"YQ==\",\"bogus\":1}");
        bodies.put("repeated key keeps last", "{\"key\":\"YQ==\",\"key\":\"Yg==\"}");
        bodies.put("json name wins", "{\"key\":\"YQ==\",\"keys_only\":false,\"keysOnly\":true}");
        bodies.put("key not base64", "{\"key\":\"not base64!\"}");
        bodies.put("key missing padding", "{\"key\":\"YQ\"}");
        bodies.put("key with newline", "{\"key\":\"Y\\nQ==\"}");
        bodies.put("key garbage after padding", "{\"key\":\"YQ==\\\\n\"}");
        bodies.put("key as number", "{\"key\":5}");
        bodies.put("key as array of strings", "{\"key\":[\"YQ==\"]}");
        bodies.put("key as array of bytes", "{\"key\":[97]}");
        bodies.put("key as array with big byte", "{\"key\":[300]}");
        bodies.put("limit as word", "{\"key\":\"YQ==\",\"limit\":\"x\"}");
        bodies.put("limit empty string", "{\"key\":\"YQ==\",\"limit\":\"\"}");
        bodies.put("limit two numbers", "{\"key\":\"YQ==\",\"limit\":\"1 2\"}");
        bodies.put("limit fraction", "{\"key\":\"YQ==\",\"limit\":1.5}");
        bodies.put("limit exponent", "{\"key\":\"YQ==\",\"limit\":1e2}");
        bodies.put("limit overflow", "{\"key\":\"YQ==\",\"limit\":99999999999999999999}");
        bodies.put("limit bool", "{\"key\":\"YQ==\",\"limit\":true}");
        bodies.put("limit object", "{\"key\":\"YQ==\",\"limit\":{}}");
        bodies.put("limit null", "{\"key\":\"YQ==\",\"limit\":null}");
        bodies.put("revision plus sign", "{\"key\":\"YQ==\",\"revision\":\"+1\"}");
        bodies.put("serializable as string", "{\"key\":\"YQ==\",\"serializable\":\"true\"}");
        bodies.put("serializable as number", "{\"key\":\"YQ==\",\"serializable\":1}");
        bodies.put("unknown enum name", "{\"key\":\"YQ==\",\"sort_order\":1,\"sort_target\":\"BOGUS\"}");
        bodies.put("enum number as string", "{\"key\":\"YQ==\",\"sort_order\":\"1\"}");
        bodies.put("enum fraction", "{\"key\":\"YQ==\",\"sort_order\":1.5}");
        bodies.put("enum bool", "{\"key\":\"YQ==\",\"sort_order\":true}");
        bodies.put("nesting deeper than Go allows", "[".repeat(10_001));
        bodies.put("nesting as deep as Go allows", "{\"key\":\"YQ==\",\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}");

        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("put a", "/v3/kv/put", "{\"key\":\"YQ==\",\"value\":\"eA==\"}");
                for (Map.Entry<String, String> body : bodies.entrySet()) {
                    http.post(body.getKey(), "/v3/kv/range", body.getValue());
                }
                http.post("txn compare as object", "/v3/kv/txn", "{\"compare\":{}}");
                http.post("txn compare of number", "/v3/kv/txn", "{\"compare\":[5]}");
                http.post("txn op as number", "/v3/kv/txn", "{\"success\":[{\"request_put\":5}]}");
            }
        });

        assertThat(t.noteText("trailing comma: body"))
                .contains("invalid character '}' looking for beginning of object key string");
        assertThat(t.noteText("nesting deeper than Go allows: body")).contains("exceeded max depth");
    }

    @OnBothTargets
    void httpErrorsAndPlainPaths(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.mask("etcdserver");
                http.send("GET on a gateway path", "GET", "/v3/kv/range", null);
                http.send("PUT on a gateway path", "PUT", "/v3/kv/range", "{}");
                http.post("unknown gateway path", "/v3/kv/bogus", "{}");
                http.post("gateway path with trailing slash", "/v3/kv/range/", "{}");
                http.post("auth status, which 3.4 has no path for", "/v3/auth/status", "{}");
                http.post("keep-alive on the old lease path", "/v3/kv/lease/keepalive", "{}");
                http.post("unknown path", "/bogus", "{}");
                http.send("GET unknown path", "GET", "/", null);
                http.send("health", "GET", "/health", null);
                http.post("POST health", "/health", "{}");
                http.send("version", "GET", "/version", null);
                http.post("POST version", "/version", "{}");
                http.send("OPTIONS preflight", "OPTIONS", "/v3/kv/range", null);
                http.post("query string ignored", "/v3/kv/range?key=YQ==&limit=1", "{\"key\":\"dw==\"}");
            }
        });

        assertThat(t.noteText("GET on a gateway path: status")).isEqualTo("405");
        assertThat(t.noteText("health: body")).isEqualTo("{\"health\":\"true\"}");
    }

    @OnBothTargets
    void bodiesOverTheLimits(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("1 MiB value", "/v3/kv/put", putOfSize(1024 * 1024));
                http.post("1.6 MiB value", "/v3/kv/put", putOfSize(1600 * 1024));
                http.post("3 MiB value", "/v3/kv/put", putOfSize(3 * 1024 * 1024));
            }
        });

        assertThat(t.noteText("1.6 MiB value: body")).contains("etcdserver: request is too large");
        assertThat(t.noteText("3 MiB value: status")).isEqualTo("429");
        assertThat(t.noteText("3 MiB value: body")).contains("grpc: received message larger than max (3145738 vs. 2097152)");
    }

    @OnBothTargets
    void keepAliveOverHttp(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                http.post("grant", "/v3/lease/grant", "{\"ID\":55,\"TTL\":60}");
                http.stream("keep-alive", "/v3/lease/keepalive", "{\"ID\":55}\n{\"ID\":56}{\"ID\":55}", 10, () -> { });
                http.stream("keep-alive, second request broken", "/v3/lease/keepalive", "{\"ID\":55}{\"ID\":", 10,
                        () -> { });
                http.stream("keep-alive, first request broken", "/v3/lease/keepalive", "{\"ID\":\"x\"}", 10, () -> { });
                http.stream("keep-alive without requests", "/v3/lease/keepalive", "", 10, () -> { });
            }
        });

        assertThat(t.noteText("keep-alive: line 3")).contains("\"TTL\":\"60\"");
        assertThat(t.noteText("keep-alive, first request broken: status")).isEqualTo("500");
    }

    @OnBothTargets
    void watchOverHttp(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                String key = b64("w");
                http.stream("watch", "/v3/watch", "{\"create_request\":{\"key\":\"" + key + "\",\"prev_kv\":true}}", 4,
                        () -> {
                            target.kv().put(io.lessor.compat.support.Requests.put("w", "1"));
                            target.kv().put(io.lessor.compat.support.Requests.put("w", "2"));
                            target.kv().deleteRange(io.lessor.compat.support.Requests.delete("w"));
                        });
                http.stream("watch then cancel", "/v3/watch", "{\"create_request\":{\"key\":\"" + key + "\"}}"
                        + "{\"cancel_request\":{\"watch_id\":0}}", 2, () -> { });
                http.stream("watch, first request broken", "/v3/watch", "{\"create_request\":{\"key\":5}}", 2, () -> { });
                http.stream("watch, unknown filter", "/v3/watch",
                        "{\"create_request\":{\"key\":\"" + key + "\",\"filters\":[\"NOPUT\",\"BAD\"]}}", 2, () -> { });
            }
        });

        assertThat(t.noteText("watch: line 4")).contains("\"type\":\"DELETE\"");
        assertThat(t.noteText("watch then cancel: line 2")).contains("\"canceled\":true");
    }

    @OnBothTargets
    void nestedTxnOverJson(TargetKind kind) throws Exception {
        Transcript t = differential.run(kind, (target, out) -> {
            try (GatewayClient http = new GatewayClient(target, out)) {
                for (int depth : new int[] {2, 128, 129, 1000}) {
                    http.post("txn of depth " + depth, "/v3/kv/txn", nestedTxn(depth));
                }
            }
        });

        assertThat(t.noteText("txn of depth 128: status")).isEqualTo("200");
        assertThat(t.noteText("txn of depth 129: body")).contains("etcdserver: too many operations in txn request");
    }

    /** Returns a Txn whose success branch nests a Txn {@code depth} levels deep, with a Put at the bottom. */
    private static String nestedTxn(int depth) {
        String inner = "{\"success\":[{\"request_put\":{\"key\":\"" + b64("n") + "\"}}]}";
        StringBuilder txn = new StringBuilder(inner);
        for (int level = 1; level < depth; level++) {
            txn.insert(0, "{\"success\":[{\"request_txn\":").append("}]}");
        }
        return txn.toString();
    }

    private static String putOfSize(int valueBytes) {
        return "{\"key\":\"" + b64("big") + "\",\"value\":\"" + Base64.getEncoder().encodeToString(new byte[valueBytes]) + "\"}";
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
