package io.lessor.compat.support;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Collects the responses of one gRPC stream in a queue, and its final status, so a test can
 * read them in order with a timeout.
 *
 * <pre>{@code
 * StreamRecorder<LeaseKeepAliveResponse> responses = new StreamRecorder<>();
 * StreamObserver<LeaseKeepAliveRequest> requests = target.leaseAsync().leaseKeepAlive(responses);
 * requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(id).build());
 * LeaseKeepAliveResponse first = responses.next(Duration.ofSeconds(5));
 * responses.cancel();
 * }</pre>
 *
 * <p>Thread-safety: gRPC delivers responses on its own threads. Read them from one thread at a
 * time.
 *
 * @param <R> the response type
 */
public final class StreamRecorder<R> implements ClientResponseObserver<Object, R> {

    private final BlockingQueue<R> responses = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private volatile ClientCallStreamObserver<?> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<Object> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(R value) {
        responses.add(value);
    }

    @Override
    public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        end.complete(Status.OK);
    }

    /** Returns the next response, waiting up to {@code timeout}. Fails if none arrives or the stream ends first. */
    public R next(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            R value = responses.poll(10, TimeUnit.MILLISECONDS);
            if (value != null) {
                return value;
            }
            if (end.isDone() && responses.isEmpty()) {
                throw new AssertionError("the stream ended with " + end.join() + " before the next response");
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for the next response");
            }
        }
    }

    /** Returns the next response if one arrives within {@code timeout}, else {@code null}. */
    public R poll(Duration timeout) throws InterruptedException {
        return responses.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Waits up to {@code timeout} for the stream to end and returns its status. */
    public Status awaitEnd(Duration timeout) throws InterruptedException {
        try {
            return end.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("timed out after " + timeout + " waiting for the stream to end", e);
        } catch (ExecutionException e) {
            throw new AssertionError("unreachable: the end future is never completed exceptionally", e);
        }
    }

    /** Cancels the call from the client side, unless it already ended. */
    public void cancel() {
        ClientCallStreamObserver<?> c = call;
        if (c != null && !end.isDone()) {
            c.cancel("the test is done with this stream", null);
        }
    }
}
