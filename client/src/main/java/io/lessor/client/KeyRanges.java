package io.lessor.client;

import com.google.protobuf.ByteString;

/** etcd's encoding of key ranges. */
final class KeyRanges {

    /** The range end that selects every key from the given one on. */
    static final ByteString FROM_KEY_END = ByteString.copyFrom(new byte[] {0});

    private KeyRanges() {
    }

    /**
     * Returns the range end that selects every key starting with {@code prefix}: the prefix with
     * its last byte below 0xff incremented and the bytes after it dropped, or {@code "\0"} (every
     * key) when all its bytes are 0xff or it is empty, as etcd defines a prefix range.
     */
    static ByteString prefixEnd(ByteString prefix) {
        byte[] end = prefix.toByteArray();
        for (int i = end.length - 1; i >= 0; i--) {
            if (end[i] != (byte) 0xff) {
                end[i]++;
                return ByteString.copyFrom(end, 0, i + 1);
            }
        }
        return FROM_KEY_END;
    }

    /** Returns the range end to send for {@code key} with one of the three ways to select a range. */
    static ByteString rangeEnd(ByteString key, boolean prefix, boolean fromKey, ByteString rangeEnd) {
        if (prefix) {
            return prefixEnd(key);
        }
        if (fromKey) {
            return FROM_KEY_END;
        }
        return rangeEnd;
    }

    /**
     * Checks that options select their range in at most one way.
     *
     * @throws IllegalArgumentException if more than one of {@code prefix}, {@code fromKey} and a
     *     non-empty {@code rangeEnd} is set
     */
    static void requireOneRange(boolean prefix, boolean fromKey, ByteString rangeEnd) {
        int ways = (prefix ? 1 : 0) + (fromKey ? 1 : 0) + (rangeEnd.isEmpty() ? 0 : 1);
        if (ways > 1) {
            throw new IllegalArgumentException("a range is either a prefix, from a key on, or up to a range end; got prefix="
                    + prefix + ", fromKey=" + fromKey + " and a range end of " + rangeEnd.size() + " bytes");
        }
    }
}
