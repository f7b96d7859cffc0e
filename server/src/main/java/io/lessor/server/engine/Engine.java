package io.lessor.server.engine;

import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.CompactionRequest;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeRequest;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.LeaseGrantRequest;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseKeepAliveResponse;
import io.lessor.api.LeaseLeasesResponse;
import io.lessor.api.LeaseRevokeRequest;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.ResponseHeader;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.server.mvcc.MvccStore;
import io.lessor.server.mvcc.RevisionListener;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The server's state machine behind the gRPC layer: the KV store with its revisions, and the
 * leases. The gRPC services validate nothing themselves beyond the request size; they hand
 * each request here and send back the response or the error.
 *
 * <p>Every method returns a future completed with the response, whose header is filled
 * ({@code cluster_id}, {@code member_id}, {@code revision}, {@code raft_term}), or completed
 * exceptionally with {@link io.lessor.server.EtcdException} carrying etcd's code and message.
 * Writes complete only after they are durable. Any other exception is a bug.
 *
 * <p>Thread-safety: all methods may be called from any thread, concurrently.
 */
public interface Engine extends AutoCloseable {

    CompletableFuture<RangeResponse> range(RangeRequest request);

    CompletableFuture<PutResponse> put(PutRequest request);

    CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request);

    CompletableFuture<TxnResponse> txn(TxnRequest request);

    CompletableFuture<CompactionResponse> compact(CompactionRequest request);

    CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request);

    CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request);

    /**
     * Renews a lease, as one request of a LeaseKeepAlive stream. An unknown lease is not an
     * error: the response echoes the id with TTL 0. A lease that has expired but whose revoke is
     * not applied yet is answered once the revoke is applied, with TTL 0.
     */
    CompletableFuture<LeaseKeepAliveResponse> leaseRenew(long leaseId);

    CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request);

    CompletableFuture<LeaseLeasesResponse> leaseLeases();

    /**
     * Starts the expiry of leases restored from storage: each gets its TTL plus etcd's 1 s
     * election timeout from now. The server calls this once, just before it begins serving;
     * until then restored leases do not expire. Leases granted before the call get the same
     * fresh TTL.
     */
    void promote();

    /** Returns a header for the current state: ids, current revision and term. */
    ResponseHeader header();

    /** Returns facts for Maintenance.Status. */
    EngineStatus status();

    /**
     * Runs a Maintenance.Alarm request. GET lists the durable alarms of the requested type (all
     * of them for NONE). ACTIVATE and DEACTIVATE are ordered with the writes; the response lists
     * the alarm activated, or the one deactivated if it was active.
     *
     * @throws IllegalArgumentException if the action is not GET, ACTIVATE or DEACTIVATE, or if
     *     ACTIVATE or DEACTIVATE names an alarm type the API does not define. The caller checks
     *     both before it calls.
     */
    CompletableFuture<AlarmResponse> alarm(AlarmRequest request);

    /** Returns the durable alarms, sorted by alarm type and member id. */
    List<AlarmMember> alarms();

    /**
     * Compacts the storage so that deleted records stop taking space, as Maintenance.Defragment
     * does in etcd. It runs on the caller's thread and may take long on a large database.
     */
    CompletableFuture<ResponseHeader> defragment();

    // ---- watch hooks --------------------------------------------------------------------------

    /**
     * Adds a listener for the events of each durable revision. It gets every revision whose
     * write starts after this call returns, in order and without gaps; a revision being written
     * while it is added may or may not reach it, so a caller that needs an exact start reads the
     * revisions before the first call with {@link #events}.
     */
    void addRevisionListener(RevisionListener listener);

    /** Removes a listener added with {@link #addRevisionListener}; it may get one more call. */
    void removeRevisionListener(RevisionListener listener);

    /**
     * Reads the events of durable revisions from {@code fromRevision} to {@code toRevision},
     * both included, at most {@code maxRevisions} revisions, as listeners got them.
     *
     * @throws io.lessor.server.EtcdException {@link io.lessor.server.EtcdError#COMPACTED} if
     *     {@code fromRevision} is at or below the compacted revision
     */
    default List<MvccStore.RevisionEvents> events(long fromRevision, long toRevision, int maxRevisions) {
        return events(fromRevision, toRevision, maxRevisions, Long.MAX_VALUE);
    }

    /**
     * Reads events as {@link #events(long, long, int)} does, and also stops after the revision
     * that takes the stored size of the events read to {@code maxBytes} or more. It returns at
     * least one revision when there is one in the range.
     */
    default List<MvccStore.RevisionEvents> events(long fromRevision, long toRevision, int maxRevisions, long maxBytes) {
        return events(fromRevision, toRevision, maxRevisions, maxBytes, true);
    }

    /**
     * Reads events as {@link #events(long, long, int, long)} does; without {@code prevValues},
     * the events carry no {@code prev_kv}, which saves reading the previous values from storage.
     * With them, the previous values count against {@code maxBytes} too.
     */
    List<MvccStore.RevisionEvents> events(long fromRevision, long toRevision, int maxRevisions, long maxBytes,
            boolean prevValues);

    /** Returns the newest durable revision. */
    long revision();

    /** Returns the compacted revision; 0 if the store was never compacted. */
    long compactedRevision();

    /**
     * Stops taking requests, fails queued ones with {@link io.lessor.server.EtcdError#SERVER_STOPPED},
     * finishes the write in progress, and closes storage.
     */
    @Override
    void close();
}
