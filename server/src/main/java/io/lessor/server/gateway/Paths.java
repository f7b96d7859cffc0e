package io.lessor.server.gateway;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Path handling of Go's {@code http.ServeMux}, which routes etcd's client port: paths are
 * cleaned ({@code //v3/./kv/range} becomes {@code /v3/kv/range}) and a request for an unclean
 * path is redirected to the clean one.
 *
 * <p>Thread-safety: stateless.
 */
final class Paths {

    private Paths() {
    }

    /**
     * Returns the path and query of a request target: itself in origin form ({@code /v3/kv/range}),
     * or the part after the authority in absolute form ({@code http://host/v3/kv/range}), as Go
     * routes a request by its URL's path.
     */
    static String originForm(String target) {
        int scheme = target.indexOf("://");
        if (target.startsWith("/") || scheme < 0) {
            return target;
        }
        int path = target.indexOf('/', scheme + 3);
        int query = target.indexOf('?', scheme + 3);
        if (path < 0 || (query >= 0 && query < path)) {
            return query < 0 ? "" : target.substring(query);
        }
        return target.substring(path);
    }

    /** Cleans {@code path} as Go's ServeMux does: one slash between elements, no "." or "..", the trailing slash kept. */
    static String clean(String path) {
        if (path.isEmpty()) {
            return "/";
        }
        Deque<String> elements = new ArrayDeque<>();
        for (String element : path.split("/")) {
            if (element.isEmpty() || element.equals(".")) {
                continue;
            }
            if (element.equals("..")) {
                elements.pollLast();
            } else {
                elements.addLast(element);
            }
        }
        String cleaned = "/" + String.join("/", elements);
        if (path.endsWith("/") && !cleaned.equals("/")) {
            cleaned += "/";
        }
        return cleaned;
    }

    /** Returns Go's {@code http.Redirect} response with status 301; only GET and HEAD get the short HTML body. */
    static FullHttpResponse redirect(ByteBufAllocator alloc, HttpVersion version, HttpMethod method, String location) {
        boolean withBody = method.equals(HttpMethod.GET) || method.equals(HttpMethod.HEAD);
        String body = withBody ? "<a href=\"" + location + "\">Moved Permanently</a>.\n\n" : "";
        FullHttpResponse response = HttpResponses.full(alloc, version, HttpResponseStatus.MOVED_PERMANENTLY,
                withBody ? "text/html; charset=utf-8" : null, body, "Location", location);
        if (method.equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        return response;
    }

    /** Returns the cluster version that goes with a server version: its major and minor, patch 0 ({@code 3.4.0}). */
    static String clusterVersion(String serverVersion) {
        String[] parts = serverVersion.split("\\.");
        return parts.length < 2 ? serverVersion : parts[0] + "." + parts[1] + ".0";
    }
}
