package io.lessor.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the client's calls that have started and not yet closed, streams included. */
final class OpenCalls implements ClientInterceptor {

    private final AtomicInteger open = new AtomicInteger();

    int count() {
        return open.get();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
            @Override
            public void start(Listener<R> listener, Metadata headers) {
                open.incrementAndGet();
                boolean started = false;
                try {
                    super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            // gRPC calls onClose exactly once for every call that started.
                            open.decrementAndGet();
                            super.onClose(status, trailers);
                        }
                    }, headers);
                    started = true;
                } finally {
                    if (!started) {
                        // A start that throws never calls onClose.
                        open.decrementAndGet();
                    }
                }
            }
        };
    }
}
