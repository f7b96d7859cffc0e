package io.lessor.server.gateway;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiators;
import io.grpc.netty.ProtocolNegotiationEvent;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The first handler of every client connection: looks at the first bytes and hands the
 * connection to gRPC if they are the HTTP/2 connection preface, or to the JSON gateway
 * otherwise (an HTTP/1.x request line).
 *
 * <p>For gRPC it puts grpc-java's own plaintext negotiation handler in its place and replays
 * the negotiation event and the bytes read so far, so from then on the pipeline is the one
 * grpc-java builds without this class. For HTTP/1.x it installs Netty's HTTP codec and a
 * {@link GatewayHandler}, and grpc-java's handler is never added. Either way this handler removes itself after the first read, so gRPC
 * traffic pays nothing once a connection is classified.
 *
 * <p>A connection that sends nothing is closed after {@link #DETECT_TIMEOUT}, as grpc-java's
 * handshake timeout would have closed it.
 *
 * <p>Thread-safety: confined to the channel's event loop.
 */
final class ProtocolDetector extends ByteToMessageDecoder {

    /** The HTTP/2 client connection preface, which gRPC clients send first. */
    private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** How long a connection may stay silent before it is closed: grpc-java's default handshake timeout. */
    static final Duration DETECT_TIMEOUT = Duration.ofSeconds(120);

    /** Maximum length of the request line and of the headers: Go's net/http default, 1 MiB. */
    private static final int MAX_HEADER_BYTES = 1 << 20;

    private final GrpcHttp2ConnectionHandler grpcHandler;
    private final HttpGateway gateway;
    private ProtocolNegotiationEvent negotiationEvent;
    private ScheduledFuture<?> silenceTimeout;

    ProtocolDetector(GrpcHttp2ConnectionHandler grpcHandler, HttpGateway gateway) {
        this.grpcHandler = grpcHandler;
        this.gateway = gateway;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        silenceTimeout = ctx.executor().schedule(() -> {
            ctx.close();
        }, DETECT_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        silenceTimeout.cancel(false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof ProtocolNegotiationEvent pne) {
            // grpc-java starts its negotiation with this event; it is replayed once the protocol is known.
            negotiationEvent = pne;
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int available = Math.min(in.readableBytes(), HTTP2_PREFACE.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(in.readerIndex() + i) != HTTP2_PREFACE[i]) {
                switchToHttp1(ctx);
                return;
            }
        }
        if (available == HTTP2_PREFACE.length) {
            switchToGrpc(ctx);
        }
        // Otherwise the bytes so far are a prefix of the preface: wait for more.
    }

    private void switchToGrpc(ChannelHandlerContext ctx) {
        ctx.pipeline().addAfter(ctx.name(), null, InternalProtocolNegotiators.serverPlaintext().newHandler(grpcHandler));
        ctx.fireUserEventTriggered(negotiationEvent);
        // Removing a ByteToMessageDecoder passes the bytes it buffered to the next handler.
        ctx.pipeline().remove(this);
    }

    private void switchToHttp1(ChannelHandlerContext ctx) {
        ChannelPipeline pipeline = ctx.pipeline();
        String codec = ctx.name() + "-http-codec";
        String expectContinue = ctx.name() + "-http-expect-continue";
        pipeline.addAfter(ctx.name(), codec, new HttpServerCodec(MAX_HEADER_BYTES, MAX_HEADER_BYTES, 64 * 1024));
        pipeline.addAfter(codec, expectContinue, new HttpServerExpectContinueHandler());
        pipeline.addAfter(expectContinue, null, new GatewayHandler(gateway));
        gateway.track(ctx.channel());
        pipeline.remove(this);
    }
}
