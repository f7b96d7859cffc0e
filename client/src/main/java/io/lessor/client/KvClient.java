package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;
import java.util.Objects;

/** {@link KV} over the client's channel; the requests are built by {@link Ops}, as in a transaction. */
final class KvClient implements KV {

    private final Calls calls;

    KvClient(Calls calls) {
        this.calls = calls;
    }

    @Override
    public RangeResponse get(Context ctx, ByteString key, GetOptions options) throws InterruptedException {
        return calls.unary(ctx, KVGrpc.getRangeMethod(), Ops.rangeRequest(key, options));
    }

    @Override
    public PutResponse put(Context ctx, ByteString key, ByteString value, PutOptions options) throws InterruptedException {
        return calls.unary(ctx, KVGrpc.getPutMethod(), Ops.putRequest(key, value, options));
    }

    @Override
    public DeleteRangeResponse delete(Context ctx, ByteString key, DeleteOptions options) throws InterruptedException {
        return calls.unary(ctx, KVGrpc.getDeleteRangeMethod(), Ops.deleteRequest(key, options));
    }

    @Override
    public TxnResponse txn(Context ctx, TxnRequest request) throws InterruptedException {
        return calls.unary(ctx, KVGrpc.getTxnMethod(), Objects.requireNonNull(request, "request"));
    }

    @Override
    public CompactionResponse compact(Context ctx, long revision, boolean physical) throws InterruptedException {
        CompactionRequest request = CompactionRequest.newBuilder().setRevision(revision).setPhysical(physical).build();
        return calls.unary(ctx, KVGrpc.getCompactMethod(), request);
    }
}
