package io.lessor.server.alarm;

import io.lessor.api.AlarmMember;
import io.lessor.api.AlarmType;
import io.lessor.server.storage.Storage;
import io.lessor.server.storage.StorageBatch;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The active alarms, as etcd's alarm store keeps them: a set of (member id, alarm type) pairs,
 * durable in storage, that Maintenance.Alarm activates, deactivates and lists.
 *
 * <p>The applier changes the set while it applies a group ({@link #activate}, {@link #deactivate})
 * and writes each change into the group's batch, then calls {@link #publish()} once the batch is
 * durable. Readers on other threads ({@link #published(AlarmType)}) see only durable alarms.
 *
 * <p>Thread-safety: {@link #activate}, {@link #deactivate}, {@link #isActive} and {@link #publish}
 * run on the applier's thread only; {@link #published(AlarmType)} may be called from any thread.
 */
public final class AlarmStore {

    /*
     * Differences from etcd 3.4, on purpose:
     *  - Lists come sorted by alarm type, then by member id, where etcd returns Go map order.
     *  - A type number that the API does not define cannot be stored, so the caller rejects it first.
     */

    private static final Logger LOG = LoggerFactory.getLogger(AlarmStore.class);

    private static final Comparator<AlarmMember> ORDER = Comparator.comparingInt(AlarmMember::getAlarmValue)
            .thenComparing(AlarmMember::getMemberID, Long::compareUnsigned);

    // Applier thread only: the alarms applied so far, including those of the group being written.
    private final TreeSet<AlarmMember> applied = new TreeSet<>(ORDER);
    // The alarms as of the last durable group.
    private volatile List<AlarmMember> published = List.of();

    private AlarmStore() {
    }

    /** Returns a store with no alarms, for an empty database. */
    public static AlarmStore empty() {
        return new AlarmStore();
    }

    /** Returns a store with the alarms recorded in {@code storage}. */
    public static AlarmStore restore(Storage storage) {
        AlarmStore store = new AlarmStore();
        storage.forEachAlarm((memberId, typeNumber) -> {
            AlarmType type = AlarmType.forNumber(typeNumber);
            if (type == null) {
                LOG.error("alarm: stored alarm of member-id={} has unknown type {}; ignoring it", hex(memberId), typeNumber);
                return;
            }
            store.applied.add(member(memberId, type));
        });
        store.publish();
        for (AlarmMember alarm : store.applied) {
            LOG.warn("alarm: restored member-id={} alarm={}", hex(alarm.getMemberID()), alarm.getAlarm());
        }
        return store;
    }

    /**
     * Activates {@code type} for {@code memberId} and records it in {@code batch}. Activating an
     * alarm that is already active changes nothing.
     *
     * @return the active alarm, new or not
     * @throws IllegalArgumentException if {@code type} is {@link AlarmType#UNRECOGNIZED}
     */
    public AlarmMember activate(long memberId, AlarmType type, StorageBatch batch) {
        AlarmMember alarm = member(memberId, type);
        if (!applied.add(alarm)) {
            return alarm;
        }

        batch.putAlarm(memberId, type.getNumber());
        if (count(type) == 1) {
            LOG.warn("alarm: raised alarm={} by member-id={}", type, hex(memberId));
        }
        return alarm;
    }

    /**
     * Deactivates {@code type} for {@code memberId} and records it in {@code batch}.
     *
     * @return the alarm that was active, or {@code null} if there was none
     * @throws IllegalArgumentException if {@code type} is {@link AlarmType#UNRECOGNIZED}
     */
    public AlarmMember deactivate(long memberId, AlarmType type, StorageBatch batch) {
        AlarmMember alarm = member(memberId, type);
        if (!applied.remove(alarm)) {
            return null;
        }

        batch.deleteAlarm(memberId, type.getNumber());
        if (count(type) == 0) {
            LOG.warn("alarm: disarmed alarm={} by member-id={}", type, hex(memberId));
        }
        return alarm;
    }

    /** Returns whether any member has {@code type} active, counting the group being applied. */
    public boolean isActive(AlarmType type) {
        return count(type) > 0;
    }

    /** Makes the alarms applied so far visible to {@link #published(AlarmType)}. Call it once they are durable. */
    public void publish() {
        published = List.copyOf(applied);
    }

    /**
     * Returns the durable alarms of {@code type}, or all of them for {@link AlarmType#NONE} as in
     * etcd, sorted by type and member id.
     */
    public List<AlarmMember> published(AlarmType type) {
        List<AlarmMember> all = published;
        if (type == AlarmType.NONE) {
            return all;
        }
        List<AlarmMember> matching = new ArrayList<>();
        for (AlarmMember alarm : all) {
            if (alarm.getAlarm() == type) {
                matching.add(alarm);
            }
        }
        return matching;
    }

    private int count(AlarmType type) {
        int count = 0;
        for (AlarmMember alarm : applied) {
            if (alarm.getAlarm() == type) {
                count++;
            }
        }
        return count;
    }

    private static AlarmMember member(long memberId, AlarmType type) {
        if (type == null || type == AlarmType.UNRECOGNIZED) {
            throw new IllegalArgumentException("alarm type " + type + " is not one the API defines");
        }
        return AlarmMember.newBuilder().setMemberID(memberId).setAlarm(type).build();
    }

    private static String hex(long id) {
        return String.format("%016x", id);
    }
}
