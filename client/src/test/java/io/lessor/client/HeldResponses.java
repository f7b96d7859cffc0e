package io.lessor.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.lessor.api.LeaseGrpc;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A client interceptor that, once armed, holds the next keep-alive response on its way to the
 * client until the test releases it, so that a test can move its clock while a renewal is in
 * flight.
 */
final class HeldResponses implements ClientInterceptor {

    private volatile CountDownLatch arrived = new CountDownLatch(0);
    private volatile CountDownLatch released = new CountDownLatch(0);

    /** Holds the next keep-alive response until {@link #release()}. */
    void holdNext() {
        released = new CountDownLatch(1);
        arrived = new CountDownLatch(1);
    }

    /** Waits until the held response has arrived, and returns whether it did within {@code timeout}. */
    boolean awaitHeld(Duration timeout) throws InterruptedException {
        return arrived.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Lets the held response go on to the client. */
    void release() {
        released.countDown();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        if (!method.getFullMethodName().equals(LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName())) {
            return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                    @Override
                    public void onMessage(R message) {
                        CountDownLatch hold = released;
                        if (hold.getCount() > 0 && arrived.getCount() > 0) {
                            arrived.countDown();
                            try {
                                // Bounded, so that a test that fails to release cannot hang the transport.
                                hold.await(10, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        super.onMessage(message);
                    }
                }, headers);
            }
        };
    }
}
