package io.lessor.client;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Options of a {@link KV#delete}: the keys it deletes and what it returns. The range is selected
 * as in {@link GetOptions}.
 *
 * @param rangeEnd the end of the range, exclusive; empty deletes one key, unless {@code prefix}
 *     or {@code fromKey} is set
 * @param prefix whether to delete every key that starts with the given key
 * @param fromKey whether to delete every key greater than or equal to the given key
 * @param prevKv whether the response returns the deleted keys and values
 */
public record DeleteOptions(ByteString rangeEnd, boolean prefix, boolean fromKey, boolean prevKv) {

    /** One key, without returning it. */
    public static final DeleteOptions DEFAULT = new DeleteOptions(ByteString.EMPTY, false, false, false);

    /**
     * Validates the options.
     *
     * @throws IllegalArgumentException if more than one of {@code prefix}, {@code fromKey} and a
     *     non-empty {@code rangeEnd} is set
     */
    public DeleteOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        KeyRanges.requireOneRange(prefix, fromKey, rangeEnd);
    }

    /** Returns options that delete every key starting with the given key. */
    public static DeleteOptions withPrefix() {
        return new DeleteOptions(ByteString.EMPTY, true, false, false);
    }

    /** Returns a copy that deletes every key greater than or equal to the given key. */
    public DeleteOptions withFromKey() {
        return new DeleteOptions(ByteString.EMPTY, false, true, prevKv);
    }

    /** Returns a copy that deletes from the given key up to {@code rangeEnd}, exclusive. */
    public DeleteOptions until(ByteString rangeEnd) {
        return new DeleteOptions(rangeEnd, false, false, prevKv);
    }

    /** Returns a copy that returns the deleted keys and values. */
    public DeleteOptions withPrevKv() {
        return new DeleteOptions(rangeEnd, prefix, fromKey, true);
    }

    /** Returns the range end to send for {@code key}. */
    ByteString rangeEndFor(ByteString key) {
        return KeyRanges.rangeEnd(key, prefix, fromKey, rangeEnd);
    }
}
