package io.lessor.server.apply;

import com.google.protobuf.ByteString;
import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmRequest;
import io.lessor.api.AlarmResponse;
import io.lessor.api.AlarmType;
import io.lessor.api.CompactionResponse;
import io.lessor.api.DeleteRangeResponse;
import io.lessor.api.Event;
import io.lessor.api.KeyValue;
import io.lessor.api.LeaseGrantResponse;
import io.lessor.api.LeaseRevokeResponse;
import io.lessor.api.PutResponse;
import io.lessor.api.ResponseHeader;
import io.lessor.api.TxnResponse;
import io.lessor.server.EtcdError;
import io.lessor.server.EtcdException;
import io.lessor.server.alarm.AlarmStore;
import io.lessor.server.alarm.BackendQuota;
import io.lessor.server.lease.Lease;
import io.lessor.server.lease.Lessor;
import io.lessor.server.mvcc.Change;
import io.lessor.server.mvcc.MvccStore;
import io.lessor.server.mvcc.RevisionListener;
import io.lessor.server.mvcc.WriteTxn;
import io.lessor.server.storage.MetaKey;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies groups of commands, in order, to the MVCC store and the lessor, and makes each group
 * durable in one synced storage batch before readers or callers can observe its effects.
 *
 * <p>For a group, {@link #applyGroup(List)}:
 * <ol>
 *   <li>applies each command into memory and into one {@link StorageBatch}, with the applied
 *       index. A command that fails a check (lease not found, key not found, ...) changes
 *       nothing and gets its error, and so does one that an active alarm rejects;
 *   <li>commits the batch, synced, so a crash keeps the whole group or none of it;
 *   <li>publishes the new revision and the alarms to readers and finishes compactions;
 *   <li>hands the events of each new revision to the {@link RevisionListener}s;
 *   <li>completes the proposers' futures, and the revoke futures of revoked leases.
 * </ol>
 *
 * <p>Thread-safety: {@link #applyGroup(List)} is called by one thread at a time (the proposer's
 * writer thread); listeners may be added and removed from any thread.
 */
public final class Applier implements GroupApplier {

    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    private final Storage storage;
    private final MvccStore mvcc;
    private final Lessor lessor;
    private final AlarmStore alarms;
    private final ResponseHeader headerTemplate;
    private final CopyOnWriteArrayList<RevisionListener> listeners = new CopyOnWriteArrayList<>();

    // Writer thread only.
    private volatile long appliedIndex;

    /**
     * Creates an applier.
     *
     * @param headerTemplate the cluster id, member id and term to put in top-level headers
     * @param appliedIndex the index of the last command applied before, from storage
     */
    public Applier(Storage storage, MvccStore mvcc, Lessor lessor, AlarmStore alarms, ResponseHeader headerTemplate,
            long appliedIndex) {
        this.storage = storage;
        this.mvcc = mvcc;
        this.lessor = lessor;
        this.alarms = alarms;
        this.headerTemplate = headerTemplate;
        this.appliedIndex = appliedIndex;
    }

    /** Adds a listener for the events of each durable revision. */
    public void addListener(RevisionListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener added before; it may get one more call if a group is being published. */
    public void removeListener(RevisionListener listener) {
        listeners.remove(listener);
    }

    /** Returns the index of the last applied command. */
    public long appliedIndex() {
        return appliedIndex;
    }

    /**
     * Applies a group; see the class comment.
     *
     * @throws java.io.UncheckedIOException if the storage commit fails; memory then contains changes
     *     that storage may lack, and the caller must stop applying and fail the group
     */
    @Override
    public void applyGroup(List<Proposal<?>> group) {
        Object[] results = new Object[group.size()];
        GroupEffects effects = new GroupEffects(!listeners.isEmpty());

        try (StorageBatch batch = storage.newBatch()) {
            for (int i = 0; i < group.size(); i++) {
                results[i] = applyOne(group.get(i).command(), batch, effects);
            }
            appliedIndex += group.size();
            batch.putMeta(MetaKey.APPLIED_INDEX, appliedIndex);
            storage.commit(batch);
        }

        mvcc.publish();
        alarms.publish();
        // Revoked leases leave the lease list only now, when reads no longer return their keys.
        for (Lease lease : effects.revoked) {
            lessor.forget(lease);
        }
        mvcc.finishCompaction();
        publishEvents(effects);
        for (Lease lease : effects.revoked) {
            lease.revoked().complete(null);
        }
        for (int i = 0; i < group.size(); i++) {
            group.get(i).complete(results[i]);
        }
    }

    private Object applyOne(Command<?> command, StorageBatch batch, GroupEffects effects) {
        try {
            checkAlarms(command);
            return switch (command) {
                case Command.Put put -> applyPut(put, batch, effects);
                case Command.DeleteRange delete -> applyDeleteRange(delete, batch, effects);
                case Command.Txn txn -> applyTxn(txn, batch, effects);
                case Command.Compact compact -> applyCompact(compact, batch);
                case Command.LeaseGrant grant -> applyLeaseGrant(grant, batch);
                case Command.LeaseRevoke revoke -> applyLeaseRevoke(revoke, batch, effects);
                case Command.Alarm alarm -> applyAlarm(alarm, batch);
            };
        } catch (EtcdException e) {
            return e;
        }
    }

    /**
     * Rejects what etcd 3.4 rejects while an alarm is active. CORRUPT rejects every command but
     * an alarm change. NOSPACE (capped mode) rejects Put, LeaseGrant and a Txn that costs
     * something, and lets deletes, revokes and compactions free space.
     */
    private void checkAlarms(Command<?> command) {
        // etcd swaps its applier on each alarm change, so the alarm raised last wins there. Here
        // CORRUPT, the stricter one, wins whenever both are active.
        if (!(command instanceof Command.Alarm) && alarms.isActive(AlarmType.CORRUPT)) {
            throw EtcdError.CORRUPT.exception();
        }
        if (!alarms.isActive(AlarmType.NOSPACE)) {
            return;
        }
        boolean capped = switch (command) {
            case Command.Put put -> true;
            case Command.LeaseGrant grant -> true;
            case Command.Txn txn -> BackendQuota.cost(txn.request()) > 0;
            default -> false;
        };
        if (capped) {
            throw EtcdError.NO_SPACE.exception();
        }
    }

    private PutResponse applyPut(Command.Put command, StorageBatch batch, GroupEffects effects) {
        WriteTxn txn = mvcc.beginWrite(batch);
        try {
            WriteOps.checkPut(txn, lessor, command.request());
            PutResponse response = WriteOps.put(txn, lessor, command.request());
            return response.toBuilder().setHeader(header(txn.revision())).build();
        } finally {
            end(txn, effects);
        }
    }

    private DeleteRangeResponse applyDeleteRange(Command.DeleteRange command, StorageBatch batch,
            GroupEffects effects) {
        WriteTxn txn = mvcc.beginWrite(batch);
        try {
            DeleteRangeResponse response = WriteOps.deleteRange(txn, lessor, command.request());
            return response.toBuilder().setHeader(header(txn.revision())).build();
        } finally {
            end(txn, effects);
        }
    }

    private TxnResponse applyTxn(Command.Txn command, StorageBatch batch, GroupEffects effects) {
        WriteTxn txn = mvcc.beginWrite(batch);
        try {
            TxnResponse response = new TxnExecutor(txn, lessor).execute(command.request());
            return response.toBuilder().setHeader(header(txn.revision())).build();
        } finally {
            end(txn, effects);
        }
    }

    private CompactionResponse applyCompact(Command.Compact command, StorageBatch batch) {
        mvcc.compact(command.request().getRevision(), batch);
        return CompactionResponse.newBuilder().setHeader(header(mvcc.writerRevision())).build();
    }

    private LeaseGrantResponse applyLeaseGrant(Command.LeaseGrant command, StorageBatch batch) {
        Lease lease = lessor.grant(command.id(), command.ttlSeconds());
        batch.putLease(lease.id(), lease.ttlSeconds());
        // A grant does not change the store, so the header carries the current revision.
        return LeaseGrantResponse.newBuilder()
                .setHeader(header(mvcc.writerRevision()))
                .setID(lease.id())
                .setTTL(lease.ttlSeconds())
                .build();
    }

    private LeaseRevokeResponse applyLeaseRevoke(Command.LeaseRevoke command, StorageBatch batch,
            GroupEffects effects) {
        Lease lease = lessor.lookup(command.id());
        if (lease == null) {
            throw EtcdError.LEASE_NOT_FOUND.exception();
        }
        List<ByteString> keys = lease.keys();
        keys.sort(ByteString.unsignedLexicographicalComparator());

        // The keys and the lease record go in the same batch, so a crash keeps both or neither.
        WriteTxn txn = mvcc.beginWrite(batch);
        try {
            for (ByteString key : keys) {
                KeyValue current = txn.metadata(key);
                if (current != null && current.getLease() == lease.id()) {
                    txn.deleteRange(key, ByteString.EMPTY);
                }
            }
        } finally {
            end(txn, effects);
        }
        lessor.remove(lease.id());
        batch.deleteLease(lease.id());
        effects.revoked.add(lease);
        return LeaseRevokeResponse.newBuilder().setHeader(header(txn.revision())).build();
    }

    private AlarmResponse applyAlarm(Command.Alarm command, StorageBatch batch) {
        AlarmRequest request = command.request();
        AlarmResponse.Builder response = AlarmResponse.newBuilder().setHeader(header(mvcc.writerRevision()));
        switch (request.getAction()) {
            case ACTIVATE -> response.addAlarms(alarms.activate(request.getMemberID(), request.getAlarm(), batch));
            case DEACTIVATE -> {
                AlarmMember removed = alarms.deactivate(request.getMemberID(), request.getAlarm(), batch);
                if (removed != null) {
                    response.addAlarms(removed);
                }
            }
            default -> throw new IllegalArgumentException("alarm action " + request.getAction() + " is not a change");
        }
        return response.build();
    }

    private void end(WriteTxn txn, GroupEffects effects) {
        txn.end();
        if (effects.collectEvents && !txn.changes().isEmpty()) {
            // The events are built before the group commits, so that reading a previous value
            // from storage, which may fail, fails the group instead of a committed one. The
            // listeners are asked, under the watch hub's lock, only when such a value exists.
            List<Change> changes = List.copyOf(txn.changes());
            boolean complete = !anyPrevValueInStorage(changes) || anyListenerWantsPrevValues();
            effects.revisions.add(new RevisionChanges(txn.revision(), changes, events(changes, complete), complete));
        }
    }

    private ResponseHeader header(long revision) {
        return headerTemplate.toBuilder().setRevision(revision).build();
    }

    private void publishEvents(GroupEffects effects) {
        if (effects.revisions.isEmpty()) {
            return;
        }
        for (RevisionChanges revision : effects.revisions) {
            List<Event> shared = revision.events();
            if (!revision.prevValuesComplete() && anyListenerWantsPrevValues()) {
                // A watcher with prev_kv started since the events were built, and it gets this
                // revision, so the previous values that were left in storage are read now.
                // NOTE: a failure here comes after the commit; the window is a watcher created
                // during one group's apply.
                shared = events(revision.changes(), true);
            }
            for (RevisionListener listener : listeners) {
                try {
                    listener.onRevision(revision.revision(), shared);
                } catch (RuntimeException e) {
                    LOG.error("applier: revision listener {} failed at revision {}", listener, revision.revision(), e);
                }
            }
        }
    }

    /**
     * Returns the events of a revision's changes. A previous value that is not in memory is read
     * from storage only with {@code prevValues}, which is set while some listener wants previous
     * values, so a delete of many large values keeps none of them in memory when no watcher
     * asked for them. Without it, such an event has no {@code prev_kv}.
     */
    private List<Event> events(List<Change> changes, boolean prevValues) {
        List<Event> events = new ArrayList<>(changes.size());
        for (Change change : changes) {
            KeyValue prev = change.prevKv();
            if (change.prevValueInStorage()) {
                prev = prevValues ? mvcc.storedValue(prev.getModRevision(), change.prevSubRevision()) : null;
            }
            events.add(change.toEvent(prev));
        }
        return List.copyOf(events);
    }

    private static boolean anyPrevValueInStorage(List<Change> changes) {
        for (Change change : changes) {
            if (change.prevValueInStorage()) {
                return true;
            }
        }
        return false;
    }

    private boolean anyListenerWantsPrevValues() {
        for (RevisionListener listener : listeners) {
            if (listener.wantsPrevValues()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The changes of one revision and their events; {@code prevValuesComplete} is false when
     * previous values that are only in storage were left out.
     */
    private record RevisionChanges(long revision, List<Change> changes, List<Event> events,
            boolean prevValuesComplete) {
    }

    /** The work a group leaves for after its commit: events to publish and leases revoked. */
    private static final class GroupEffects {
        final boolean collectEvents;
        final List<RevisionChanges> revisions = new ArrayList<>();
        final List<Lease> revoked = new ArrayList<>();

        GroupEffects(boolean collectEvents) {
            this.collectEvents = collectEvents;
        }
    }
}
