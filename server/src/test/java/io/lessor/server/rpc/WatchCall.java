package io.lessor.server.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.lessor.api.WatchCancelRequest;
import io.lessor.api.WatchCreateRequest;
import io.lessor.api.WatchGrpc;
import io.lessor.api.WatchProgressRequest;
import io.lessor.api.WatchRequest;
import io.lessor.api.WatchResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One client Watch call on raw gRPC stubs, with its responses in a queue; for tests. */
final class WatchCall implements ClientResponseObserver<WatchRequest, WatchResponse> {

    final LinkedBlockingQueue<WatchResponse> responses = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<Long> receivedNanos = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> end = new CompletableFuture<>();
    private final int initialRequest;
    private ClientCallStreamObserver<WatchRequest> requests;

    private WatchCall(int initialRequest) {
        this.initialRequest = initialRequest;
    }

    /** Opens a call that reads every response as it comes. */
    static WatchCall open(Channel channel) {
        return open(channel, -1);
    }

    /**
     * Opens a call that reads only {@code initialRequest} responses until {@link #request}
     * requests more; a negative value reads everything.
     */
    static WatchCall open(Channel channel, int initialRequest) {
        WatchCall call = new WatchCall(initialRequest);
        WatchGrpc.newStub(channel).watch(call);
        return call;
    }

    static WatchCreateRequest.Builder key(String key) {
        return WatchCreateRequest.newBuilder().setKey(ByteString.copyFromUtf8(key));
    }

    static WatchCreateRequest.Builder prefix(String prefix) {
        ByteString start = ByteString.copyFromUtf8(prefix);
        byte[] end = start.toByteArray();
        end[end.length - 1]++;
        return WatchCreateRequest.newBuilder().setKey(start).setRangeEnd(ByteString.copyFrom(end));
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
        this.requests = requestStream;
        if (initialRequest >= 0) {
            requestStream.disableAutoRequestWithInitial(initialRequest);
        }
    }

    void create(WatchCreateRequest.Builder request) {
        requests.onNext(WatchRequest.newBuilder().setCreateRequest(request).build());
    }

    /** Creates a watcher and returns the created response. */
    WatchResponse createAndAwait(WatchCreateRequest.Builder request) throws InterruptedException {
        create(request);
        WatchResponse created = next();
        assertThat(created.getCreated()).as("created response %s", created).isTrue();
        return created;
    }

    void cancel(long watchId) {
        requests.onNext(WatchRequest.newBuilder()
                .setCancelRequest(WatchCancelRequest.newBuilder().setWatchId(watchId)).build());
    }

    void requestProgress() {
        requests.onNext(WatchRequest.newBuilder().setProgressRequest(WatchProgressRequest.getDefaultInstance()).build());
    }

    void request(int count) {
        requests.request(count);
    }

    /** Half-closes the call: the client sends no more requests. */
    void halfClose() {
        requests.onCompleted();
    }

    /** Cancels the call from the client side, as a client that goes away does. */
    void cancelCall() {
        requests.cancel("test ends the call", null);
    }

    /** Returns the next response, failing the test if none comes within 5 s. */
    WatchResponse next() throws InterruptedException {
        WatchResponse response = responses.poll(5, TimeUnit.SECONDS);
        assertThat(response).as("a watch response within 5 s").isNotNull();
        return response;
    }

    /** Returns the next response within {@code millis}, or {@code null}. */
    WatchResponse poll(long millis) throws InterruptedException {
        return responses.poll(millis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onNext(WatchResponse response) {
        receivedNanos.add(System.nanoTime());
        responses.add(response);
    }

    @Override
    public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }
}
