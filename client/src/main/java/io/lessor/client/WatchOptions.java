package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.WatchCreateRequest;
import java.util.Objects;

/**
 * Options of a {@link Watch#watch}: the keys it watches, from which revision, and what each
 * response carries. The range is selected as in {@link GetOptions}. Start from {@link #DEFAULT}
 * or {@link #withPrefix()} and chain the {@code with...} methods; each returns a copy.
 *
 * @param rangeEnd the end of the range, exclusive; empty watches one key, unless {@code prefix}
 *     or {@code fromKey} is set
 * @param prefix whether to watch every key that starts with the given key
 * @param fromKey whether to watch every key greater than or equal to the given key
 * @param startRevision the first revision to report; 0 means changes after the watch is created
 * @param prevKv whether each event carries the key's value before the change
 * @param progressNotify whether the server sends empty responses with the current revision
 *     while nothing changes (every 10 minutes by default in etcd 3.4)
 * @param noPut whether the server leaves PUT events out
 * @param noDelete whether the server leaves DELETE events out
 * @param fragment whether the server may split a revision whose events exceed its request size
 *     limit into several messages. The client joins them again, so the reader still gets one
 *     response per revision
 */
public record WatchOptions(ByteString rangeEnd, boolean prefix, boolean fromKey, long startRevision, boolean prevKv,
        boolean progressNotify, boolean noPut, boolean noDelete, boolean fragment) {

    /** One key, changes from now on, without previous values. */
    public static final WatchOptions DEFAULT = new WatchOptions(ByteString.EMPTY, false, false, 0, false, false, false,
            false, false);

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if {@code startRevision} is negative, or more than one of
     *     {@code prefix}, {@code fromKey} and a non-empty {@code rangeEnd} is set
     */
    public WatchOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        KeyRanges.requireOneRange(prefix, fromKey, rangeEnd);
        if (startRevision < 0) {
            throw new IllegalArgumentException("startRevision must not be negative, got " + startRevision);
        }
    }

    /** Returns options that watch every key starting with the given key. */
    public static WatchOptions withPrefix() {
        return DEFAULT.withPrefixRange();
    }

    /** Returns a copy that watches every key starting with the given key. */
    public WatchOptions withPrefixRange() {
        return new WatchOptions(ByteString.EMPTY, true, false, startRevision, prevKv, progressNotify, noPut, noDelete,
                fragment);
    }

    /** Returns a copy that watches every key greater than or equal to the given key. */
    public WatchOptions withFromKey() {
        return new WatchOptions(ByteString.EMPTY, false, true, startRevision, prevKv, progressNotify, noPut, noDelete,
                fragment);
    }

    /** Returns a copy that watches the keys from the given key up to {@code rangeEnd}, exclusive. */
    public WatchOptions until(ByteString rangeEnd) {
        return new WatchOptions(rangeEnd, false, false, startRevision, prevKv, progressNotify, noPut, noDelete,
                fragment);
    }

    /** Returns a copy that reports changes from {@code revision} on. */
    public WatchOptions fromRevision(long revision) {
        return new WatchOptions(rangeEnd, prefix, fromKey, revision, prevKv, progressNotify, noPut, noDelete,
                fragment);
    }

    /** Returns a copy whose events carry the previous values. */
    public WatchOptions withPrevKv() {
        return new WatchOptions(rangeEnd, prefix, fromKey, startRevision, true, progressNotify, noPut, noDelete,
                fragment);
    }

    /** Returns a copy that requests periodic progress notifications. */
    public WatchOptions withProgressNotify() {
        return new WatchOptions(rangeEnd, prefix, fromKey, startRevision, prevKv, true, noPut, noDelete, fragment);
    }

    /** Returns a copy that reports no PUT events, only deletes. */
    public WatchOptions withNoPut() {
        return new WatchOptions(rangeEnd, prefix, fromKey, startRevision, prevKv, progressNotify, true, noDelete,
                fragment);
    }

    /** Returns a copy that reports no DELETE events, only puts. */
    public WatchOptions withNoDelete() {
        return new WatchOptions(rangeEnd, prefix, fromKey, startRevision, prevKv, progressNotify, noPut, true,
                fragment);
    }

    /** Returns a copy that lets the server split large revisions; see {@link #fragment()}. */
    public WatchOptions withFragment() {
        return new WatchOptions(rangeEnd, prefix, fromKey, startRevision, prevKv, progressNotify, noPut, noDelete,
                true);
    }

    /** Returns etcd's create request for {@code key} with these options, from {@code startRevision}. */
    WatchCreateRequest createRequest(ByteString key, long startRevision) {
        WatchCreateRequest.Builder request = WatchCreateRequest.newBuilder()
                .setKey(key)
                .setRangeEnd(KeyRanges.rangeEnd(key, prefix, fromKey, rangeEnd))
                .setStartRevision(startRevision)
                .setPrevKv(prevKv)
                .setProgressNotify(progressNotify)
                .setFragment(fragment);
        if (noPut) {
            request.addFilters(WatchCreateRequest.FilterType.NOPUT);
        }
        if (noDelete) {
            request.addFilters(WatchCreateRequest.FilterType.NODELETE);
        }
        return request.build();
    }
}
