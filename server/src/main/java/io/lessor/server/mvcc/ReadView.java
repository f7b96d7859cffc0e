package io.lessor.server.mvcc;

import com.google.protobuf.ByteString;

/**
 * A consistent view of the store for one request: a {@link MvccStore#readView() published
 * view} for Range, or the writer's view inside a transaction, which also reads the
 * transaction's own writes.
 */
@FunctionalInterface
public interface ReadView {

    /**
     * Reads a key range; the result's revision is the one to report in a response header.
     *
     * @param key the first key
     * @param end the end of the range, exclusive; empty for the single key {@code key}, and a
     *     single zero byte for every key from {@code key} on
     * @param atRevision the revision to read at; zero or less reads at the view's revision
     * @param limit the most keys to return; zero or less returns all
     * @param countOnly count the keys without returning them
     * @param keysOnly the caller uses only the keys and their metadata, so a value that is not in
     *     memory need not be read, and such a key value comes without its value bytes
     * @throws io.lessor.server.EtcdException {@code FUTURE_REVISION} if {@code atRevision} is
     *     above the view's revision, {@code COMPACTED} if it is below the compacted revision
     */
    RangeResult range(ByteString key, ByteString end, long atRevision, long limit, boolean countOnly,
            boolean keysOnly);

    /** Reads a key range with its values; see {@link #range(ByteString, ByteString, long, long, boolean, boolean)}. */
    default RangeResult range(ByteString key, ByteString end, long atRevision, long limit, boolean countOnly) {
        return range(key, end, atRevision, limit, countOnly, false);
    }
}
