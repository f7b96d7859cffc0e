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
import java.util.ArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One LeaseKeepAlive stream. gRPC's callbacks run on the transport thread. A response that
 * renews its lease is handled there when {@link KeepAlives#tryRenewOnTransport} can do so without
 * waiting. Every other response is appended to a list that the receive loop takes whole at each
 * wake-up, so that hand-over costs one wake-up per batch of responses, not one per response.
 */
final class KeepAliveStream implements ClientResponseObserver<LeaseKeepAliveRequest, LeaseKeepAliveResponse> {

    /**
     * The metadata etcd's clients put on keep-alive streams: the server then ends the stream with
     * UNAVAILABLE {@code "etcdserver: no leader"} when it has no leader, and the client retries
     * elsewhere, instead of renewing on a member that cannot.
     */
    static final Metadata.Key<String> HAS_LEADER = Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    // @GuardedBy("lock"): the responses not yet taken, in the order they arrived.
    private ArrayList<LeaseKeepAliveResponse> incoming = new ArrayList<>();
    // @GuardedBy("lock"): the final status, once the stream has closed.
    private Status closedStatus;
    // @GuardedBy("lock"): whether the receive loop waits in takeBatch, so that only then does an
    // arrival signal it.
    private boolean waiting;
    private volatile ClientCallStreamObserver<LeaseKeepAliveRequest> requests;
    private volatile boolean cancelled;
    private final KeepAlives owner;

    private KeepAliveStream(KeepAlives owner) {
        this.owner = owner;
    }

    /** Opens a stream on {@code channel} whose responses renew the leases of {@code owner}. */
    static KeepAliveStream open(Channel channel, KeepAlives owner) {
        KeepAliveStream stream = new KeepAliveStream(owner);
        Metadata headers = new Metadata();
        headers.put(HAS_LEADER, "true");
        // The callbacks below never wait: they renew a lease only if its lock is free, and
        // otherwise add to an unbounded list under a lock held for an O(1) step. So they run on
        // the transport's thread, which saves the channel's executor a new virtual thread per
        // batch of responses.
        LeaseGrpc.newStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withExecutor(Runnable::run)
                // Waits for a connection instead of failing at once while the channel
                // reconnects, as etcd's Go client opens it, so a server that is back within the
                // TTL gets the renewals as soon as it serves.
                .withWaitForReady()
                .leaseKeepAlive(stream);
        return stream;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<LeaseKeepAliveRequest> requestStream) {
        this.requests = requestStream;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse response) {
        if (owner.tryRenewOnTransport(this, response)) {
            return;
        }
        lock.lock();
        try {
            incoming.add(response);
            if (waiting) {
                waiting = false;
                arrived.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onError(Throwable failure) {
        close(Status.fromThrowable(failure));
    }

    @Override
    public void onCompleted() {
        close(Status.OK);
    }

    private void close(Status status) {
        lock.lock();
        try {
            if (closedStatus == null) {
                closedStatus = status;
            }
            arrived.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends a renewal request. Callers serialize sends, as gRPC requires; a send on a
     * stream that has closed is dropped by gRPC, and one after {@link #cancel()} is skipped here.
     */
    void send(LeaseKeepAliveRequest request) {
        if (cancelled) {
            return;
        }
        try {
            requests.onNext(request);
        } catch (IllegalStateException closedMeanwhile) {
            // gRPC closed the call after a failure, so the receive loop reads the closed status and reopens.
        }
    }

    /**
     * Waits until responses have arrived or the stream has closed, and returns every response
     * that arrived since the last call, in order. The caller passes an empty list, which
     * receives the responses that arrive from then on, so that the two lists take turns and a
     * batch allocates nothing.
     *
     * @param spare an empty list, which this stream keeps
     * @return the responses, or null once the stream has closed and every response was taken;
     *     {@link #closedStatus()} then returns why it closed
     * @throws InterruptedException if the thread is interrupted while it waits
     */
    ArrayList<LeaseKeepAliveResponse> takeBatch(ArrayList<LeaseKeepAliveResponse> spare) throws InterruptedException {
        lock.lock();
        try {
            while (incoming.isEmpty() && closedStatus == null) {
                waiting = true;
                arrived.await();
            }
            waiting = false;
            if (incoming.isEmpty()) {
                return null;
            }
            ArrayList<LeaseKeepAliveResponse> batch = incoming;
            incoming = spare;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Returns the status the stream closed with, or null while it is open. */
    Status closedStatus() {
        lock.lock();
        try {
            return closedStatus;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels the stream, which resets it on the server too; does nothing if it has closed. */
    void cancel() {
        cancelled = true;
        requests.cancel("keep-alive stream closed by the client", null);
    }
}
