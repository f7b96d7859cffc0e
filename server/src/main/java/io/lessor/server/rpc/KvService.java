package io.lessor.server.rpc;

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
import io.lessor.server.engine.Engine;

/** etcd's KV service: each call goes to the engine after the request size check. */
final class KvService extends KVGrpc.KVImplBase {

    private final Engine engine;
    private final RequestLimits limits;

    KvService(Engine engine, RequestLimits limits) {
        this.engine = engine;
        this.limits = limits;
    }

    @Override
    public void range(RangeRequest request, StreamObserver<RangeResponse> observer) {
        Replies.unary(engine.range(request), observer);
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
        Replies.unary(limits.checked(request, engine::txn), observer);
    }

    @Override
    public void compact(CompactionRequest request, StreamObserver<CompactionResponse> observer) {
        Replies.unary(limits.checked(request, engine::compact), observer);
    }
}
