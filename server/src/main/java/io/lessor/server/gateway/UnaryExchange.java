package io.lessor.server.gateway;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Message;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.lessor.server.EtcdError;
import io.lessor.server.gateway.json.JsonDecodeException;
import io.lessor.server.gateway.json.JsonValueReader;
import io.lessor.server.gateway.json.NestingTooDeepException;
import io.lessor.server.gateway.json.ProtoJsonWriter;
import io.lessor.server.gateway.json.RawJson;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * A gateway request on a unary method: the body's first JSON value becomes the
 * request, and the gRPC call's response or error becomes the HTTP response.
 *
 * <p>Errors, as etcd 3.4 gives them: a body that is not JSON or does not fit the request gets
 * 400 with code 3 (INVALID_ARGUMENT) and Go's message; a request whose encoded size passes the
 * gRPC limit gets 429 with code 8 and gRPC-Go's "received message larger than max"; an error of
 * the call gets the HTTP status of its code.
 */
final class UnaryExchange extends Exchange {

    /**
     * How much larger than the gRPC limit a body may be before it is no longer kept. JSON is
     * longer than the message it encodes (base64 alone adds a third), so four times the limit
     * leaves room for the bodies of all messages that fit, unless padded with much whitespace.
     */
    static final int MAX_BODY_FACTOR = 4;

    private final GatewayRoute route;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private long bodyBytes;
    private ListenableFuture<Message> call;

    UnaryExchange(GatewayHandler handler, HttpVersion version, boolean keepAlive, GatewayRoute route) {
        super(handler, version, keepAlive);
        this.route = route;
    }

    @Override
    void body(HttpContent content, boolean last) {
        ByteBuf bytes = content.content();
        bodyBytes += bytes.readableBytes();
        if (bodyBytes <= maxBodyBytes()) {
            byte[] chunk = new byte[bytes.readableBytes()];
            bytes.readBytes(chunk);
            body.writeBytes(chunk);
        }
        if (last) {
            send();
        }
    }

    private long maxBodyBytes() {
        return (long) MAX_BODY_FACTOR * handler.gateway().settings().maxInboundMessageBytes();
    }

    private void send() {
        int maxMessageBytes = handler.gateway().settings().maxInboundMessageBytes();
        if (bodyBytes > maxBodyBytes()) {
            // NOTE: etcd decodes any body and reports the encoded message's size. Past this
            // bound the body is not kept, so the size reported is the body's own.
            CallErrors.callError(this, tooLarge(bodyBytes, maxMessageBytes));
            return;
        }

        Message request;
        try {
            RawJson value = new JsonValueReader(Integer.MAX_VALUE).readFirst(body.toByteArray());
            request = handler.gateway().jsonReader().read(value, route.requestPrototype());
        } catch (JsonDecodeException e) {
            CallErrors.gatewayError(this, HttpResponseStatus.BAD_REQUEST, Status.Code.INVALID_ARGUMENT, e.getMessage());
            return;
        } catch (NestingTooDeepException e) {
            CallErrors.callError(this, EtcdError.TOO_MANY_TXN_OPS.status());
            return;
        } catch (JsonValueReader.ValueTooLargeException e) {
            throw new IllegalStateException("a reader without a size limit reported a value as too large", e);
        }

        int size = request.getSerializedSize();
        if (size > maxMessageBytes) {
            CallErrors.callError(this, tooLarge(size, maxMessageBytes));
            return;
        }

        call = ClientCalls.futureUnaryCall(handler.gateway().channel().newCall(route.method(), CallOptions.DEFAULT), request);
        call.addListener(this::answer, handler.context().executor());
    }

    /** Returns gRPC-Go's error for a message over the receive limit, which etcd's clients see. */
    static Status tooLarge(long size, int max) {
        return Status.RESOURCE_EXHAUSTED.withDescription(
                "grpc: received message larger than max (" + size + " vs. " + max + ")");
    }

    private void answer() {
        Message response;
        try {
            response = call.get();
        } catch (ExecutionException e) {
            CallErrors.callError(this, Status.fromThrowable(e.getCause()));
            return;
        } catch (CancellationException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        handler.writeAndFinish(this, HttpResponses.full(handler.context().alloc(), version, HttpResponseStatus.OK,
                HttpResponses.JSON, ProtoJsonWriter.write(response),
                HttpResponses.GRPC_METADATA_CONTENT_TYPE, HttpResponses.GRPC_CONTENT_TYPE));
    }

    @Override
    void cancel() {
        if (call != null) {
            call.cancel(true);
        }
    }
}
