package io.lessor.server.gateway;

import io.grpc.Status;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * The two ways etcd's gateway reports a failed request. An error of its own, such as JSON that
 * does not decode, is a plain JSON response with a Content-Length. An error that the gRPC call
 * returned comes with the call's trailers, so the body is chunked and ends with the trailer
 * {@code Grpc-Trailer-Content-Type: application/grpc}.
 */
final class CallErrors {

    private CallErrors() {
    }

    /** Writes an error of the gateway's own, such as a request body that does not decode. */
    static void gatewayError(Exchange exchange, HttpResponseStatus httpStatus, Status.Code code, String message) {
        exchange.handler.writeAndFinish(exchange, HttpResponses.full(exchange.handler.context().alloc(), exchange.version,
                httpStatus, HttpResponses.JSON, HttpResponses.errorBody(code, message)));
    }

    /** Writes the error a gRPC call ended with. */
    static void callError(Exchange exchange, Status status) {
        Status.Code code = status.getCode();
        String message = status.getDescription() == null ? "" : status.getDescription();
        HttpResponse head = HttpResponses.chunkedStart(exchange.version, HttpResponses.httpStatus(code),
                "Trailer", HttpResponses.GRPC_TRAILER_CONTENT_TYPE);
        var ctx = exchange.handler.context();
        ctx.write(head);
        ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer(HttpResponses.errorBody(code, message),
                StandardCharsets.UTF_8)));
        LastHttpContent end = new DefaultLastHttpContent();
        if (exchange.version.isKeepAliveDefault()) {
            end.trailingHeaders().add(HttpResponses.GRPC_TRAILER_CONTENT_TYPE, HttpResponses.GRPC_CONTENT_TYPE);
        }
        exchange.handler.writeAndFinish(exchange, end);
    }
}
