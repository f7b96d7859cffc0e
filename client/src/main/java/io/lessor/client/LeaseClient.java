package io.lessor.client;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
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
import io.lessor.client.lease.KeepAlives;
import io.lessor.context.Context;
import io.lessor.context.Registration;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** {@link Lease} over the client's channel; keep-alives go to the client's {@link KeepAlives}. */
final class LeaseClient implements Lease {

    /** The wait between attempts of keepAliveOnce, as etcd's Go client waits. */
    private static final Duration ONCE_RETRY_BACKOFF = Duration.ofMillis(500);

    private final Calls calls;
    private final KeepAlives keepAlives;

    LeaseClient(Calls calls, KeepAlives keepAlives) {
        this.calls = calls;
        this.keepAlives = keepAlives;
    }

    @Override
    public LeaseGrantResponse grant(Context ctx, long ttlSeconds) throws InterruptedException {
        return grant(ctx, ttlSeconds, 0);
    }

    @Override
    public LeaseGrantResponse grant(Context ctx, long ttlSeconds, long leaseId) throws InterruptedException {
        LeaseGrantRequest request = LeaseGrantRequest.newBuilder().setTTL(ttlSeconds).setID(leaseId).build();
        return calls.unary(ctx, LeaseGrpc.getLeaseGrantMethod(), request);
    }

    @Override
    public LeaseRevokeResponse revoke(Context ctx, long leaseId) throws InterruptedException {
        return calls.unary(ctx, LeaseGrpc.getLeaseRevokeMethod(), LeaseRevokeRequest.newBuilder().setID(leaseId).build());
    }

    @Override
    public LeaseTimeToLiveResponse timeToLive(Context ctx, long leaseId, boolean withKeys) throws InterruptedException {
        LeaseTimeToLiveRequest request = LeaseTimeToLiveRequest.newBuilder().setID(leaseId).setKeys(withKeys).build();
        return calls.unary(ctx, LeaseGrpc.getLeaseTimeToLiveMethod(), request);
    }

    @Override
    public LeaseLeasesResponse leases(Context ctx) throws InterruptedException {
        return calls.unary(ctx, LeaseGrpc.getLeaseLeasesMethod(), LeaseLeasesRequest.getDefaultInstance());
    }

    @Override
    public KeepAlive keepAlive(Context ctx, long leaseId) {
        return keepAlives.keepAlive(ctx, leaseId);
    }

    @Override
    public LeaseKeepAliveResponse keepAliveOnce(Context ctx, long leaseId) throws InterruptedException {
        MethodDescriptor<LeaseKeepAliveRequest, LeaseKeepAliveResponse> method = LeaseGrpc.getLeaseKeepAliveMethod();
        // One budget for all attempts: the retries end at the caller's deadline or the request timeout.
        Calls.Budget budget = calls.budget(ctx);
        long deadlineNanos = System.nanoTime() + budget.timeoutNanos();

        while (true) {
            ctx.throwIfDone();
            calls.throwIfClosed(method);
            long leftNanos = Math.max(0, deadlineNanos - System.nanoTime());
            try {
                return keepAliveOnceAttempt(ctx, leaseId, leftNanos);
            } catch (ExecutionException e) {
                Status.Code code = Status.fromThrowable(e.getCause()).getCode();
                boolean retryable = code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL;
                long afterBackoffNanos = deadlineNanos - System.nanoTime() - ONCE_RETRY_BACKOFF.toNanos();
                if (!retryable || afterBackoffNanos <= 0 || ctx.isDone() || calls.clientContext().isDone()) {
                    throw calls.failure(ctx, method, e.getCause(), budget);
                }
                ctx.sleep(ONCE_RETRY_BACKOFF);
            }
        }
    }

    /**
     * Sends one renewal on a stream of its own, half-closes it, and waits for the response. The
     * stream is cancelled on the way out, which does nothing if it has closed already, so no
     * stream stays open on either side whatever happened.
     *
     * @throws ExecutionException with the gRPC failure of the stream
     */
    private LeaseKeepAliveResponse keepAliveOnceAttempt(Context ctx, long leaseId, long timeoutNanos)
            throws InterruptedException, ExecutionException {
        // Waits for a connection, as the keep-alive stream and etcd's Go client do, within the deadline.
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS).withWaitForReady();
        ClientCall<LeaseKeepAliveRequest, LeaseKeepAliveResponse> call = Calls.requiringLeader(calls.channel())
                .newCall(LeaseGrpc.getLeaseKeepAliveMethod(), options);
        FirstResponse first = new FirstResponse();

        Registration onCallerDone = null;
        Registration onClientClosed = null;
        try {
            StreamObserver<LeaseKeepAliveRequest> requests = ClientCalls.asyncBidiStreamingCall(call, first);
            // Registered once the call has started, because gRPC does not allow a cancel that
            // races the start. A context that has ended already cancels the call at once.
            onCallerDone = ctx.done().onFire(() -> call.cancel("the caller's context ended", null));
            onClientClosed = calls.clientContext().done().onFire(() -> call.cancel("the client closed", null));
            requests.onNext(LeaseKeepAliveRequest.newBuilder().setID(leaseId).build());
            requests.onCompleted();

            LeaseKeepAliveResponse response = first.result.get();
            if (response.getTTL() <= 0) {
                throw new LeaseNotFoundException(LeaseNotFoundException.MESSAGE, null);
            }
            return response;
        } catch (InterruptedException e) {
            throw e;
        } catch (ExecutionException e) {
            ctx.throwIfDone();
            throw e;
        } catch (IllegalStateException cancelledBeforeSend) {
            // The context ended or the client closed before the request went out. Otherwise the
            // exception came from elsewhere, such as an interceptor, and goes to the caller.
            ctx.throwIfDone();
            if (!calls.clientContext().isDone()) {
                throw cancelledBeforeSend;
            }
            throw Calls.closed(LeaseGrpc.getLeaseKeepAliveMethod());
        } finally {
            if (onCallerDone != null) {
                onCallerDone.stop();
            }
            if (onClientClosed != null) {
                onClientClosed.stop();
            }
            call.cancel("keepAliveOnce finished", null);
        }
    }

    /** Completes with the first response of a stream, or with its failure if it ends without one. */
    private static final class FirstResponse implements StreamObserver<LeaseKeepAliveResponse> {
        final CompletableFuture<LeaseKeepAliveResponse> result = new CompletableFuture<>();

        @Override
        public void onNext(LeaseKeepAliveResponse response) {
            result.complete(response);
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onCompleted() {
            result.completeExceptionally(Status.UNAVAILABLE
                    .withDescription("the keep-alive stream ended without a response")
                    .asRuntimeException());
        }
    }
}
