package io.lessor.client.lease;

import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.MetadataUtils;
import io.lessor.api.LeaseGrpc;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One LeaseKeepAlive stream. gRPC's callbacks only queue what arrives; the receive loop takes
 * it from the queue, so no keep-alive work runs on gRPC's threads.
 */
final class KeepAliveStream implements ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {

    /**
     * The metadata etcd's clients put on keep-alive streams: the server then ends the stream with
     * UNAVAILABLE {@code "etcdserver: no leader"} when it has no leader, and the client retries
     * elsewhere, instead of renewing on a member that cannot.
     */
    static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

    /** The last event of a stream: its final status, OK when the server completed it. */
    record Closed(Status status) {
    }

    private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private volatile ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
    private volatile boolean cancelled;

    private KeepAliveStream() {
    }

    /** Opens a stream on {@code channel}. */
    static KeepAliveStream open(Channel channel) {
        KeepAliveStream stream = new KeepAliveStream();
        Metadata headers = new Metadata();
        headers.put(HAS_LEADER, "true");
        // The callbacks below only add to an unbounded queue, which does not block, so they run
        // on the transport's thread instead of costing the channel's executor (a new virtual
        // thread per task) a task per batch of responses.
        LeaseGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withExecutor(Runnable::run)
                .leaseKeepAlive(stream);
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
        events.add(response);
    }

    @Override
    public void onError(Throwable failure) {
        events.add(new Closed(Status.fromThrowable(failure)));
    }

    @Override
    public void onCompleted() {
        events.add(new Closed(Status.OK));
    }

    /**
     * Sends a renewal of {@code leaseId}. Callers serialize sends, as gRPC requires; a send on a
     * stream that has closed is dropped by gRPC, and one after {@link #cancel()} is skipped here.
     */
    void send(long leaseId) {
        if (cancelled) {
            return;
        }
        try {
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
        } catch (IllegalStateException closedMeanwhile) {
            // gRPC closed the call after a failure; the receive loop takes the Closed event and reopens.
        }
    }

    /**
     * Returns the next response, or the {@link Closed} event that ends the stream.
     *
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    Object take() throws InterruptedException {
        return events.take();
    }

    /** Cancels the stream, which resets it on the server too; does nothing if it has closed. */
    void cancel() {
        cancelled = true;
        requests.cancel("keep-alive stream closed by the client", null);
    }
}
