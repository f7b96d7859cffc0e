package io.lessor.server.mvcc;

import io.lessor.api.Event;
import java.util.List;

/**
 * Receives the events of each revision once it is durable and visible to readers, in revision
 * order, with no revision skipped while the listener is registered. A revision appears only if
 * it changed at least one key.
 *
 * <p>Listeners run on the writer thread, after the group commit that made the revision durable
 * and before the writers of that group get their responses; a slow listener delays every
 * write, so a listener hands the events off (to a queue, a watch hub) and returns. An exception
 * from a listener is logged and does not stop the others.
 */
@FunctionalInterface
public interface RevisionListener {

    /**
     * Called with the events of one revision.
     *
     * @param revision the main revision the events share
     * @param events the events in the order they were written: PUT events carry the whole key
     *     value, DELETE events only the key and mod revision; {@code prev_kv} is set when the
     *     key existed before
     */
    void onRevision(long revision, List<Event> events);

    /**
     * Returns whether this listener may need {@code prev_kv} in the events it gets from now on.
     * If no listener does, a previous value that is not in memory is not read from storage, and
     * its event has no {@code prev_kv}.
     */
    default boolean wantsPrevValues() {
        return true;
    }
}
