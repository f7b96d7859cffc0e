package io.lessor.server.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import io.lessor.context.Clock;
import io.lessor.server.engine.Engine;
import io.lessor.server.watch.WatchConfig;
import io.lessor.server.watch.WatchHub;
import io.lessor.server.watch.WatchOutbound;
import io.lessor.server.watch.WatchStream;

/**
 * etcd's Watch service: one bidirectional stream carries any number of watchers, created,
 * cancelled and asked for progress by the client's requests, and the events of all of them.
 * The work is done by a {@link WatchStream} per call; this class adapts it to gRPC.
 *
 * <p>Flow control: responses leave only while the call is ready, so a client that stops reading
 * keeps at most a bounded backlog in the server (see {@link WatchHub}). As in etcd 3.4, a client
 * that half-closes keeps its watchers. The call ends when the client cancels it, or when the
 * server stops, with UNAVAILABLE "etcdserver: server stopped".
 */
final class WatchService extends WatchGrpc.WatchImplBase {

    private final WatchHub hub;
    private final OpenStreams streams;

    WatchService(Engine engine, WatchConfig config, OpenStreams streams) {
        this(engine, config, streams, Clock.system());
    }

    /** Creates the service with its progress ticks on {@code clock}. */
    WatchService(Engine engine, WatchConfig config, OpenStreams streams, Clock clock) {
        this.hub = new WatchHub(engine, config, clock);
        this.streams = streams;
    }

    /** Closes every watch stream; the server calls it when it stops. */
    void closeAll() {
        hub.closeAll();
    }

    /** Returns the hub, for tests that count open streams. */
    WatchHub hub() {
        return hub;
    }

    @Override
    public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> responses) {
        ServerCallStreamObserver<WatchResponse> call = (ServerCallStreamObserver<WatchResponse>) responses;
        OpenStreams.Stream<WatchResponse> stream = streams.open(call);
        WatchStream watches = hub.openStream(new GrpcOutbound(call, stream));

        Runnable end = () -> {
            stream.abandon();
            watches.close();
            streams.close(stream);
        };
        call.setOnReadyHandler(watches::wakeUp);
        call.setOnCancelHandler(end);
        call.setOnCloseHandler(end);
        // Requests are read one at a time, and only while the stream has room for the responses
        // they cause, so a client that never reads cannot make the server queue without bound.
        call.disableAutoRequest();
        watches.onReadingResumed(() -> call.request(1));
        call.request(1);
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchRequest request) {
                switch (request.getRequestUnionCase()) {
                    case CREATE_REQUEST -> watches.create(request.getCreateRequest());
                    case CANCEL_REQUEST -> watches.cancel(request.getCancelRequest().getWatchId());
                    case PROGRESS_REQUEST -> watches.requestProgress();
                    // etcd ignores a request of no known kind and keeps the stream.
                    case REQUESTUNION_NOT_SET -> { }
                }
                if (watches.acceptsMoreRequests()) {
                    call.request(1);
                }
            }

            @Override
            public void onError(Throwable clientGone) {
                end.run();
            }

            @Override
            public void onCompleted() {
                // etcd 3.4 keeps sending after the client half-closes, until the call is cancelled.
            }
        };
    }

    /** Sends through the stream registry, so a graceful stop can end the call at any moment. */
    private record GrpcOutbound(ServerCallStreamObserver<WatchResponse> call,
            OpenStreams.Stream<WatchResponse> stream) implements WatchOutbound {

        @Override
        public boolean isReady() {
            return call.isReady() || call.isCancelled();
        }

        @Override
        public boolean send(WatchResponse response) {
            return !call.isCancelled() && stream.send(response);
        }

        @Override
        public void fail(Throwable failure) {
            stream.fail(Replies.toStatus(failure));
        }
    }
}
