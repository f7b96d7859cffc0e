package io.lessor.client;

import com.google.protobuf.ByteString;

/** etcd's encoding of key ranges. */
final class KeyRanges {

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
        return ByteString.copyFrom(new byte[] {0});
    }
}
