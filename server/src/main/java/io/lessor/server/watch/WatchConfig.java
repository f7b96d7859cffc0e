package io.lessor.server.watch;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits and timings of the Watch service.
 *
 * @param progressNotifyInterval how often a watcher created with {@code progress_notify} gets an
 *     empty response carrying the current revision, if it got no events meanwhile; etcd's default
 *     is 10 minutes, plus a random jitter of up to a tenth of it per stream
 * @param fragmentBytes a response to a watcher created with {@code fragment} is split into parts
 *     when it is at least this large; etcd uses its max-request-bytes plus 512 KiB
 * @param maxPendingBytesPerWatcher the serialized size of events a watcher may have queued for its
 *     client. Past it, the watcher stops taking live events and is caught up from storage
 *     instead. One revision is always queued, whatever its size
 * @param maxRevisionsPerCatchUp how many revisions with events in a watcher's range one catch-up
 *     response may hold, and how many revisions one read from storage covers. etcd 3.4 sends at
 *     most 1000 such revisions in one catch-up response
 * @param streamBufferResponses how many responses a stream queues before a watcher's new
 *     revisions join its response that is still queued, up to {@code maxRevisionsPerCatchUp}
 *     revisions in one response. etcd 3.4 buffers 1024 responses per stream; once that buffer is
 *     full, it sends a slow watcher's revisions in batches
 * @param maxRevisionsReadPerRound how many revisions a stream reads from storage for its
 *     unsynced watchers before it sends its queued responses again. A watcher that starts far in
 *     the past is caught up over many rounds, while the stream's other watchers keep getting
 *     their events and responses between them
 */
public record WatchConfig(
        Duration progressNotifyInterval,
        int fragmentBytes,
        int maxPendingBytesPerWatcher,
        int maxRevisionsPerCatchUp,
        int streamBufferResponses,
        int maxRevisionsReadPerRound) {

    /** etcd's progress notify interval. */
    public static final Duration DEFAULT_PROGRESS_NOTIFY_INTERVAL = Duration.ofMinutes(10);

    /** The slack etcd adds to max-request-bytes before it fragments a watch response: 512 KiB. */
    static final int FRAGMENT_OVERHEAD_BYTES = 512 * 1024;

    public WatchConfig {
        Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
        if (progressNotifyInterval.isNegative() || progressNotifyInterval.isZero()) {
            throw new IllegalArgumentException("progress notify interval must be positive, got " + progressNotifyInterval);
        }
        if (fragmentBytes < 1 || maxPendingBytesPerWatcher < 1 || maxRevisionsPerCatchUp < 1
                || streamBufferResponses < 1 || maxRevisionsReadPerRound < 1) {
            throw new IllegalArgumentException("watch limits must be positive, got fragment " + fragmentBytes
                    + " bytes, pending " + maxPendingBytesPerWatcher + " bytes, catch-up "
                    + maxRevisionsPerCatchUp + " revisions, stream buffer " + streamBufferResponses
                    + " responses, read per round " + maxRevisionsReadPerRound + " revisions");
        }
    }

    /**
     * Returns etcd's defaults for a server whose requests may be {@code maxRequestBytes} large,
     * with 256 KiB of queued events per watcher and 2,000 revisions read per catch-up round.
     */
    public static WatchConfig defaults(int maxRequestBytes) {
        // NOTE: 2,000 revisions per round is an estimate, not a measured optimum. It aims at a few
        // milliseconds of reading per round, so other watchers' events wait about that long.
        return new WatchConfig(DEFAULT_PROGRESS_NOTIFY_INTERVAL, maxRequestBytes + FRAGMENT_OVERHEAD_BYTES,
                256 * 1024, 1000, 1024, 2000);
    }

    /** Returns a copy with another progress notify interval. */
    public WatchConfig withProgressNotifyInterval(Duration interval) {
        return new WatchConfig(interval, fragmentBytes, maxPendingBytesPerWatcher, maxRevisionsPerCatchUp,
                streamBufferResponses, maxRevisionsReadPerRound);
    }

    /** Returns a copy with another bound on queued events per watcher. */
    public WatchConfig withMaxPendingBytesPerWatcher(int bytes) {
        return new WatchConfig(progressNotifyInterval, fragmentBytes, bytes, maxRevisionsPerCatchUp,
                streamBufferResponses, maxRevisionsReadPerRound);
    }

    /** Returns a copy with another bound on the revisions of one catch-up response. */
    public WatchConfig withMaxRevisionsPerCatchUp(int revisions) {
        return new WatchConfig(progressNotifyInterval, fragmentBytes, maxPendingBytesPerWatcher, revisions,
                streamBufferResponses, maxRevisionsReadPerRound);
    }

    /** Returns a copy with another count of responses a stream queues one per revision. */
    public WatchConfig withStreamBufferResponses(int responses) {
        return new WatchConfig(progressNotifyInterval, fragmentBytes, maxPendingBytesPerWatcher,
                maxRevisionsPerCatchUp, responses, maxRevisionsReadPerRound);
    }

    /** Returns a copy with another count of revisions a stream reads from storage per catch-up round. */
    public WatchConfig withMaxRevisionsReadPerRound(int revisions) {
        return new WatchConfig(progressNotifyInterval, fragmentBytes, maxPendingBytesPerWatcher,
                maxRevisionsPerCatchUp, streamBufferResponses, revisions);
    }
}
