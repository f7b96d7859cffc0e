package io.lessor.client;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.lessor.context.Context;
import io.lessor.context.ContextDoneException;
import io.lessor.context.Reason;
import io.lessor.context.Registration;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Runs unary calls under a caller's {@link Context}: the context's deadline, capped by the
 * client's request timeout, becomes the call's gRPC deadline, the context's end cancels the
 * call, and a call waits for a ready connection until that deadline.
 */
final class Calls {

    /** etcd's header that makes the server fail a call at once when it has no leader. */
    private static final Metadata.Key<String> REQUIRE_LEADER_HEADER =
            Metadata.Key.of("hasleader", Metadata.ASCII_STRING_MARSHALLER);

    private final Channel channel;
    private final Duration requestTimeout;
    private final Context clientContext;

    Calls(Channel channel, Duration requestTimeout, Context clientContext) {
        this.channel = channel;
        this.requestTimeout = requestTimeout;
        this.clientContext = clientContext;
    }

    /**
     * Sends {@code request} and waits for the response.
     *
     * @throws ContextDoneException if {@code ctx} ended before the response, or had ended
     * @throws ClientClosedException if the client closed before the response, or had closed
     * @throws EtcdException for a status other than OK
     * @throws InterruptedException if the thread is interrupted; the call is cancelled
     */
    <Q, R> R unary(Context ctx, MethodDescriptor<Q, R> method, Q request) throws InterruptedException {
        ctx.throwIfDone();
        throwIfClosed(method);
        Budget budget = budget(ctx);
        ListenableFuture<R> response = ClientCalls.futureUnaryCall(
                channelFor(ctx, channel).newCall(method, budget.options()), request);

        // Cancelling the future with mayInterruptIfRunning cancels the call, and with it the
        // HTTP/2 stream; without it gRPC's future only marks itself cancelled.
        Registration onCallerDone = ctx.done().onFire(() -> response.cancel(true));
        Registration onClientClosed = clientContext.done().onFire(() -> response.cancel(true));
        try {
            return response.get();
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        } catch (CancellationException e) {
            ctx.throwIfDone();
            throw closed(method);
        } catch (ExecutionException e) {
            throw failure(ctx, method, e.getCause(), budget);
        } finally {
            onCallerDone.stop();
            onClientClosed.stop();
        }
    }

    /**
     * The deadline of one call.
     *
     * @param options the call options with the deadline set
     * @param timeoutNanos the time the call has
     * @param contextDeadline whether the caller's context set it, rather than the request timeout
     */
    record Budget(CallOptions options, long timeoutNanos, boolean contextDeadline) {
    }

    /** Returns the deadline of a call made now under {@code ctx}. */
    Budget budget(Context ctx) {
        // The context's deadline decides when it is the earlier one, so a timeout is blamed on it.
        long timeoutNanos = requestTimeout.toNanos();
        boolean contextDeadline = false;
        Duration remaining = ctx.timeRemaining().orElse(null);
        if (remaining != null && remaining.toNanos() <= timeoutNanos) {
            timeoutNanos = Math.max(0, remaining.toNanos());
            contextDeadline = true;
        }
        // Wait for ready: a call made while no connection is up waits for one until its deadline,
        // instead of failing at once. It is sent only once a connection is ready, so even a
        // mutation is safe to hold back this way, as etcd's Go client does with FailFast(false).
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
                .withWaitForReady();
        return new Budget(options, timeoutNanos, contextDeadline);
    }

    /** Returns the exception to throw for a call under {@code ctx} that failed with {@code cause}. */
    RuntimeException failure(Context ctx, MethodDescriptor<?, ?> method, Throwable cause, Budget budget) {
        Status status = Status.fromThrowable(cause);
        if (ctx.isDone()) {
            return new ContextDoneException(ctx.reason(), ctx.cause());
        }
        if (clientContext.isDone() && status.getCode() == Status.Code.CANCELLED) {
            return closed(method);
        }
        if (budget.contextDeadline() && ctx.timeRemaining().map(left -> left.toNanos() <= 0).orElse(false)) {
            // The caller's deadline has passed, and the server saw it first: etcd then fails the
            // call with its own error, such as UNKNOWN "context deadline exceeded".
            return new ContextDoneException(Reason.DEADLINE_EXCEEDED, null);
        }
        if (status.getCode() == Status.Code.DEADLINE_EXCEEDED && status.getCause() == null
                && isClientDeadline(status)) {
            if (budget.contextDeadline()) {
                // The gRPC deadline may pass a moment before the context's own timer fires.
                return new ContextDoneException(Reason.DEADLINE_EXCEEDED, null);
            }
            return new RequestTimeoutException(method.getFullMethodName() + " did not finish within the request timeout of "
                    + Duration.ofNanos(budget.timeoutNanos()) + "; raise it with Client.Builder.requestTimeout", cause);
        }
        return EtcdException.from(cause);
    }

    /** Returns whether a DEADLINE_EXCEEDED status came from this client's deadline, not the server. */
    private static boolean isClientDeadline(Status status) {
        String description = status.getDescription();
        return description == null || !description.startsWith("etcdserver:");
    }

    /**
     * Returns {@code channel} with etcd's {@code hasleader} header added to every call when
     * {@code ctx} carries {@link Client#withRequireLeader}, else {@code channel} itself.
     */
    static Channel channelFor(Context ctx, Channel channel) {
        return Client.requiresLeader(ctx) ? requiringLeader(channel) : channel;
    }

    /** Returns {@code channel} with etcd's {@code hasleader} header added to every call. */
    static Channel requiringLeader(Channel channel) {
        Metadata headers = new Metadata();
        headers.put(REQUIRE_LEADER_HEADER, "true");
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** Returns the client's context, which ends when the client closes. */
    Context clientContext() {
        return clientContext;
    }

    /** Returns the client's channel. */
    Channel channel() {
        return channel;
    }

    void throwIfClosed(MethodDescriptor<?, ?> method) {
        if (clientContext.isDone()) {
            throw closed(method);
        }
    }

    static ClientClosedException closed(MethodDescriptor<?, ?> method) {
        return new ClientClosedException("the client is closed; " + method.getFullMethodName() + " was not completed");
    }
}
