package io.lessor.server.gateway;

import io.lessor.server.gateway.json.ProtoJsonWriter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the HTTP/1.x requests of one connection: routes each request to a gateway call,
 * {@code /health}, {@code /version} or an error, one request at a time.
 *
 * <p>Back-pressure: this handler turns the channel's auto-read off whenever it cannot take the
 * next message, and queues what was already read, so a pipelined request waits until the one
 * before it has its response, and a streaming call reads its body no faster than the gRPC call
 * takes it. Once a request's body is complete, the connection reads on until a next request
 * arrives, so that a client closing during a long response (a watch) ends its call.
 *
 * <p>A close requested by the gRPC server (its graceful shutdown) waits until the request in
 * progress has its whole response, but not for the rest of its body, which a streaming client
 * may never end. A connection marked {@link HttpGateway#FORCE_CLOSE} closes at once.
 *
 * <p>Thread-safety: confined to the channel's event loop; exchanges hop onto it from gRPC's threads.
 */
final class GatewayHandler extends ChannelDuplexHandler {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayHandler.class);

    private final HttpGateway gateway;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Exchange current;
    private ChannelPromise deferredClose;
    private boolean draining;
    private boolean closed;

    GatewayHandler(HttpGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        drain();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        inbound.add(msg);
        drain();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closed = true;
        if (current != null) {
            current.cancel();
            current = null;
        }
        releaseInbound();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseInbound();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("gateway: closing connection {} after an error: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.channel().attr(HttpGateway.FORCE_CLOSE).set(true);
        ctx.close();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (current != null && !current.responseDone
                && !Boolean.TRUE.equals(ctx.channel().attr(HttpGateway.FORCE_CLOSE).get())) {
            // The gRPC server's graceful shutdown: respond to the request in progress first.
            deferredClose = promise;
            return;
        }
        closed = true;
        ctx.close(promise);
    }

    /** Called by an exchange, on the event loop, when it has written its whole response. */
    void responseDone(Exchange exchange) {
        exchange.responseDone = true;
        drain();
    }

    /**
     * Handles what is queued, then reads on only if the exchange in progress, or the next
     * request, can take more. Reentrant calls return at once; the outer call goes on.
     */
    void drain() {
        if (draining || ctx == null) {
            return;
        }
        draining = true;
        try {
            while (!closed) {
                if (current != null && current.responseDone && (current.requestDone || deferredClose != null)) {
                    finishExchange();
                    continue;
                }
                Object next = inbound.peek();
                if (next == null || !canTake(next)) {
                    break;
                }
                inbound.poll();
                handle(next);
            }
            // Turning auto-read back on starts a read; messages that arrive while it is off are queued above.
            boolean readOn = !closed && inbound.isEmpty() && shouldRead();
            if (ctx.channel().config().isAutoRead() != readOn) {
                ctx.channel().config().setAutoRead(readOn);
            }
        } finally {
            draining = false;
        }
    }

    private boolean canTake(Object message) {
        if (current == null) {
            return true;
        }
        if (message instanceof HttpRequest) {
            // A pipelined request waits for the response to the one before it.
            return false;
        }
        return current.requestDone || current.wantsBody();
    }

    /**
     * Returns whether the connection should read now: for the next request, for more of a body
     * the exchange can take, or, once the body is complete, to notice the client closing while
     * the response is still open. A pipelined request read then is queued, and reading stops.
     * NOTE: so a client that pipelines a request behind an open watch and then closes may be
     * noticed only when the watch ends.
     */
    private boolean shouldRead() {
        return current == null || current.requestDone || current.wantsBody();
    }

    private void handle(Object message) {
        try {
            if (message instanceof HttpRequest request) {
                current = start(request);
                if (request.decoderResult().isFailure()) {
                    // The codec drops the rest of the connection's input, so no body part follows.
                    current.requestDone = true;
                }
                current.begin();
            }
            if (message instanceof HttpContent content && current != null && !current.requestDone) {
                boolean last = content instanceof LastHttpContent;
                current.requestDone = last;
                current.body(content, last);
            }
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void finishExchange() {
        Exchange done = current;
        current = null;
        if (deferredClose != null || !done.keepAlive) {
            closed = true;
            ctx.close(deferredClose != null ? deferredClose : ctx.newPromise());
        }
    }

    private void releaseInbound() {
        Object message;
        while ((message = inbound.poll()) != null) {
            ReferenceCountUtil.release(message);
        }
    }

    ChannelHandlerContext context() {
        return ctx;
    }

    HttpGateway gateway() {
        return gateway;
    }

    private Exchange start(HttpRequest request) {
        HttpVersion version = request.protocolVersion();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        if (request.decoderResult().isFailure()) {
            return rejected(request.decoderResult().cause());
        }
        if (request.method().equals(HttpMethod.CONNECT)) {
            // Go's ServeMux routes CONNECT by its empty path, which matches no handler.
            return Exchange.fixed(this, version, keepAlive, HttpResponses.plainError(ctx.alloc(), version,
                    HttpResponseStatus.NOT_FOUND, "404 page not found"));
        }
        String path = new QueryStringDecoder(Paths.originForm(request.uri())).path();
        return route(request, version, keepAlive, path, request.method());
    }

    /**
     * Returns the exchange for a request the codec could not read, with the status line and body
     * that Go's HTTP server writes: 431 for a request line or headers over the limit, else 400.
     * NOTE: etcd's port multiplexer closes a connection without a response when its first line
     * is not an HTTP/1.x request line, and Go adds a detail to some 400s, such as
     * ": invalid header name". This server sends the plain 400 in both cases.
     */
    private Exchange rejected(Throwable cause) {
        HttpResponseStatus status = cause instanceof TooLongFrameException
                ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_REQUEST;
        LOG.debug("gateway: rejecting an unreadable request from {} with {}: {}",
                ctx.channel().remoteAddress(), status.code(), String.valueOf(cause));
        return Exchange.fixed(this, HttpVersion.HTTP_1_1, false, HttpResponses.unreadableRequest(ctx.alloc(), status));
    }

    private Exchange route(HttpRequest request, HttpVersion version, boolean keepAlive, String path, HttpMethod method) {
        if (method.equals(HttpMethod.OPTIONS)) {
            // etcd's CORS handler responds to every preflight request itself.
            return Exchange.fixed(this, version, keepAlive,
                    HttpResponses.full(ctx.alloc(), version, HttpResponseStatus.OK, null, ""));
        }
        String clean = Paths.clean(path);
        if (!clean.equals(path)) {
            return Exchange.fixed(this, version, keepAlive, Paths.redirect(ctx.alloc(), version, method, clean));
        }
        switch (path) {
            case "/health" -> {
                return method.equals(HttpMethod.GET)
                        ? new HealthExchange(this, version, keepAlive)
                        : methodNotAllowedGetOnly(version, keepAlive, method);
            }
            case "/version" -> {
                if (!method.equals(HttpMethod.GET)) {
                    return methodNotAllowedGetOnly(version, keepAlive, method);
                }
                String body = "{\"etcdserver\":" + quoted(gateway.settings().etcdVersion())
                        + ",\"etcdcluster\":" + quoted(Paths.clusterVersion(gateway.settings().etcdVersion())) + "}";
                return Exchange.fixed(this, version, keepAlive,
                        HttpResponses.full(ctx.alloc(), version, HttpResponseStatus.OK, HttpResponses.JSON, body));
            }
            case "/v3" -> {
                // Go's ServeMux redirects a subtree's root without its slash.
                return Exchange.fixed(this, version, keepAlive, Paths.redirect(ctx.alloc(), version, method, "/v3/"));
            }
            default -> {
                // Below.
            }
        }
        if (!path.startsWith("/v3/")) {
            return Exchange.fixed(this, version, keepAlive,
                    headless(method, HttpResponses.plainError(ctx.alloc(), version, HttpResponseStatus.NOT_FOUND,
                            "404 page not found")));
        }
        GatewayRoute route = GatewayRoute.find(path);
        if (route == null) {
            return Exchange.fixed(this, version, keepAlive,
                    headless(method, HttpResponses.plainError(ctx.alloc(), version, HttpResponseStatus.NOT_FOUND, "Not Found")));
        }
        if (!method.equals(HttpMethod.POST)) {
            return Exchange.fixed(this, version, keepAlive, headless(method, HttpResponses.plainError(ctx.alloc(), version,
                    HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed")));
        }
        return route.streaming()
                ? new StreamExchange(this, version, keepAlive, route)
                : new UnaryExchange(this, version, keepAlive, route);
    }

    private Exchange methodNotAllowedGetOnly(HttpVersion version, boolean keepAlive, HttpMethod method) {
        return Exchange.fixed(this, version, keepAlive, headless(method, HttpResponses.plainError(ctx.alloc(), version,
                HttpResponseStatus.METHOD_NOT_ALLOWED, "Method Not Allowed", "Allow", "GET")));
    }

    /** Drops the body of a response to HEAD, keeping its Content-Length, as Go does. */
    private static FullHttpResponse headless(HttpMethod method, FullHttpResponse response) {
        if (method.equals(HttpMethod.HEAD)) {
            response.content().clear();
        }
        return response;
    }

    private static String quoted(String text) {
        StringBuilder out = new StringBuilder();
        ProtoJsonWriter.appendString(out, text);
        return out.toString();
    }

    /** Writes a response and marks the exchange's response done once it is on the wire. */
    void writeAndFinish(Exchange exchange, Object response) {
        if (!exchange.keepAlive && response instanceof HttpResponse head && head.protocolVersion().isKeepAliveDefault()) {
            head.headers().set("Connection", "close");
        }
        ctx.writeAndFlush(response).addListener((ChannelFutureListener) future -> {
            if (!future.isSuccess()) {
                future.channel().close();
            }
            responseDone(exchange);
        });
    }
}
