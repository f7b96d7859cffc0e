package io.lessor.server.engine;

import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
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
import io.lessor.api.LeaseStatus;
import io.lessor.api.LeaseTimeToLiveRequest;
import io.lessor.api.LeaseTimeToLiveResponse;
import io.lessor.api.PutRequest;
import io.lessor.api.PutResponse;
import io.lessor.api.RangeRequest;
import io.lessor.api.RangeResponse;
import io.lessor.api.ResponseHeader;
import io.lessor.api.TxnRequest;
import io.lessor.api.TxnResponse;
import io.lessor.context.CancelableContext;
import io.lessor.context.Clock;
import io.lessor.context.Context;
import io.lessor.context.Worker;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.ServerConfig;
import io.lessor.server.alarm.AlarmStore;
import io.lessor.server.alarm.BackendQuota;
import io.lessor.server.apply.Applier;
import io.lessor.server.apply.Command;
import io.lessor.server.apply.TxnExecutor;
import io.lessor.server.consensus.SingleNodeProposer;
import io.lessor.server.lease.Lease;
import io.lessor.server.lease.LeaseIdGenerator;
import io.lessor.server.lease.Lessor;
import io.lessor.server.mvcc.MvccStore;
import io.lessor.server.mvcc.RangeQuery;
import io.lessor.server.mvcc.RevisionListener;
import io.lessor.server.storage.MetaKey;
import io.lessor.server.storage.Storage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Engine} of a single node, durable on RocksDB in the configured data directory.
 *
 * <pre>{@code
 * try (LocalEngine engine = LocalEngine.open(ServerConfig.defaults(dataDir), Clock.system())) {
 *     engine.put(PutRequest.newBuilder().setKey(key).setValue(value).build()).join();
 * }
 * }</pre>
 *
 * <p>Reads (Range, TimeToLive, Leases) run on the caller's thread against the newest durable
 * state and return completed futures. Mutations go to a {@link SingleNodeProposer}, whose writer
 * thread applies them in groups with one synced write per group; their futures complete on that
 * thread once the group is durable. Two workers run under the engine's context: that writer,
 * and the lease expiry loop, which every {@link ServerConfig#expiryCheckInterval()} proposes a
 * revoke for each expired lease, keeping at most {@link ServerConfig#maxExpiredRevokesPerCheck()}
 * of them unfinished.
 *
 * <p>Put, LeaseGrant and a Txn that writes are checked against the {@link BackendQuota} before
 * they are proposed. One that does not fit raises the NOSPACE alarm for this member and fails
 * with NOSPACE. While an alarm is active, the applier rejects what etcd rejects then.
 *
 * <p>Thread-safety: all methods may be called from any thread.
 */
public final class LocalEngine implements Engine {

    /*
     * Differences from etcd, on purpose:
     *  - TimeToLive and Leases may show a lease granted, or keys attached, by a command whose
     *    group is still being written; a Range never shows such a revision. The lease only
     *    becomes usable by clients once its grant is acknowledged, so nothing depends on it.
     *  - etcd also checks the quota when it applies a write, and then applies it but returns
     *    NOSPACE. Here only the check before proposing runs, so an acknowledged write is applied
     *    and a rejected one is not. Writes racing past that check can overshoot the quota by
     *    what they add.
     */

    private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);

    /**
     * Commands that may wait for the writer before proposals fail with TOO_MANY_REQUESTS. etcd
     * (3.4 to 3.6, etcdserver/v3_server.go) fails proposals when 5000 committed entries wait to be applied.
     * NOTE: 10,000 is an estimate; it has not been tuned against etcd under load.
     */
    static final int MAX_PENDING_COMMANDS = 10_000;
    /** Commands in one group commit at most. */
    static final int MAX_GROUP_SIZE = 2_000;

    private final ServerConfig config;
    private final Storage storage;
    private final MvccStore mvcc;
    private final Lessor lessor;
    private final AlarmStore alarms;
    private final BackendQuota quota;
    private final Applier applier;
    private final MemberIdentity identity;
    private final ResponseHeader headerTemplate;
    private final LeaseIdGenerator leaseIds;
    private final CancelableContext context;
    private final SingleNodeProposer proposer;
    private final Worker expiryLoop;
    private final AtomicBoolean closed = new AtomicBoolean();
    // Revokes of expired leases that the expiry loop proposed and that have not finished.
    private final AtomicInteger revokesInFlight = new AtomicInteger();

    private LocalEngine(ServerConfig config, Context parent, Storage storage) {
        this.config = config;
        this.storage = storage;
        Clock clock = parent.clock();

        this.identity = MemberIdentity.startTerm(storage, config.name(), config.clusterToken());
        this.headerTemplate = ResponseHeader.newBuilder()
                .setClusterId(identity.clusterId())
                .setMemberId(identity.memberId())
                .setRaftTerm(identity.term())
                .build();
        this.mvcc = MvccStore.restore(storage);
        this.lessor = new Lessor(clock, config.minLeaseTtlSeconds(), config.maxLeaseTtlSeconds());
        restoreLeases();
        this.alarms = AlarmStore.restore(storage);
        this.quota = BackendQuota.of(config.quotaBackendBytes());
        if (quota.limitBytes() > BackendQuota.MAX_RECOMMENDED_BYTES) {
            LOG.warn("engine: quota-backend-bytes={} exceeds the recommended maximum of {} bytes and is used "
                    + "anyway, as etcd does", quota.limitBytes(), BackendQuota.MAX_RECOMMENDED_BYTES);
        }
        this.applier = new Applier(storage, mvcc, lessor, alarms, headerTemplate,
                storage.getMeta(MetaKey.APPLIED_INDEX).orElse(0));
        this.leaseIds = new LeaseIdGenerator(identity.memberId(), clock.instant().toEpochMilli());

        this.context = parent.withCancel();
        this.proposer = new SingleNodeProposer(context, applier, MAX_PENDING_COMMANDS, MAX_GROUP_SIZE);
        this.expiryLoop = Worker.every(context, "lessor-lease-expiry", config.expiryCheckInterval(),
                ctx -> revokeExpiredLeases());
    }

    /** Opens the engine on the data directory of {@code config}, with its loops on {@code clock}. */
    public static LocalEngine open(ServerConfig config, Clock clock) {
        return open(config, Context.root(clock));
    }

    /**
     * Opens the engine on the data directory of {@code config}, with its loops under
     * {@code parent} and on its clock; the end of {@code parent} stops the writes, and
     * {@link #close()} is still needed to release the storage.
     *
     * @throws java.io.UncheckedIOException if the storage cannot be opened
     */
    public static LocalEngine open(ServerConfig config, Context parent) {
        Storage storage = Storage.open(config.dataDir());
        try {
            LocalEngine engine = new LocalEngine(config, parent, storage);
            LOG.info("engine: opened member-id={} cluster-id={} term={} revision={} leases={} alarms={} quota={} data-dir={}",
                    hex(engine.identity.memberId()), hex(engine.identity.clusterId()), engine.identity.term(),
                    engine.mvcc.revision(), engine.lessor.size(), engine.alarms().size(), engine.quota,
                    config.dataDir());
            return engine;
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
    }

    private void restoreLeases() {
        storage.forEachLease(lessor::restore);
        mvcc.forEachLiveKey((key, leaseId) -> {
            if (leaseId == 0) {
                return;
            }
            if (lessor.lookup(leaseId) == null) {
                LOG.error("engine: key {} names lease-id={} which is not stored; the key stays without expiry",
                        key.toStringUtf8(), hex(leaseId));
                return;
            }
            lessor.attach(leaseId, key);
        });
    }

    // ---- KV -----------------------------------------------------------------------------------

    @Override
    public CompletableFuture<RangeResponse> range(RangeRequest request) {
        return read(() -> {
            RequestChecks.checkRange(request);
            RangeResponse response = RangeQuery.execute(mvcc.readView(), request);
            return response.toBuilder().setHeader(header(response.getHeader().getRevision())).build();
        });
    }

    @Override
    public CompletableFuture<PutResponse> put(PutRequest request) {
        return proposeWithinQuota(BackendQuota.cost(request), () -> {
            RequestChecks.checkPut(request);
            return new Command.Put(request);
        });
    }

    @Override
    public CompletableFuture<DeleteRangeResponse> deleteRange(DeleteRangeRequest request) {
        return propose(() -> {
            RequestChecks.checkDeleteRange(request);
            return new Command.DeleteRange(request);
        });
    }

    @Override
    public CompletableFuture<TxnResponse> txn(TxnRequest request) {
        if (TxnExecutor.isReadOnly(request)) {
            // Like etcd, a txn that only reads is served from the applied state without a proposal.
            return read(() -> {
                RequestChecks.checkTxn(request, config.maxTxnOps());
                long revision = mvcc.revision();
                TxnResponse response = TxnExecutor.executeReadOnly(mvcc.readView(revision), revision, request);
                return response.toBuilder().setHeader(header(revision)).build();
            });
        }
        return proposeWithinQuota(BackendQuota.cost(request), () -> {
            RequestChecks.checkTxn(request, config.maxTxnOps());
            return new Command.Txn(request);
        });
    }

    @Override
    public CompletableFuture<CompactionResponse> compact(CompactionRequest request) {
        return propose(() -> new Command.Compact(request));
    }

    // ---- leases -------------------------------------------------------------------------------

    @Override
    public CompletableFuture<LeaseGrantResponse> leaseGrant(LeaseGrantRequest request) {
        return proposeWithinQuota(BackendQuota.cost(request),
                () -> new Command.LeaseGrant(request.getID() != 0 ? request.getID() : newLeaseId(), request.getTTL()));
    }

    private long newLeaseId() {
        long id;
        do {
            id = leaseIds.next();
        } while (id == 0 || lessor.lookup(id) != null);
        return id;
    }

    @Override
    public CompletableFuture<LeaseRevokeResponse> leaseRevoke(LeaseRevokeRequest request) {
        return propose(() -> new Command.LeaseRevoke(request.getID()));
    }

    @Override
    public CompletableFuture<LeaseKeepAliveResponse> leaseRenew(long leaseId) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(EtcdError.SERVER_STOPPED.exception());
        }
        // The header is taken before the renew, so it never shows a revision later than a revoke it raced with.
        LeaseKeepAliveResponse.Builder response = LeaseKeepAliveResponse.newBuilder().setHeader(header()).setID(leaseId);
        return switch (lessor.renew(leaseId)) {
            case Lessor.RenewResult.Renewed renewed ->
                    CompletableFuture.completedFuture(response.setTTL(renewed.ttlSeconds()).build());
            case Lessor.RenewResult.NotFound notFound -> CompletableFuture.completedFuture(response.setTTL(0).build());
            case Lessor.RenewResult.Expired expired ->
                    expired.lease().revoked().thenApply(revoked -> response.setTTL(0).build());
        };
    }

    @Override
    public CompletableFuture<LeaseTimeToLiveResponse> leaseTimeToLive(LeaseTimeToLiveRequest request) {
        return read(() -> {
            LeaseTimeToLiveResponse.Builder response = LeaseTimeToLiveResponse.newBuilder()
                    .setHeader(header())
                    .setID(request.getID());
            Lessor.TimeToLive ttl = lessor.timeToLive(request.getID(), request.getKeys());
            if (ttl == null) {
                return response.setTTL(-1).setGrantedTTL(0).build();
            }
            return response.setTTL(ttl.remainingSeconds())
                    .setGrantedTTL(ttl.grantedTtlSeconds())
                    .addAllKeys(ttl.keys())
                    .build();
        });
    }

    @Override
    public CompletableFuture<LeaseLeasesResponse> leaseLeases() {
        return read(() -> {
            LeaseLeasesResponse.Builder response = LeaseLeasesResponse.newBuilder().setHeader(header());
            for (long id : lessor.idsByExpiry()) {
                response.addLeases(LeaseStatus.newBuilder().setID(id));
            }
            return response.build();
        });
    }

    @Override
    public void promote() {
        lessor.promote(Lessor.PROMOTE_EXTENSION);
        LOG.info("engine: promoted member-id={}; {} leases expire from now, with {} ms extra",
                hex(identity.memberId()), lessor.size(), Lessor.PROMOTE_EXTENSION.toMillis());
    }

    /**
     * Proposes a revoke for each lease that has expired, as long as fewer than
     * {@link ServerConfig#maxExpiredRevokesPerCheck()} of its revokes are still unfinished.
     */
    private void revokeExpiredLeases() {
        // The proposer's queue is first come, first served, so every revoke queued here delays
        // the puts behind it. Keeping the unfinished revokes bounded lets a storm of expiries
        // share each group commit with client writes instead of filling whole groups ahead of them.
        int room = config.maxExpiredRevokesPerCheck() - revokesInFlight.get();
        if (room <= 0) {
            return;
        }
        for (long leaseId : lessor.takeExpired(room)) {
            revokesInFlight.incrementAndGet();
            proposer.propose(new Command.LeaseRevoke(leaseId)).whenComplete((response, failure) -> {
                revokesInFlight.decrementAndGet();
                if (failure == null) {
                    return;
                }
                if (failure instanceof EtcdException e && e.error() == EtcdError.LEASE_NOT_FOUND) {
                    // A client revoked it first.
                    return;
                }
                if (!closed.get()) {
                    LOG.debug("engine: revoke of expired lease-id={} failed, retrying: {}", hex(leaseId), failure.toString());
                }
                lessor.revokeFailed(leaseId);
            });
        }
    }

    // ---- state --------------------------------------------------------------------------------

    @Override
    public ResponseHeader header() {
        return header(mvcc.revision());
    }

    private ResponseHeader header(long revision) {
        return headerTemplate.toBuilder().setRevision(revision).build();
    }

    @Override
    public EngineStatus status() {
        long applied = applier.appliedIndex();
        return new EngineStatus(storage.sizeBytes(), storage.liveDataSizeBytes(), identity.memberId(), applied, applied,
                identity.term());
    }

    @Override
    public CompletableFuture<AlarmResponse> alarm(AlarmRequest request) {
        if (request.getAction() == AlarmRequest.AlarmAction.GET) {
            return read(() -> AlarmResponse.newBuilder()
                    .setHeader(header())
                    .addAllAlarms(alarms.published(request.getAlarm()))
                    .build());
        }
        Command.Alarm command = new Command.Alarm(request);
        return propose(() -> command);
    }

    @Override
    public List<AlarmMember> alarms() {
        return alarms.published(AlarmType.NONE);
    }

    @Override
    public CompletableFuture<ResponseHeader> defragment() {
        return read(() -> {
            long before = storage.sizeBytes();
            storage.compactAll();
            LOG.info("engine: defragmented member-id={} size-before={} size-after={}", hex(identity.memberId()), before,
                    storage.sizeBytes());
            return header();
        });
    }

    /**
     * Adds a listener for the events of each durable revision. It gets every revision whose group
     * commit starts after this call returns, in order and without gaps; a group already being
     * written when it is added may or may not reach it, so a watch that needs an exact start
     * reads the revisions before the listener's first call with {@link #events}.
     */
    public void addRevisionListener(RevisionListener listener) {
        applier.addListener(listener);
    }

    /**
     * Reads the events of durable revisions from {@code fromRevision} to {@code toRevision}, at
     * most {@code maxRevisions} of them; see {@link MvccStore#events}.
     */
    public java.util.List<MvccStore.RevisionEvents> events(long fromRevision, long toRevision, int maxRevisions,
            long maxBytes, boolean prevValues) {
        return mvcc.events(fromRevision, toRevision, maxRevisions, maxBytes, prevValues);
    }

    /** Removes a listener added with {@link #addRevisionListener}. */
    public void removeRevisionListener(RevisionListener listener) {
        applier.removeListener(listener);
    }

    /** Returns the newest durable revision. */
    public long revision() {
        return mvcc.revision();
    }

    /** Returns the compacted revision; 0 if the store was never compacted. */
    public long compactedRevision() {
        return mvcc.compactedRevision();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            expiryLoop.close();
        } finally {
            try {
                proposer.close();
            } finally {
                context.cancel();
                for (Lease lease : lessor.all()) {
                    lease.revoked().completeExceptionally(EtcdError.SERVER_STOPPED.exception());
                }
                storage.close();
                LOG.info("engine: closed member-id={} at revision={}", hex(identity.memberId()), mvcc.revision());
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private <R> CompletableFuture<R> read(Supplier<R> body) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(EtcdError.SERVER_STOPPED.exception());
        }
        try {
            return CompletableFuture.completedFuture(body.get());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        } catch (RuntimeException e) {
            // A read that races with close() finds the storage closed.
            return CompletableFuture.failedFuture(closed.get() ? EtcdError.SERVER_STOPPED.exception() : e);
        }
    }

    private <R> CompletableFuture<R> propose(Supplier<Command<R>> command) {
        if (closed.get()) {
            return CompletableFuture.failedFuture(EtcdError.SERVER_STOPPED.exception());
        }
        try {
            return proposer.propose(command.get());
        } catch (EtcdException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * Proposes a write that adds an estimated {@code cost} bytes to the storage, if it fits the
     * quota. If it does not, raises NOSPACE for this member and fails with NOSPACE, as etcd does.
     */
    private <R> CompletableFuture<R> proposeWithinQuota(long cost, Supplier<Command<R>> command) {
        if (closed.get() || fitsQuota(cost)) {
            return propose(command);
        }
        return raiseNoSpace().thenCompose(ignored -> CompletableFuture.failedFuture(EtcdError.NO_SPACE.exception()));
    }

    private boolean fitsQuota(long cost) {
        try {
            return quota.fits(storage::sizeBytes, cost);
        } catch (IllegalStateException e) {
            // The storage closed meanwhile, and propose() fails the request with SERVER_STOPPED.
            return true;
        }
    }

    /**
     * Proposes NOSPACE for this member unless it is active already. The returned future
     * completes normally even if the proposal fails.
     */
    private CompletableFuture<Void> raiseNoSpace() {
        long memberId = identity.memberId();
        for (AlarmMember alarm : alarms.published(AlarmType.NOSPACE)) {
            if (alarm.getMemberID() == memberId) {
                return CompletableFuture.completedFuture(null);
            }
        }
        AlarmRequest activate = AlarmRequest.newBuilder()
                .setAction(AlarmRequest.AlarmAction.ACTIVATE)
                .setMemberID(memberId)
                .setAlarm(AlarmType.NOSPACE)
                .build();
        // The caller gets NOSPACE whatever becomes of the alarm, as in etcd.
        return proposer.propose(new Command.Alarm(activate)).handle((response, failure) -> {
            if (failure != null && !closed.get()) {
                LOG.warn("engine: raising NOSPACE for member-id={} failed: {}", hex(memberId), failure.toString());
            }
            return null;
        });
    }

    private static String hex(long id) {
        return String.format("%016x", id);
    }
}
