package io.lessor.server.gateway;

import io.grpc.netty.GrpcHttp2ConnectionHandler;
import io.grpc.netty.InternalProtocolNegotiator;
import io.netty.channel.ChannelHandler;
import io.netty.util.AsciiString;

/**
 * The protocol negotiator that puts a {@link ProtocolDetector} first in every connection of
 * the gRPC server, so that one port serves gRPC and the HTTP/JSON gateway as etcd's does.
 *
 * <p>Why this hook: grpc-netty's server builder accepts a protocol negotiator through
 * {@code InternalNettyServerCredentials.create}, and the negotiator's handler is the first
 * thing grpc-java adds to a new connection, before any byte is read. That is the one place
 * where a handler can look at the first bytes and still leave gRPC connections exactly as
 * grpc-java sets them up. The alternatives cost more: a second listening socket would not be
 * etcd's single port, and a ServerBootstrap of our own would have to re-create grpc-java's
 * transport, keep-alive and shutdown handling. The Internal* API is marked unstable by
 * grpc-java, so a grpc-java upgrade has to rerun the tests that use both protocols on one port.
 *
 * <p>Thread-safety: immutable.
 */
final class DetectingNegotiator implements InternalProtocolNegotiator.ProtocolNegotiator {

    private static final AsciiString SCHEME = AsciiString.of("http");

    private final HttpGateway gateway;

    DetectingNegotiator(HttpGateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public AsciiString scheme() {
        return SCHEME;
    }

    @Override
    public ChannelHandler newHandler(GrpcHttp2ConnectionHandler grpcHandler) {
        return new ProtocolDetector(grpcHandler, gateway);
    }

    @Override
    public void close() {
        // Nothing is shared between connections.
    }
}
