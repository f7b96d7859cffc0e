package io.lessor.server.rpc;

import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.server.EtcdError;
import io.lessor.server.apply.TxnExecutor;
import io.lessor.server.engine.Engine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * etcd's KV service: each call goes to the engine after the request size check. Serve it
 * through {@link #definition()}, whose Txn requests are parsed by {@link TxnRequestMarshaller},
 * so that nesting as deep as etcd serves parses.
 *
 * <p>The handlers run on the transport thread (see {@link CallExecutors}), so reads that may be
 * large, ranges over more than one key and read-only Txns, move to {@code readExecutor}.
 */
final class KvService extends KVGrpc.KVImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(KvService.class);

    private final Engine engine;
    private final RequestLimits limits;
    private final int maxTxnOps;
    private final Executor readExecutor;

    KvService(Engine engine, RequestLimits limits, int maxTxnOps, Executor readExecutor) {
        this.engine = engine;
        this.limits = limits;
        this.maxTxnOps = maxTxnOps;
        this.readExecutor = readExecutor;
    }

    /**
     * Returns the service definition to serve: the generated one with Txn's request parser
     * replaced (the generated {@code bindService} is final, so this is a separate method).
     */
    ServerServiceDefinition definition() {
        ServerServiceDefinition generated = bindService();
        String txnName = KVGrpc.getTxnMethod().getFullMethodName();
        // A builder by name, because the generated service descriptor insists on its own method descriptors.
        ServerServiceDefinition.Builder definition =
                ServerServiceDefinition.builder(generated.getServiceDescriptor().getName());
        for (ServerMethodDefinition<?, ?> method : generated.getMethods()) {
            if (method.getMethodDescriptor().getFullMethodName().equals(txnName)) {
                @SuppressWarnings("unchecked")
                ServerMethodDefinition<TxnRequest, TxnResponse> txn = (ServerMethodDefinition<TxnRequest, TxnResponse>) method;
                MethodDescriptor<TxnRequest, TxnResponse> descriptor = txn.getMethodDescriptor()
                        .toBuilder(new TxnRequestMarshaller(maxTxnOps), txn.getMethodDescriptor().getResponseMarshaller())
                        .build();
                definition.addMethod(ServerMethodDefinition.create(descriptor, txn.getServerCallHandler()));
            } else {
                definition.addMethod(method);
            }
        }
        return definition.build();
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        if (request.getRangeEnd().isEmpty()) {
            Replies.unary(engine.range(request), observer);
        } else {
            Replies.unary(onReadExecutor(() -> engine.range(request)), observer);
        }
    }

    @Override
    public void put(PutRequest request, StreamObserver<PutResponse> observer) {
        Replies.unary(limits.checked(request, engine::put), observer);
    }

    @Override
    public void deleteRange(DeleteRangeRequest request, StreamObserver<DeleteRangeResponse> observer) {
        Replies.unary(limits.checked(request, engine::deleteRange), observer);
    }

    @Override
    public void txn(TxnRequest request, StreamObserver<TxnResponse> observer) {
        if (request == TxnRequestMarshaller.TOO_DEEP) {
            LOG.debug("rpc: txn nested deeper than max-txn-ops={} allows; rejected before parsing all of it", maxTxnOps);
            observer.onError(EtcdError.TOO_MANY_TXN_OPS.status().asRuntimeException());
            return;
        }
        if (TxnExecutor.isReadOnly(request)) {
            Replies.unary(onReadExecutor(() -> limits.checked(request, engine::txn)), observer);
        } else {
            Replies.unary(limits.checked(request, engine::txn), observer);
        }
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Replies.unary(limits.checked(request, engine::compact), observer);
    }

    private <T> CompletableFuture<T> onReadExecutor(Supplier<CompletableFuture<T>> read) {
        try {
            return CompletableFuture.supplyAsync(read, readExecutor).thenCompose(Function.identity());
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.failedFuture(Replies.serverStopped());
        }
    }
}
