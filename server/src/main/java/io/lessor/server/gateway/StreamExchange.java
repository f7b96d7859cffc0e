package io.lessor.server.gateway;

import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.Status;
import io.lessor.server.EtcdError;
import io.lessor.server.gateway.json.JsonDecodeException;
import io.lessor.server.gateway.json.JsonValueReader;
import io.lessor.server.gateway.json.NestingTooDeepException;
import io.lessor.server.gateway.json.ProtoJsonWriter;
import io.lessor.server.gateway.json.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;

/**
 * A gateway request on a streaming method ({@code /v3/watch}, {@code /v3/lease/keepalive},
 * {@code /v3/maintenance/snapshot}): each JSON value of the body becomes one request message
 * as it arrives, and each response message goes out at once as a chunk
 * {@code {"result":{...}}} followed by a newline.
 *
 * <p>What etcd 3.4 does, and this class does too: a first value that does not decode fails the
 * request with 500 and code 2 (UNKNOWN); a later one ends the sending side of the call, which
 * goes on. The end of the body ends the sending side. The response starts with the first
 * message or with the end of the call; a call that fails ends the response with
 * {@code {"error":{"grpc_code":..,"http_code":..,"message":..,"http_status":..}}}.
 *
 * <p>Flow control: the body is read only while the call can take another message, and the
 * next response message is asked for only once the previous chunk is written.
 */
final class StreamExchange extends Exchange {

    private final GatewayRoute route;
    private final JsonValueReader reader;
    private ClientCall<Message, Message> call;
    private boolean failedBeforeStart;
    private boolean sendingDone;
    private boolean headersReceived;
    private boolean responseStarted;
    private boolean callClosed;

    StreamExchange(GatewayHandler handler, HttpVersion version, boolean keepAlive, GatewayRoute route) {
        super(handler, version, keepAlive);
        this.route = route;
        this.reader = new JsonValueReader(UnaryExchange.MAX_BODY_FACTOR * handler.gateway().settings().maxInboundMessageBytes());
    }

    @Override
    void body(HttpContent content, boolean last) {
        ByteBuf bytes = content.content();
        if (!failedBeforeStart && !sendingDone && bytes.isReadable()) {
            byte[] chunk = new byte[bytes.readableBytes()];
            bytes.readBytes(chunk);
            try {
                for (RawJson value : reader.feed(chunk, 0, chunk.length)) {
                    send(value);
                }
            } catch (JsonDecodeException e) {
                decodeFailed(e.getMessage());
            } catch (JsonValueReader.ValueTooLargeException e) {
                decodeFailed(UnaryExchange.tooLarge(e.bytesRead(), handler.gateway().settings().maxInboundMessageBytes())
                        .getDescription());
            }
        }
        if (last) {
            endOfBody();
        }
    }

    private void endOfBody() {
        if (failedBeforeStart || sendingDone) {
            return;
        }
        try {
            RawJson value = reader.finish();
            if (value != null) {
                send(value);
            }
        } catch (JsonDecodeException e) {
            decodeFailed(e.getMessage());
        }
        if (failedBeforeStart || sendingDone) {
            return;
        }
        if (call == null) {
            // etcd opens the call even when the body contains no request.
            startCall();
        }
        sendingDone = true;
        call.halfClose();
    }

    private void send(RawJson value) {
        if (failedBeforeStart || sendingDone) {
            return;
        }
        Message request;
        try {
            request = handler.gateway().jsonReader().read(value, route.requestPrototype());
        } catch (JsonDecodeException e) {
            decodeFailed(e.getMessage());
            return;
        } catch (NestingTooDeepException e) {
            decodeFailed(EtcdError.TOO_MANY_TXN_OPS.status().getDescription());
            return;
        }
        if (call == null) {
            startCall();
        }
        call.sendMessage(request);
        if (!route.clientStreaming()) {
            // A server-streaming method takes one request: the first value of the body.
            sendingDone = true;
            call.halfClose();
        }
    }

    private void decodeFailed(String message) {
        if (call == null) {
            failedBeforeStart = true;
            CallErrors.gatewayError(this, HttpResponseStatus.INTERNAL_SERVER_ERROR, Status.Code.UNKNOWN, message);
            return;
        }
        // etcd stops reading the body and ends the sending side; responses go on.
        sendingDone = true;
        call.halfClose();
    }

    private void startCall() {
        call = handler.gateway().channel().newCall(route.method(), CallOptions.DEFAULT);
        var loop = handler.context().executor();
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onHeaders(Metadata headers) {
                loop.execute(() -> headersReceived = true);
            }

            @Override
            public void onMessage(Message message) {
                loop.execute(() -> writeResult(message));
            }

            @Override
            public void onClose(Status status, Metadata trailers) {
                loop.execute(() -> end(status));
            }

            @Override
            public void onReady() {
                loop.execute(handler::drain);
            }
        }, new Metadata());
        call.request(1);
    }

    @Override
    boolean wantsBody() {
        return call == null || failedBeforeStart || sendingDone || callClosed || call.isReady();
    }

    private void startResponse(HttpResponseStatus status) {
        responseStarted = true;
        handler.context().write(headersReceived
                ? HttpResponses.chunkedStart(version, status,
                        HttpResponses.GRPC_METADATA_CONTENT_TYPE, HttpResponses.GRPC_CONTENT_TYPE)
                : HttpResponses.chunkedStart(version, status));
    }

    private void writeResult(Message message) {
        if (responseDone) {
            return;
        }
        if (!responseStarted) {
            startResponse(HttpResponseStatus.OK);
        }
        StringBuilder chunk = new StringBuilder("{\"result\":");
        ProtoJsonWriter.writeMessage(chunk, message);
        chunk.append("}\n");
        handler.context().writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer(chunk, StandardCharsets.UTF_8)))
                .addListener((ChannelFutureListener) future -> {
                    if (future.isSuccess() && !callClosed) {
                        call.request(1);
                    }
                });
    }

    private void end(Status status) {
        callClosed = true;
        if (responseDone || failedBeforeStart) {
            return;
        }
        if (!status.isOk()) {
            if (!responseStarted) {
                startResponse(HttpResponses.httpStatus(status.getCode()));
            }
            String message = status.getDescription() == null ? "" : status.getDescription();
            handler.context().write(new DefaultHttpContent(Unpooled.copiedBuffer(
                    HttpResponses.streamErrorBody(status.getCode(), message), StandardCharsets.UTF_8)));
        } else if (!responseStarted) {
            startResponse(HttpResponseStatus.OK);
        }
        handler.writeAndFinish(this, LastHttpContent.EMPTY_LAST_CONTENT);
        // The body may still be arriving; it is read and dropped.
        handler.drain();
    }

    @Override
    void cancel() {
        if (call != null && !callClosed) {
            call.cancel("the HTTP client closed the connection", null);
        }
    }
}
