package io.lessor.server.rpc;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Sends the outcome of an engine call to a gRPC caller, with etcd's status for each error. */
final class Replies {

    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

    private Replies() {
    }

    /**
     * Completes a unary call with {@code response} once it is there, or with its error.
     * NOTE: the engine completes write futures on its writer thread, so serializing the reply
     * runs there too and delays the next group commit by that much. A profile of 100 clients
     * putting found it under 10% of the writer's CPU samples, less than a hand-off to another
     * thread would cost.
     */
    static <T> void unary(CompletionStage<T> response, StreamObserver<T> observer) {
        response.whenComplete((value, failure) -> {
            if (failure != null) {
                observer.onError(toStatus(failure));
                return;
            }
            observer.onNext(value);
            observer.onCompleted();
        });
    }

    /**
     * Returns the gRPC error to send for {@code failure}: etcd's code and message for an
     * {@link EtcdException}, UNKNOWN with the text for anything else, which is logged as a bug.
     */
    static StatusRuntimeException toStatus(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof EtcdException etcd) {
            return etcd.error().status().asRuntimeException();
        }
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        LOG.error("rpc: request failed with an unexpected error; the client gets UNKNOWN", cause);
        return Status.UNKNOWN.withDescription(String.valueOf(cause.getMessage())).withCause(cause).asRuntimeException();
    }

    /** Returns the status that ends streams when the server stops. */
    static StatusRuntimeException serverStopped() {
        return EtcdError.SERVER_STOPPED.status().asRuntimeException();
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }
}
