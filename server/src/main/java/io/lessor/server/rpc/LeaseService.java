package io.lessor.server.rpc;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.LeaseLeasesRequest;
import io.lessor.api.LeaseLeasesResponse;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.server.engine.Engine;
import java.util.concurrent.CompletableFuture;

/**
 * etcd's Lease service. LeaseKeepAlive is a bidirectional stream on which each request gets
 * exactly one response, in request order; an unknown lease gets TTL 0, not an
 * error, and the stream stays open until the client half-closes it (then it ends with OK).
 */
final class LeaseService extends LeaseGrpc.LeaseImplBase {

    private final Engine engine;
    private final RequestLimits limits;
    private final OpenStreams streams;

    LeaseService(Engine engine, RequestLimits limits, OpenStreams streams) {
        this.engine = engine;
        this.limits = limits;
        this.streams = streams;
    }

    @Override
    public void leaseGrant(LeaseGrantRequest request, StreamObserver<LeaseGrantResponse> observer) {
        Replies.unary(limits.checked(request, engine::leaseGrant), observer);
    }

    @Override
    public void leaseRevoke(LeaseRevokeRequest request, StreamObserver<LeaseRevokeResponse> observer) {
        Replies.unary(limits.checked(request, engine::leaseRevoke), observer);
    }

    @Override
    public void leaseTimeToLive(LeaseTimeToLiveRequest request, StreamObserver<LeaseTimeToLiveResponse> observer) {
        Replies.unary(engine.leaseTimeToLive(request), observer);
    }

    @Override
    public void leaseLeases(LeaseLeasesRequest request, StreamObserver<LeaseLeasesResponse> observer) {
        Replies.unary(engine.leaseLeases(), observer);
    }

    @Override
    public StreamObserver<LeaseKeepAliveRequest> leaseKeepAlive(StreamObserver<LeaseKeepAliveResponse> responses) {
        ServerCallStreamObserver<LeaseKeepAliveResponse> call = (ServerCallStreamObserver<LeaseKeepAliveResponse>) responses;
        OpenStreams.Stream<LeaseKeepAliveResponse> stream = streams.open(call);
        return new KeepAliveStream(stream);
    }

    /**
     * One keep-alive stream. Renewals are chained, so responses leave in request order even when
     * one renewal waits for a pending revoke.
     */
    private final class KeepAliveStream implements StreamObserver<LeaseKeepAliveRequest> {
        private final OpenStreams.Stream<LeaseKeepAliveResponse> stream;
        // Touched only by gRPC's serialized inbound callbacks.
        private CompletableFuture<Void> last = CompletableFuture.completedFuture(null);

        KeepAliveStream(OpenStreams.Stream<LeaseKeepAliveResponse> stream) {
            this.stream = stream;
        }

        @Override
        public void onNext(LeaseKeepAliveRequest request) {
            long leaseId = request.getID();
            last = last.thenCompose(ignored -> engine.leaseRenew(leaseId))
                    .thenAccept(stream::send)
                    .exceptionally(failure -> {
                        stream.fail(Replies.toStatus(failure));
                        streams.close(stream);
                        return null;
                    });
        }

        @Override
        public void onError(Throwable clientGone) {
            stream.abandon();
            streams.close(stream);
        }

        @Override
        public void onCompleted() {
            last.whenComplete((ignored, failure) -> {
                stream.complete();
                streams.close(stream);
            });
        }
    }
}
