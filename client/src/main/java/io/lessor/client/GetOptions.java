package io.lessor.client;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Options of a {@link KV#get}: the keys it reads and at which revision, in etcd's terms.
 *
 * @param rangeEnd the end of the range, exclusive; empty reads one key; {@code "\0"} reads every
 *     key from the given one on
 * @param prefix whether to read every key that starts with the given key; it replaces
 *     {@code rangeEnd}
 * @param limit the maximum number of keys returned; 0 means no limit
 * @param revision the revision to read at; 0 means the latest
 * @param keysOnly whether to leave values out
 * @param countOnly whether to return only the count
 * @param serializable whether the member may respond from its local state without a consensus
 *     round (faster, possibly stale in a cluster)
 */
public record GetOptions(ByteString rangeEnd, boolean prefix, long limit, long revision, boolean keysOnly,
        boolean countOnly, boolean serializable) {

    /** One key, at the latest revision, linearizable. */
    public static final GetOptions DEFAULT = new GetOptions(ByteString.EMPTY, false, 0, 0, false, false, false);

    /** Validates the options. */
    public GetOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (limit < 0 || revision < 0) {
            throw new IllegalArgumentException("limit and revision must not be negative, got limit " + limit
                    + " and revision " + revision);
        }
    }

    /** Returns options that read every key starting with the given key. */
    public static GetOptions withPrefix() {
        return DEFAULT.withPrefixRange();
    }

    /** Returns a copy that reads every key starting with the given key. */
    public GetOptions withPrefixRange() {
        return new GetOptions(rangeEnd, true, limit, revision, keysOnly, countOnly, serializable);
    }

    /** Returns a copy that reads at {@code revision}. */
    public GetOptions atRevision(long revision) {
        return new GetOptions(rangeEnd, prefix, limit, revision, keysOnly, countOnly, serializable);
    }

    /** Returns a copy that returns at most {@code limit} keys. */
    public GetOptions limitedTo(long limit) {
        return new GetOptions(rangeEnd, prefix, limit, revision, keysOnly, countOnly, serializable);
    }

    /** Returns a copy that reads up to {@code rangeEnd}, exclusive. */
    public GetOptions until(ByteString rangeEnd) {
        return new GetOptions(rangeEnd, false, limit, revision, keysOnly, countOnly, serializable);
    }

    /** Returns a copy that leaves values out. */
    public GetOptions withKeysOnly() {
        return new GetOptions(rangeEnd, prefix, limit, revision, true, countOnly, serializable);
    }

    /** Returns a copy that returns only the count. */
    public GetOptions withCountOnly() {
        return new GetOptions(rangeEnd, prefix, limit, revision, keysOnly, true, serializable);
    }

    /** Returns a copy that reads serializably. */
    public GetOptions withSerializable() {
        return new GetOptions(rangeEnd, prefix, limit, revision, keysOnly, countOnly, true);
    }
}
