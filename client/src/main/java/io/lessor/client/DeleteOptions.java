package io.lessor.client;

import com.google.protobuf.ByteString;
import java.util.Objects;

/**
 * Options of a {@link KV#delete}: the keys it deletes and what it returns.
 *
 * @param rangeEnd the end of the range, exclusive; empty deletes one key
 * @param prefix whether to delete every key that starts with the given key; it replaces
 *     {@code rangeEnd}
 * @param prevKv whether the response returns the deleted keys and values
 */
public record DeleteOptions(ByteString rangeEnd, boolean prefix, boolean prevKv) {

    /** One key, without returning it. */
    public static final DeleteOptions DEFAULT = new DeleteOptions(ByteString.EMPTY, false, false);

    /** Validates the options. */
    public DeleteOptions {
        Objects.requireNonNull(rangeEnd, "rangeEnd");
    }

    /** Returns options that delete every key starting with the given key. */
    public static DeleteOptions withPrefix() {
        return new DeleteOptions(ByteString.EMPTY, true, false);
    }

    /** Returns a copy that returns the deleted keys and values. */
    public DeleteOptions withPrevKv() {
        return new DeleteOptions(rangeEnd, prefix, true);
    }
}
