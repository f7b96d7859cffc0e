package io.lessor.server.rpc;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.lessor.api.KVGrpc;
import io.lessor.api.LeaseGrpc;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Chooses where each call's handler runs. The handlers of writes, lease grants, revokes,
 * keep-alives and single-key ranges only check the request and queue it for the engine's writer
 * or read one key, so they run on the transport thread that read the request. That saves a
 * thread hand-off per request. Every other call runs on the server's handler executor, a new
 * virtual thread per task.
 *
 * <p>A handler listed here must not block, because a blocked transport thread stalls every
 * connection it serves. {@link KvService} moves multi-key ranges and read-only Txns, which may
 * read a lot, to the handler executor itself.
 */
final class CallExecutors implements ServerCallExecutorSupplier {

    private static final Executor TRANSPORT_THREAD = Runnable::run;

    private static final Set<String> NON_BLOCKING_METHODS = Set.of(
            KVGrpc.getRangeMethod().getFullMethodName(),
            KVGrpc.getPutMethod().getFullMethodName(),
            KVGrpc.getDeleteRangeMethod().getFullMethodName(),
            KVGrpc.getTxnMethod().getFullMethodName(),
            KVGrpc.getCompactMethod().getFullMethodName(),
            LeaseGrpc.getLeaseGrantMethod().getFullMethodName(),
            LeaseGrpc.getLeaseRevokeMethod().getFullMethodName(),
            LeaseGrpc.getLeaseKeepAliveMethod().getFullMethodName());

    /** Returns the transport thread for the methods above, or {@code null} for the default executor. */
    @Override
    public <ReqT, RespT> Executor getExecutor(ServerCall<ReqT, RespT> call, Metadata headers) {
        return NON_BLOCKING_METHODS.contains(call.getMethodDescriptor().getFullMethodName()) ? TRANSPORT_THREAD : null;
    }
}
