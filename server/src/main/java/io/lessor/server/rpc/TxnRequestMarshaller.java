package io.lessor.server.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.lite.ProtoLiteUtils;
import io.lessor.api.RequestOp;
import io.lessor.api.TxnRequest;
import java.io.InputStream;

/**
 * Parses Txn requests nested as deep as etcd accepts them, and turns a deeper one into
 * {@link #TOO_DEEP} instead of a parse failure.
 *
 * <p>etcd parses a Txn of any depth and lets a nested txn use only what its parent left of the
 * {@code --max-txn-ops} budget, so a Txn nested up to that many levels is served and a deeper
 * one fails with INVALID_ARGUMENT "etcdserver: too many operations in txn request" (observed on
 * etcd 3.4.23 with the default budget of 128: depth 128 is served, depth 129 fails).
 * protobuf-java stops at 100 levels of nesting by default, and each level of Txn takes two (a
 * TxnRequest and its RequestOp). Without this marshaller, a Txn of depth 50 failed in gRPC's
 * parse with UNKNOWN and a SEVERE log line per request.
 *
 * <p>This marshaller parses with room for the deepest Txn that the budget can allow, plus one
 * level to reject. A request deeper than that is sure to exceed the budget, so it parses to the
 * sentinel {@link #TOO_DEEP}, which the service answers with etcd's error.
 *
 * <p>Thread-safety: immutable.
 */
final class TxnRequestMarshaller implements MethodDescriptor.Marshaller<TxnRequest> {

    /**
     * The request that stands for a Txn nested deeper than any allowed one. Compare by
     * identity: it is never equal to a parsed request object.
     */
    static final TxnRequest TOO_DEEP = TxnRequest.newBuilder().build();

    /** protobuf-java's message for nesting beyond the recursion limit, taken from a probe parse. */
    private static final String NESTING_TOO_DEEP_MESSAGE = probeNestingMessage();

    /** Nesting levels a Txn of depth d takes: a TxnRequest and a RequestOp per level, then the leaf request. */
    private static final int LEVELS_PER_TXN = 2;

    private final MethodDescriptor.Marshaller<TxnRequest> delegate;

    /** Creates a marshaller that parses every Txn that {@code maxTxnOps} may allow, and one level more. */
    TxnRequestMarshaller(int maxTxnOps) {
        int recursionLimit = LEVELS_PER_TXN * (maxTxnOps + 1) + LEVELS_PER_TXN;
        this.delegate = ProtoLiteUtils.marshallerWithRecursionLimit(TxnRequest.getDefaultInstance(), recursionLimit);
    }

    @Override
    public InputStream stream(TxnRequest value) {
        return delegate.stream(value);
    }

    @Override
    public TxnRequest parse(InputStream stream) {
        try {
            return delegate.parse(stream);
        } catch (StatusRuntimeException e) {
            if (e.getCause() instanceof InvalidProtocolBufferException parseFailure
                    && NESTING_TOO_DEEP_MESSAGE.equals(parseFailure.getMessage())) {
                return TOO_DEEP;
            }
            throw e;
        }
    }

    /** Returns the message protobuf-java gives a message nested deeper than its recursion limit. */
    private static String probeNestingMessage() {
        TxnRequest nested = TxnRequest.newBuilder()
                .addSuccess(RequestOp.newBuilder().setRequestTxn(TxnRequest.getDefaultInstance()))
                .build();
        ByteString bytes = nested.toByteString();
        try {
            TxnRequest.parser().parseFrom(withRecursionLimit(bytes, 1));
        } catch (InvalidProtocolBufferException e) {
            return e.getMessage();
        }
        throw new IllegalStateException("protobuf-java parsed two levels of nesting with a recursion limit of 1");
    }

    private static CodedInputStream withRecursionLimit(ByteString bytes, int limit) {
        CodedInputStream input = bytes.newCodedInput();
        input.setRecursionLimit(limit);
        return input;
    }
}
