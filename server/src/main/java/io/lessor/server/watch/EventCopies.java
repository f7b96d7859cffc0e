package io.lessor.server.watch;

import io.lessor.api.Event;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Copies of events without {@code prev_kv}, made once per event however many watchers need
 * them, for one fan-out or one catch-up read. Not thread-safe.
 */
final class EventCopies {

    private final Map<Event, Event> withoutPrevKv = new IdentityHashMap<>();

    Event withoutPrevKv(Event event) {
        return withoutPrevKv.computeIfAbsent(event, e -> e.toBuilder().clearPrevKv().build());
    }
}
