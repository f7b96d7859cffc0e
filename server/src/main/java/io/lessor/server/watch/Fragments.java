package io.lessor.server.watch;

import io.lessor.api.Event;
import io.lessor.api.WatchResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a large watch response into parts for a watcher created with {@code fragment}, as etcd
 * does: each part carries the same header and watch id and as many events as fit below the limit
 * (at least one), and every part but the last has {@code fragment} set.
 */
final class Fragments {

    private Fragments() {
    }

    /** Returns the parts of {@code response}, whose events are split so each part stays under {@code limitBytes}. */
    static List<WatchResponse> split(WatchResponse response, int limitBytes) {
        WatchResponse empty = response.toBuilder().clearEvents().setFragment(true).build();
        int baseBytes = empty.getSerializedSize();
        List<WatchResponse> parts = new ArrayList<>();
        WatchResponse.Builder part = empty.toBuilder();
        int partBytes = baseBytes;
        for (Event event : response.getEventsList()) {
            // An event costs its size plus the field tag and length prefix, at most 6 bytes more.
            int eventBytes = event.getSerializedSize() + 6;
            if (part.getEventsCount() > 0 && partBytes + eventBytes >= limitBytes) {
                parts.add(part.build());
                part = empty.toBuilder();
                partBytes = baseBytes;
            }
            part.addEvents(event);
            partBytes += eventBytes;
        }
        parts.add(part.setFragment(false).build());
        return parts;
    }
}
