package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KVGrpc;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.Context;
import java.util.Objects;

/** {@link KV} over the client's channel. */
final class KvClient implements KV {

    private final Calls calls;

    KvClient(Calls calls) {
        this.calls = calls;
    }

    @Override
    public RangeResponse get(Context ctx, ByteString key, GetOptions options) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        RangeRequest request = RangeRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(options.prefix() ? KeyRanges.prefixEnd(key) : options.rangeEnd())
                .setLimit(options.limit())
                .setRevision(options.revision())
                .setKeysOnly(options.keysOnly())
                .setCountOnly(options.countOnly())
                .setSerializable(options.serializable())
                .build();
        return calls.unary(ctx, KVGrpc.getRangeMethod(), request);
    }

    @Override
    public PutResponse put(Context ctx, ByteString key, ByteString value, PutOptions options) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        PutRequest request = PutRequest.newBuilder()
                .setKey(key)
                .setValue(value)
                .setLease(options.leaseId())
                .setPrevKv(options.prevKv())
                .build();
        return calls.unary(ctx, KVGrpc.getPutMethod(), request);
    }

    @Override
    public DeleteRangeResponse delete(Context ctx, ByteString key, DeleteOptions options) throws InterruptedException {
        Objects.requireNonNull(key, "key");
        DeleteRangeRequest request = DeleteRangeRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(options.prefix() ? KeyRanges.prefixEnd(key) : options.rangeEnd())
                .setPrevKv(options.prevKv())
                .build();
        return calls.unary(ctx, KVGrpc.getDeleteRangeMethod(), request);
    }

    @Override
    public TxnResponse txn(Context ctx, TxnRequest request) throws InterruptedException {
        return calls.unary(ctx, KVGrpc.getTxnMethod(), Objects.requireNonNull(request, "request"));
    }
}
