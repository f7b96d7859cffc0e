package io.lessor.server.mvcc;

import io.lessor.api.Event;
import io.lessor.api.KeyValue;

/**
 * One key written by a write transaction.
 *
 * @param kv the new value; for a delete, only the key and the mod revision are set
 * @param prevKv the value the key had before, or {@code null} if it did not exist. Without its
 *     value bytes when {@code prevSubRevision} is not {@link #PREV_WHOLE}
 * @param delete whether the key was deleted
 * @param prevSubRevision {@link #PREV_WHOLE}, or the sub revision that stores the previous value
 *     in storage, whose value bytes {@code prevKv} leaves out because they are not in memory
 */
public record Change(KeyValue kv, KeyValue prevKv, boolean delete, long prevSubRevision) {

    /** The {@code prevSubRevision} of a change whose {@code prevKv} is whole or absent. */
    public static final long PREV_WHOLE = -1;

    /** Creates a change whose previous value, if any, is whole. */
    public Change(KeyValue kv, KeyValue prevKv, boolean delete) {
        this(kv, prevKv, delete, PREV_WHOLE);
    }

    /** Returns whether the previous value's bytes must be read from storage. */
    public boolean prevValueInStorage() {
        return prevKv != null && prevSubRevision != PREV_WHOLE;
    }

    /** Returns the change as a watch event, with {@code prev_kv} set to {@code prev} when it is not null. */
    public Event toEvent(KeyValue prev) {
        Event.Builder event = Event.newBuilder()
                .setType(delete ? Event.EventType.DELETE : Event.EventType.PUT)
                .setKv(kv);
        if (prev != null) {
            event.setPrevKv(prev);
        }
        return event.build();
    }
}
