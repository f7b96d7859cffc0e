package io.lessor.client;

import com.google.protobuf.ByteString;
import io.lessor.api.RangeRequest;
import java.util.Objects;

/**
 * Options of a {@link KV#get}: the keys it reads, at which revision, which of them it returns
 * and in what order, in etcd's terms. Start from {@link #DEFAULT} or {@link #withPrefix()} and
 * chain the {@code with...} methods; each returns a copy.
 *
 * <pre>{@code
 * // the 10 most recently modified keys under "jobs/", without values
 * GetOptions.withPrefix().withSort(SortTarget.MOD, SortOrder.DESCEND).limitedTo(10).withKeysOnly()
 * }</pre>
 *
 * <p>The range is one of: the given key alone (the default), every key with the given key as
 * prefix ({@code prefix}), every key from the given one on ({@code fromKey}), or the keys up to
 * {@code rangeEnd}, exclusive. The revision bounds filter the keys returned, and {@code more}
 * considers only the keys that pass them, but {@code count} still counts every key in the range.
 *
 * @param rangeEnd the end of the range, exclusive; empty reads one key, unless {@code prefix}
 *     or {@code fromKey} is set
 * @param prefix whether to read every key that starts with the given key
 * @param fromKey whether to read every key greater than or equal to the given key
 * @param limit the maximum number of keys returned; 0 means no limit
 * @param revision the revision to read at; 0 means the latest
 * @param sortOrder the order of the keys returned; {@code NONE} returns them by key, ascending
 * @param sortTarget what the keys are sorted by; with {@code NONE} as order and a target other
 *     than {@code KEY}, etcd sorts ascending
 * @param keysOnly whether to leave values out
 * @param countOnly whether to return only the count
 * @param serializable whether the member may respond from its local state without a consensus
 *     round (faster, possibly stale in a cluster)
 * @param minModRevision the lowest mod revision of the keys returned; 0 means no bound
 * @param maxModRevision the highest mod revision of the keys returned; 0 means no bound
 * @param minCreateRevision the lowest create revision of the keys returned; 0 means no bound
 * @param maxCreateRevision the highest create revision of the keys returned; 0 means no bound
 */
public record GetOptions(ByteString rangeEnd, boolean prefix, boolean fromKey, long limit, long revision,
        RangeRequest.SortOrder sortOrder, RangeRequest.SortTarget sortTarget, boolean keysOnly, boolean countOnly,
        boolean serializable, long minModRevision, long maxModRevision, long minCreateRevision,
        long maxCreateRevision) {

    /** One key, at the latest revision, linearizable, with its value. */
    public static final GetOptions DEFAULT = new GetOptions(ByteString.EMPTY, false, false, 0, 0,
            RangeRequest.SortOrder.NONE, RangeRequest.SortTarget.KEY, false, false, false, 0, 0, 0, 0);

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if a number is negative, an enum is {@code UNRECOGNIZED},
     *     or more than one of {@code prefix}, {@code fromKey} and a non-empty {@code rangeEnd} is set
     */
    public GetOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        Objects.requireNonNull(sortOrder, "sortOrder");
        Objects.requireNonNull(sortTarget, "sortTarget");
        KeyRanges.requireOneRange(prefix, fromKey, rangeEnd);
        requireNotNegative("limit", limit);
        requireNotNegative("revision", revision);
        requireNotNegative("minModRevision", minModRevision);
        requireNotNegative("maxModRevision", maxModRevision);
        requireNotNegative("minCreateRevision", minCreateRevision);
        requireNotNegative("maxCreateRevision", maxCreateRevision);
        if (sortOrder == RangeRequest.SortOrder.UNRECOGNIZED || sortTarget == RangeRequest.SortTarget.UNRECOGNIZED) {
            throw new IllegalArgumentException("sortOrder and sortTarget must be values etcd defines, got "
                    + sortOrder + " and " + sortTarget);
        }
    }

    private static void requireNotNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must not be negative, got " + value);
        }
    }

    /** Returns options that read every key starting with the given key. */
    public static GetOptions withPrefix() {
        return DEFAULT.withPrefixRange();
    }

    /** Returns a copy that reads every key starting with the given key. */
    public GetOptions withPrefixRange() {
        return new GetOptions(ByteString.EMPTY, true, false, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that reads every key greater than or equal to the given key. */
    public GetOptions withFromKey() {
        return new GetOptions(ByteString.EMPTY, false, true, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that reads from the given key up to {@code rangeEnd}, exclusive. */
    public GetOptions until(ByteString rangeEnd) {
        return new GetOptions(rangeEnd, false, false, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that reads at {@code revision}. */
    public GetOptions atRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that returns at most {@code limit} keys. */
    public GetOptions limitedTo(long limit) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that sorts the keys by {@code target} in {@code order}. */
    public GetOptions withSort(RangeRequest.SortTarget target, RangeRequest.SortOrder order) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, order, target, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that leaves values out. */
    public GetOptions withKeysOnly() {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, sortOrder, sortTarget, true,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that returns only the count. */
    public GetOptions withCountOnly() {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, sortOrder, sortTarget, keysOnly,
                true, serializable, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that reads serializably. */
    public GetOptions withSerializable() {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, revision, sortOrder, sortTarget, keysOnly,
                countOnly, true, minModRevision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that returns only keys last modified at {@code revision} or later. */
    public GetOptions withMinModRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, this.revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, revision, maxModRevision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that returns only keys last modified at {@code revision} or earlier. */
    public GetOptions withMaxModRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, this.revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, revision, minCreateRevision, maxCreateRevision);
    }

    /** Returns a copy that returns only keys created at {@code revision} or later. */
    public GetOptions withMinCreateRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, this.revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, revision, maxCreateRevision);
    }

    /** Returns a copy that returns only keys created at {@code revision} or earlier. */
    public GetOptions withMaxCreateRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, fromKey, limit, this.revision, sortOrder, sortTarget, keysOnly,
                countOnly, serializable, minModRevision, maxModRevision, minCreateRevision, revision);
    }

    /** Returns the range end to send for {@code key}: etcd's encoding of the range these options select. */
    ByteString rangeEndFor(ByteString key) {
        return KeyRanges.rangeEnd(key, prefix, fromKey, rangeEnd);
    }
}
