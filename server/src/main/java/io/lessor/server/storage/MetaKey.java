package io.lessor.server.storage;

import java.nio.charset.StandardCharsets;

/** The names of the values in the {@code meta} column family; each value is 8 bytes, big-endian. */
public enum MetaKey {
    /** The index of the last applied command, counted from 1. */
    APPLIED_INDEX("applied_index"),
    /** The revision the store was compacted at; 0 if never. */
    COMPACTED_REVISION("compacted_revision"),
    /** The member id, fixed when the store is created. */
    MEMBER_ID("member_id"),
    /** The cluster id, fixed when the store is created. */
    CLUSTER_ID("cluster_id"),
    /** The term of the last start; each start raises it by one. */
    TERM("term");

    private final byte[] bytes;

    MetaKey(String name) {
        this.bytes = name.getBytes(StandardCharsets.US_ASCII);
    }

    byte[] bytes() {
        return bytes;
    }
}
