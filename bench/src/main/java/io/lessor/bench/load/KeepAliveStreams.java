package io.lessor.bench.load;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.lessor.api.LeaseKeepAliveRequest;
import io.lessor.api.LeaseKeepAliveResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shared bidirectional {@code Lease.LeaseKeepAlive} streams that carry the keep-alives of many
 * leases, as etcd's clients share one stream among all their leases. A lease always uses the
 * same stream, and may have one keep-alive in flight at a time: its response is matched to it
 * by lease id.
 *
 * <p>A renewal succeeds when the response carries a positive TTL. A TTL of 0 means the lease no
 * longer exists, which fails the renewal with {@link UnexpectedResponseException}. When a stream
 * ends, every renewal in flight on it fails with the stream's status, and so does every later
 * one.
 *
 * <p>Thread-safety: {@link #renew} may be called from any thread, including from the outcome of
 * an earlier renewal.
 */
final class KeepAliveStreams implements AutoCloseable {

    private static final Duration CLOSE_GRACE = Duration.ofSeconds(5);

    private final List<KeepAliveStream> streams;

    private KeepAliveStreams(List<KeepAliveStream> streams) {
        this.streams = List.copyOf(streams);
    }

    /** Opens {@code count} streams over the connections in turn. */
    static KeepAliveStreams open(Connections connections, int count) {
        List<KeepAliveStream> streams = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            KeepAliveStream stream = new KeepAliveStream();
            stream.requests = connections.lease(i).leaseKeepAlive(stream);
            streams.add(stream);
        }
        return new KeepAliveStreams(streams);
    }

    /**
     * Sends a keep-alive for {@code leaseId} and reports its outcome to {@code outcome}.
     *
     * @throws IllegalStateException if the lease already has a keep-alive in flight
     */
    void renew(long leaseId, ClosedLoop.Outcome outcome) {
        // Lease ids from etcd count up from a random start, so spread them before taking a slot.
        int slot = Math.floorMod(Long.hashCode(leaseId * 0x9E3779B97F4A7C15L), streams.size());
        streams.get(slot).renew(leaseId, outcome);
    }

    /**
     * Ends every stream from this side and waits up to 5 s for the server to end them. Renewals
     * still in flight then fail.
     */
    @Override
    public void close() {
        streams.forEach(KeepAliveStream::halfClose);
        long deadlineNanos = System.nanoTime() + CLOSE_GRACE.toNanos();
        try {
            for (KeepAliveStream stream : streams) {
                stream.ended.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One stream and the renewals in flight on it. */
    private static final class KeepAliveStream implements StreamObserver<LeaseKeepAliveResponse> {

        /** Serializes sends, because a gRPC request stream may be written by one thread at a time. */
        private final ReentrantLock sendLock = new ReentrantLock();
        private final Map<Long, ClosedLoop.Outcome> inFlight = new ConcurrentHashMap<>();
        private final CountDownLatch ended = new CountDownLatch(1);
        // @GuardedBy("sendLock")
        private StreamObserver<LeaseKeepAliveRequest> requests;
        // @GuardedBy("sendLock")
        private boolean halfClosed;
        private volatile Throwable failure;

        void renew(long leaseId, ClosedLoop.Outcome outcome) {
            if (failure != null) {
                outcome.failed(failure);
                return;
            }
            if (inFlight.putIfAbsent(leaseId, outcome) != null) {
                throw new IllegalStateException("lease " + hex(leaseId) + " already has a keep-alive in flight");
            }
            // The stream may have ended between the check above and the put, so its end missed this
            // renewal. Fail it here unless the sweep at the end already removed it.
            if (failure != null) {
                if (inFlight.remove(leaseId, outcome)) {
                    outcome.failed(failure);
                }
                return;
            }

            sendLock.lock();
            try {
                if (halfClosed) {
                    throw Status.CANCELLED.withDescription("keep-alive streams are closed").asRuntimeException();
                }
                requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
            } catch (RuntimeException e) {
                if (inFlight.remove(leaseId, outcome)) {
                    outcome.failed(e);
                }
            } finally {
                sendLock.unlock();
            }
        }

        void halfClose() {
            sendLock.lock();
            try {
                if (!halfClosed) {
                    halfClosed = true;
                    requests.onCompleted();
                }
            } finally {
                sendLock.unlock();
            }
        }

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            ClosedLoop.Outcome outcome = inFlight.remove(response.getID());
            if (outcome == null) {
                // A response for a lease with nothing in flight; no request can be charged with it.
                return;
            }
            if (response.getTTL() <= 0) {
                outcome.failed(new UnexpectedResponseException("keep-alive of lease " + hex(response.getID())
                        + " returned TTL " + response.getTTL() + ": the lease has expired or was revoked"));
            } else {
                outcome.succeeded();
            }
        }

        @Override
        public void onError(Throwable error) {
            end(error);
        }

        @Override
        public void onCompleted() {
            end(Status.UNAVAILABLE.withDescription("the server ended the keep-alive stream").asRuntimeException());
        }

        private void end(Throwable cause) {
            failure = cause;
            for (Long leaseId : List.copyOf(inFlight.keySet())) {
                ClosedLoop.Outcome outcome = inFlight.remove(leaseId);
                if (outcome != null) {
                    outcome.failed(cause);
                }
            }
            ended.countDown();
        }

        private static String hex(long leaseId) {
            return String.format("%016x", leaseId);
        }
    }
}
