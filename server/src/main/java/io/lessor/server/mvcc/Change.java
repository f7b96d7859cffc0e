package io.lessor.server.mvcc;

import io.lessor.api.Event;
import io.lessor.api.KeyValue;

/**
 * One key written by a write transaction.
 *
 * @param kv the new value; for a delete, only the key and the mod revision are set
 * @param prevKv the value the key had before, or {@code null} if it did not exist
 * @param delete whether the key was deleted
 */
public record Change(KeyValue kv, KeyValue prevKv, boolean delete) {

    /** Returns the change as a watch event, with {@code prev_kv} set when there was one. */
    public Event toEvent() {
        Event.Builder event = Event.newBuilder()
                .setType(delete ? Event.EventType.DELETE : Event.EventType.PUT)
                .setKv(kv);
        if (prevKv != null) {
            event.setPrevKv(prevKv);
        }
        return event.build();
    }
}
