package io.lessor.client;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Options of a {@link Watch#watch}: the keys it watches, from which revision, and what each
 * event carries.
 *
 * @param rangeEnd the end of the range, exclusive; empty watches one key
 * @param prefix whether to watch every key that starts with the given key; it replaces
 *     {@code rangeEnd}
 * @param startRevision the first revision to report; 0 means changes after the watch is created
 * @param prevKv whether each event carries the key's value before the change
 * @param progressNotify whether the server sends empty responses with the current revision
 *     while nothing changes
 */
public record WatchOptions(ByteString rangeEnd, boolean prefix, long startRevision, boolean prevKv,
        boolean progressNotify) {

    /** One key, changes from now on, without previous values. */
    public static final WatchOptions DEFAULT = new WatchOptions(ByteString.EMPTY, false, 0, false, false);

    /** Validates the options. */
    public WatchOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (startRevision < 0) {
            throw new IllegalArgumentException("startRevision must not be negative, got " + startRevision);
        }
    }

    /** Returns options that watch every key starting with the given key. */
    public static WatchOptions withPrefix() {
        return new WatchOptions(ByteString.EMPTY, true, 0, false, false);
    }

    /** Returns a copy that reports changes from {@code revision} on. */
    public WatchOptions fromRevision(long revision) {
        return new WatchOptions(rangeEnd, prefix, revision, prevKv, progressNotify);
    }

    /** Returns a copy whose events carry the previous values. */
    public WatchOptions withPrevKv() {
        return new WatchOptions(rangeEnd, prefix, startRevision, true, progressNotify);
    }

    /** Returns a copy that requests progress notifications. */
    public WatchOptions withProgressNotify() {
        return new WatchOptions(rangeEnd, prefix, startRevision, prevKv, true);
    }
}
