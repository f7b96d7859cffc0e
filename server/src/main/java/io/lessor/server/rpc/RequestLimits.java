package io.lessor.server.rpc;

import com.google.protobuf.MessageLite;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The size check etcd makes on every request that becomes a log entry. gRPC itself rejects a
 * message only above the limit plus {@link #GRPC_OVERHEAD_BYTES}, as etcd configures it, so that
 * requests just over the limit get etcd's own error rather than gRPC's.
 */
final class RequestLimits {

    /** The slack etcd adds to its max-request-bytes for gRPC's receive limit: 512 KiB. */
    static final int GRPC_OVERHEAD_BYTES = 512 * 1024;

    private final int maxRequestBytes;

    RequestLimits(int maxRequestBytes) {
        this.maxRequestBytes = maxRequestBytes;
    }

    /** Returns the largest message gRPC should accept. */
    int maxInboundMessageBytes() {
        return maxRequestBytes + GRPC_OVERHEAD_BYTES;
    }

    /**
     * Checks that {@code request} fits.
     *
     * @throws EtcdException {@link EtcdError#REQUEST_TOO_LARGE} if it does not
     */
    void check(MessageLite request) {
        if (request.getSerializedSize() > maxRequestBytes) {
            throw EtcdError.REQUEST_TOO_LARGE.exception();
        }
    }

    /** Runs {@code call} if {@code request} fits, or returns the failed future it would have. */
    <Q extends MessageLite, R> CompletableFuture<R> checked(Q request, Function<Q, CompletableFuture<R>> call) {
        try {
            check(request);
        } catch (EtcdException tooLarge) {
            return CompletableFuture.failedFuture(tooLarge);
        }
        return call.apply(request);
    }
}
