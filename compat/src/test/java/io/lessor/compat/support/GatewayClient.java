package io.lessor.compat.support;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * HTTP/1.1 requests to the JSON gateway of a {@link Target}, recorded into a {@link Transcript}:
 * the status, the headers a client of etcd's gateway reads, and the body, as normalized JSON
 * when it parses and as text otherwise.
 *
 * <p>Thread-safety: not thread-safe; one scenario uses one instance.
 */
public final class GatewayClient implements AutoCloseable {

    /** How long one request may take; streams are read for at most this long. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    /** Headers recorded with each response, when present. */
    private static final List<String> RECORDED_HEADERS = List.of("content-type", "grpc-metadata-content-type",
            "trailer", "allow", "location", "access-control-allow-origin");

    private static final java.util.regex.Pattern VOLATILE_HEADER_VALUE =
            java.util.regex.Pattern.compile("\"(cluster_id|member_id|raft_term)\":\"\\d+\"");

    private final Target target;
    private final Transcript out;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT)
            .build();

    private final java.util.Set<String> maskedKeys = new java.util.HashSet<>();

    public GatewayClient(Target target, Transcript out) {
        this.target = target;
        this.out = out;
    }

    /**
     * Records the values of these JSON keys as {@code "*"} from now on, for values that
     * legitimately differ, such as the version a server reports or a TTL read near a second's edge.
     */
    public GatewayClient mask(String... keys) {
        maskedKeys.addAll(List.of(keys));
        return this;
    }

    /** Sends {@code POST path} with {@code body} and records the response under {@code label}. */
    public String post(String label, String path, String body) throws IOException, InterruptedException {
        return send(label, "POST", path, body);
    }

    /** Sends {@code method path}, with {@code body} unless it is null, and records the response. */
    public String send(String label, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.endpoint() + path))
                .timeout(TIMEOUT)
                .method(method, publisher)
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        record(label, response.statusCode(), response.headers());
        out.note(label + ": body", normalize(response.body()));
        return response.body();
    }

    /**
     * Sends {@code POST path} with {@code body} on a streaming method, records the first
     * {@code lines} lines of the response (fewer if it ends first), then closes the connection.
     * {@code whileOpen} runs once the response has started, to cause events.
     */
    public List<String> stream(String label, String path, String body, int lines, Step whileOpen) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(target.endpoint() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        // send() returns once the headers are in; the lines arrive as the stream goes on.
        HttpResponse<Stream<String>> response = client.send(request, HttpResponse.BodyHandlers.ofLines());
        record(label, response.statusCode(), response.headers());
        whileOpen.run();
        List<String> read = new ArrayList<>();
        try (Stream<String> responseLines = response.body()) {
            Iterator<String> it = responseLines.iterator();
            while (read.size() < lines && it.hasNext()) {
                String line = it.next();
                read.add(line);
                out.note(label + ": line " + read.size(), normalize(line));
            }
        }
        return read;
    }

    private void record(String label, int status, java.net.http.HttpHeaders headers) {
        out.note(label + ": status", status);
        for (String name : RECORDED_HEADERS) {
            Optional<String> value = headers.firstValue(name);
            value.ifPresent(v -> out.note(label + ": " + name, out.normalizer().normalizeText(v)));
        }
    }

    /** Returns a body as normalized JSON if it is JSON, else as it is. */
    private String normalize(String body) {
        try {
            JsonElement json = JsonParser.parseString(body);
            if (json.isJsonObject() || json.isJsonArray()) {
                JsonElement normalized = out.normalizer().normalizeJson(json);
                maskInto(normalized);
                return normalized.toString();
            }
        } catch (JsonParseException notJsonOrTooDeep) {
            // Plain text, such as Go's "404 page not found", or JSON nested deeper than Gson
            // reads, whose volatile header values are masked here instead.
        }
        return VOLATILE_HEADER_VALUE.matcher(body).replaceAll("\"$1\":\"*\"");
    }

    private void maskInto(JsonElement element) {
        if (element.isJsonArray()) {
            element.getAsJsonArray().forEach(this::maskInto);
        } else if (element.isJsonObject()) {
            com.google.gson.JsonObject object = element.getAsJsonObject();
            for (String key : List.copyOf(object.keySet())) {
                if (maskedKeys.contains(key)) {
                    object.addProperty(key, "*");
                } else {
                    maskInto(object.get(key));
                }
            }
        }
    }

    /** An action run while a stream is open. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    @Override
    public void close() {
        client.close();
    }
}
