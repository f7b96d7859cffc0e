package io.lessor.server.gateway;

import io.grpc.Status;
import io.lessor.server.gateway.json.ProtoJsonWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.TreeMap;

/**
 * The HTTP responses of etcd's gateway: status codes, headers and bodies as etcd 3.4.23 sends
 * them (observed with curl). Headers come in the order Go writes them: the handler's headers
 * sorted by name, then {@code Date}, then the length or transfer encoding.
 *
 * <p>Thread-safety: stateless.
 */
final class HttpResponses {

    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    /** The metadata header etcd's gateway copies from its gRPC call's response headers. */
    static final String GRPC_METADATA_CONTENT_TYPE = "Grpc-Metadata-Content-Type";
    /** The trailer etcd's gateway copies from its gRPC call's trailers when the call fails. */
    static final String GRPC_TRAILER_CONTENT_TYPE = "Grpc-Trailer-Content-Type";
    static final String GRPC_CONTENT_TYPE = "application/grpc";

    private HttpResponses() {
    }

    /**
     * Returns a response with a body and a Content-Length. {@code headers} are name, value
     * pairs; they, the CORS headers and the content type are written sorted by name, as Go does.
     */
    static FullHttpResponse full(ByteBufAllocator alloc, HttpVersion version, HttpResponseStatus status,
            String contentType, String body, String... headers) {
        ByteBuf content = alloc.buffer().writeBytes(body.getBytes(StandardCharsets.UTF_8));
        FullHttpResponse response = new DefaultFullHttpResponse(version, status, content);
        addSorted(response.headers(), contentType, headers);
        response.headers().add("Date", DateFormatter.format(new Date()));
        response.headers().add("Content-Length", content.readableBytes());
        return response;
    }

    /** Returns Go's {@code http.Error} response: plain text, the message and a newline. */
    static FullHttpResponse plainError(ByteBufAllocator alloc, HttpVersion version, HttpResponseStatus status,
            String message, String... headers) {
        String[] all = Arrays.copyOf(headers, headers.length + 2);
        all[headers.length] = "X-Content-Type-Options";
        all[headers.length + 1] = "nosniff";
        return full(alloc, version, status, TEXT, message + "\n", all);
    }

    /**
     * Returns the response Go's HTTP server writes for a request it cannot read, before any
     * handler runs: no CORS or Date headers, and the status text as the whole body without a newline.
     */
    static FullHttpResponse unreadableRequest(ByteBufAllocator alloc, HttpResponseStatus status) {
        String text = status.code() + " " + status.reasonPhrase();
        ByteBuf content = alloc.buffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers().add("Content-Type", TEXT);
        response.headers().add("Connection", "close");
        response.headers().add("Content-Length", content.readableBytes());
        return response;
    }

    private static void addSorted(HttpHeaders target, String contentType, String... headers) {
        TreeMap<String, String> sorted = new TreeMap<>();
        sorted.put("Access-Control-Allow-Headers", "accept, content-type, authorization");
        sorted.put("Access-Control-Allow-Methods", "POST, GET, OPTIONS, PUT, DELETE");
        sorted.put("Access-Control-Allow-Origin", "*");
        if (contentType != null) {
            sorted.put("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            sorted.put(headers[i], headers[i + 1]);
        }
        sorted.forEach(target::add);
    }

    /** Returns the start of a response whose body follows in chunks (or, for HTTP/1.0, until the connection closes). */
    static HttpResponse chunkedStart(HttpVersion version, HttpResponseStatus status, String... headers) {
        HttpResponse response = new DefaultHttpResponse(version, status);
        HttpHeaders h = response.headers();
        addSorted(h, JSON, headers);
        h.add("Date", DateFormatter.format(new Date()));
        if (version.isKeepAliveDefault()) {
            h.add("Transfer-Encoding", "chunked");
        }
        return response;
    }

    /** Returns the body etcd's gateway sends for a failed call: {@code {"error":..,"message":..,"code":..}}. */
    static String errorBody(Status.Code code, String message) {
        StringBuilder body = new StringBuilder("{\"error\":");
        appendString(body, message);
        body.append(",\"message\":");
        appendString(body, message);
        return body.append(",\"code\":").append(code.value()).append('}').toString();
    }

    /**
     * Returns the chunk etcd's gateway ends a stream with when its call fails:
     * {@code {"error":{"grpc_code":..,"http_code":..,"message":..,"http_status":..}}}.
     */
    static String streamErrorBody(Status.Code code, String message) {
        HttpResponseStatus status = httpStatus(code);
        StringBuilder body = new StringBuilder("{\"error\":{");
        if (code.value() != 0) {
            body.append("\"grpc_code\":").append(code.value()).append(',');
        }
        body.append("\"http_code\":").append(status.code());
        if (!message.isEmpty()) {
            body.append(",\"message\":");
            appendString(body, message);
        }
        body.append(",\"http_status\":");
        appendString(body, status.reasonPhrase());
        return body.append("}}").toString();
    }

    private static void appendString(StringBuilder out, String text) {
        ProtoJsonWriter.appendString(out, text);
    }

    /** Returns the HTTP status etcd 3.4's gateway (grpc-gateway v1) sends for a gRPC status code. */
    static HttpResponseStatus httpStatus(Status.Code code) {
        return switch (code) {
            case OK -> HttpResponseStatus.OK;
            case CANCELLED -> HttpResponseStatus.REQUEST_TIMEOUT;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> HttpResponseStatus.BAD_REQUEST;
            case DEADLINE_EXCEEDED -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case ALREADY_EXISTS, ABORTED -> HttpResponseStatus.CONFLICT;
            case PERMISSION_DENIED -> HttpResponseStatus.FORBIDDEN;
            case UNAUTHENTICATED -> HttpResponseStatus.UNAUTHORIZED;
            case RESOURCE_EXHAUSTED -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case FAILED_PRECONDITION -> HttpResponseStatus.PRECONDITION_FAILED;
            case UNIMPLEMENTED -> HttpResponseStatus.NOT_IMPLEMENTED;
            case UNAVAILABLE -> HttpResponseStatus.SERVICE_UNAVAILABLE;
            case UNKNOWN, INTERNAL, DATA_LOSS -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
