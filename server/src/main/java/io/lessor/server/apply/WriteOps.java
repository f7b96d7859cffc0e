package io.lessor.server.apply;

import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.KeyValue;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.ResponseHeader;
import io.lessor.server.EtcdError;
import io.lessor.server.lease.Lessor;
import io.lessor.server.mvcc.WriteTxn;
import java.util.List;

/**
 * Put and DeleteRange inside a write transaction, with the lease bookkeeping: a put moves the
 * key to its new lease (or to none), a delete detaches it. Used alone and inside Txn.
 *
 * <p>The responses' headers hold only the revision; the applier fills the rest for top-level
 * responses.
 */
final class WriteOps {

    private WriteOps() {
    }

    /**
     * Checks the parts of a put that depend on the state: the lease exists, and the key exists
     * when {@code ignore_value} or {@code ignore_lease} requests its current value or lease.
     */
    static void checkPut(WriteTxn txn, Lessor lessor, PutRequest request) {
        if (request.getLease() != 0 && lessor.lookup(request.getLease()) == null) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && txn.metadata(request.getKey()) == null) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
    }

    /** Applies a checked put. */
    static PutResponse put(WriteTxn txn, Lessor lessor, PutRequest request) {
        // The value itself is read from storage only when the request needs it.
        boolean needsValue = request.getIgnoreValue() || request.getPrevKv();
        KeyValue prev = needsValue ? txn.get(request.getKey()) : txn.metadata(request.getKey());
        if ((request.getIgnoreValue() || request.getIgnoreLease()) && prev == null) {
            throw EtcdError.KEY_NOT_FOUND.exception();
        }
        long leaseId = request.getIgnoreLease() ? prev.getLease() : request.getLease();

        KeyValue kv = txn.put(request.getKey(), request.getIgnoreValue() ? prev.getValue() : request.getValue(), leaseId);

        long prevLeaseId = prev == null ? 0 : prev.getLease();
        if (prevLeaseId != 0 && prevLeaseId != leaseId) {
            lessor.detach(prevLeaseId, kv.getKey());
        }
        if (leaseId != 0) {
            lessor.attach(leaseId, kv.getKey());
        }

        PutResponse.Builder response = PutResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()));
        if (request.getPrevKv() && prev != null) {
            response.setPrevKv(prev);
        }
        return response.build();
    }

    /** Applies a delete: removes the live keys of the range, if any. */
    static DeleteRangeResponse deleteRange(WriteTxn txn, Lessor lessor, DeleteRangeRequest request) {
        List<KeyValue> deleted = txn.deleteRange(request.getKey(), request.getRangeEnd(), request.getPrevKv());
        for (KeyValue kv : deleted) {
            if (kv.getLease() != 0) {
                lessor.detach(kv.getLease(), kv.getKey());
            }
        }

        DeleteRangeResponse.Builder response = DeleteRangeResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(txn.revision()))
                .setDeleted(deleted.size());
        if (request.getPrevKv()) {
            response.addAllPrevKvs(deleted);
        }
        return response.build();
    }
}
